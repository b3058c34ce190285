/**
 * The dry run's plan: the requests a real run would send, described without any secret (the
 * API key travels only in the Authorization header, which is named, never shown), from the
 * client's own descriptions of them.
 */
import type { CocalcInputs } from '../inputs.js'
import { formatBytes } from '../text.js'
import type { CocalcClient, PlannedUpload } from './client.js'
import { batchPaths } from './scripts.js'
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

/** Hash, upload (each file the way the client would send it) and verify. */
async function uploadPlan(client: CocalcClient, inputs: PlanInputs, items: readonly UploadItem[], chunkBytes: number): Promise<string[]> {
  const base = inputs.cocalcUrl
  const exec = inputs.api === 'v2' ? `${base}/api/v2/exec` : `${base}/api/v1/project_exec`
  const hashBatches = hashBatchCount(client, items)
  const ways = await Promise.all(items.map((item) => client.planUpload(item.remotePath, item.file)))
  const count = (via: PlannedUpload['via']): { files: number; requests: number; bytes: number } =>
    ways.reduce(
      (sum, way, i) =>
        way.via === via ? { files: sum.files + 1, requests: sum.requests + way.requests, bytes: sum.bytes + items[i].file.size } : sum,
      { files: 0, requests: 0, bytes: 0 }
    )
  const lines: string[] = []
  if (inputs.api === 'v2') lines.push(`POST ${base}/api/v2/projects/start ${JSON.stringify({ project_id: inputs.projectId })}`)
  lines.push(
    `POST ${exec}: sha256 of the ${items.length} destination path(s) under ${inputs.path}/ (${hashBatches} request(s)), to send only what differs`
  )
  if (inputs.api === 'v2') {
    const chunked = count('upload')
    const empty = count('write-text-file')
    lines.push(
      `POST ${base}/upload?project_id=${inputs.projectId}&compute_server_id=0&path=<folder>: multipart upload of each file that differs: at most ${items.length} file(s), ${formatBytes(chunked.bytes + empty.bytes)}, in at most ${chunked.requests} request(s) of up to ${formatBytes(chunkBytes)}`
    )
    if (empty.files > 0)
      lines.push(`POST ${base}/api/v2/projects/write-text-file: ${empty.files} empty file(s) (the upload endpoint refuses empty files)`)
  } else {
    const text = count('text')
    const pieces = count('pieces')
    lines.push(`POST ${base}/api/v1/write_text_file_to_project: each text file that differs (at most ${text.files})`)
    if (pieces.files > 0) {
      lines.push(
        `POST ${base}/api/v1/write_text_file_to_project + project_exec: ${pieces.files} binary or large file(s) as at most ${pieces.requests} base64 piece(s), decoded inside the project`
      )
    }
  }
  if (inputs.verify) lines.push(`POST ${exec}: sha256 of the uploaded files again (verify), re-uploading any mismatch once`)
  return lines
}

/** How many exec requests hashing `items` takes, split by the client's own limits. */
function hashBatchCount(client: CocalcClient, items: readonly UploadItem[]): number {
  return batchPaths(
    items.map((item) => item.remotePath),
    items.map((item) => item.file.size),
    client.hashBatchLimits
  ).length
}
