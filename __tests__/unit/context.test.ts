import { afterAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { defaultDescription, pullRequestOf, readRunContext, type RunContext } from '../../src/context.js'

const scratch = await mkdtemp(path.join(os.tmpdir(), 'context-test-'))
afterAll(() => rm(scratch, { recursive: true, force: true }))

let counter = 0
async function eventFile(payload: unknown): Promise<string> {
  const file = path.join(scratch, `event-${counter++}.json`)
  await writeFile(file, typeof payload === 'string' ? payload : JSON.stringify(payload))
  return file
}

const ENV = {
  GITHUB_REPOSITORY: 'octo-org/notebooks',
  GITHUB_SHA: 'abc1234def5678901234567890abcdef12345678',
  GITHUB_EVENT_NAME: 'push',
  GITHUB_SERVER_URL: 'https://github.example.com/',
  GITHUB_API_URL: 'https://github.example.com/api/v3/',
  GITHUB_RUN_ID: '4242',
  GITHUB_RUN_ATTEMPT: '1'
}

function pr(head: Record<string, unknown>, base: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { pull_request: { number: 12, title: 'Add week 3', head, base, ...extra } }
}

describe('readRunContext', () => {
  it('reads the repository, commit and URLs of the run', () => {
    const context = readRunContext(ENV)
    expect(context).toMatchObject({
      repository: 'octo-org/notebooks',
      owner: 'octo-org',
      repo: 'notebooks',
      sha: ENV.GITHUB_SHA,
      eventName: 'push',
      serverUrl: 'https://github.example.com',
      apiUrl: 'https://github.example.com/api/v3',
      runUrl: 'https://github.example.com/octo-org/notebooks/actions/runs/4242',
      payload: {},
      pullRequest: undefined
    })
  })

  it('links the attempt of a re-run', () => {
    expect(readRunContext({ ...ENV, GITHUB_RUN_ATTEMPT: '3' }).runUrl).toBe(
      'https://github.example.com/octo-org/notebooks/actions/runs/4242/attempts/3'
    )
  })

  it('has sane defaults outside GitHub Actions', () => {
    expect(readRunContext({})).toMatchObject({
      repository: undefined,
      sha: undefined,
      serverUrl: 'https://github.com',
      apiUrl: 'https://api.github.com',
      runUrl: undefined,
      pullRequest: undefined
    })
  })

  it('uses the PR head commit rather than the merge commit', async () => {
    const payload = pr({ sha: 'feedbeef00000000', repo: { full_name: 'octo-org/notebooks' } }, { repo: { full_name: 'octo-org/notebooks' } })
    const context = readRunContext({ ...ENV, GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: await eventFile(payload) })
    expect(context.sha).toBe('feedbeef00000000')
    expect(context.pullRequest).toEqual({ number: 12, title: 'Add week 3', headSha: 'feedbeef00000000', fromFork: false })
  })

  it('survives a missing or broken payload file', async () => {
    expect(readRunContext({ ...ENV, GITHUB_EVENT_PATH: path.join(scratch, 'missing.json') }).payload).toEqual({})
    expect(readRunContext({ ...ENV, GITHUB_EVENT_PATH: await eventFile('{not json') }).payload).toEqual({})
    expect(readRunContext({ ...ENV, GITHUB_EVENT_PATH: await eventFile('[1, 2]') }).payload).toEqual({})
  })
})

describe('pullRequestOf', () => {
  it('sees a fork when head and base repositories differ', () => {
    expect(
      pullRequestOf(pr({ repo: { full_name: 'stranger/notebooks', fork: true } }, { repo: { full_name: 'octo-org/notebooks' } }))?.fromFork
    ).toBe(true)
    expect(pullRequestOf(pr({ repo: { full_name: 'stranger/notebooks' } }, { repo: { full_name: 'octo-org/notebooks' } }))?.fromFork).toBe(true)
  })

  it('does not see a fork in a PR between branches of one repository, even when that repository is itself a fork', () => {
    expect(
      pullRequestOf(pr({ repo: { full_name: 'me/notebooks', fork: true } }, { repo: { full_name: 'me/notebooks', fork: true } }))?.fromFork
    ).toBe(false)
    expect(pullRequestOf(pr({ repo: { full_name: 'Octo-Org/Notebooks' } }, { repo: { full_name: 'octo-org/notebooks' } }))?.fromFork).toBe(false)
  })

  it('treats a deleted head repository as a fork', () => {
    expect(pullRequestOf(pr({ repo: null }, { repo: { full_name: 'octo-org/notebooks' } }))?.fromFork).toBe(true)
  })

  it('reads a PR from an issue_comment event', () => {
    expect(pullRequestOf({ issue: { number: 7, title: 'Fix', pull_request: { url: 'x' } } })).toEqual({
      number: 7,
      title: 'Fix',
      headSha: undefined,
      fromFork: false
    })
    expect(pullRequestOf({ issue: { number: 7, title: 'Just an issue' } })).toBeUndefined()
  })

  it('ignores payloads without a PR number', () => {
    expect(pullRequestOf({})).toBeUndefined()
    expect(pullRequestOf({ pull_request: { title: 'no number' } })).toBeUndefined()
    expect(pullRequestOf({ pull_request: 'nonsense' })).toBeUndefined()
  })
})

describe('defaultDescription', () => {
  const base: RunContext = readRunContext(ENV)

  it('names the repository and the short commit', () => {
    expect(defaultDescription(base, 'folder')).toBe('octo-org/notebooks@abc1234')
  })

  it('adds the PR number and title', () => {
    const context = { ...base, pullRequest: { number: 12, title: 'Add "week 3" — notebooks', headSha: undefined, fromFork: false } }
    expect(defaultDescription(context, 'folder')).toBe('octo-org/notebooks@abc1234 — PR #12: Add "week 3" — notebooks')
    expect(defaultDescription({ ...context, pullRequest: { ...context.pullRequest, title: undefined } }, 'folder')).toBe(
      'octo-org/notebooks@abc1234 — PR #12'
    )
  })

  it('falls back to the folder name outside GitHub', () => {
    expect(defaultDescription(readRunContext({}), 'notebooks')).toBe('notebooks')
  })
})
