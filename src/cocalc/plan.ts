/**
 * The dry run's plan: the requests a real run would send, described without any secret (the
 * API key travels only in the Authorization header, which is named, never shown).
 */
import type { CocalcInputs } from '../inputs.js'
import { formatBytes } from '../text.js'
import { chunkCount } from './chunks.js'
import { batchPaths } from './scripts.js'
import type { UploadItem } from './upload.js'
import { V1_BODY_LIMIT, V1_HASH_LIMITS, V1_PIECE_BYTES, V1_PIECES_ROOT, V2_HASH_LIMITS } from './limits.js'
import { planArchives } from './bulk.js'

type PlanInputs = Pick<
  CocalcInputs,
  | 'api'
  | 'patterns'
  | 'cocalcUrl'
  | 'projectId'
  | 'path'
  | 'targetProjectIds'
  | 'targetPath'
  | 'overwriteNewer'
  | 'deleteMissing'
  | 'backup'
  | 'exclude'
  | 'wait'
  | 'timeoutSeconds'
  | 'verify'
>

export function planRequests(inputs: PlanInputs, items: readonly UploadItem[], chunkBytes: number): string[] {
  const base = inputs.cocalcUrl
  const auth = "(Authorization: Basic, from 'cocalc-api-key')"
  const hashBatches = batchPaths(
    items.map((item) => item.remotePath),
    items.map((item) => item.file.size),
    inputs.api === 'v1' ? V1_HASH_LIMITS : V2_HASH_LIMITS
  ).length
  const lines: string[] = [`All requests ${auth}`]
  if (inputs.patterns.length === 0) {
    lines.push(`Nothing uploaded ('files' is empty): the existing ${inputs.path}/ of project ${inputs.projectId} is copied`)
    if (inputs.api === 'v2') lines.push(`POST ${base}/api/v2/projects/start ${JSON.stringify({ project_id: inputs.projectId })}`)
  } else if (inputs.api === 'v2') {
    lines.push(`POST ${base}/api/v2/projects/start ${JSON.stringify({ project_id: inputs.projectId })}`)
    lines.push(
      `POST ${base}/api/v2/exec: sha256 of the ${items.length} destination path(s) under ${inputs.path}/ (${hashBatches} request(s)), to send only what differs`
    )
    const { batches, single } = planArchives(items, inputs.path)
    if (batches.length > 0) {
      const archived = batches.flat()
      const chunks = batches.reduce((sum, batch) => sum + chunkCount(tarBytes(batch), chunkBytes), 0)
      lines.push(
        `POST ${base}/upload?project_id=${inputs.projectId}&compute_server_id=0&path=${V1_PIECES_ROOT}/<id>: the small files that differ packed into ${batches.length} archive(s) (at most ${archived.length} file(s), ${formatBytes(sizeOf(archived))}), in at most ${chunks} request(s) of up to ${formatBytes(chunkBytes)}`
      )
      lines.push(`POST ${base}/api/v2/exec: unpack each archive into ${inputs.path}/ and hash every file where it lands (this verifies them)`)
    }
    if (single.length > 0) {
      const uploads = single.reduce((sum, item) => sum + (item.file.size === 0 ? 1 : chunkCount(item.file.size, chunkBytes)), 0)
      const empty = single.filter((item) => item.file.size === 0).length
      lines.push(
        `POST ${base}/upload?project_id=${inputs.projectId}&compute_server_id=0&path=<folder>: multipart upload of each other file that differs: at most ${single.length} file(s), ${formatBytes(sizeOf(single))}, in at most ${uploads - empty} request(s) of up to ${formatBytes(chunkBytes)}`
      )
      if (empty > 0) lines.push(`POST ${base}/api/v2/projects/write-text-file: ${empty} empty file(s) (the upload endpoint refuses empty files)`)
      if (inputs.verify) lines.push(`POST ${base}/api/v2/exec: sha256 of those files again (verify), re-uploading any mismatch once`)
    }
  } else {
    lines.push(
      `POST ${base}/api/v1/project_exec: sha256 of the ${items.length} destination path(s) under ${inputs.path}/ (${hashBatches} request(s)), to send only what differs`
    )
    const { batches, single } = planArchives(items, inputs.path)
    if (batches.length > 0) {
      const archived = batches.flat()
      const pieces = batches.reduce((sum, batch) => sum + chunkCount(tarBytes(batch), V1_PIECE_BYTES), 0)
      lines.push(
        `POST ${base}/api/v1/write_text_file_to_project + project_exec: the small files that differ packed into ${batches.length} archive(s) (at most ${archived.length} file(s), ${formatBytes(sizeOf(archived))}) as at most ${pieces} base64 piece(s), then unpacked into ${inputs.path}/ with every file hashed where it lands (this verifies them)`
      )
    }
    if (single.length > 0) {
      const text = single.filter((item) => item.file.isText && item.file.size <= V1_BODY_LIMIT).length
      const pieces = single
        .filter((item) => !(item.file.isText && item.file.size <= V1_BODY_LIMIT))
        .reduce((sum, item) => sum + chunkCount(item.file.size, V1_PIECE_BYTES), 0)
      if (text > 0) lines.push(`POST ${base}/api/v1/write_text_file_to_project: each other text file that differs (at most ${text})`)
      if (pieces > 0) {
        lines.push(
          `POST ${base}/api/v1/write_text_file_to_project + project_exec: ${single.length - text} binary or large file(s) as at most ${pieces} base64 piece(s), decoded inside the project`
        )
      }
      if (inputs.verify) lines.push(`POST ${base}/api/v1/project_exec: sha256 of those files again (verify), re-uploading any mismatch once`)
    }
  }
  for (const target of inputs.targetProjectIds) {
    if (inputs.api === 'v2') {
      const body = {
        src_project_id: inputs.projectId,
        path: inputs.path,
        target_project_id: target,
        target_path: inputs.targetPath,
        overwrite_newer: inputs.overwriteNewer,
        delete_missing: inputs.deleteMissing,
        backup: inputs.backup,
        wait_until_done: false
      }
      lines.push(`POST ${base}/api/v2/projects/copy-path ${JSON.stringify(body)}`)
    } else {
      const body: Record<string, unknown> = {
        src_project_id: inputs.projectId,
        src_path: inputs.path,
        target_project_id: target,
        target_path: inputs.targetPath,
        overwrite_newer: inputs.overwriteNewer,
        delete_missing: inputs.deleteMissing,
        backup: inputs.backup,
        wait_until_done: false
      }
      if (inputs.exclude.length > 0) body.exclude = inputs.exclude
      lines.push(`POST ${base}/api/v1/copy_path_between_projects ${JSON.stringify(body)}`)
    }
  }
  if (inputs.targetProjectIds.length > 0 && inputs.wait) {
    const status =
      inputs.api === 'v2' ? `${base}/api/v2/projects/copy-path-status {"copy_id":…}` : `${base}/api/v1/copy_path_status {"copy_path_id":…}`
    lines.push(`POST ${status} for each queued copy, until it finishes (the whole step: at most ${inputs.timeoutSeconds} s)`)
  }
  if (inputs.targetProjectIds.length > 0 && inputs.verify && inputs.patterns.length > 0) {
    const exec = inputs.api === 'v2' ? `${base}/api/v2/exec` : `${base}/api/v1/project_exec`
    lines.push(
      `POST ${exec} in each target project: sha256 of the copied files (${hashBatches} request(s) per look), after the copy finished, or until they match when the server gave no copy id`
    )
  }
  return lines
}

function sizeOf(items: readonly UploadItem[]): number {
  return items.reduce((sum, item) => sum + item.file.size, 0)
}

/** Bytes of a plain tar of `items` at most (a header and padding per file, PAX records for long names, the end blocks). */
function tarBytes(items: readonly UploadItem[]): number {
  return items.reduce((sum, item) => sum + 1536 + Math.ceil(item.file.size / 512) * 512, 1024)
}
