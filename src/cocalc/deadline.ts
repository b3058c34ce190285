/**
 * The `timeout` input bounds the whole cocalc step: uploading, verifying, copying and waiting
 * together (INTERFACE.md), and the listing of a PR's files (`changed-files-only`) that comes before
 * them. One deadline per run: its signal stops every request and pause in
 * flight when the time is up, and the phase it was in names itself in the error.
 */
import { ServiceError } from '../errors.js'

/** The phases of a cocalc step, as the error names them. */
export type Phase = 'changed files' | 'start' | 'upload' | 'verify' | 'copy' | 'wait' | 'share'

const DOING: Record<Phase, string> = {
  'changed files': "listing the pull request's changed files on GitHub",
  start: 'starting the project',
  upload: 'uploading the files',
  verify: 'verifying the files inside the project',
  copy: 'requesting the copies',
  wait: 'waiting for the copies',
  share: 'sharing the folder'
}

/** The step ran out of its `timeout`. */
export class StepTimeout extends ServiceError {
  override name = 'StepTimeout'
}

export class StepDeadline {
  readonly endsAt: number
  private readonly controller = new AbortController()
  private readonly timer: NodeJS.Timeout
  private current: Phase = 'start'

  constructor(
    readonly seconds: number,
    now: () => number = Date.now
  ) {
    this.endsAt = now() + seconds * 1000
    this.timer = setTimeout(() => this.controller.abort(this.error()), seconds * 1000)
    // The deadline alone never keeps the process alive.
    this.timer.unref()
  }

  /** Aborted when the time is up; handed to the HTTP layer and to every pause. */
  get signal(): AbortSignal {
    return this.controller.signal
  }

  get phase(): Phase {
    return this.current
  }

  /**
   * Runs one phase. When the time runs out during it, it ends at once with the StepTimeout
   * naming the phase, whatever the work was doing (its requests are aborted by the signal).
   */
  async run<T>(phase: Phase, work: () => Promise<T>): Promise<T> {
    this.current = phase
    if (this.signal.aborted) throw this.error()
    let onAbort: (() => void) | undefined
    const stopped = new Promise<never>((_, reject) => {
      onAbort = () => reject(this.error())
      this.signal.addEventListener('abort', onAbort, { once: true })
    })
    const running = work()
    // Whichever loses the race must not reject later unobserved.
    running.catch(() => undefined)
    stopped.catch(() => undefined)
    try {
      return await Promise.race([running, stopped])
    } catch (error) {
      throw this.signal.aborted ? this.error() : error
    } finally {
      if (onAbort) this.signal.removeEventListener('abort', onAbort)
    }
  }

  /** Enters a phase that watches the deadline itself (the wait reports timeouts per copy). */
  enter(phase: Phase): void {
    this.current = phase
  }

  /** Stops the timer (the step ended in time). */
  dispose(): void {
    clearTimeout(this.timer)
  }

  private error(): StepTimeout {
    const slow = this.current === 'changed files' ? 'GitHub responds' : 'CoCalc and the project respond'
    return new StepTimeout(
      `The cocalc step did not finish within its ${this.seconds} s 'timeout' (phase: ${this.current}, ${DOING[this.current]}): raise 'timeout', or check that ${slow}`
    )
  }
}
