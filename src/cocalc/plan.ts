/**
 * The dry run's plan: the requests a real run would send, described without any secret (the
 * API key travels only in the Authorization header, which is named, never shown), from the
 * client's own descriptions of them.
 */
import type { CocalcInputs } from '../inputs.js'
import { formatBytes } from '../text.js'
import type { CocalcClient, PlannedUpload } from './client.js'
import { batchPaths } from './scripts.js'
import { chunkCount } from './chunks.js'
import { planArchives } from './bulk.js'
import { V1_PIECE_BYTES, V1_PIECES_ROOT } from './v1.js'
import type { UploadItem } from './upload.js'

type PlanInputs = Pick<
  CocalcInputs,
  | 'api'
  | 'copyOnly'
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

/**
 * The plan, from the client's own descriptions: the same copy bodies copyPath sends, and each
 * file's way (v1's text-or-pieces rule, v2's chunks) decided by the code that uploads it.
 */
export async function planRequests(client: CocalcClient, inputs: PlanInputs, items: readonly UploadItem[], chunkBytes: number): Promise<string[]> {
  const base = inputs.cocalcUrl
  const lines: string[] = ["All requests (Authorization: Basic, from 'cocalc-api-key')"]
  if (inputs.copyOnly) {
    lines.push(`Nothing uploaded ('files' is empty): the existing ${inputs.path}/ of project ${inputs.projectId} is copied`)
    if (inputs.api === 'v2') lines.push(`POST ${base}/api/v2/projects/start ${JSON.stringify({ project_id: inputs.projectId })}`)
  } else {
    lines.push(...(await uploadPlan(client, inputs, items, chunkBytes)))
  }
  for (const projectId of inputs.targetProjectIds) {
    const request = client.copyRequest({
      targetProjectId: projectId,
      path: inputs.path,
      targetPath: inputs.targetPath,
      overwriteNewer: inputs.overwriteNewer,
      deleteMissing: inputs.deleteMissing,
      backup: inputs.backup,
      exclude: inputs.exclude
    })
    lines.push(`POST ${base}${request.path} ${JSON.stringify(request.body)}`)
  }
  if (inputs.targetProjectIds.length > 0 && inputs.wait) {
    const status =
      inputs.api === 'v2' ? `${base}/api/v2/projects/copy-path-status {"copy_id":…}` : `${base}/api/v1/copy_path_status {"copy_path_id":…}`
    lines.push(`POST ${status} for each queued copy, until it finishes (the whole step: at most ${inputs.timeoutSeconds} s)`)
  }
  if (inputs.targetProjectIds.length > 0 && inputs.verify && !inputs.copyOnly) {
    const exec = inputs.api === 'v2' ? `${base}/api/v2/exec` : `${base}/api/v1/project_exec`
    const hashBatches = hashBatchCount(client, items)
    lines.push(
      `POST ${exec} in each target project: sha256 of the copied files (${hashBatches} request(s) per look), after the copy finished, or until they match when the server gave no copy id`
    )
  }
  return lines
}

