/**
 * The security review's findings (issue 11), each through the built action (dist/index.js, or
 * ACTION_ENTRY) with a real workspace (real symbolic links, real odd names) and servers that
 * answer the hostile text. Every assertion is on what the user or a server can see: the requests
 * that arrived, the outputs, the job summary, the PR comment and the log.
 */
import { describe, expect, it } from '@jest/globals'
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { randomUUID } from 'node:crypto'
import { Faults, htmlPage } from '../emulators/cocode.js'
import { Answers } from '../emulators/cocalc.js'
import { GitHubFaults, startGitHubEmulator } from '../emulators/github.js'
import { expectOneLineFailure, makeWorkspace, removeWorkspace, runAction, type ActionResult } from '../helpers/action.js'
import { pullRequestPayload, startCocodeStub } from './github-helpers.js'
import { commentingRun, hostileHarness, type Files, type HostileRun } from './hostile-harness.js'

const USERNAME = 'review-user-5c1d'
// A space and a slash: its URL-, form- and JSON-encodings all differ from the raw text.
const PASSWORD = 'pass word/1 "q" é'
const API_KEY = 'sk-SecurityReviewKey-0f1e2d3c4b5a69788'
const TOKEN = 'ghs_SecurityReviewToken0123456789abcd'
const CHECKOUT_TOKEN = 'ghs_CheckoutExtraheaderToken0123456789'
const ENV_SECRET = 'API_SECRET=do-not-publish-7e3a'

/** Every encoding a server could echo a credential in. */
function encodings(value: string): string[] {
  return [
    value,
    encodeURIComponent(value),
    new URLSearchParams({ v: value }).toString().slice(2),
    JSON.stringify(value).slice(1, -1),
    Buffer.from(value).toString('base64').replace(/=+$/, '')
  ]
}
const SECRETS = [
  ...encodings(USERNAME),
  ...encodings(PASSWORD),
  Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64'),
  ...encodings(API_KEY),
  Buffer.from(`${API_KEY}:`).toString('base64'),
  TOKEN
]

const { run, servers } = hostileHarness({
  username: USERNAME,
  password: PASSWORD,
  apiKey: API_KEY,
  secrets: SECRETS,
  check: (result) => expectNoInjectedCommands(result)
})

/**
 * The runner treats a log line as a command when, trimmed, it starts with `::`, or when it holds
 * `##[` anywhere (the old syntax). The action itself issues only these; nothing a server or a
 * file name says may add another, nor mask or set anything.
 */
const OWN_COMMANDS = /^::(add-mask|group|endgroup|debug|warning|error|notice)::/
function expectNoInjectedCommands(result: ActionResult): void {
  const lines = result.stdout.split('\n').map((line) => line.trim())
  const commands = lines.filter((line) => line.startsWith('::') || line.includes('##['))
  expect(commands.filter((line) => !OWN_COMMANDS.test(line))).toEqual([])
  expect(result.errors.length).toBeLessThanOrEqual(1)
  for (const line of commands.filter((l) => l.startsWith('::add-mask::'))) expect(line).not.toMatch(/injected|hostile/i)
  expect(Object.keys(result.outputs)).not.toContain('injected')
}

const GIT_CONFIG = `[core]\n\tbare = false\n[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic ${Buffer.from(`x-access-token:${CHECKOUT_TOKEN}`).toString('base64')}\n`

/** A checkout as actions/checkout leaves it, with what a hostile PR adds. */
function checkout(extra: Files): Files {
  return {
    '.git/config': GIT_CONFIG,
    '.git/HEAD': 'ref: refs/heads/main\n',
    '.env': `${ENV_SECRET}\n`,
    'README.md': '# Course\n',
    ...extra
  }
}

function sentContent(): string {
  return servers.cocode.state.requests.map((request) => request.body.toString('utf8')).join('\n')
}

