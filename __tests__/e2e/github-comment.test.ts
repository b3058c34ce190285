/**
 * The sticky PR comment, PR discovery and the job summary, through the built action against the
 * loopback GitHub emulator (GITHUB_API_URL points at it) and a cocode stand-in.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { makeWorkspace, removeWorkspace, runAction, type ActionResult } from '../helpers/action.js'
import { GitHubFaults, startGitHubEmulator } from '../emulators/github.js'
import { expectMasked, expectNoSecrets } from '../helpers/secrets.js'
import { outsideCodeSpans, pullRequestPayload, startCocodeStub } from './github-helpers.js'

const TOKEN = 'ghs_E2eDefaultToken0123456789abcdef'
const READ_ONLY = 'ghs_E2eReadOnlyToken0123456789abcdef'
const APP_TOKEN = 'ghs_E2eAppToken0123456789abcdefabcd'
const NO_GRAPHQL = 'ghs_E2eNoGraphqlToken0123456789abcd'
const PASSWORD = 'cocode-Pa55word-e2e'
const SECRETS = [TOKEN, READ_ONLY, APP_TOKEN, NO_GRAPHQL, PASSWORD]
const MARKER = '<!-- publish-to-collaborative-editors:cocode -->'
const HEAD_SHA = 'feedface00000000000000000000000000000000'
const GITHUB_SHA = 'abc1234def5678901234567890abcdef12345678'

type GitHub = Awaited<ReturnType<typeof startGitHubEmulator>>

let cocode: Awaited<ReturnType<typeof startCocodeStub>>
let workspace: string
let github: GitHub

beforeAll(async () => {
  cocode = await startCocodeStub()
  workspace = await makeWorkspace({ 'notebooks/intro.py': 'print("hi")\n', 'README.md': '# Course\n' })
})

afterAll(async () => {
  await cocode.close()
  await removeWorkspace(workspace)
})

beforeEach(async () => {
  github = await startGitHubEmulator({
    tokens: {
      [TOKEN]: { login: 'github-actions[bot]', type: 'Bot', write: true },
      [READ_ONLY]: { login: 'github-actions[bot]', type: 'Bot', write: false },
      [APP_TOKEN]: { login: 'publisher-app[bot]', type: 'Bot', write: true },
      [NO_GRAPHQL]: { login: 'github-actions[bot]', type: 'Bot', write: true, graphql: false }
    },
    pullRequests: [{ number: 7, head: { ref: 'feature', sha: HEAD_SHA } }]
  })
})

afterEach(async () => {
  await github.close()
})

interface Publish {
  inputs?: Record<string, string>
  eventName?: string
  payload?: Record<string, unknown>
  workspace?: string
}

async function publish(options: Publish = {}): Promise<ActionResult> {
  const result = await runAction({
    workspace: options.workspace ?? workspace,
    inputs: {
      mode: 'cocode',
      files: '**/*',
      'cocode-url': cocode.url,
      'cocode-username': 'teacher',
      'cocode-password': PASSWORD,
      'github-token': TOKEN,
      ...options.inputs
    },
    eventName: options.eventName ?? 'pull_request',
    payload: options.payload ?? pullRequestPayload(7, { headSha: HEAD_SHA }),
    env: { GITHUB_API_URL: github.url, GITHUB_GRAPHQL_URL: github.graphqlUrl },
    timeoutMs: 40_000
  })
  expectNoSecret(result)
  // The token is masked before anything is printed.
  expectMasked(result, [options.inputs?.['github-token'] ?? TOKEN])
  return result
}

/** No credential in logs (the runner's own ::add-mask:: commands aside), outputs, summary or any comment body. */
function expectNoSecret(result: ActionResult): void {
  expectNoSecrets(result, SECRETS)
  for (const comment of [...github.state.comments.values()].flat()) {
    SECRETS.forEach((secret, index) => {
      if (comment.body.includes(secret)) throw new Error(`secret #${index} appears in comment ${comment.id}`)
    })
  }
}

const ownComments = (issue: number) =>
  github.commentsOf(issue).filter((comment) => comment.body.includes(MARKER) && comment.user.login === 'github-actions[bot]')
const writes = () =>
  github.state.requests.filter((request) => request.method === 'POST' || request.method === 'PATCH').filter((r) => r.pathname !== '/graphql')

