/**
 * `changed-files-only` through the built action: GitHub's list of a PR's files (the loopback
 * GitHub emulator, paged and capped at 3,000 as GitHub does) decides what reaches a cocode
 * session or a CoCalc project.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { expectOneLineFailure, makeWorkspace, removeWorkspace, runAction, type ActionResult } from '../helpers/action.js'
import { GitHubFaults, PR_FILES_CAP, startGitHubEmulator } from '../emulators/github.js'
import { startCocodeEmulator } from '../emulators/cocode.js'
import { expectNoSecrets } from '../helpers/secrets.js'
import { pullRequestPayload } from './github-helpers.js'
import { API_KEY, SECRETS as COCALC_SECRETS, projectIds, startEmulator, type Emulator } from './cocalc-helpers.js'

const TOKEN = 'ghs_E2eChangedFilesToken0123456789ab'
const PASSWORD = 'cocode-Pa55word-changed'
const HEAD_SHA = 'feedface00000000000000000000000000000000'

type GitHub = Awaited<ReturnType<typeof startGitHubEmulator>>
type Cocode = Awaited<ReturnType<typeof startCocodeEmulator>>

/** 300 notebooks-as-scripts under src/, plus a few files elsewhere. */
function repository(): Record<string, string> {
  const files: Record<string, string> = { 'docs/guide.md': '# Guide\n', 'README.md': '# Repo\n' }
  for (let i = 0; i < 300; i++) files[`src/file-${String(i).padStart(3, '0')}.py`] = `print(${i})\n`
  return files
}

/** A PR of three changes under src/ (one a rename), one removal, and one change outside `files`. */
const PR_FILES = [
  { filename: 'src/file-010.py', status: 'added' as const },
  { filename: 'src/file-020.py', status: 'modified' as const },
  { filename: 'src/file-030.py', status: 'renamed' as const, previous_filename: 'src/old-name.py' },
  { filename: 'src/gone.py', status: 'removed' as const },
  { filename: 'docs/guide.md', status: 'modified' as const }
]

let github: GitHub
let cocode: Cocode
let cocalc: Emulator
let workspace: string

beforeAll(async () => {
  github = await startGitHubEmulator({
    tokens: { [TOKEN]: { login: 'github-actions[bot]', type: 'Bot', write: true } },
    pullRequests: [
      { number: 7, head: { ref: 'feature', sha: HEAD_SHA }, files: PR_FILES },
      // A PR past GitHub's cap: 3,005 files, of which GitHub lists the first 3,000.
      {
        number: 8,
        files: Array.from({ length: PR_FILES_CAP + 5 }, (_, i) => ({ filename: `gen/f-${String(i).padStart(4, '0')}.txt`, status: 'added' as const }))
      }
    ]
  })
  cocode = await startCocodeEmulator({ username: 'teacher', password: PASSWORD })
  cocalc = await startEmulator()
  workspace = await makeWorkspace(repository())
})

afterAll(async () => {
  await github.close()
  await cocode.close()
  await cocalc.close()
  await removeWorkspace(workspace)
})

afterEach(() => {
  github.faults.rules.length = 0
  cocode.faults.clear()
})

async function publishCocode(
  inputs: Record<string, string>,
  options: { eventName?: string; payload?: Record<string, unknown>; workspace?: string } = {}
) {
  const result = await runAction({
    workspace: options.workspace ?? workspace,
    inputs: {
      mode: 'cocode',
      files: 'src/**',
      'changed-files-only': 'true',
      'cocode-url': cocode.url,
      'cocode-username': 'teacher',
      'cocode-password': PASSWORD,
      'github-token': TOKEN,
      ...inputs
    },
    eventName: options.eventName ?? 'pull_request',
    payload: options.payload ?? pullRequestPayload(7, { headSha: HEAD_SHA }),
    env: { GITHUB_API_URL: github.url, GITHUB_GRAPHQL_URL: github.graphqlUrl },
    timeoutMs: 40_000
  })
  expectNoSecrets(result, [TOKEN, PASSWORD])
  return result
}

function lastSessionFiles(): string[] {
  return (cocode.state.sessions.at(-1)?.files ?? []).map((file) => file.Filename).sort()
}

function notices(result: ActionResult): string[] {
  return result.stdout.split('\n').filter((line) => line.startsWith('::notice'))
}