function expectNothingSecretSent(): void {
  const sent = sentContent()
  for (const leak of ['extraheader', CHECKOUT_TOKEN, 'API_SECRET', 'refs/heads/main']) expect(sent).not.toContain(leak)
}

describe('high: links into hidden places of the checkout', () => {
  const HOSTILE = checkout({
    'docs/config.txt': { link: '../.git/config' },
    'docs/env.txt': { link: '../.env' },
    'docs/notes.md': 'notes\n',
    gitdir: { link: '.git' }
  })

  it('sends neither .git/config nor .env through links, and names each link in a warning', async () => {
    // Patterns of their own, so the walk starts inside the linked folder too (under `**` it never enters it).
    const result = await run('cocode', HOSTILE, { inputs: { files: 'docs/**\nREADME.md\ngitdir/config' } })
    expect(result.code).toBe(0)
    expect(servers.cocode.state.sessions[0].files.map((f) => f.Filename).sort()).toEqual(['README.md', 'docs/notes.md'])
    expectNothingSecretSent()
    const warnings = result.warnings.filter((w) => /docs\/config\.txt|docs\/env\.txt|gitdir\/config/.test(w))
    expect(warnings.sort()).toEqual([
      'Skipped docs/config.txt: it leads into a hidden place (.git/config), which is never published through a link',
      'Skipped docs/env.txt: it leads into a hidden place (.env), which is never published through a link',
      'Skipped gitdir/config: it leads into a hidden place (.git/config), which is never published through a link'
    ])
    expect(result.outputs['file-count']).toBe('2')
  })

  it('never sends .git/, even with include-hidden-files, while a link to .env is then a hidden file like any other', async () => {
    const result = await run('cocode', HOSTILE, { inputs: { 'include-hidden-files': 'true' } })
    expect(result.code).toBe(0)
    const names = servers.cocode.state.sessions[0].files.map((f) => f.Filename).sort()
    expect(names).toEqual(['.env', 'README.md', 'docs/env.txt', 'docs/notes.md'])
    expect(sentContent()).not.toContain('extraheader')
    expect(sentContent()).not.toContain(CHECKOUT_TOKEN)
    expect(result.warnings).toContain('Skipped docs/config.txt: it leads into .git/, which is never published')
  })

  it.each(['v1', 'v2'])('sends CoCalc (API %s) nothing from .git or .env through links', async (api) => {
    const project = randomUUID()
    const result = await run('cocalc', HOSTILE, { inputs: { files: 'docs/**\nREADME.md\ngitdir/config', 'cocalc-api': api, 'project-id': project } })
    expect(result.code).toBe(0)
    expect(servers.cocalc.listFiles(project)).toEqual(['course/README.md', 'course/docs/notes.md'])
    const sent = JSON.stringify(servers.cocalc.state.requests.map((r) => r.body ?? r.url))
    for (const leak of ['extraheader', 'API_SECRET', 'config.txt', 'env.txt']) expect(sent).not.toContain(leak)
  })
})

