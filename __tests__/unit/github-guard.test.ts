import { describe, expect, it } from '@jest/globals'
import { explainCommentFailure } from '../../src/report/comment-failure.js'
import { guardedFetch } from '../../src/report/guarded-fetch.js'
import type { RunContext } from '../../src/context.js'

const API = 'https://api.github.test'

/** A fetch that answers from a script and records what it was asked. */
function scripted(answers: Response[]): { fetch: typeof fetch; calls: { url: string; init: RequestInit | undefined }[] } {
  const calls: { url: string; init: RequestInit | undefined }[] = []
  const fake = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    calls.push({ url: String(input), init })
    const answer = answers.shift()
    if (!answer) throw new Error('no more answers')
    return answer
  }) as typeof fetch
  return { fetch: fake, calls }
}

const redirect = (status: number, location: string) => new Response('Moved', { status, headers: { location } })

describe('guardedFetch', () => {
  it('refuses a redirect to another origin without sending anything there', async () => {
    const base = scripted([redirect(307, 'https://evil.test/steal')])
    const guarded = guardedFetch(base.fetch, [API], 1000)
    await expect(guarded(`${API}/repos/o/r/issues/1/comments`, { method: 'POST', body: '{}' })).rejects.toThrow(
      'GitHub redirected to https://evil.test: refused to send the token to a host that is not the GitHub API'
    )
    expect(base.calls.map((call) => call.url)).toEqual([`${API}/repos/o/r/issues/1/comments`])
    expect(base.calls[0].init?.redirect).toBe('manual')
  })

  it('follows a redirect within the API origin, as fetch would', async () => {
    const base = scripted([redirect(301, '/repos/o/renamed/issues/1/comments'), new Response('[]', { status: 200 })])
    const guarded = guardedFetch(base.fetch, [API], 1000)
    const response = await guarded(`${API}/repos/o/r/issues/1/comments`, { method: 'GET' })
    expect(response.status).toBe(200)
    expect(base.calls.map((call) => call.url)).toEqual([`${API}/repos/o/r/issues/1/comments`, `${API}/repos/o/renamed/issues/1/comments`])
  })

  it('keeps method and body on 307, and stops after a bounded number of hops', async () => {
    const base = scripted([redirect(307, `${API}/b`), redirect(307, `${API}/c`), redirect(307, `${API}/d`)])
    const guarded = guardedFetch(base.fetch, [API], 1000, 2)
    const response = await guarded(`${API}/a`, { method: 'POST', body: 'x' })
    expect(response.status).toBe(307)
    expect(base.calls.map((call) => [call.url, call.init?.method, call.init?.body])).toEqual([
      [`${API}/a`, 'POST', 'x'],
      [`${API}/b`, 'POST', 'x'],
      [`${API}/c`, 'POST', 'x']
    ])
  })
})

describe('explainCommentFailure', () => {
  it("reduces a proxy's HTML page to its text", () => {
    // Octokit makes a non-JSON body the error's message.
    const page = '<html><head><title>502</title><style>h1{}</style></head><body><h1>502 Bad Gateway</h1></body></html>'
    const error = Object.assign(new Error(page), { status: 502, response: { data: page } })
    const context = { apiUrl: API, repository: 'o/r' } as unknown as RunContext
    const warning = explainCommentFailure(error, { doing: 'write the comment', context, token: 'ghs_x' })
    expect(warning).toBe(
      'Could not write the comment: GitHub answered HTTP 502 "502 Bad Gateway". The outputs and the job summary are set; the step goes on.'
    )
  })

  it("names the proxy's refusal that Octokit keeps down its chain of causes", () => {
    const context = { apiUrl: API, repository: 'o/r' } as unknown as RunContext
    const refusal = Object.assign(new Error('Proxy response (407) !== 200 when HTTP Tunneling'), { name: 'AbortError', code: 'UND_ERR_ABORTED' })
    const octokitError = Object.assign(new Error('Request was cancelled.'), { name: 'HttpError', status: 500, cause: refusal })
    expect(explainCommentFailure(octokitError, { doing: 'write the comment', context, token: 'ghs_x' })).toBe(
      `Could not write the comment: the proxy (HTTPS_PROXY / HTTP_PROXY) refused its credentials (HTTP 407) on the way to the GitHub API at ${API}. The outputs and the job summary are set; the step goes on.`
    )
  })
})