describe('changed-files-only, cocode mode', () => {
  it('sends exactly the 3 changed files of 300 (a renamed one under its new name), and names the removed one without sending it', async () => {
    const before = github.requestsTo('GET', '/repos/octo-org/notebooks/pulls/7/files').length
    const result = await publishCocode({})
    expect(result.errors).toEqual([])
    expect(result.code).toBe(0)
    expect(lastSessionFiles()).toEqual(['src/file-010.py', 'src/file-020.py', 'src/file-030.py'])
    expect(result.outputs['file-count']).toBe('3')
    // One page of 100 was enough.
    const listings = github.requestsTo('GET', '/repos/octo-org/notebooks/pulls/7/files').slice(before)
    expect(listings.map((r) => r.query.per_page)).toEqual(['100'])

    // The comment (and the same summary) lists what was sent, the rename, and the removal.
    const comment = github.commentsOf(7).at(-1)?.body ?? ''
    for (const text of [comment, result.summary]) {
      expect(text).toContain('3 files sent')
      expect(text).toContain('`src/file-030.py` (10 B, renamed from `src/old-name.py`)')
      expect(text).toContain('1 file removed by the pull request (not sent)')
      expect(text).toContain('- `src/gone.py`')
      expect(text).toContain('5 files changed in PR #7')
      expect(text).not.toContain('src/file-011.py')
    }
    expect(result.stdout).toContain('Removed by the PR, not sent: src/gone.py')
  })

  it('reads every page: a PR of 250 changed files is listed in 3 requests and all 250 are sent', async () => {
    github.addPullRequest({
      number: 9,
      files: Array.from({ length: 250 }, (_, i) => ({ filename: `src/file-${String(i).padStart(3, '0')}.py`, status: 'modified' as const }))
    })
    const result = await publishCocode({}, { payload: pullRequestPayload(9) })
    expect(result.code).toBe(0)
    expect(lastSessionFiles()).toHaveLength(250)
    const pages = github.requestsTo('GET', '/repos/octo-org/notebooks/pulls/9/files').map((r) => r.query.page ?? '1')
    expect(pages).toEqual(['1', '2', '3'])
  })

  it('reports GitHub’s 3,000-file cap honestly in the log, the summary and the comment', async () => {
    const big = await makeWorkspace(
      Object.fromEntries(Array.from({ length: PR_FILES_CAP + 5 }, (_, i) => [`gen/f-${String(i).padStart(4, '0')}.txt`, `${i}\n`]))
    )
    try {
      const result = await publishCocode({ files: 'gen/**' }, { payload: pullRequestPayload(8), workspace: big })
      expect(result.code).toBe(0)
      expect(lastSessionFiles()).toHaveLength(PR_FILES_CAP)
      const cap = 'GitHub lists at most 3,000 files of a pull request, and PR #8 changes 3,005: only the 3,000 listed were considered'
      expect(result.warnings.some((line) => line.includes(cap))).toBe(true)
      expect(result.summary).toContain('Not every change was considered')
      expect(result.summary).toContain('3,005')
      expect(github.commentsOf(8).at(-1)?.body).toContain('3,005')
      // 30 pages of 100, then the PR itself for its changed_files count.
      expect(github.requestsTo('GET', '/repos/octo-org/notebooks/pulls/8/files')).toHaveLength(30)
      expect(github.requestsTo('GET', '/repos/octo-org/notebooks/pulls/8').filter((r) => r.pathname.endsWith('/8'))).toHaveLength(1)
    } finally {
      await removeWorkspace(big)
    }
  })

  it('never lets a removed file name from GitHub start a workflow command', async () => {
    github.addPullRequest({
      number: 10,
      files: [
        { filename: 'src/file-001.py', status: 'modified' },
        { filename: 'src/evil\n::error::injected by a file name', status: 'removed' }
      ]
    })
    const result = await publishCocode({}, { payload: pullRequestPayload(10) })
    expect(result.code).toBe(0)
    expect(result.errors).toEqual([])
    expect(result.stdout).toContain('Removed by the PR, not sent: "src/evil\\n::error::injected by a file name"')
    expect(github.commentsOf(10).at(-1)?.body).toContain('`src/evil\\n::error::injected by a file name`')
  })

  it('has no effect outside a pull request, and says so in a notice', async () => {
    const result = await publishCocode({ files: 'docs/**' }, { eventName: 'push', payload: { ref: 'refs/tags/v1', after: HEAD_SHA } })
    expect(result.code).toBe(0)
    expect(lastSessionFiles()).toEqual(['docs/guide.md'])
    expect(notices(result).some((line) => line.includes("'changed-files-only' has no effect"))).toBe(true)
  })

  it('uses pr-number on events without a pull request', async () => {
    const result = await publishCocode({ 'pr-number': '7', comment: 'false' }, { eventName: 'workflow_dispatch', payload: {} })
    expect(result.code).toBe(0)
    expect(lastSessionFiles()).toEqual(['src/file-010.py', 'src/file-020.py', 'src/file-030.py'])
  })

  it('fails with one clear line, sending nothing, when GitHub will not list the files', async () => {
    const sessions = cocode.state.sessionsCreated
    github.faults.rules.push({ ...GitHubFaults.status(404, 'Not Found'), path: '/repos/octo-org/notebooks/pulls/7/files' })
    const result = await publishCocode({})
    expectOneLineFailure(
      result,
      /^Could not list the files of PR #7 in octo-org\/notebooks for 'changed-files-only': GitHub answered HTTP 404 "Not Found": check 'pr-number'.*; nothing was sent$/
    )
    expect(cocode.state.sessionsCreated).toBe(sessions)
  })

  it('fails naming the input when there is no token to ask GitHub with', async () => {
    const sessions = cocode.state.sessionsCreated
    const result = await publishCocode({ 'github-token': '' })
    expectOneLineFailure(result, "Input 'github-token': is empty, but 'changed-files-only' needs it to ask GitHub for the files of PR #7")
    expect(cocode.state.sessionsCreated).toBe(sessions)
  })
})

