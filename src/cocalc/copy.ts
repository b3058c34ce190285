/**
 * Copies to target projects and the wait for them: every target is requested and polled in
 * parallel; a copy counts as done only when its status says finished without error. One
 * failing target never hides the others: each ends with its own status and reason.
 */
import type { CopyStatus } from '../report/result.js'
import { mapLimit, sleep as defaultSleep } from '../concurrency.js'
import { ActionError, errorMessage } from '../errors.js'
import { isUuid } from '../text.js'
import type { CocalcClient, CopyRequest, CopyState } from './client.js'
import type { Logger } from './upload.js'

export interface CopyTarget {
  projectId: string
  path: string
}

export interface CopyProgress {
  target: CopyTarget
  copyId: string
  /** `running` until the wait decides (or is skipped: then it becomes `queued`). */
  status: CopyStatus | 'running'
  error?: string
}

export type CopyOptions = Omit<CopyRequest, 'targetProjectId' | 'targetPath'>

/** Requests every copy (never blocking on the copy itself); a refused request fails that target only. */
export async function requestCopies(
  client: CocalcClient,
  targets: readonly CopyTarget[],
  options: CopyOptions,
  concurrency: number,
  log: Logger
): Promise<CopyProgress[]> {
  return mapLimit(targets, concurrency, async (target): Promise<CopyProgress> => {
    try {
      const copyId = await client.copyPath({ ...options, targetProjectId: target.projectId, targetPath: target.path })
      if (copyId === '') {
        log.info(`Copied ${options.path} to project ${target.projectId} (${target.path}): the server copied synchronously`)
        return { target, copyId, status: 'copied' }
      }
      if (!isUuid(copyId)) {
        // Never printed, polled or published as it is: it is the server's text, not an id.
        const error = `CoCalc answered a copy id that is not a UUID (${client.http.serverText(copyId, 80)}), so the copy cannot be followed: check project ${target.projectId}`
        log.info(`Copy to project ${target.projectId} could not be requested: ${error}`)
        return { target, copyId: '', status: 'failed', error }
      }
      log.info(`Copy of ${options.path} to project ${target.projectId} (${target.path}) queued: copy id ${copyId}`)
      return { target, copyId, status: 'running' }
    } catch (error) {
      if (!(error instanceof ActionError)) throw error
      log.info(`Copy to project ${target.projectId} could not be requested: ${errorMessage(error)}`)
      return { target, copyId: '', status: 'failed', error: errorMessage(error) }
    }
  })
}

/** Poll delays: prompt at first (a quick copy is seen within about a second), then every 5 s. */
export function nextPollDelay(previousMs?: number): number {
  if (previousMs === undefined) return 700
  return Math.min(Math.round(previousMs * 1.5), 5000)
}

export interface WaitOptions {
  /** Epoch ms after which a still-running copy is reported as `timeout`. */
  deadline: number
  log: Logger
  /** Failed polls in a row before giving up on a copy (CoCalc's own page tolerates 3). */
  maxFailedPolls?: number
  now?: () => number
  sleep?: (ms: number) => Promise<void>
}

/** Waits for every running copy; the others are left as they are. Mutates and returns `copies`. */
export async function waitForCopies(client: CocalcClient, copies: CopyProgress[], options: WaitOptions): Promise<CopyProgress[]> {
  const now = options.now ?? Date.now
  const running = copies.filter((copy) => copy.status === 'running')
  if (running.length === 0) return copies
  const started = now()
  // A line every 10 s, so a long wait never looks like a hang.
  const ticker = setInterval(() => {
    const left = running.filter((copy) => copy.status === 'running').length
    options.log.info(`Still waiting for ${left} cop${left === 1 ? 'y' : 'ies'} (${Math.round((now() - started) / 1000)} s)`)
  }, 10_000)
  try {
    await mapLimit(running, running.length, async (copy) => {
      const outcome = await waitForCopy(client, copy.copyId, { ...options, now })
      copy.status = outcome.status
      copy.error = outcome.error
      const where = `project ${copy.target.projectId} (${copy.target.path})`
      if (outcome.status === 'copied') options.log.info(`Copy to ${where} finished`)
      else if (outcome.status === 'queued') options.log.warning(`Copy to ${where}: ${outcome.error}`)
      else options.log.info(`Copy to ${where} ${outcome.status === 'timeout' ? 'timed out' : 'failed'}: ${outcome.error}`)
    })
  } finally {
    clearInterval(ticker)
  }
  return copies
}

export interface CopyOutcomeStatus {
  status: CopyStatus
  error?: string
}

/** Polls one copy until it finished, failed, cannot be observed, or the deadline passed. */
export async function waitForCopy(
  client: CocalcClient,
  copyId: string,
  options: Omit<WaitOptions, 'log'> & { log?: Logger }
): Promise<CopyOutcomeStatus> {
  const now = options.now ?? Date.now
  const sleep = options.sleep ?? ((ms: number) => defaultSleep(ms))
  const maxFailures = options.maxFailedPolls ?? 3
  let delay = nextPollDelay()
  let failures = 0
  const timedOut = (): CopyOutcomeStatus => ({ status: 'timeout', error: `still not finished when the timeout ran out (copy id ${copyId})` })
  for (;;) {
    const remaining = options.deadline - now()
    if (remaining <= 0) return timedOut()
    await sleep(Math.min(delay, remaining))
    delay = nextPollDelay(delay)
    let state: CopyState | 'deadline'
    try {
      const budget = Math.max(1000, options.deadline - now() + 1000)
      state = await beforeDeadline(client.copyStatus(copyId, Math.min(30_000, budget)), budget)
    } catch (error) {
      if (!(error instanceof ActionError)) throw error
      failures++
      if (failures >= maxFailures) {
        return { status: 'failed', error: `its status could not be read ${failures} times in a row (copy id ${copyId}): ${errorMessage(error)}` }
      }
      options.log?.debug(`Copy ${copyId}: status poll failed (${failures} in a row): ${errorMessage(error)}`)
      continue
    }
    failures = 0
    if (state === 'deadline') return timedOut()
    switch (state.state) {
      case 'finished':
        return { status: 'copied' }
      case 'failed':
        // The reason is the server's own text (an rsync message, which may echo anything).
        return { status: 'failed', error: client.http.serverText(state.error, 1000) }
      case 'unsupported':
        return {
          status: 'queued',
          error: `this CoCalc server cannot report copy status (it has no projects/copy-path-status), so the copy (id ${copyId}) is reported as queued: check the target project`
        }
      case 'running':
        break
    }
  }
}

/** `promise`, or 'deadline' when `ms` pass first. */
async function beforeDeadline<T>(promise: Promise<T>, ms: number): Promise<T | 'deadline'> {
  // A poll still running at the deadline must not reject later, unobserved.
  promise.catch(() => undefined)
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<'deadline'>((resolve) => {
    timer = setTimeout(() => resolve('deadline'), ms)
  })
  try {
    return await Promise.race([promise, deadline])
  } finally {
    clearTimeout(timer)
  }
}