describe('the sticky comment', () => {
  it('is created once, then updated in place on the next run', async () => {
    const first = await publish()
    expect(first.code).toBe(0)
    expect(ownComments(7)).toHaveLength(1)
    const [comment] = ownComments(7)
    expect(first.outputs['comment-id']).toBe(String(comment.id))
    expect(first.outputs['comment-url']).toBe(`https://github.com/octo-org/notebooks/pull/7#issuecomment-${comment.id}`)
    expect(comment.body.startsWith(`${MARKER}\n### ✅ cocode session created`)).toBe(true)
    expect(comment.body).toContain('- **Session:** [`https://cocode.example/s/session-')
    expect(comment.body).toContain('- **Files:** 2 (')
    expect(comment.body).toContain(`- **Commit:** [\`feedfac\`](https://github.com/octo-org/notebooks/commit/${HEAD_SHA})`)
    expect(comment.body).toContain('- **Workflow run:** [logs and job summary](https://github.com/octo-org/notebooks/actions/runs/4242)')
    expect(comment.body).toContain('- `README.md` (9 B)\n- `notebooks/intro.py` (12 B)')

    const second = await publish()
    expect(second.code).toBe(0)
    expect(github.commentsOf(7)).toHaveLength(1)
    expect(second.outputs['comment-id']).toBe(String(comment.id))
    expect(github.commentsOf(7)[0].body).toContain(`session-${cocode.sessions}`)
    expect(writes().map((r) => `${r.method} ${r.pathname}`)).toEqual([
      'POST /repos/octo-org/notebooks/issues/7/comments',
      `PATCH /repos/octo-org/notebooks/issues/comments/${comment.id}`
    ])
    expect(github.state.requests.every((r) => r.token === TOKEN)).toBe(true)
    expect(second.summary).toContain(`**PR comment:** [updated](${comment.html_url}) on #7 (tag \`cocode\`).`)
    expect(second.stdout).toContain(`Updated the PR comment ${comment.html_url}`)
  })

  it("reads every page of a 150-comment PR and never touches another user's look-alike", async () => {
    for (let i = 0; i < 150; i++) {
      if (i === 120) github.addComment(7, { body: `${MARKER}\nLook-alike by mallory: [click](https://evil.example)`, login: 'mallory' })
      else github.addComment(7, { body: `Review remark ${i}`, login: i % 2 ? 'octocat' : 'hubot' })
    }
    const lookAlike = github.commentsOf(7)[120]

    const first = await publish()
    expect(first.code).toBe(0)
    const lists = github.requestsTo('GET', '/repos/octo-org/notebooks/issues/7/comments').map((r) => r.query)
    expect(lists).toEqual([{ per_page: '100' }, { per_page: '100', page: '2' }])
    expect(github.requestsTo('POST', '/graphql')).toHaveLength(1)
    expect(github.commentsOf(7)).toHaveLength(151)
    const own = ownComments(7)
    expect(own).toHaveLength(1)
    expect(first.stdout).toContain('Leaving alone 1 comment(s) with the same tag written by someone other than github-actions[bot]')

    const second = await publish()
    expect(second.code).toBe(0)
    expect(github.commentsOf(7)).toHaveLength(151)
    expect(second.outputs['comment-id']).toBe(String(own[0].id))
    expect(lookAlike.body).toBe(`${MARKER}\nLook-alike by mallory: [click](https://evil.example)`)
    expect(lookAlike.updated_at).toBe(lookAlike.created_at)
    expect(
      writes()
        .filter((r) => r.method === 'PATCH')
        .map((r) => r.pathname)
    ).toEqual([`/repos/octo-org/notebooks/issues/comments/${own[0].id}`])
  })

  it('keeps one comment per comment-tag', async () => {
    await publish({ inputs: { 'comment-tag': 'preview-a' } })
    await publish({ inputs: { 'comment-tag': 'preview-b' } })
    const again = await publish({ inputs: { 'comment-tag': 'preview-a' } })
    expect(again.code).toBe(0)
    const comments = github.commentsOf(7)
    expect(comments).toHaveLength(2)
    expect(comments[0].body.startsWith('<!-- publish-to-collaborative-editors:preview-a -->\n')).toBe(true)
    expect(comments[1].body.startsWith('<!-- publish-to-collaborative-editors:preview-b -->\n')).toBe(true)
    expect(again.outputs['comment-id']).toBe(String(comments[0].id))
    expect(writes().map((r) => r.method)).toEqual(['POST', 'POST', 'PATCH'])
  })

  it("recognises an App token's own comments by the login GraphQL gives", async () => {
    github.addComment(7, { body: `${MARKER}\nwritten by the default token`, login: 'github-actions[bot]' })
    const result = await publish({ inputs: { 'github-token': APP_TOKEN } })
    expect(result.code).toBe(0)
    const comments = github.commentsOf(7)
    expect(comments).toHaveLength(2)
    expect(comments[0].body).toBe(`${MARKER}\nwritten by the default token`)
    expect(comments[1].user.login).toBe('publisher-app[bot]')
    await publish({ inputs: { 'github-token': APP_TOKEN } })
    expect(github.commentsOf(7)).toHaveLength(2)
  })

  it("takes a bot's marked comment as its own when GraphQL will not say whose installation token it is", async () => {
    const earlier = github.addComment(7, { body: `${MARKER}\nold`, login: 'github-actions[bot]' })
    const result = await publish({ inputs: { 'github-token': NO_GRAPHQL } })
    expect(result.code).toBe(0)
    expect(github.commentsOf(7)).toHaveLength(1)
    expect(result.outputs['comment-id']).toBe(String(earlier.id))
    expect(result.stdout).toMatch(/::debug::Could not ask GitHub whose token this is .*; matching the marker on comments by any bot/)
    // An installation token cannot read GET /user: it is not even asked.
    expect(github.requestsTo('GET', '/user')).toEqual([])
    expect(result.warnings).toEqual([])
  })
})

