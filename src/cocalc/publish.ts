/**
 * The cocalc mode (INTERFACE.md): upload the collected files to `<path>/` in `project-id`
 * (only what differs), verify them inside the project, copy the folder to every target project,
 * wait for the copies, and describe all of it in one PublishResult. A failed or timed-out copy
 * does not throw: the result carries `failure`, so outputs and the summary are written first
 * and the step fails afterwards with every target reported.
 */
import * as core from '@actions/core'
import { SHARE_DESCRIPTION_MAX, type CocalcInputs } from '../inputs.js'
import type { Collection } from '../files.js'
import { formatBytes } from '../text.js'
import { defaultDescription, type RunContext } from '../context.js'
import type { CopyOutcome, PublishResult, PublishStatus } from '../report/result.js'
import { createCocalcClient, type CocalcClient, type CocalcClientOptions } from './client.js'
import { createCocalcHttp, credentialForms } from './connection.js'
import { uploadChanged, verifyUploads, type SyncOptions, type UploadItem } from './upload.js'
import { actionsLogger, type Logger } from '../logger.js'
import { requestCopies, waitForCopies, type CopyProgress, type CopyTarget } from './copy.js'
import { StepDeadline } from './deadline.js'
import { targetCheck } from './target-check.js'
import type { RemoteFile } from './scripts.js'
import { sleep } from '../concurrency.js'
import { kioskUrl, projectFolderUrl, remotePathOf } from './links.js'
import { planRequests } from './plan.js'
import type { Tuning } from '../tuning.js'
import type { PendingRequests } from '../http.js'
import { CocalcShares, planShares, sharePublished } from './share.js'

/**
 * `deadline`: the step's, when it started earlier (main.ts starts it before listing a PR's
 * changed files, which it bounds too); else it starts here.
 */
export async function publishCocalc(
  inputs: CocalcInputs,
  collection: Collection,
  context: RunContext,
  tuning: Tuning,
  deadline: StepDeadline = new StepDeadline(inputs.timeoutSeconds)
): Promise<PublishResult> {
  const items: UploadItem[] = collection.files.map((file) => ({ file, remotePath: remotePathOf(inputs.path, file.name) }))
  const base = baseResult(inputs, collection)
  const log = actionsLogger
  if (inputs.dryRun) {
    deadline.dispose()
    return planDryRun(inputs, context, items, base, clientOptionsOf(inputs, tuning, log))
  }

  for (const form of credentialForms(inputs.apiKey)) core.setSecret(form)
  // `timeout` bounds everything from here on: upload, verification, copies and waits.
  const clientOptions = clientOptionsOf(inputs, tuning, log, deadline.signal)
  const client = createCocalcClient(inputs.api, clientOptions)
  const shares =
    inputs.share === 'none'
      ? undefined
      : new CocalcShares({
          http: createCocalcHttp(clientOptions),
          api: inputs.api,
          mode: inputs.share,
          description: shareDescription(inputs, context),
          log
        })
  let pending: PendingRequests = 'abandon'
  try {
    const result = await publishPhases({ client, shares, inputs, items, base, log, deadline, archives: tuning.cocalcArchives })
    pending = 'finish'
    return result
  } finally {
    deadline.dispose()
    core.debug(`CoCalc: ${client.requestCount} HTTP request(s) sent`)
    // After a failure or the deadline, requests still in flight (a hung server, the other uploads
    // of a failed batch) are cut: closing must not wait for answers that may never come.
    await Promise.all([client.close(pending), shares?.close(pending)])
  }
}

/** What every cocalc result starts from: the files, the links, nothing copied yet. */
function baseResult(inputs: CocalcInputs, collection: Collection): PublishResult {
  const projectUrl = projectFolderUrl(inputs.cocalcUrl, inputs.projectId, inputs.path)
  const firstTarget = inputs.targetProjectIds[0]
  return {
    mode: 'cocalc',
    status: 'uploaded',
    files: collection.files.map(({ name, size }) => ({ name, size })),
    skipped: collection.skipped,
    projectUrl,
    embedUrl: kioskUrl(firstTarget ? projectFolderUrl(inputs.cocalcUrl, firstTarget, inputs.targetPath) : projectUrl),
    copies: [],
    ...(inputs.copyOnly ? { copyOnly: true } : {})
  }
}

function clientOptionsOf(inputs: CocalcInputs, tuning: Tuning, log: Logger, signal?: AbortSignal): CocalcClientOptions {
  return {
    baseUrl: inputs.cocalcUrl,
    apiKey: inputs.apiKey,
    projectId: inputs.projectId,
    concurrency: inputs.concurrency,
    chunkBytes: tuning.cocalcChunkBytes,
    log,
    ...(signal ? { signal } : {})
  }
}