describe('high: a working directory that is a link', () => {
  it.each([
    ['a link to .git', { slides: { link: '.git' } }, 'slides', {}],
    ['a link to a hidden folder', { slides: { link: '.secrets' }, '.secrets/key.txt': 'k' }, 'slides', {}],
    ['a link out of the workspace', { slides: { link: '/etc' } }, 'slides', {}],
    ['a folder above the workspace', {}, '..', {}],
    ['an absolute path elsewhere', {}, '/etc', {}],
    ['a hidden folder itself', { '.secrets/key.txt': 'k' }, '.secrets', {}],
    ['a hidden folder itself, even with include-hidden-files', { '.secrets/key.txt': 'k' }, '.secrets', { 'include-hidden-files': 'true' }],
    [
      'a link to a hidden folder, even with include-hidden-files',
      { slides: { link: '.secrets' }, '.secrets/key.txt': 'k' },
      'slides',
      { 'include-hidden-files': 'true' }
    ]
  ])('refuses %s before any request, naming the input', async (_kind, extra, workingDirectory, inputs) => {
    const result = await run('cocode', checkout(extra as Files), { inputs: { 'working-directory': workingDirectory, ...inputs } })
    expectOneLineFailure(result, /^Input 'working-directory': /)
    expect(servers.cocode.state.requests).toHaveLength(0)
  })

  /** A runner's layout: `<root>/ws` and `<root>/_temp`, where actions/checkout (v6) keeps the token and the runner its command files. */
  async function withRunnerTemp(test: (temp: string) => Promise<void>): Promise<void> {
    const temp = await mkdtemp(path.join(os.tmpdir(), 'runner-temp-'))
    try {
      await writeFile(path.join(temp, 'git-credentials-4f1c.config'), GIT_CONFIG)
      await mkdir(path.join(temp, '_runner_file_commands'))
      await writeFile(path.join(temp, '_runner_file_commands', 'set_env_abc'), `${ENV_SECRET}\n`)
      await test(temp)
    } finally {
      await removeWorkspace(temp)
    }
  }

  it.each(['cocode', 'cocalc'] as const)('refuses (%s) a link from the workspace into RUNNER_TEMP, which holds the checkout token', async (mode) => {
    await withRunnerTemp(async (temp) => {
      const cocalcBefore = servers.cocalc.state.requests.length
      const result = await run(mode, checkout({}), {
        inputs: { 'working-directory': 'deck' },
        env: { RUNNER_TEMP: temp },
        prepare: async (workspace) => symlink(path.relative(workspace, temp), path.join(workspace, 'deck'))
      })
      expectOneLineFailure(result, /^Input 'working-directory': '.*deck' \(really .*\) is a link out of the workspace \(GITHUB_WORKSPACE\)/)
      expect(servers.cocode.state.requests).toHaveLength(0)
      expect(servers.cocalc.state.requests).toHaveLength(cocalcBefore)
    })
  })

  it('refuses a link from RUNNER_TEMP into the workspace', async () => {
    await withRunnerTemp(async (temp) => {
      const result = await run('cocode', checkout({}), {
        env: { RUNNER_TEMP: temp },
        prepare: async (workspace) => symlink(workspace, path.join(temp, 'checkout')),
        inputs: { 'working-directory': path.join(temp, 'checkout') }
      })
      expectOneLineFailure(result, /^Input 'working-directory': .* is a link out of RUNNER_TEMP/)
      expect(servers.cocode.state.requests).toHaveLength(0)
    })
  })

  it('accepts a working directory under RUNNER_TEMP', async () => {
    const temp = await mkdtemp(path.join(os.tmpdir(), 'runner-temp-'))
    try {
      await writeFile(path.join(temp, 'built.md'), 'built\n')
      const result = await run('cocode', checkout({}), { inputs: { 'working-directory': temp }, env: { RUNNER_TEMP: temp } })
      expect(result.code).toBe(0)
      expect(servers.cocode.state.sessions[0].files).toEqual([{ Filename: 'built.md', Content: 'built\n' }])
    } finally {
      await removeWorkspace(temp)
    }
  })
})

const INJECTIONS = [
  'rsync failed\n::add-mask::hostile-mask\n::set-output name=injected::yes',
  'denied\r\n::error file=x,line=1::hostile error\n::stop-commands::hostile-token',
  'denied %0A::add-mask::hostile-percent ##[add-mask]hostile-legacy',
  `echoed ${Buffer.from(API_KEY).toString('base64')}`
]