describe('finding the pull request', () => {
  it('finds the open PR of a pushed commit, preferring the pushed branch', async () => {
    github.addPullRequest({ number: 10, state: 'closed', head: { ref: 'feature', sha: GITHUB_SHA }, updated_at: '2025-06-01T00:00:00Z' })
    github.addPullRequest({ number: 11, head: { ref: 'other', sha: 'b'.repeat(40) }, commits: [GITHUB_SHA], updated_at: '2025-05-01T00:00:00Z' })
    github.addPullRequest({ number: 12, head: { ref: 'feature', sha: GITHUB_SHA }, updated_at: '2025-04-01T00:00:00Z' })
    const result = await publish({ eventName: 'push', payload: { ref: 'refs/heads/feature', after: GITHUB_SHA } })
    expect(result.code).toBe(0)
    expect(github.requestsTo('GET', `/repos/octo-org/notebooks/commits/${GITHUB_SHA}/pulls`)).toHaveLength(1)
    expect(github.commentsOf(12)).toHaveLength(1)
    expect(github.commentsOf(11)).toHaveLength(0)
    expect(result.stdout).toContain('Commenting on PR #12 (found from the pushed commit abc1234)')
  })

  it('comments on nothing when a push belongs to no open PR, and succeeds', async () => {
    const result = await publish({ eventName: 'push', payload: { ref: 'refs/heads/main', after: GITHUB_SHA } })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain("No PR comment: no open pull request contains commit abc1234; set 'pr-number' to comment on a pull request.")
    expect(writes()).toEqual([])
    expect(result.outputs['comment-id']).toBeUndefined()
    expect(result.outputs.status).toBe('created')
  })

  it('posts no comment on a release, says so, and writes the summary', async () => {
    const result = await publish({ eventName: 'release', payload: { action: 'published', release: { tag_name: 'v1.0.0' } } })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain("No PR comment: the release event carries no pull request; set 'pr-number' to comment on a pull request.")
    expect(github.state.requests).toEqual([])
    expect(result.summary).toContain('### ✅ cocode session created')
    expect(result.summary).toContain("**PR comment:** none: the release event carries no pull request; set 'pr-number' to comment on a pull request.")
    expect(result.warnings).toEqual([])
  })

  it("uses the pr-number input on events that carry no PR, and a workflow_run's PR list", async () => {
    github.addPullRequest({ number: 21 })
    github.addPullRequest({ number: 22 })
    const released = await publish({ eventName: 'release', payload: {}, inputs: { 'pr-number': '21' } })
    expect(released.code).toBe(0)
    expect(github.commentsOf(21)).toHaveLength(1)
    const followUp = await publish({
      eventName: 'workflow_run',
      payload: {
        workflow_run: { head_sha: HEAD_SHA, pull_requests: [{ number: 22, base: { repo: { url: `${github.url}/repos/octo-org/notebooks` } } }] }
      }
    })
    expect(followUp.code).toBe(0)
    expect(github.commentsOf(22)).toHaveLength(1)
  })
})

