/**
 * Hostile servers and hostile repositories, through the built action (dist/index.js, or
 * ACTION_ENTRY): cocode servers that refuse connections, stall, trickle, echo credentials or
 * answer nonsense; workspaces with links out, odd or long names, special files and files that
 * change under the action, published to cocode and to CoCalc; and a GitHub API that redirects
 * or answers HTML. Every run ends in one clear line or a success that is true, and no run shows
 * a credential anywhere.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import { chmod, writeFile } from 'node:fs/promises'
import * as path from 'node:path'
import { randomUUID } from 'node:crypto'
import { Faults } from '../emulators/cocode.js'
import { startGitHubEmulator } from '../emulators/github.js'
import { expectOneLineFailure, type ActionResult } from '../helpers/action.js'
import { basicSecretForms, expectMasked } from '../helpers/secrets.js'
import { outsideCodeSpans, pullRequestPayload, startCocodeStub } from './github-helpers.js'
import { commentingRun, hostileHarness, type Files } from './hostile-harness.js'

const USERNAME = 'hostile-user-4b2c'
const PASSWORD = 'pw "quoted" \\ 7d1e-99'
const API_KEY = 'sk-HostileSuiteKey-7a6b5c4d3e2f1a0b'
const TOKEN = 'ghs_HostileSuiteToken0123456789abcdef'
const COCODE_SECRETS = basicSecretForms(USERNAME, PASSWORD)
const KEY_SECRETS = [API_KEY, Buffer.from(`${API_KEY}:`).toString('base64')]
const ALL_SECRETS = [...COCODE_SECRETS, ...KEY_SECRETS, TOKEN]
const GITHUB_OPTIONS = {
  tokens: { [TOKEN]: { login: 'github-actions[bot]', type: 'Bot' as const, write: true } },
  pullRequests: [{ number: 7, head: { ref: 'feature', sha: 'feedface00000000000000000000000000000000' } }]
}

const { run, servers } = hostileHarness({ username: USERNAME, password: PASSWORD, apiKey: API_KEY, secrets: ALL_SECRETS })

const NOT_REPEATED =
  '(not repeated: cocode may have created the session anyway, and a repeat would make a duplicate; check cocode, then re-run the job)'

describe('cocode: retries done right', () => {
  it('retries a refused connection (nothing was sent) a bounded number of times, then fails naming the URL input', async () => {
    const result = await run('cocode', { 'a.md': 'a' }, { inputs: { 'cocode-url': 'http://127.0.0.1:9' } })
    expectOneLineFailure(
      result,
      "cocode POST /api/session failed after 5 attempts: connection refused: check that 'cocode-url' (http://127.0.0.1:9) is right and the server is up"
    )
    expect(result.stdout.match(/cocode: POST \/api\/session failed \(connection refused\); retrying in \d+\.\d s \(attempt \d of 5\)/g)).toHaveLength(
      4
    )
  })

  it('stops after 5 attempts when every answer is 503, creating no session', async () => {
    servers.cocode.faults.always(Faults.retryAfter(503, '0'))
    const result = await run('cocode', { 'a.md': 'a' })
    expectOneLineFailure(
      result,
      'cocode answered POST /api/session with HTTP 503: 503 Service Temporarily Unavailable nginx/1.25.3 (the server is busy): try again later'
    )
    expect(servers.cocode.state.sessionAttempts).toBe(5)
    expect(servers.cocode.state.sessionsCreated).toBe(0)
  })

  it('does not wait for a Retry-After beyond a minute: one attempt, a clear line', async () => {
    servers.cocode.faults.next(Faults.retryAfter(429, '3600'))
    const result = await run('cocode', { 'a.md': 'a' })
    expectOneLineFailure(result, /^cocode answered POST \/api\/session with HTTP 429: 429 Too Many Requests .*try again later$/)
    expect(result.stdout).toContain('cocode: POST /api/session answered HTTP 429 with a Retry-After beyond 60 s; not retrying')
    expect(servers.cocode.state.sessionAttempts).toBe(1)
  })

  it('honours a Retry-After given as an HTTP date', async () => {
    servers.cocode.faults.next(Faults.retryAfter(503, new Date(Date.now() + 1000).toUTCString()))
    const result = await run('cocode', { 'a.md': 'a' })
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/cocode: POST \/api\/session answered HTTP 503; retrying in [01]\.\d s \(attempt 2 of 5\)/)
    expect(servers.cocode.state.sessionsCreated).toBe(1)
  })
})

describe('cocode: timeouts', () => {
  it('bounds a body that trickles in forever by request-timeout, and does not repeat the request', async () => {
    servers.cocode.faults.next(Faults.slowBody(100))
    const result = await run('cocode', { 'a.md': 'a' }, { inputs: { 'request-timeout': '1' } })
    expectOneLineFailure(result, `cocode POST /api/session failed: no answer within 1 s ${NOT_REPEATED}`)
    expect(servers.cocode.state.sessionAttempts).toBe(1)
  })
})

describe('cocode: hostile or broken answers', () => {
  const basic = COCODE_SECRETS[3]
  it.each([
    [
      401,
      `Unauthorized: ${basic} for ${USERNAME}`,
      "cocode refused the credentials (HTTP 401: Unauthorized: *** for ***): check the 'cocode-username' and 'cocode-password' secrets"
    ],
    [
      400,
      `bad JSON near "password":"${JSON.stringify(PASSWORD).slice(1, -1)}"`,
      /^cocode rejected the request as invalid \(HTTP 400: bad JSON near "password":"\*\*\*"\)/
    ],
    [
      500,
      `<html><body><pre>${encodeURIComponent(PASSWORD)} ${COCODE_SECRETS[2]}</pre></body></html>`,
      'cocode answered POST /api/session with HTTP 500: *** ***'
    ]
  ])('scrubs credentials a %i answer echoes', async (status, body, message) => {
    servers.cocode.faults.next(Faults.status(status, body))
    const result = await run('cocode', { 'a.md': 'a' })
    expectOneLineFailure(result, message)
  })

  it.each([
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a URL carrying credentials', 'https://someone:pw@cocode.example/s/1'],
    ['two lines', 'https://cocode.example/s/1\nhttps://evil.example/'],
    ['JSON instead of a URL', '{"url": null}']
  ])('a 200 with %s is not a success', async (_kind, body) => {
    servers.cocode.faults.next({ kind: 'status', status: 200, body, process: true })
    const result = await run('cocode', { 'a.md': 'a' })
    expectOneLineFailure(result, /^cocode answered HTTP 200 without a session URL \(.*\): check that 'cocode-url' points at a cocode server$/)
    expect(result.outputs['session-url']).toBeUndefined()
  })
})

describe('hostile repository content', () => {
  // Each segment at Linux's 255-byte limit; unicode letters take 2 to 4 bytes each.
  const LONG_ASCII = `${'a'.repeat(251)}.txt`
  const LONG_UNICODE = `${'ü'.repeat(125)}.md`
  const LONG_EMOJI = `${'🎉'.repeat(62)}.py`
  const LONG_FILES = {
    [LONG_ASCII]: 'ascii\n',
    [`deep/${LONG_UNICODE}`]: 'ünïcode\n',
    [`${LONG_UNICODE}/${LONG_EMOJI}`]: 'emoji 🎉\n'
  }

  it('publishes names at the 255-byte limit byte for byte to cocode', async () => {
    expect([LONG_ASCII, LONG_UNICODE, LONG_EMOJI].map((name) => Buffer.byteLength(name))).toEqual([255, 253, 251])
    const result = await run('cocode', LONG_FILES)
    expect(result.code).toBe(0)
    const files = servers.cocode.state.sessions[0].files
    expect(files.map((f) => f.Filename).sort()).toEqual(Object.keys(LONG_FILES).sort())
    for (const file of files) expect(file.Content).toBe(LONG_FILES[file.Filename])
  })

  it('publishes names at the 255-byte limit byte for byte to CoCalc (both APIs), verified', async () => {
    for (const api of ['v1', 'v2']) {
      const project = randomUUID()
      const result = await run('cocalc', LONG_FILES, { inputs: { 'cocalc-api': api, 'project-id': project } })
      expect(result.code).toBe(0)
      expect(servers.cocalc.listFiles(project, 'course')).toEqual(
        Object.keys(LONG_FILES)
          .map((name) => `course/${name}`)
          .sort(byBytes)
      )
      for (const [name, content] of Object.entries(LONG_FILES)) expect(servers.cocalc.readFile(project, `course/${name}`)?.toString()).toBe(content)
      expect(result.stdout).toMatch(/Verified: all 3 uploaded file\(s\) are byte-identical/)
    }
  })

  const ESCAPES: Files = {
    'outside/secret.txt': 'TOP SECRET',
    'ws/inside.md': 'inside',
    'ws/escape.txt': { link: '../outside/secret.txt' },
    'ws/escape-dir': { link: '../outside' },
    'ws/absolute.txt': { link: '/etc/hostname' },
    'ws/loop-a': { link: 'loop-b' },
    'ws/loop-b': { link: 'loop-a' },
    'ws/two\nlines.md': 'odd name',
    'ws/tab\there.md': 'odd name'
  }
  const ESCAPE_WARNINGS = [
    'Skipped pattern ../outside/*: it reaches outside the working directory, so nothing it matches is published',
    'Skipped "tab\\there.md": it has a control character (such as a newline) in its name',
    'Skipped "two\\nlines.md": it has a control character (such as a newline) in its name',
    'Skipped absolute.txt: it resolves outside the working directory (symbolic link)',
    'Skipped escape.txt: it resolves outside the working directory (symbolic link)'
  ]
  const ESCAPE_INPUTS = { 'working-directory': 'ws', files: '**\n../outside/*\n/etc/hostname' }

  it('sends cocode nothing from outside the working directory, nor names with control characters', async () => {
    const result = await run('cocode', ESCAPES, { inputs: ESCAPE_INPUTS })
    expect(result.code).toBe(0)
    expect(servers.cocode.state.sessions[0].files).toEqual([{ Filename: 'inside.md', Content: 'inside' }])
    expect(servers.cocode.state.requests[0].body.toString()).not.toContain('TOP SECRET')
    expect(sortedSkips(result)).toEqual(expect.arrayContaining(ESCAPE_WARNINGS))
    expect(result.warnings.some((w) => /loop-a/.test(w))).toBe(true)
  })

  it.each(['v1', 'v2'])('sends CoCalc (API %s) nothing from outside the working directory, nor names with control characters', async (api) => {
    const project = randomUUID()
    const result = await run('cocalc', ESCAPES, { inputs: { ...ESCAPE_INPUTS, 'cocalc-api': api, 'project-id': project } })
    expect(result.code).toBe(0)
    expect(servers.cocalc.listFiles(project)).toEqual(['course/inside.md'])
    const sent = servers.cocalc.state.requests.filter((r) => r.body?.project_id === project || r.url.includes(project))
    expect(sent.some((r) => JSON.stringify(r.body ?? '').includes('TOP SECRET') || JSON.stringify(r.body ?? '').includes('secret.txt'))).toBe(false)
    expect(sortedSkips(result)).toEqual(expect.arrayContaining(ESCAPE_WARNINGS))
    expect(result.outputs['file-count']).toBe('1')
  })

  it('skips a named pipe with a warning instead of blocking on it', async () => {
    const result = await run(
      'cocode',
      { 'a.md': 'a' },
      { prepare: async (workspace) => void execFileSync('mkfifo', [path.join(workspace, 'pipe.md')]) }
    )
    expect(result.code).toBe(0)
    expect(result.warnings).toEqual(['Skipped pipe.md: it is not a regular file'])
    expect(servers.cocode.state.sessions[0].files.map((f) => f.Filename)).toEqual(['a.md'])
  })

  // Root reads any file whatever its mode: as root, the action runs without that capability.
  const asRoot = process.getuid?.() === 0
  const withoutReadAnyFile = ['setpriv', '--bounding-set=-dac_override,-dac_read_search', '--inh-caps=-dac_override,-dac_read_search', '--']
  const canDropReadAnyFile = asRoot && spawnSync(withoutReadAnyFile[0], [...withoutReadAnyFile.slice(1), process.execPath, '-e', '0']).status === 0
  ;(asRoot && !canDropReadAnyFile ? it.skip : it)('fails naming a file it cannot read, sending nothing', async () => {
    const result = await run(
      'cocode',
      { 'a.md': 'a', 'locked.md': 'secret' },
      {
        commandPrefix: asRoot ? withoutReadAnyFile : undefined,
        prepare: (workspace) => chmod(path.join(workspace, 'locked.md'), 0)
      }
    )
    expectOneLineFailure(result, /^locked\.md cannot be read: EACCES/)
    expect(servers.cocode.state.requests).toHaveLength(0)
  })

  it.each(['v1', 'v2'])('fails naming a file that changed after it was hashed (CoCalc API %s), never sending the new bytes', async (api) => {
    const project = randomUUID()
    let workspaceDir = ''
    servers.cocalc.faults.onRequest = async (request) => {
      // The first hash request: the files were collected and hashed; change one before it is read again.
      if (/exec/.test(request.endpoint) && workspaceDir) {
        await writeFile(path.join(workspaceDir, 'b.md'), 'changed by someone else')
        workspaceDir = ''
      }
    }
    const result = await run(
      'cocalc',
      { 'a.md': 'a', 'b.md': 'as committed' },
      { inputs: { 'cocalc-api': api, 'project-id': project, concurrency: '1' }, prepare: async (workspace) => void (workspaceDir = workspace) }
    )
    // The two files travel as one archive, packed (and each file checked) before anything is sent.
    expectOneLineFailure(
      result,
      /^b\.md changed while the action ran: publish it once it is stable \(0 of 2 file\(s\) were uploaded before this failure/
    )
    expect(servers.cocalc.listFiles(project)).toEqual([])
  })

  it('shows Markdown and HTML in names as literal text in the job summary', async () => {
    const names = ['<img src=x onerror=alert(1)>.md', '[click](https:evil.example).md', '**bold**.md', '<!-- hide -->.md']
    const result = await run('cocode', Object.fromEntries(names.map((name) => [name, 'x'])))
    expect(result.code).toBe(0)
    const interpreted = outsideCodeSpans(result.summary)
    for (const fragment of ['<img', 'evil.example', '**bold', '<!--']) expect(interpreted).not.toContain(fragment)
    for (const name of names) expect(result.summary).toContain(`\`${name}\``)
  })
})

describe('GitHub API faults never leak the token nor fail the step', () => {
  let github: Awaited<ReturnType<typeof startGitHubEmulator>>
  let stub: Awaited<ReturnType<typeof startCocodeStub>>
  beforeAll(async () => {
    stub = await startCocodeStub()
  })
  afterAll(() => stub.close())
  afterEach(() => github.close())

  async function publishWithComment(setup: (gh: typeof github) => void): Promise<ActionResult> {
    github = await startGitHubEmulator(GITHUB_OPTIONS)
    setup(github)
    const result = await run('cocode', { 'a.md': 'a' }, commentingRun(github, TOKEN, stub.url))
    expectMasked(result, [TOKEN])
    return result
  }

  it('does not follow a redirect of the comment write to another origin', async () => {
    const elsewhere = await startGitHubEmulator()
    try {
      const result = await publishWithComment((gh) =>
        gh.faults.rules.push({
          method: 'POST',
          path: '/repos/',
          status: 307,
          headers: { location: `${elsewhere.url}/repos/octo-org/notebooks/issues/7/comments` }
        })
      )
      expect(result.code).toBe(0)
      expect(elsewhere.state.requests).toEqual([])
      expect(github.requestsTo('POST', '/repos/').map((r) => r.status)).toEqual([307])
      expect(github.commentsOf(7)).toEqual([])
      expect(result.warnings).toHaveLength(1)
      expect(result.warnings[0]).toMatch(/^Could not write the comment on PR #7 of octo-org\/notebooks/)
      expect(result.outputs.status).toBe('created')
    } finally {
      await elsewhere.close()
    }
  })

  it('turns an HTML error page into one warning line without markup', async () => {
    const page = '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>'
    const result = await publishWithComment((gh) =>
      gh.faults.rules.push({ method: 'POST', path: '/repos/', status: 502, headers: { 'content-type': 'text/html' }, body: page })
    )
    expect(result.code).toBe(0)
    expect(result.warnings).toHaveLength(1)
    expect(result.warnings[0]).toMatch(/^Could not write the comment on PR #7/)
    expect(result.warnings[0]).not.toMatch(/<[a-z/]/i)
    expect(github.requestsTo('POST', '/repos/').map((r) => r.status)).toEqual([502])
    expect(result.outputs.status).toBe('created')
  })
})

it('a failed copy whose error echoes the key leaves no trace of it in the PR comment', async () => {
  const github = await startGitHubEmulator(GITHUB_OPTIONS)
  try {
    const target = randomUUID()
    servers.cocalc.faults.copyFails.set(target, `rsync: denied for ${API_KEY}`)
    const result = await run(
      'cocalc',
      { 'a.md': 'a' },
      {
        inputs: { comment: 'true', 'github-token': TOKEN, 'target-project-id': target },
        eventName: 'pull_request',
        payload: pullRequestPayload(7),
        env: { GITHUB_API_URL: github.url, GITHUB_GRAPHQL_URL: github.graphqlUrl }
      }
    )
    expect(result.code).toBe(1)
    expectMasked(result, [...KEY_SECRETS, TOKEN])
    const [comment] = github.commentsOf(7)
    expect(comment.body).toContain('rsync: denied for ***')
    for (const secret of ALL_SECRETS) expect(comment.body).not.toContain(secret)
  } finally {
    await github.close()
  }
})

function sortedSkips(result: ActionResult): string[] {
  return result.warnings.filter((w) => w.startsWith('Skipped')).sort()
}

function byBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b))
}
