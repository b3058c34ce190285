import { describe, expect, it } from '@jest/globals'
import { explainCommentFailure } from '../../src/report/comment-failure.js'
import { graphqlUrlOf } from '../../src/report/github.js'
import type { RunContext } from '../../src/context.js'

const TOKEN = 'ghs_supersecret_token_value'

function contextOf(fromFork: boolean): RunContext {
  return {
    repository: 'octo-org/notebooks',
    owner: 'octo-org',
    repo: 'notebooks',
    sha: undefined,
    eventName: 'pull_request',
    serverUrl: 'https://github.com',
    apiUrl: 'https://api.github.com',
    runUrl: undefined,
    payload: {},
    pullRequest: { number: 7, title: undefined, headSha: undefined, fromFork }
  }
}

/** The shape of Octokit's RequestError. */
function requestError(status: number, message: string, headers: Record<string, string> = {}) {
  return Object.assign(new Error(message), { status, response: { status, headers, data: { message, documentation_url: 'https://docs.github.com' } } })
}

const explain = (error: unknown, fork = false) =>
  explainCommentFailure(error, { doing: 'write the comment on PR #7 of octo-org/notebooks', context: contextOf(fork), token: TOKEN })

describe('explainCommentFailure', () => {
  it("explains a fork's read-only token and the safe ways around it", () => {
    const text = explain(requestError(403, 'Resource not accessible by integration'), true)
    expect(text).toContain(
      'Could not write the comment on PR #7 of octo-org/notebooks: GitHub answered HTTP 403 "Resource not accessible by integration"'
    )
    expect(text).toContain("'workflow_run'")
    expect(text).toContain("'pull_request_target'")
    expect(text).toContain('never check out and run the PR')
    expect(text).toContain('The outputs and the job summary are set')
  })

  it('asks for the permission when the token is read-only outside a fork', () => {
    expect(explain(requestError(403, 'Resource not accessible by integration'))).toContain("'permissions: pull-requests: write'")
  })

  it('recognises rate limits', () => {
    expect(explain(requestError(403, 'API rate limit exceeded for installation ID 1.', { 'x-ratelimit-remaining': '0' }))).toContain(
      'rate limit is spent'
    )
    expect(explain(requestError(429, 'You have exceeded a secondary rate limit.', { 'retry-after': '3600' }))).toContain('rate limit is spent')
  })

  it.each([
    [401, 'Bad credentials', "check the 'github-token' input"],
    [404, 'Not Found', "check the pull request number ('pr-number')"],
    [422, 'Validation Failed', 'refused the request as invalid'],
    [502, 'Bad Gateway', 'GitHub answered HTTP 502 "Bad Gateway".']
  ])('explains HTTP %i', (status, message, hint) => {
    expect(explain(requestError(status, message))).toContain(hint)
  })

  it('explains a network failure', () => {
    const error = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { status: 500 })
    expect(explain(error)).toContain('the GitHub API at https://api.github.com could not be reached (connect ECONNREFUSED 127.0.0.1:9)')
  })

  it('never repeats the token, and keeps GitHub text to one short line', () => {
    const text = explain(requestError(422, `bad ${TOKEN}\n${'x'.repeat(500)}`))
    expect(text).not.toContain(TOKEN)
    expect(text).toContain('bad ***')
    expect(text).not.toContain('\n')
    expect(text.length).toBeLessThan(500)
  })
})

describe('graphqlUrlOf', () => {
  it('prefers GITHUB_GRAPHQL_URL, else appends /graphql', () => {
    expect(graphqlUrlOf({ GITHUB_GRAPHQL_URL: 'https://ghe.example/api/graphql/' }, 'https://ghe.example/api/v3')).toBe(
      'https://ghe.example/api/graphql'
    )
    expect(graphqlUrlOf({}, 'https://api.github.com')).toBe('https://api.github.com/graphql')
  })
})
