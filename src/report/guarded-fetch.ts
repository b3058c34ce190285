/**
 * The only fetch the GitHub client uses: it keeps the token on the GitHub API's own origins.
 */

/**
 * fetch with a per-request timeout that refuses any origin but the GitHub API's own, so the
 * token cannot be sent elsewhere by a pagination link. Redirects are followed only within those
 * origins: one to another host is refused, so neither the token nor the comment goes there, and
 * that host's answer is never taken for GitHub's.
 */
export function guardedFetch(base: typeof fetch, allowedUrls: string[], timeoutMs: number, maxRedirects = 5): typeof fetch {
  const allowed = new Set(allowedUrls.map((url) => new URL(url).origin))
  const refuse = (origin: string) => Promise.reject(new Error(`refused to send the token to ${origin}, which is not the GitHub API`))
  const guarded = async (input: Parameters<typeof fetch>[0], init: RequestInit | undefined, hops: number): Promise<Response> => {
    const target = new URL(input instanceof Request ? input.url : String(input))
    if (!allowed.has(target.origin)) return refuse(target.origin)
    const timeout = AbortSignal.timeout(timeoutMs)
    const response = await base(input, { ...init, redirect: 'manual', signal: init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout })
    const location = response.headers.get('location')
    if (![301, 302, 303, 307, 308].includes(response.status) || location === null) return response
    const next = new URL(location, target)
    if (!allowed.has(next.origin)) {
      await response.body?.cancel()
      return Promise.reject(new Error(`GitHub redirected to ${next.origin}: refused to send the token to a host that is not the GitHub API`))
    }
    if (hops >= maxRedirects) return response
    await response.body?.cancel()
    // As fetch does: 303 (and 301/302 after a POST) become a GET without body; 307/308 repeat as they were.
    const asGet = response.status === 303 || ((response.status === 301 || response.status === 302) && init?.method === 'POST')
    return guarded(next.toString(), asGet ? { ...init, method: 'GET', body: undefined } : init, hops + 1)
  }
  return (input, init) => guarded(input, init, 0)
}