/** Hash, upload (archives, then each other file the way the client would send it) and verify. */
async function uploadPlan(client: CocalcClient, inputs: PlanInputs, items: readonly UploadItem[], chunkBytes: number): Promise<string[]> {
  const base = inputs.cocalcUrl
  const exec = inputs.api === 'v2' ? `${base}/api/v2/exec` : `${base}/api/v1/project_exec`
  const hashBatches = hashBatchCount(client, items)
  const { batches, single } = planArchives(items, inputs.path)
  const ways = await Promise.all(single.map((item) => client.planUpload(item.remotePath, item.file)))
  const count = (via: PlannedUpload['via']): { files: number; requests: number; bytes: number } =>
    ways.reduce(
      (sum, way, i) =>
        way.via === via ? { files: sum.files + 1, requests: sum.requests + way.requests, bytes: sum.bytes + single[i].file.size } : sum,
      { files: 0, requests: 0, bytes: 0 }
    )
  const lines: string[] = []
  if (inputs.api === 'v2') lines.push(`POST ${base}/api/v2/projects/start ${JSON.stringify({ project_id: inputs.projectId })}`)
  lines.push(
    `POST ${exec}: sha256 of the ${items.length} destination path(s) under ${inputs.path}/ (${hashBatches} request(s)), to send only what differs`
  )
  lines.push(...archivePlan(inputs, batches, chunkBytes))
  if (single.length === 0) return lines
  if (inputs.api === 'v2') {
    const chunked = count('upload')
    const empty = count('write-text-file')
    lines.push(
      `POST ${base}/upload?project_id=${inputs.projectId}&compute_server_id=0&path=<folder>: multipart upload of each other file that differs: at most ${single.length} file(s), ${formatBytes(chunked.bytes + empty.bytes)}, in at most ${chunked.requests} request(s) of up to ${formatBytes(chunkBytes)}`
    )
    if (empty.files > 0)
      lines.push(`POST ${base}/api/v2/projects/write-text-file: ${empty.files} empty file(s) (the upload endpoint refuses empty files)`)
  } else {
    const text = count('text')
    const pieces = count('pieces')
    if (text.files > 0) lines.push(`POST ${base}/api/v1/write_text_file_to_project: each other text file that differs (at most ${text.files})`)
    if (pieces.files > 0) {
      lines.push(
        `POST ${base}/api/v1/write_text_file_to_project + project_exec: ${pieces.files} binary or large file(s) as at most ${pieces.requests} base64 piece(s), decoded inside the project`
      )
    }
  }
  if (inputs.verify) lines.push(`POST ${exec}: sha256 of those files again (verify), re-uploading any mismatch once`)
  return lines
}

/** The archives (./bulk.ts): their upload chunks or base64 pieces, and the exec that unpacks and verifies. */
function archivePlan(inputs: PlanInputs, batches: readonly UploadItem[][], chunkBytes: number): string[] {
  if (batches.length === 0) return []
  const base = inputs.cocalcUrl
  const files = batches.flat()
  const what = `the small files that differ packed into ${batches.length} archive(s) (at most ${files.length} file(s), ${formatBytes(sizeOf(files))})`
  if (inputs.api === 'v1') {
    const pieces = batches.reduce((sum, batch) => sum + chunkCount(tarBytes(batch), V1_PIECE_BYTES), 0)
    return [
      `POST ${base}/api/v1/write_text_file_to_project + project_exec: ${what} as at most ${pieces} base64 piece(s), then unpacked into ${inputs.path}/ with every file hashed where it lands (this verifies them)`
    ]
  }
  const chunks = batches.reduce((sum, batch) => sum + chunkCount(tarBytes(batch), chunkBytes), 0)
  return [
    `POST ${base}/upload?project_id=${inputs.projectId}&compute_server_id=0&path=${V1_PIECES_ROOT}/<id>: ${what}, in at most ${chunks} request(s) of up to ${formatBytes(chunkBytes)}`,
    `POST ${base}/api/v2/exec: unpack each archive into ${inputs.path}/ and hash every file where it lands (this verifies them)`
  ]
}

function sizeOf(items: readonly UploadItem[]): number {
  return items.reduce((sum, item) => sum + item.file.size, 0)
}

/** Bytes of a plain tar of `items` at most (a header and padding per file, PAX records for long names, the end blocks). */
function tarBytes(items: readonly UploadItem[]): number {
  return items.reduce((sum, item) => sum + 1536 + Math.ceil(item.file.size / 512) * 512, 1024)
}

/** How many exec requests hashing `items` takes, split by the client's own limits. */
function hashBatchCount(client: CocalcClient, items: readonly UploadItem[]): number {
  return batchPaths(
    items.map((item) => item.remotePath),
    items.map((item) => item.file.size),
    client.hashBatchLimits
  ).length
}