describe('content', () => {
  it('stays under 65,536 characters for a huge file list and says how many are left out', async () => {
    const deep = `${'chapter-with-a-rather-long-folder-name/'.repeat(4)}`
    const files: Record<string, string> = {}
    for (let i = 0; i < 1500; i++) files[`${deep}exercise-${String(i).padStart(4, '0')}-${'x'.repeat(120)}.py`] = `# ${i}\n`
    const big = await makeWorkspace(files)
    try {
      const result = await publish({ workspace: big })
      expect(result.code).toBe(0)
      const [post] = github.requestsTo('POST', '/repos/octo-org/notebooks/issues/7/comments')
      expect(post.status).toBe(201)
      const body = (post.body as { body: string }).body
      expect(body.length).toBeLessThanOrEqual(65_536)
      const shown = body.split('\n').filter((line) => line.startsWith('- `chapter')).length
      expect(shown).toBeGreaterThan(100)
      expect(body).toContain(`- … and ${1500 - shown} more`)
      expect(body).toContain('<details><summary>1500 files sent</summary>')
      // The job summary has room for more of the list.
      expect(result.summary.split('\n').filter((line) => line.startsWith('- `chapter')).length).toBeGreaterThan(shown)
    } finally {
      await removeWorkspace(big)
    }
  })

  it('shows hostile file names as literal text in the posted comment', async () => {
    const hostile = await makeWorkspace({
      '<img src=x onerror=alert(1)>.txt': 'a\n',
      '](https:evil.example).md': 'b\n',
      '**bold** and _em_.txt': 'c\n',
      'back`tick``s.txt': 'd\n',
      'pipe|name.txt': 'e\n',
      '@everyone #1.txt': 'f\n',
      'new\nline.txt': 'g\n'
    })
    try {
      const result = await publish({ workspace: hostile })
      expect(result.code).toBe(0)
      const body = github.commentsOf(7)[0].body
      const interpreted = outsideCodeSpans(body)
      for (const fragment of ['<img', 'evil.example', '**bold', '_em_', 'tick', 'pipe|', '@everyone', '#1.txt', 'line.txt']) {
        expect(interpreted).not.toContain(fragment)
      }
      expect(body).toContain('- `<img src=x onerror=alert(1)>.txt` (2 B)')
      expect(body).toContain('- ```back`tick``s.txt``` (2 B)')
      expect(body).toContain('- `pipe|name.txt` (2 B)')
      expect(body).not.toMatch(/new\nline/)
      expect(result.summary).not.toMatch(/new\nline/)
    } finally {
      await removeWorkspace(hostile)
    }
  })
})