/** A dry run: the requests a real run would send, as the client describes them; nothing is sent. */
async function planDryRun(
  inputs: CocalcInputs,
  context: RunContext,
  items: readonly UploadItem[],
  base: PublishResult,
  options: CocalcClientOptions
): Promise<PublishResult> {
  const client = createCocalcClient(inputs.api, options)
  try {
    const plannedRequests = [
      ...(await planRequests(client, inputs, items, options.chunkBytes)),
      ...planShares(inputs, shareDescription(inputs, context))
    ]
    await core.group('Planned requests (dry run: nothing is sent)', async () => {
      for (const line of plannedRequests) core.info(line)
    })
    return { ...base, status: 'dry-run', plannedRequests }
  } finally {
    await client.close()
  }
}

interface PublishJob {
  client: CocalcClient
  shares: CocalcShares | undefined
  inputs: CocalcInputs
  items: readonly UploadItem[]
  base: PublishResult
  log: Logger
  deadline: StepDeadline
  /** Whether many files may travel as one archive (./bulk.ts): off only for tests of the per-file path. */
  archives: boolean
}

/** Check sharing, upload and verify, copy and wait, share: in that order, each a phase of the deadline. */
async function publishPhases(job: PublishJob): Promise<PublishResult> {
  const { client, shares, inputs, items, base, log, deadline, archives } = job
  // A server that does not allow sharing is refused before anything is uploaded.
  if (shares) await core.group('Check that the server allows sharing', () => deadline.run('share', () => shares.checkServer()))
  const syncOptions: SyncOptions = {
    concurrency: inputs.concurrency,
    verify: inputs.verify,
    log,
    sleep: (ms) => sleep(ms, deadline.signal),
    archiveFolder: archives ? inputs.path : undefined
  }
  const upload = await uploadPhases(client, inputs, items, syncOptions, deadline)
  const result: PublishResult = inputs.copyOnly ? base : { ...base, uploadedCount: upload.sent.length }
  const share = (published: PublishResult): Promise<PublishResult> =>
    shares ? core.group('Share', () => deadline.run('share', () => sharePublished(shares, published, inputs))) : Promise.resolve(published)
  const targets: CopyTarget[] = inputs.targetProjectIds.map((projectId) => ({ projectId, path: inputs.targetPath }))
  if (targets.length === 0) return share(result)

  const uploaded = inputs.copyOnly ? undefined : { items, source: upload.remote }
  const copies = await copyPhases(client, inputs, targets, uploaded, log, deadline)
  return share(finishResult(result, copies, inputs))
}

/**
 * Requests every copy, then decides each: waits for it (with `wait`) and, with `verify` and
 * uploaded files to compare, proves it inside its target.
 */
async function copyPhases(
  client: CocalcClient,
  inputs: CocalcInputs,
  targets: readonly CopyTarget[],
  uploaded: { items: readonly UploadItem[]; source: Map<string, RemoteFile> } | undefined,
  log: Logger,
  deadline: StepDeadline
): Promise<CopyProgress[]> {
  const copies = await core.group('Copy', () =>
    deadline.run('copy', () =>
      requestCopies(
        client,
        targets,
        {
          path: inputs.path,
          overwriteNewer: inputs.overwriteNewer,
          deleteMissing: inputs.deleteMissing,
          backup: inputs.backup,
          exclude: inputs.exclude
        },
        inputs.concurrency,
        log
      )
    )
  )
  // Proof inside each target needs the files' hashes: with verify on and something uploaded.
  const check =
    inputs.verify && uploaded
      ? targetCheck(client, {
          items: uploaded.items,
          source: uploaded.source,
          overwriteNewer: inputs.overwriteNewer,
          exclude: inputs.exclude,
          concurrency: inputs.concurrency,
          log
        })
      : undefined
  await core.group(inputs.wait ? 'Wait' : 'Check the copies', async () => {
    deadline.enter('wait')
    const running = copies.filter((copy) => copy.status === 'running').length
    if (running > 0 && inputs.wait) {
      core.info(
        `Waiting up to ${Math.max(0, Math.round((deadline.endsAt - Date.now()) / 1000))} s for ${running} cop${running === 1 ? 'y' : 'ies'} to finish`
      )
    }
    await waitForCopies(client, copies, { deadline: deadline.endsAt, log, check, wait: inputs.wait })
  })
  return copies
}

