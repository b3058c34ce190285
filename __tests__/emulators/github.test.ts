/** The GitHub emulator itself behaves like GitHub where the action depends on it. */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { COMMENT_LIMIT, GitHubFaults, startGitHubEmulator } from './github.js'

let github: Awaited<ReturnType<typeof startGitHubEmulator>>

beforeEach(async () => {
  github = await startGitHubEmulator({
    tokens: {
      writer: { login: 'github-actions[bot]', type: 'Bot', write: true },
      reader: { login: 'github-actions[bot]', type: 'Bot', write: false }
    },
    pullRequests: [{ number: 1 }]
  })
})

afterEach(async () => {
  await github.close()
})

const call = (method: string, path: string, token?: string, body?: unknown) =>
  fetch(`${github.url}${path}`, {
    method,
    headers: { ...(token ? { authorization: `token ${token}` } : {}), 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body)
  })

describe('GitHub emulator', () => {
  it('paginates comments with Link headers', async () => {
    for (let i = 0; i < 250; i++) github.addComment(1, { body: `c${i}`, login: 'octocat' })
    const first = await call('GET', '/repos/octo-org/notebooks/issues/1/comments?per_page=100', 'writer')
    expect(((await first.json()) as unknown[]).length).toBe(100)
    expect(first.headers.get('link')).toBe(
      `<${github.url}/repos/octo-org/notebooks/issues/1/comments?per_page=100&page=2>; rel="next", <${github.url}/repos/octo-org/notebooks/issues/1/comments?per_page=100&page=3>; rel="last"`
    )
    const last = await call('GET', '/repos/octo-org/notebooks/issues/1/comments?per_page=100&page=3', 'writer')
    expect(((await last.json()) as unknown[]).length).toBe(50)
    expect(last.headers.get('link')).not.toContain('rel="next"')
  })

  it('creates and updates comments, refusing bodies over the limit', async () => {
    const created = await call('POST', '/repos/octo-org/notebooks/issues/1/comments', 'writer', { body: 'hello' })
    expect(created.status).toBe(201)
    const { id, user, html_url } = (await created.json()) as { id: number; user: { login: string }; html_url: string }
    expect(user.login).toBe('github-actions[bot]')
    expect(html_url).toBe(`https://github.com/octo-org/notebooks/pull/1#issuecomment-${id}`)
    expect((await call('PATCH', `/repos/octo-org/notebooks/issues/comments/${id}`, 'writer', { body: 'bye' })).status).toBe(200)
    expect(github.commentsOf(1)[0].body).toBe('bye')
    const tooLong = await call('POST', '/repos/octo-org/notebooks/issues/1/comments', 'writer', { body: 'x'.repeat(COMMENT_LIMIT + 1) })
    expect(tooLong.status).toBe(422)
    expect((await call('POST', '/repos/octo-org/notebooks/issues/1/comments', 'writer', { body: 'é'.repeat(COMMENT_LIMIT) })).status).toBe(201)
  })

  it('answers 403 to writes with a read-only token and 401 to unknown tokens', async () => {
    const refused = await call('POST', '/repos/octo-org/notebooks/issues/1/comments', 'reader', { body: 'x' })
    expect(refused.status).toBe(403)
    expect(((await refused.json()) as { message: string }).message).toBe('Resource not accessible by integration')
    expect((await call('GET', '/repos/octo-org/notebooks/issues/1/comments', 'reader')).status).toBe(200)
    expect((await call('GET', '/repos/octo-org/notebooks/issues/1/comments', 'nobody')).status).toBe(401)
    expect((await call('GET', '/repos/octo-org/notebooks/issues/1/comments')).status).toBe(401)
  })

  it('tells each token its own login over GraphQL, and applies fault rules a set number of times', async () => {
    const answer = await call('POST', '/graphql', 'reader', { query: 'query { viewer { login } }' })
    expect(await answer.json()).toEqual({ data: { viewer: { login: 'github-actions[bot]' } } })
    github.faults.rules.push(GitHubFaults.primaryRateLimit(60, { method: 'GET', times: 1 }))
    const limited = await call('GET', '/repos/octo-org/notebooks/issues/1/comments', 'writer')
    expect(limited.status).toBe(403)
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0')
    expect((await call('GET', '/repos/octo-org/notebooks/issues/1/comments', 'writer')).status).toBe(200)
    expect(github.state.requests.map((r) => r.status)).toEqual([200, 403, 200])
  })
})
