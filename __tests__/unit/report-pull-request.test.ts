import { describe, expect, it } from '@jest/globals'
import { choosePullRequest, findPullRequest, pullRequestSource } from '../../src/report/pull-request.js'
import { pullRequestOf, type RunContext } from '../../src/context.js'
import type { GitHubApi, PullRequestRef } from '../../src/report/comment.js'

function contextOf(eventName: string, payload: Record<string, unknown>): RunContext {
  return {
    repository: 'octo-org/notebooks',
    owner: 'octo-org',
    repo: 'notebooks',
    sha: 'abc1234def5678901234567890abcdef12345678',
    eventName,
    serverUrl: 'https://github.com',
    apiUrl: 'https://api.github.com',
    runUrl: undefined,
    payload,
    pullRequest: pullRequestOf(payload)
  }
}

const pr = (number: number, extra: Partial<PullRequestRef> = {}): PullRequestRef => ({
  number,
  state: 'open',
  updatedAt: '2025-01-01T00:00:00Z',
  ...extra
})

describe('pullRequestSource', () => {
  it('takes the pr-number input first', () => {
    expect(pullRequestSource(12, contextOf('pull_request', { pull_request: { number: 3 } }))).toEqual({
      kind: 'number',
      number: 12,
      from: "the 'pr-number' input"
    })
  })

  it.each(['pull_request', 'pull_request_target'])('reads the PR of a %s event', (event) => {
    expect(pullRequestSource(undefined, contextOf(event, { pull_request: { number: 3 } }))).toEqual({
      kind: 'number',
      number: 3,
      from: `the ${event} event`
    })
  })

  it('reads the PR of a comment on a pull request, not on an issue', () => {
    expect(pullRequestSource(undefined, contextOf('issue_comment', { issue: { number: 4, pull_request: { url: 'x' } } }))).toMatchObject({
      number: 4
    })
    expect(pullRequestSource(undefined, contextOf('issue_comment', { issue: { number: 4 } }))).toEqual({
      kind: 'none',
      reason: 'the issue_comment event carries no pull request'
    })
  })

  it('looks up the pushed commit of a branch push', () => {
    expect(pullRequestSource(undefined, contextOf('push', { ref: 'refs/heads/feature', after: 'def456' }))).toEqual({
      kind: 'commit',
      sha: 'def456',
      branch: 'feature',
      from: 'the pushed commit'
    })
  })

  it('does not look up tag pushes or branch deletions', () => {
    expect(pullRequestSource(undefined, contextOf('push', { ref: 'refs/tags/v1', after: 'def456' }))).toMatchObject({ kind: 'none' })
    expect(
      pullRequestSource(undefined, contextOf('push', { ref: 'refs/heads/x', deleted: true, after: '0000000000000000000000000000000000000000' }))
    ).toMatchObject({
      kind: 'none'
    })
  })

  it("takes a workflow_run's PR based in this repository", () => {
    const payload = {
      workflow_run: {
        head_sha: 'f00',
        pull_requests: [
          { number: 99, base: { repo: { url: 'https://api.github.com/repos/stranger/notebooks' } } },
          { number: 5, base: { repo: { url: 'https://api.github.com/repos/octo-org/notebooks' } } }
        ]
      }
    }
    expect(pullRequestSource(undefined, contextOf('workflow_run', payload))).toEqual({ kind: 'number', number: 5, from: 'the workflow_run event' })
  })

  it("falls back to the commit of a workflow_run that lists no PR (a fork's)", () => {
    const payload = { workflow_run: { head_sha: 'f00ba4', head_branch: 'patch-1', pull_requests: [] } }
    expect(pullRequestSource(undefined, contextOf('workflow_run', payload))).toEqual({
      kind: 'commit',
      sha: 'f00ba4',
      branch: 'patch-1',
      from: "the triggering run's commit"
    })
  })

  it.each(['release', 'workflow_dispatch', 'schedule'])('finds none for %s', (event) => {
    expect(pullRequestSource(undefined, contextOf(event, {}))).toEqual({ kind: 'none', reason: `the ${event} event carries no pull request` })
  })
})

describe('choosePullRequest', () => {
  it('ignores closed PRs and prefers the most recently updated', () => {
    const pulls = [
      pr(1, { state: 'closed', updatedAt: '2026-01-01T00:00:00Z' }),
      pr(2, { updatedAt: '2025-02-01T00:00:00Z' }),
      pr(3, { updatedAt: '2025-03-01T00:00:00Z' })
    ]
    expect(choosePullRequest(pulls, undefined)?.number).toBe(3)
  })

  it('prefers the PR of the pushed branch', () => {
    const pulls = [pr(2, { headRef: 'feature', updatedAt: '2025-02-01T00:00:00Z' }), pr(3, { headRef: 'other', updatedAt: '2025-03-01T00:00:00Z' })]
    expect(choosePullRequest(pulls, 'feature')?.number).toBe(2)
  })

  it('finds none among closed PRs', () => {
    expect(choosePullRequest([pr(1, { state: 'closed' })], 'x')).toBeUndefined()
  })
})

describe('findPullRequest', () => {
  const api = (pulls: PullRequestRef[], asked: string[]) => async () =>
    ({
      pullRequestsOfCommit: async (sha: string) => {
        asked.push(sha)
        return pulls
      }
    }) as unknown as GitHubApi

  it('asks GitHub only for a commit', async () => {
    const asked: string[] = []
    expect(await findPullRequest({ kind: 'number', number: 3, from: 'x' }, api([], asked))).toEqual({ number: 3, from: 'x' })
    expect(asked).toEqual([])
    expect(await findPullRequest({ kind: 'commit', sha: 'abcdef123', branch: undefined, from: 'the pushed commit' }, api([pr(8)], asked))).toEqual({
      number: 8,
      from: 'the pushed commit abcdef1'
    })
    expect(asked).toEqual(['abcdef123'])
  })

  it('says why when the commit has no open PR', async () => {
    expect(await findPullRequest({ kind: 'commit', sha: 'abcdef123', branch: undefined, from: 'x' }, api([], []))).toEqual({
      number: undefined,
      reason: 'no open pull request contains commit abcdef1'
    })
  })
})
