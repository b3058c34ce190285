/**
 * Errors the action expects and explains to the workflow author. `run()` prints their message as
 * one line with no stack trace; anything else is a bug and is reported with its stack in debug.
 */
export class ActionError extends Error {
  override name = 'ActionError'
}

/** An input is missing or malformed. Thrown before any request is sent. */
export class InputError extends ActionError {
  override name = 'InputError'
  constructor(
    readonly input: string,
    problem: string
  ) {
    super(`Input '${input}': ${problem}`)
  }
}

/** A local file cannot be published (too large, unreadable, changed while read...). */
export class FileError extends ActionError {
  override name = 'FileError'
}

/** A remote service refused, failed, or answered something we cannot trust. */
export class ServiceError extends ActionError {
  override name = 'ServiceError'
  constructor(
    message: string,
    readonly status?: number
  ) {
    super(message)
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message
  // An Error from another realm (Node's own errors under jest's VM modules) fails instanceof.
  if (error !== null && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string')
    return (error as { message: string }).message
  return String(error)
}

/** Code of the error a request fails with when the proxy did not open its tunnel (undici-core.ts). */
export const PROXY_TUNNEL_FAILED = 'PROXY_TUNNEL_FAILED'
