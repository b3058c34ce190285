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

/** The first error down `error`'s chain of causes (Octokit and fetch wrap undici's) that `test` accepts. */
function findCause(
  error: unknown,
  test: (candidate: { message?: unknown; code?: unknown }) => boolean
): { message?: unknown; code?: unknown } | undefined {
  let current: unknown = error
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
    const candidate = current as { message?: unknown; code?: unknown; cause?: unknown }
    if (test(candidate)) return candidate
    current = candidate.cause
  }
  return undefined
}

const PROXY_REFUSAL = /^Proxy response \((\d{3})\) !== 200/

/**
 * The status a proxy refused to open its tunnel with: undici reports it as an abort, "Proxy
 * response (407) !== 200 when HTTP Tunneling" (undici/lib/dispatcher/proxy-agent.js).
 */
export function proxyRefusal(error: unknown): number | undefined {
  const found = findCause(error, ({ message }) => typeof message === 'string' && PROXY_REFUSAL.test(message))
  const status = found ? PROXY_REFUSAL.exec(String(found.message))?.[1] : undefined
  return status === undefined ? undefined : Number(status)
}

/** The ProxyTunnelError (undici-core.ts) down `error`'s chain: the proxy closed or did not answer. */
export function proxyTunnelFailure(error: unknown): string | undefined {
  const found = findCause(error, ({ code }) => code === PROXY_TUNNEL_FAILED)
  return found ? errorMessage(found) : undefined
}
