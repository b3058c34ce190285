/**
 * Copies to target projects and the wait for them: every target is requested and polled in
 * parallel. A copy counts as `copied` only when its status says finished without error and, with
 * `verify`, its files hash right inside the target. A copy without an id (v1 self-hosted servers
 * copy detached, older v2 servers block) proves nothing by itself: the target is polled until its
 * files match or the time is up; without `verify` it stays `unverified`. One failing target never
 * hides the others: each ends with its own status and reason.
 */
import type { CopyStatus } from '../report/result.js'
import { mapLimit, sleep as defaultSleep } from '../concurrency.js'
import { ActionError, errorMessage } from '../errors.js'
import type { CocalcClient, CopyRequest, CopyState } from './client.js'
import { describeWrong, type TargetCheck, type TargetCheckResult } from './target-check.js'
import { listNames } from './upload.js'
import type { Logger } from '../logger.js'

export interface CopyTarget {
  projectId: string
  path: string
}

export interface CopyProgress {
  target: CopyTarget
  /** '' when the server gave none. */
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
        log.info(
          `Copy of ${options.path} to project ${target.projectId} (${target.path}) requested: the server gave no copy id, so only the target can tell`
        )
      } else log.info(`Copy of ${options.path} to project ${target.projectId} (${target.path}) queued: copy id ${copyId}`)
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
  /** Proof inside the target (verify on, files known); without it the server's word is all there is. */
  check?: TargetCheck
  /** false (`wait: false`): copies with an id are left running; those without are checked once. */
  wait?: boolean
  /** Failed polls in a row before giving up on a copy (CoCalc's own page tolerates 3). */
  maxFailedPolls?: number
  now?: () => number
  sleep?: (ms: number) => Promise<void>
}

/** Decides every running copy as far as the options allow. Mutates and returns `copies`. */
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
      const outcome = await settleCopy(client, copy, { ...options, now })
      copy.status = outcome.status
      copy.error = outcome.error
      const where = `project ${copy.target.projectId} (${copy.target.path})`
      if (outcome.status === 'copied') options.log.info(`Copy to ${where} finished${options.check ? ' and its files hash right there' : ''}`)
      else if (outcome.status === 'queued' || outcome.status === 'unverified') options.log.warning(`Copy to ${where}: ${outcome.error}`)
      else if (outcome.status !== 'running')
        options.log.info(`Copy to ${where} ${outcome.status === 'timeout' ? 'timed out' : 'failed'}: ${outcome.error}`)
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

type Settled = CopyOutcomeStatus | { status: 'running'; error?: undefined }

async function settleCopy(client: CocalcClient, copy: CopyProgress, options: WaitOptions & { now: () => number }): Promise<Settled> {
  const wait = options.wait ?? true
  const check = options.check
  if (copy.copyId !== '') {
    if (!wait) return { status: 'running' }
    const outcome = await waitForCopy(client, copy.copyId, options)
    if (!check) return outcome
    if (outcome.status === 'copied') return confirmInTarget(copy, check, options)
    // The server cannot report its copies' status: the target can.
    if (outcome.status === 'queued') return pollTarget(copy, check, options)
    return outcome
  }
  if (!check) {
    return {
      status: 'unverified',
      error: `the server gave no copy id and the files cannot be checked in the target (${options.wait === false ? 'wait: false' : 'verify: false, or nothing was uploaded'}), so nothing shows the copy arrived: check the target project`
    }
  }
  if (!wait) {
    const result = await checkOnce(check, copy, options)
    return result !== 'deadline' && !(result instanceof Error) && result.wrong.length === 0
      ? copied(result.kept, copy, options)
      : { status: 'running' }
  }
  return pollTarget(copy, check, options)
}

/** A copy the server says finished: its files must hash right in the target (a second look after a pause). */
async function confirmInTarget(copy: CopyProgress, check: TargetCheck, options: WaitOptions & { now: () => number }): Promise<CopyOutcomeStatus> {
  const sleep = options.sleep ?? ((ms: number) => defaultSleep(ms))
  const kept: Kept = []
  let only: Kept | undefined
  for (let look = 1; ; look++) {
    const result = await checkOnce(check, copy, options, only)
    if (result === 'deadline')
      return { status: 'timeout', error: 'the copy finished, but the time ran out while its files were checked in the target' }
    if (result instanceof Error)
      return { status: 'failed', error: `the copy finished, but its files could not be checked in the target: ${result.message}` }
    kept.push(...result.kept)
    if (result.wrong.length === 0) return copied(kept, copy, options)
    if (look === 2) return { status: 'failed', error: `the copy finished, but ${describeWrong(result)}` }
    only = result.wrong
    await sleep(1000)
  }
}

/** A copy without id (or without status): look in the target until its files match or the time is up. */
async function pollTarget(copy: CopyProgress, check: TargetCheck, options: WaitOptions & { now: () => number }): Promise<CopyOutcomeStatus> {
  const sleep = options.sleep ?? ((ms: number) => defaultSleep(ms))
  const maxFailures = options.maxFailedPolls ?? 3
  let delay: number | undefined
  let failures = 0
  let last: TargetCheckResult | undefined
  const kept: Kept = []
  for (;;) {
    if (delay !== undefined) {
      const remaining = options.deadline - options.now()
      if (remaining <= 0) break
      await sleep(Math.min(delay, remaining))
    }
    delay = nextPollDelay(delay)
    // Files that arrived stay arrived: each look hashes only what was still wrong.
    const result = await checkOnce(check, copy, options, last?.wrong)
    if (result === 'deadline') break
    if (result instanceof Error) {
      if (options.now() >= options.deadline) break
      if (++failures >= maxFailures)
        return { status: 'failed', error: `the target could not be checked ${failures} times in a row: ${result.message}` }
      continue
    }
    failures = 0
    last = result
    kept.push(...result.kept)
    if (result.wrong.length === 0) return copied(kept, copy, options)
  }
  const seen = last ? describeWrong(last) : 'the target could not be checked'
  return { status: 'timeout', error: `the files did not all arrive in the target before the timeout ran out (${seen})` }
}

/** One check, bounded by the deadline; an expected failure comes back as its Error. */
async function checkOnce(
  check: TargetCheck,
  copy: CopyProgress,
  options: WaitOptions & { now: () => number },
  only?: Kept
): Promise<TargetCheckResult | 'deadline' | Error> {
  const budget = Math.max(1000, options.deadline - options.now() + 1000)
  try {
    return await beforeDeadline(check(copy.target.projectId, copy.target.path, only), budget)
  } catch (error) {
    if (!(error instanceof ActionError)) throw error
    // The step's deadline stops the check's request first: that is the time running out, not a failed check.
    return options.now() >= options.deadline ? 'deadline' : error
  }
}

/** Files of a check result (wrong or kept). */
type Kept = TargetCheckResult['kept']

function copied(kept: Kept, copy: CopyProgress, options: WaitOptions): CopyOutcomeStatus {
  if (kept.length > 0) {
    options.log.info(
      `${kept.length} file(s) in project ${copy.target.projectId} were kept as they were, being newer there ('overwrite-newer' is false): ${listNames(kept)}`
    )
  }
  return { status: 'copied' }
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
      // A poll cut short by the deadline is the timeout, not a failed poll.
      if (now() >= options.deadline) return timedOut()
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
        // The client made the server's text one scrubbed line.
        return { status: 'failed', error: state.error }
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