describe('medium: CoCalc text is data, never a workflow command', () => {
  it.each(['v1', 'v2'])('prints copy errors (API %s) on one line with commands neutralised', async (api) => {
    const targets = INJECTIONS.map(() => randomUUID())
    targets.forEach((target, i) => servers.cocalc.faults.copyFails.set(target, INJECTIONS[i]))
    const result = await run('cocalc', { 'a.md': 'a' }, { inputs: { 'cocalc-api': api, 'target-project-id': targets.join(',') } })
    expect(result.code).toBe(1)
    const copies = JSON.parse(result.outputs.copies) as { status: string; error?: string }[]
    expect(copies.map((c) => c.status)).toEqual(targets.map(() => 'failed'))
    for (const line of result.stdout.split('\n').filter((l) => /failed: rsync|failed: denied|failed: echoed/.test(l))) {
      expect(line.trim().startsWith('::') && !OWN_COMMANDS.test(line.trim())).toBe(false)
    }
    expect(result.stdout).toContain('rsync failed ::add-mask::hostile-mask')
  })

  it.each([
    ['v2', 'projects/copy-path', (id: string) => Answers.json({ copy_id: id })],
    ['v1', 'copy_path_between_projects', (id: string) => Answers.json({ event: 'copy_path_between_projects_response', copy_path_id: id })]
  ])('refuses a copy id (API %s) that is not a UUID, printing it inert', async (api, endpoint, answer) => {
    const target = randomUUID()
    servers.cocalc.faults.next(endpoint, answer('3f1c\n::add-mask::hostile-id\n::set-output name=injected::yes'))
    const result = await run('cocalc', { 'a.md': 'a' }, { inputs: { 'cocalc-api': api, 'target-project-id': target } })
    expect(result.code).toBe(1)
    const [copy] = JSON.parse(result.outputs.copies) as { status: string; copy_id: string; error?: string }[]
    expect(copy.status).toBe('failed')
    expect(copy.copy_id).toBe('')
    expect(result.outputs['copy-id']).toBe('')
    expect(copy.error).toMatch(/copy id that is not a UUID/)
  })
})

describe('low: a file named like another step’s marker', () => {
  it('never takes over a comment that only mentions the marker below its first line', async () => {
    const github = await startGitHubEmulator({
      tokens: { [TOKEN]: { login: 'github-actions[bot]', type: 'Bot', write: true } },
      pullRequests: [{ number: 7, head: { ref: 'feature', sha: 'feedface00000000000000000000000000000000' } }]
    })
    const stub = await startCocodeStub()
    try {
      const files = { 'a.md': 'a', '<!-- publish-to-collaborative-editors:other -->.md': 'x' }
      const withComment = (tag: string): HostileRun => commentingRun(github, TOKEN, stub.url, { 'comment-tag': tag })
      expect((await run('cocode', files, withComment('cocode'))).code).toBe(0)
      const [ours] = github.commentsOf(7)
      const before = ours.body
      expect(before).toContain('publish-to-collaborative-editors:other')
      const other = await run('cocode', { 'b.md': 'b' }, withComment('other'))
      expect(other.code).toBe(0)
      const comments = github.commentsOf(7)
      expect(comments).toHaveLength(2)
      expect(comments[0].body).toBe(before)
      expect(comments[1].body.split('\n')[0]).toBe('<!-- publish-to-collaborative-editors:other -->')
      expect(other.outputs['comment-id']).toBe(String(comments[1].id))
    } finally {
      await stub.close()
      await github.close()
    }
  })
})

describe('low: a session URL is set only well-formed and normalised', () => {
  it('percent-encodes what a shell would run, in the output and the log', async () => {
    servers.cocode.faults.next({ kind: 'status', status: 200, body: "https://x.example/s/$(curl…|sh)';\n", process: true })
    const result = await run('cocode', { 'a.md': 'a' })
    expect(result.code).toBe(0)
    const url = 'https://x.example/s/%24%28curl%E2%80%A6%7Csh%29%27%3B'
    expect(result.outputs['session-url']).toBe(url)
    expect(result.stdout).toContain(`Session created: ${url}`)
    expect(result.stdout).not.toContain('$(curl')
    expect(result.summary).not.toContain('$(curl')
  })
})