describe('a comment that cannot be written never fails the step', () => {
  it('warns once on a read-only token and still sets the outputs', async () => {
    const result = await publish({ inputs: { 'github-token': READ_ONLY } })
    expect(result.code).toBe(0)
    expect(result.errors).toEqual([])
    expect(result.warnings).toHaveLength(1)
    expect(result.warnings[0]).toContain(
      'Could not write the comment on PR #7 of octo-org/notebooks: GitHub answered HTTP 403 "Resource not accessible by integration"'
    )
    expect(result.warnings[0]).toContain("'permissions: pull-requests: write'")
    expect(result.outputs.status).toBe('created')
    expect(result.outputs['session-url']).toMatch(/^https:\/\/cocode\.example\/s\/session-\d+$/)
    expect(result.outputs['comment-id']).toBeUndefined()
    expect(result.summary).toContain('**PR comment:** not written; the warning in the log says why.')
    expect(github.commentsOf(7)).toEqual([])
  })

  it("explains the fork workarounds on a fork's pull request", async () => {
    const result = await publish({ inputs: { 'github-token': READ_ONLY }, payload: pullRequestPayload(7, { fork: true, headSha: HEAD_SHA }) })
    expect(result.code).toBe(0)
    expect(result.warnings).toHaveLength(1)
    expect(result.warnings[0]).toContain('GitHub gives pull requests from forks a read-only token')
    expect(result.warnings[0]).toContain("'workflow_run'")
    expect(result.warnings[0]).toContain('never check out and run the PR')
  })

  it('reports a fork run without secrets as skipped, without trying to comment', async () => {
    const result = await publish({ inputs: { 'cocode-password': '', 'github-token': READ_ONLY }, payload: pullRequestPayload(7, { fork: true }) })
    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('skipped')
    expect(result.outputs['file-count']).toBe('0')
    expect(github.state.requests).toEqual([])
    expect(result.summary).toContain('### ⏭️ cocode session: nothing published')
    expect(result.summary).toContain('**Why:** GitHub passes no secrets to workflows run from forks')
    expect(result.summary).toContain('**PR comment:** none: nothing was published because this run has no secrets')
  })

  it('warns on a PR that does not exist (404)', async () => {
    const result = await publish({ inputs: { 'pr-number': '999' } })
    expect(result.code).toBe(0)
    expect(result.warnings).toEqual([expect.stringContaining('GitHub answered HTTP 404 "Not Found": check the pull request number')])
  })

  it('waits out a short secondary rate limit, then writes the comment', async () => {
    github.faults.rules.push(GitHubFaults.secondaryRateLimit(1, { method: 'POST', path: '/repos/', times: 1 }))
    const result = await publish()
    expect(result.code).toBe(0)
    expect(github.requestsTo('POST', '/repos/').map((r) => r.status)).toEqual([403, 201])
    expect(github.commentsOf(7)).toHaveLength(1)
    expect(result.warnings).toEqual([])
    expect(result.stdout).toContain("GitHub's secondary rate limit answered POST")
  })

  it('waits out a spent primary rate limit that resets soon', async () => {
    github.faults.rules.push(GitHubFaults.primaryRateLimit(0, { method: 'GET', times: 1 }))
    const result = await publish()
    expect(result.code).toBe(0)
    expect(github.commentsOf(7)).toHaveLength(1)
    expect(result.warnings).toEqual([])
  })

  it('does not wait an hour for a rate limit: one warning, outputs set', async () => {
    github.faults.rules.push(GitHubFaults.tooManyRequests(3600, { method: 'POST' }))
    const result = await publish()
    expect(result.code).toBe(0)
    expect(github.requestsTo('POST', '/repos/')).toHaveLength(1)
    expect(result.warnings).toEqual([expect.stringContaining('rate limit is spent')])
    expect(result.outputs.status).toBe('created')
  })

  it('retries a failed read but never repeats a create that may have happened', async () => {
    github.faults.rules.push(GitHubFaults.status(502, 'Bad Gateway', { method: 'GET', times: 1 }))
    github.faults.rules.push(GitHubFaults.status(502, 'Bad Gateway', { method: 'POST', path: '/repos/' }))
    const result = await publish()
    expect(result.code).toBe(0)
    expect(github.requestsTo('GET', '/repos/').map((r) => r.status)).toEqual([502, 200])
    expect(github.requestsTo('POST', '/repos/')).toHaveLength(1)
    expect(result.warnings).toEqual([expect.stringContaining('GitHub answered HTTP 502 "Bad Gateway"')])
  })

  it('warns when GitHub refuses the body (422)', async () => {
    github.faults.rules.push(GitHubFaults.status(422, 'Validation Failed', { method: 'POST', path: '/repos/' }))
    const result = await publish()
    expect(result.code).toBe(0)
    expect(result.warnings).toEqual([expect.stringContaining('HTTP 422 "Validation Failed": GitHub refused the request as invalid')])
  })

  it('warns when the GitHub API cannot be reached', async () => {
    await github.close()
    const result = await publish()
    expect(result.code).toBe(0)
    expect(result.warnings).toEqual([expect.stringContaining('could not be reached')])
    github = await startGitHubEmulator()
  })

  it('never sends the token to another origin named by a pagination link', async () => {
    const elsewhere = await startGitHubEmulator()
    try {
      for (let i = 0; i < 101; i++) github.addComment(7, { body: `remark ${i}`, login: 'octocat' })
      github.state.linkOrigin = elsewhere.url
      const result = await publish()
      expect(result.code).toBe(0)
      expect(elsewhere.state.requests).toEqual([])
      expect(result.warnings).toEqual([expect.stringContaining('refused to send the token to http://127.0.0.1:')])
    } finally {
      await elsewhere.close()
    }
  })
})

describe('runs that post no comment', () => {
  it('a dry run sends nothing to GitHub and says where it would comment', async () => {
    const sessions = cocode.sessions
    const result = await publish({ inputs: { 'dry-run': 'true' } })
    expect(result.code).toBe(0)
    expect(github.state.requests).toEqual([])
    expect(cocode.sessions).toBe(sessions)
    expect(result.outputs.status).toBe('dry-run')
    expect(result.summary).toContain('### 🧪 cocode session: dry run, nothing sent')
    expect(result.summary).toContain('**Planned requests** (none was sent):')
    expect(result.summary).toContain('**PR comment:** none in a dry run; a real run would write the comment tagged `cocode` on PR \\#7.')
    expect(result.stdout).toContain("Dry run: no PR comment. A real run would write the comment tagged 'cocode' on PR #7.")
  })

  it("'comment: false' sends nothing to GitHub", async () => {
    const result = await publish({ inputs: { comment: 'false' } })
    expect(result.code).toBe(0)
    expect(github.state.requests).toEqual([])
    expect(result.summary).toContain("**PR comment:** none: the 'comment' input is false.")
  })
})