describe('changed-files-only, cocalc mode', () => {
  it('uploads only the changed files, and composes with the incremental upload', async () => {
    const { source } = projectIds()
    const run = () =>
      runAction({
        workspace,
        inputs: {
          mode: 'cocalc',
          files: 'src/**',
          'changed-files-only': 'true',
          'cocalc-url': cocalc.url,
          'cocalc-api-key': API_KEY,
          'project-id': source,
          path: 'preview',
          'github-token': TOKEN,
          comment: 'false'
        },
        eventName: 'pull_request',
        payload: pullRequestPayload(7, { headSha: HEAD_SHA }),
        env: { GITHUB_API_URL: github.url, GITHUB_GRAPHQL_URL: github.graphqlUrl },
        timeoutMs: 40_000
      })
    const first = await run()
    expectNoSecrets(first, [TOKEN, ...COCALC_SECRETS])
    expect(first.errors).toEqual([])
    expect(cocalc.listFiles(source, 'preview')).toEqual(['preview/src/file-010.py', 'preview/src/file-020.py', 'preview/src/file-030.py'])
    const uploads = cocalc.requestsTo('upload').length
    const second = await run()
    expect(second.code).toBe(0)
    // Already identical in the project: nothing uploaded again.
    expect(cocalc.requestsTo('upload').length).toBe(uploads)
    expect(second.summary).toContain('already up to date')
  })

  it("ends a PR file listing GitHub is slow to answer at the step's timeout, naming the phase, with nothing uploaded", async () => {
    const { source } = projectIds()
    const uploads = cocalc.requestsTo('upload').length
    // GitHub answers the listing after 15 s (within its own 20 s per-request limit); the step may take 3.
    github.faults.rules.push({ path: '/repos/octo-org/notebooks/pulls/7/files', delayMs: 15_000, times: 1 })
    const result = await runAction({
      workspace,
      inputs: {
        mode: 'cocalc',
        files: 'src/**',
        'changed-files-only': 'true',
        'cocalc-url': cocalc.url,
        'cocalc-api-key': API_KEY,
        'project-id': source,
        path: 'preview',
        'github-token': TOKEN,
        comment: 'false',
        timeout: '3'
      },
      eventName: 'pull_request',
      payload: pullRequestPayload(7, { headSha: HEAD_SHA }),
      env: { GITHUB_API_URL: github.url, GITHUB_GRAPHQL_URL: github.graphqlUrl },
      timeoutMs: 40_000
    })
    expectNoSecrets(result, [TOKEN, ...COCALC_SECRETS])
    expectOneLineFailure(
      result,
      "The cocalc step did not finish within its 3 s 'timeout' (phase: changed files, listing the pull request's changed files on GitHub): raise 'timeout', or check that GitHub responds"
    )
    expect(cocalc.requestsTo('upload').length).toBe(uploads)
    expect(cocalc.listFiles(source)).toEqual([])
  })
})