describe('low: a file name that is not UTF-8', () => {
  it('is skipped with a warning; the rest is published', async () => {
    const result = await run(
      'cocode',
      { 'a.md': 'a', 'sub/b.md': 'b' },
      {
        prepare: async (workspace) => {
          await writeFile(Buffer.concat([Buffer.from(`${workspace}/caf`), Buffer.from([0xe9]), Buffer.from('.md')]), 'latin-1 name')
          await writeFile(Buffer.concat([Buffer.from(`${workspace}/sub/x`), Buffer.from([0xff, 0xfe]), Buffer.from('.md')]), 'bad')
        }
      }
    )
    expect(result.code).toBe(0)
    expect(servers.cocode.state.sessions[0].files.map((f) => f.Filename).sort()).toEqual(['a.md', 'sub/b.md'])
    expect(result.warnings.sort()).toEqual([
      'Skipped "caf\\xe9.md": it has a name that is not valid UTF-8, so it cannot be published under its name',
      'Skipped "sub/x\\xff\\xfe.md": it has a name that is not valid UTF-8, so it cannot be published under its name'
    ])
  })
})

describe('low: credentials echoed in other encodings', () => {
  it.each([
    ['form-encoded', new URLSearchParams({ p: PASSWORD }).toString().slice(2)],
    ['base64 of the password alone', Buffer.from(PASSWORD).toString('base64')],
    ['base64 of the user name alone', Buffer.from(USERNAME).toString('base64')],
    ['JSON-encoded', JSON.stringify(PASSWORD).slice(1, -1)],
    ['JSON-encoded with \\u escapes', JSON.stringify(PASSWORD).slice(1, -1).replace('é', '\\u00e9')],
    ['URL-encoded in lower case', encodeURIComponent(PASSWORD).toLowerCase()]
  ])('scrubs a password echoed %s from the error and the summary', async (_kind, echoed) => {
    servers.cocode.faults.next(Faults.status(401, `Unauthorized: got ${echoed}`))
    const result = await run('cocode', { 'a.md': 'a' })
    expectOneLineFailure(result, /^cocode refused the credentials \(HTTP 401: Unauthorized: got \*\*\*\)/)
    expect(result.summary).toContain('Unauthorized: got ***')
  })
})

describe("low: credentials echoed the way other languages' encoders write them", () => {
  // `+`, `<`, `&`, `>`: Python's quote, PHP's json_encode and Go's json.Marshal each write it differently from JavaScript.
  const OTHER_PASSWORD = 'pass word/1+é<a&b>'
  const ECHOES: [string, string][] = [
    ["URL-encoded by Python's quote (/ kept)", 'pass%20word/1%2B%C3%A9%3Ca%26b%3E'],
    ["JSON-encoded by PHP's json_encode (\\/, \\u00e9)", 'pass word\\/1+\\u00e9<a&b>'],
    ["JSON-encoded by Go's json.Marshal (\\u003c, \\u0026, \\u003e)", 'pass word/1+é\\u003ca\\u0026b\\u003e']
  ]
  const other = hostileHarness({
    username: USERNAME,
    password: OTHER_PASSWORD,
    apiKey: API_KEY,
    secrets: [...encodings(OTHER_PASSWORD), ...ECHOES.map(([, echoed]) => echoed), TOKEN]
  })

  it.each(ECHOES)('scrubs a password %s from the error and the summary', async (_kind, echoed) => {
    other.servers.cocode.faults.next(Faults.status(401, `Unauthorized: got ${echoed}`))
    const result = await other.run('cocode', { 'a.md': 'a' })
    expectOneLineFailure(result, /^cocode refused the credentials \(HTTP 401: Unauthorized: got \*\*\*\)/)
    expect(result.summary).toContain('Unauthorized: got ***')
  })
})

