/**
 * Reading CoCalc's answers: the error envelope, an exec's output, a copy's status. Pure: a broken
 * answer comes back as undefined, for the client to turn into an error (./refusals.ts).
 */
import type { CopyState } from './client.js'

/** The error carried by an answer, if any (`error` may be a string or an object). */
export function envelopeError(body: Record<string, unknown>): unknown {
  const error = body.error
  return error === undefined || error === null || error === '' || error === false ? undefined : error
}

export interface ExecResult {
  stdout: string
  stderr: string
  exitCode: number
}

/** stdout/stderr/exit_code of an exec answer; a missing field is a broken answer. */
export function execResult(body: Record<string, unknown>): ExecResult | undefined {
  const stdout = body.stdout
  const stderr = body.stderr ?? ''
  const exitCode = body.exit_code
  if (typeof stdout !== 'string' || typeof stderr !== 'string' || typeof exitCode !== 'number') return undefined
  return { stdout, stderr, exitCode }
}

/** Interprets a copy status's timestamps and error: done when finished; failed when an error is set. */
export function copyStateOf(started: unknown, finished: unknown, error: unknown): CopyState | undefined {
  if (error !== undefined && error !== null && error !== '') {
    return { state: 'failed', error: typeof error === 'string' ? error : JSON.stringify(error) }
  }
  if (finished !== undefined && finished !== null && finished !== '') return { state: 'finished' }
  if (started === undefined && finished === undefined && error === undefined) return undefined
  return { state: 'running' }
}