/** Start the project, upload what differs, verify it: each a phase of the deadline. */
async function uploadPhases(
  client: CocalcClient,
  inputs: CocalcInputs,
  items: readonly UploadItem[],
  options: SyncOptions,
  deadline: StepDeadline
): Promise<{ sent: UploadItem[]; unverified: UploadItem[]; remote: Map<string, RemoteFile> }> {
  const copyOnly = inputs.copyOnly
  const bytes = items.reduce((sum, item) => sum + item.file.size, 0)
  const upload = await core.group(copyOnly ? 'Start the project' : 'Upload', async () => {
    if (copyOnly) core.info(`Nothing to upload: copying the existing ${inputs.path}/ of project ${inputs.projectId} (CoCalc API ${inputs.api})`)
    else {
      core.info(
        `Publishing ${items.length} file(s), ${formatBytes(bytes)}, to ${inputs.path}/ in project ${inputs.projectId} (CoCalc API ${inputs.api})`
      )
    }
    await deadline.run('start', () => client.startProject())
    if (copyOnly) return { sent: [], unverified: [], remote: new Map<string, RemoteFile>() }
    return deadline.run('upload', () => uploadChanged(client, items, options))
  })
  if (inputs.verify && !copyOnly) {
    await core.group('Verify', () =>
      deadline.run('verify', async () => {
        if (upload.sent.length === 0) core.info(`Verified: all ${items.length} file(s) were already byte-identical in the project`)
        else if (upload.unverified.length === 0) core.info(`Verified: all ${upload.sent.length} uploaded file(s) are byte-identical in the project`)
        else await verifyUploads(client, upload.unverified, options, upload.remote)
      })
    )
  }
  return upload
}

/** `share-description`, else the run's own description (`owner/repo@abc1234 — PR #12: title`). */
function shareDescription(inputs: CocalcInputs, context: RunContext): string {
  return inputs.shareDescription ?? [...defaultDescription(context, inputs.path)].slice(0, SHARE_DESCRIPTION_MAX).join('')
}

/** Pure: copies (in target order) → outcomes, overall status and the failure line. */
export function finishResult(
  result: PublishResult,
  copies: readonly CopyProgress[],
  inputs: Pick<CocalcInputs, 'cocalcUrl' | 'timeoutSeconds'>
): PublishResult {
  const outcomes: CopyOutcome[] = copies.map((copy) => {
    const url = projectFolderUrl(inputs.cocalcUrl, copy.target.projectId, copy.target.path)
    const outcome: CopyOutcome = {
      project_id: copy.target.projectId,
      path: copy.target.path,
      copy_id: copy.copyId,
      url,
      embed_url: kioskUrl(url),
      share_url: '',
      // Not waited for (wait: false): still running as far as anyone knows.
      status: copy.status === 'running' ? 'queued' : copy.status
    }
    if (copy.error) outcome.error = copy.error
    return outcome
  })
  const failure = copyFailure(outcomes, inputs.timeoutSeconds)
  return { ...result, status: overallStatus(outcomes), copies: outcomes, ...(failure ? { failure } : {}) }
}

/**
 * `copied` only when every copy is confirmed; `queued` when some may still be running;
 * `unverified` when some finished as far as anyone can tell but nothing proved it; when any copy
 * failed or timed out, `uploaded` (the files did arrive in the source project) and the step fails
 * through `failure`.
 */
export function overallStatus(copies: readonly CopyOutcome[]): PublishStatus {
  if (copies.length === 0) return 'uploaded'
  if (copies.some((copy) => copy.status === 'failed' || copy.status === 'timeout')) return 'uploaded'
  if (copies.some((copy) => copy.status === 'queued')) return 'queued'
  if (copies.some((copy) => copy.status === 'unverified')) return 'unverified'
  return 'copied'
}

/** One line naming every failed or timed-out target and why; undefined when none did. */
export function copyFailure(copies: readonly CopyOutcome[], timeoutSeconds: number): string | undefined {
  const bad = copies.filter((copy) => copy.status === 'failed' || copy.status === 'timeout')
  if (bad.length === 0) return undefined
  const parts = bad.map((copy) =>
    copy.status === 'timeout'
      ? `the copy to project ${copy.project_id} (${copy.path}) did not finish within the ${timeoutSeconds} s timeout${copy.copy_id === '' && copy.error ? `: ${copy.error}` : ''}`
      : `the copy to project ${copy.project_id} (${copy.path}) failed: ${copy.error ?? 'no reason given'}`
  )
  const copied = copies.filter((copy) => copy.status === 'copied').length
  const queued = copies.filter((copy) => copy.status === 'queued').length
  const others = [copied > 0 ? `${copied} copied` : '', queued > 0 ? `${queued} queued` : ''].filter(Boolean).join(', ')
  return `${bad.length} of ${copies.length} cop${copies.length === 1 ? 'y' : 'ies'} did not complete: ${parts.join('; ')}${others ? ` (others: ${others})` : ''}`
}