describe('low: debug lines are scrubbed too', () => {
  it("never prints the token GitHub echoed in a failed comment's stack trace", async () => {
    const github = await startGitHubEmulator({
      tokens: { [TOKEN]: { login: 'github-actions[bot]', type: 'Bot', write: true } },
      pullRequests: [{ number: 7, head: { ref: 'feature', sha: 'feedface00000000000000000000000000000000' } }]
    })
    const stub = await startCocodeStub()
    try {
      github.faults.rules.push(GitHubFaults.status(422, `Validation Failed: ${TOKEN} may not comment`))
      // The harness fails the test if the token shows anywhere, ::debug:: lines included.
      const result = await run('cocode', { 'a.md': 'a' }, commentingRun(github, TOKEN, stub.url))
      expect(result.code).toBe(0)
      expect(result.stdout).toMatch(/::debug::.*\*\*\* may not comment/)
    } finally {
      await stub.close()
      await github.close()
    }
  })
})

describe('low (functional): changed-files-only through a linked working directory', () => {
  it('sends the changed files of the folder the link leads to', async () => {
    const github = await startGitHubEmulator({
      tokens: { [TOKEN]: { login: 'github-actions[bot]', type: 'Bot', write: true } },
      pullRequests: [
        {
          number: 7,
          head: { ref: 'feature', sha: 'feedface00000000000000000000000000000000' },
          files: [{ filename: 'docs/a.md', status: 'modified' }]
        }
      ]
    })
    try {
      const result = await run(
        'cocode',
        { 'docs/a.md': 'changed\n', 'docs/b.md': 'unchanged\n', site: { link: 'docs' } },
        commentingRun(github, TOKEN, servers.cocode.url, { comment: 'false', 'working-directory': 'site', 'changed-files-only': 'true' })
      )
      expect(result.code).toBe(0)
      expect(servers.cocode.state.sessions[0].files).toEqual([{ Filename: 'a.md', Content: 'changed\n' }])
    } finally {
      await github.close()
    }
  })
})

describe('low: credentials sent in clear text', () => {
  it('warns when a URL is http:// to a host other than loopback', async () => {
    const result = await run('cocalc', { 'a.md': 'a' }, { inputs: { 'cocalc-url': 'http://cocalc.example.org', 'dry-run': 'true' } })
    expect(result.code).toBe(0)
    expect(result.warnings).toEqual([
      "Input 'cocalc-url': http://cocalc.example.org is not https, so the credential travels in clear text: use https:// unless the network between the runner and the server is trusted"
    ])
  })

  it('says nothing for loopback', async () => {
    const result = await run('cocode', { 'a.md': 'a' })
    expect(result.code).toBe(0)
    expect(result.warnings).toEqual([])
  })
})

describe('low: Dependabot pull requests', () => {
  it('are skipped with a warning when the secrets are empty', async () => {
    const payload = pullRequestPayload(9)
    ;(payload.pull_request as Record<string, unknown>).user = { login: 'dependabot[bot]', type: 'Bot' }
    const workspace = await makeWorkspace({ 'a.md': 'a' })
    try {
      const result = await runAction({
        workspace,
        inputs: { mode: 'cocode', files: '**', 'cocode-url': servers.cocode.url, comment: 'false' },
        eventName: 'pull_request',
        payload,
        env: { GITHUB_ACTOR: 'dependabot[bot]' },
        timeoutMs: 40_000
      })
      expect(result.code).toBe(0)
      expect(result.outputs.status).toBe('skipped')
      expect(result.outputs['file-count']).toBe('0')
      expect(result.warnings).toHaveLength(1)
      expect(result.warnings[0]).toMatch(/^Nothing published: GitHub passes no Actions secrets to workflows run by Dependabot/)
      expect(servers.cocode.state.requests).toHaveLength(0)
    } finally {
      await removeWorkspace(workspace)
    }
  })
})

describe('low: creates that may have succeeded are not repeated', () => {
  it('does not repeat a session POST answered by a bare 503 (the gateway may have created it)', async () => {
    servers.cocode.faults.next({ kind: 'status', status: 503, body: htmlPage(503, 'Service Unavailable'), process: true })
    const result = await run('cocode', { 'a.md': 'a' })
    expectOneLineFailure(result, /^cocode answered POST \/api\/session with HTTP 503: .*\(not repeated: cocode may have created the session anyway/)
    expect(servers.cocode.state.sessionAttempts).toBe(1)
    expect(servers.cocode.state.sessionsCreated).toBe(1)
  })

  it('does repeat one answered 503 with Retry-After', async () => {
    servers.cocode.faults.next(Faults.retryAfter(503, '0'))
    const result = await run('cocode', { 'a.md': 'a' })
    expect(result.code).toBe(0)
    expect(servers.cocode.state.sessionAttempts).toBe(2)
    expect(servers.cocode.state.sessionsCreated).toBe(1)
  })

  it.each([
    ['v2', 'projects/copy-path'],
    ['v1', 'copy_path_between_projects']
  ])('does not repeat a CoCalc copy (API %s) answered by a bare 503', async (api, endpoint) => {
    const target = randomUUID()
    servers.cocalc.faults.next(endpoint, Answers.html(503))
    const result = await run('cocalc', { 'a.md': 'a' }, { inputs: { 'cocalc-api': api, 'target-project-id': target } })
    expect(result.code).toBe(1)
    expect(servers.cocalc.state.requests.filter((r) => r.endpoint === endpoint && r.body?.target_project_id === target)).toHaveLength(1)
  })
})

describe('low: whose comment is ours when GraphQL will not say', () => {
  const PAT = 'ghp_SecurityReviewPat0123456789abcdefgh'
  const APP = 'ghs_SecurityReviewApp0123456789abcdefgh'

  async function twice(
    token: string,
    setup: (github: Awaited<ReturnType<typeof startGitHubEmulator>>) => void
  ): Promise<{
    comments: { user: { login: string } }[]
    last: ActionResult
  }> {
    const github = await startGitHubEmulator({
      tokens: {
        [PAT]: { login: 'octocat', type: 'User', write: true, graphql: false },
        [APP]: { login: 'course-app[bot]', type: 'Bot', write: true, graphql: false }
      },
      pullRequests: [{ number: 7, head: { ref: 'feature', sha: 'feedface00000000000000000000000000000000' } }]
    })
    const stub = await startCocodeStub()
    try {
      setup(github)
      let last: ActionResult | undefined
      for (let i = 0; i < 2; i++) {
        last = await run('cocode', { 'a.md': 'a' }, commentingRun(github, token, stub.url))
        expect(last.code).toBe(0)
      }
      return { comments: github.commentsOf(7), last: last as ActionResult }
    } finally {
      await stub.close()
      await github.close()
    }
  }

  it("learns a personal token's login from GET /user and updates its comment", async () => {
    const { comments, last } = await twice(PAT, () => undefined)
    expect(comments).toHaveLength(1)
    expect(comments[0].user.login).toBe('octocat')
    expect(last.stdout).toContain('::debug::The token writes as octocat')
  })

  it("does not guess github-actions[bot] for an App token: any bot's marked comment is taken, and the log says so", async () => {
    const { comments, last } = await twice(APP, () => undefined)
    expect(comments).toHaveLength(1)
    expect(comments[0].user.login).toBe('course-app[bot]')
    expect(last.stdout).toMatch(/::debug::.*matching the marker on comments by any bot/)
  })

  it('when GraphQL and GET /user both fail for a personal token, matches comments by any bot and says so', async () => {
    const { last } = await twice(PAT, (github) => github.faults.rules.push({ ...GitHubFaults.status(500), method: 'GET', path: '/user' }))
    expect(last.stdout).toMatch(/::debug::.*matching the marker on comments by any bot/)
  })
})
