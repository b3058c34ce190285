/**
 * The built action (dist/index.js, or ACTION_ENTRY) run as the runner runs it, against the
 * loopback cocode emulator: what arrives at the server, byte for byte, and what the workflow sees.
 * Every run is checked for leaked credentials.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { Faults, startCocodeEmulator } from '../emulators/cocode.js'
import { expectOneLineFailure, makeWorkspace, removeWorkspace, runAction, type ActionResult, type ActionRun } from '../helpers/action.js'
import { basicSecretForms, expectMasked, expectNoSecrets } from '../helpers/secrets.js'

const USERNAME = 'octo-user-7f3a91'
const PASSWORD = 'p@ss "w0rd" \\ 9c1e-42'
const SECRETS = basicSecretForms(USERNAME, PASSWORD)

type Emulator = Awaited<ReturnType<typeof startCocodeEmulator>>
let emulator: Emulator
beforeAll(async () => {
  emulator = await startCocodeEmulator({ username: USERNAME, password: PASSWORD })
})
afterAll(() => emulator.close())
afterEach(() => {
  emulator.faults.clear()
  emulator.state.reset()
})

type Files = Parameters<typeof makeWorkspace>[0]

interface CocodeRun {
  inputs?: Record<string, string>
  eventName?: string
  payload?: Record<string, unknown>
  env?: ActionRun['env']
}

/** Runs the action in cocode mode on a fresh workspace holding `files`; checks no secret leaked. */
async function runCocode(files: Files, run: CocodeRun = {}): Promise<ActionResult> {
  const workspace = await makeWorkspace(files)
  try {
    const result = await runAction({
      workspace,
      inputs: {
        mode: 'cocode',
        files: '**',
        'cocode-url': emulator.url,
        'cocode-username': USERNAME,
        'cocode-password': PASSWORD,
        'request-timeout': '10',
        // The PR comment is another step's business (GITHUB_API_URL is a closed port here).
        comment: 'false',
        ...run.inputs
      },
      eventName: run.eventName,
      payload: run.payload,
      env: run.env,
      timeoutMs: 30_000
    })
    expectNoSecrets(result, SECRETS)
    return result
  } finally {
    await removeWorkspace(workspace)
  }
}

/** Whatever the summary's Markdown escaping, the text is there. */
function summaryText(result: ActionResult): string {
  return result.summary.replace(/\\/g, '')
}

const HOSTILE_CONTENT = {
  'notebooks/intro.py': 'print("hello, world")\n',
  'notebooks/week 1/ünïcødé 🎉.md': '# Ünïcødé 🎉\n\nemoji: 🎉👩‍💻 — “quotes” ‘single’\n',
  'windows.txt': 'line one\r\nline two\r\n\r\n',
  'quotes "and" \'apostrophes\'.txt': 'He said "hi" and \'bye\'\n{"json": "inside", "esc": "\\"}\n',
  'back\\slash.tex': '\\documentclass{article}\n\\begin{document} C:\\Users\\x \\n \\u0041 \\end{document}\n',
  'empty.txt': '',
  'bom.csv': '\ufeffa,b\r\n1,2\r\n',
  'deep/a/b/c/d/e.txt': 'deep\n',
  'control.txt': 'tab\there, bell \u0007, escape \u001b[31m red, line sep \u2028 para sep \u2029, nul-free\n',
  '<b>not html</b>.md': '<script>alert("x")</script>\n'
}

describe('cocode mode: a session is created with every file byte for byte', () => {
  it('sends every Filename and Content exactly, and reports the trimmed URL', async () => {
    const result = await runCocode(HOSTILE_CONTENT)
    expect(result.code).toBe(0)
    expect(result.errors).toEqual([])
    expect(result.warnings).toEqual([])
    expectMasked(result, [USERNAME, PASSWORD, SECRETS[2]])

    expect(emulator.state.sessionAttempts).toBe(1)
    expect(emulator.state.sessionsCreated).toBe(1)
    const [request] = emulator.state.requests
    expect(request.authorization).toBe(SECRETS[3])
    const session = emulator.state.sessions[0]
    expect(session.description).toBe('octo-org/notebooks@abc1234')
    const expectedNames = Object.keys(HOSTILE_CONTENT).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    expect(session.files.map((file) => file.Filename)).toEqual(expectedNames)
    for (const file of session.files) {
      const original = Buffer.from(HOSTILE_CONTENT[file.Filename as keyof typeof HOSTILE_CONTENT])
      expect(Buffer.from(file.Content, 'utf8').equals(original)).toBe(true)
    }

    expect(result.outputs).toEqual({ status: 'created', 'file-count': String(expectedNames.length), 'session-url': `${emulator.url}/s/1` })
    const summary = summaryText(result)
    expect(summary).toContain(`${emulator.url}/s/1`)
    for (const name of ['notebooks/intro.py', 'windows.txt', 'empty.txt', 'deep/a/b/c/d/e.txt']) expect(summary).toContain(name)
    expect(result.stdout).toContain(`Session created: ${emulator.url}/s/1`)
  })

  it('describes a pull request as "owner/repo@sha — PR #n: title"', async () => {
    const payload = {
      pull_request: {
        number: 12,
        title: 'Add week 3 "notebooks"',
        head: { sha: 'abc1234def5678901234567890abcdef12345678', repo: { full_name: 'octo-org/notebooks' } },
        base: { repo: { full_name: 'octo-org/notebooks' } }
      }
    }
    const result = await runCocode({ 'a.md': 'a' }, { eventName: 'pull_request', payload })
    expect(result.code).toBe(0)
    expect(emulator.state.sessions[0].description).toBe('octo-org/notebooks@abc1234 — PR #12: Add week 3 "notebooks"')
  })

  it('sends the description input as is', async () => {
    const result = await runCocode({ 'a.md': 'a' }, { inputs: { description: 'Week 3: "hand-out" \\ <draft> 🎉' } })
    expect(result.code).toBe(0)
    expect(emulator.state.sessions[0].description).toBe('Week 3: "hand-out" \\ <draft> 🎉')
  })

  it('applies patterns with excludes relative to working-directory', async () => {
    const result = await runCocode(
      { 'course/nb/a.py': 'a', 'course/nb/test_a.py': 't', 'course/README.md': 'r', 'other/x.py': 'x', 'course/.secret.env': 'K=V' },
      { inputs: { 'working-directory': 'course', files: 'nb/*.py\n!nb/test_*.py\n*.md\n.secret.env' } }
    )
    expect(result.code).toBe(0)
    expect(emulator.state.sessions[0].files.map((f) => f.Filename)).toEqual(['README.md', 'nb/a.py'])
  })
})

describe('cocode mode: what is left out', () => {
  const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d])

  it('leaves binary files out with a warning naming each', async () => {
    const result = await runCocode({ 'a.md': 'text', 'img/logo.png': PNG, 'latin1.txt': Buffer.from('caf\xe9', 'latin1') })
    expect(result.code).toBe(0)
    expect(result.warnings).toEqual([
      'Left out of the cocode session: img/logo.png is binary; a cocode session holds text only',
      'Left out of the cocode session: latin1.txt is binary; a cocode session holds text only'
    ])
    expect(emulator.state.sessions[0].files.map((f) => f.Filename)).toEqual(['a.md'])
    expect(result.outputs['file-count']).toBe('1')
  })

  it('fails by default when only binary files match, sending nothing', async () => {
    const result = await runCocode({ 'logo.png': PNG })
    expectOneLineFailure(
      result,
      /^No files to publish: the 'files' patterns matched nothing that is text in .* \(set 'if-no-files-found' to 'warn' or 'ignore' to allow this\)$/
    )
    expect(result.warnings).toEqual(['Left out of the cocode session: logo.png is binary; a cocode session holds text only'])
    expect(emulator.state.requests).toHaveLength(0)
  })

  it.each([
    ['warn', 1],
    ['ignore', 0]
  ])('skips with if-no-files-found: %s', async (mode, noFileWarnings) => {
    const result = await runCocode({ 'logo.png': PNG }, { inputs: { 'if-no-files-found': mode } })
    expect(result.code).toBe(0)
    expect(result.outputs).toMatchObject({ status: 'skipped', 'file-count': '0' })
    expect(result.warnings.filter((w) => w.startsWith('No files to publish'))).toHaveLength(noFileWarnings)
    expect(emulator.state.requests).toHaveLength(0)
  })

  it('never sends a file from outside the working directory (.. patterns, symbolic links)', async () => {
    const result = await runCocode(
      {
        'outside/secret.txt': 'TOP SECRET',
        'ws/inside.md': 'inside',
        'ws/escape.txt': { link: '../outside/secret.txt' },
        'ws/alias.md': { link: 'inside.md' },
        'ws/two\nlines.md': 'odd name'
      },
      { inputs: { 'working-directory': 'ws', files: '**\n../outside/*' } }
    )
    expect(result.code).toBe(0)
    const files = emulator.state.sessions[0].files
    expect(files.map((f) => f.Filename)).toEqual(['alias.md', 'inside.md'])
    expect(files.every((f) => f.Content === 'inside')).toBe(true)
    expect(emulator.state.requests[0].body.toString()).not.toContain('TOP SECRET')
    expect(result.warnings).toEqual([
      'Skipped pattern ../outside/*: it reaches outside the working directory, so nothing it matches is published',
      'Skipped "two\\nlines.md": it has a control character (such as a newline) in its name',
      'Skipped escape.txt: it resolves outside the working directory (symbolic link)'
    ])
  })

  it('fails naming a file over max-file-size, sending nothing', async () => {
    const result = await runCocode({ 'small.md': 'ok', 'big/data.csv': 'x'.repeat(3000) }, { inputs: { 'max-file-size': '2KiB' } })
    expectOneLineFailure(
      result,
      "big/data.csv (2.9 KiB, 3000 bytes) is larger than max-file-size (2 KiB, 2048 bytes): raise 'max-file-size' or exclude it with a '!' pattern"
    )
    expect(emulator.state.requests).toHaveLength(0)
  })
})

describe('cocode mode: dry run', () => {
  it('sends nothing, yet sets the outputs and the summary', async () => {
    const result = await runCocode({ 'a.md': 'a', 'b/c.py': 'c', 'logo.png': Buffer.from([0, 1]) }, { inputs: { 'dry-run': 'true' } })
    expect(result.code).toBe(0)
    expect(emulator.state.requests).toHaveLength(0)
    expect(result.outputs).toMatchObject({ status: 'dry-run', 'file-count': '2', 'session-url': '' })
    const summary = summaryText(result)
    expect(summary).toContain('a.md')
    expect(summary).toContain('b/c.py')
    expect(result.stdout).toContain(`Dry run, not sent: POST ${emulator.url}/api/session (Basic auth) with 2 file(s), 2 bytes of content`)
  })

  it('needs no credentials', async () => {
    const result = await runCocode({ 'a.md': 'a' }, { inputs: { 'dry-run': 'true', 'cocode-username': '', 'cocode-password': '' } })
    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('dry-run')
  })
})

describe('cocode mode: the server refuses', () => {
  it('400: one actionable line, distinct from 401', async () => {
    emulator.faults.next(Faults.status(400, 'Invalid Request'))
    const result = await runCocode({ 'a.md': 'a' })
    expectOneLineFailure(
      result,
      "cocode rejected the request as invalid (HTTP 400: Invalid Request): check that 'cocode-url' is the base URL of a cocode server; if it is, report this as a bug of the action"
    )
    expect(emulator.state.sessionAttempts).toBe(1)
  })

  it('401: names the credential inputs', async () => {
    const result = await runCocode({ 'a.md': 'a' }, { inputs: { 'cocode-password': 'not-the-password' } })
    expectOneLineFailure(result, "cocode refused the credentials (HTTP 401: Unauthorized): check the 'cocode-username' and 'cocode-password' secrets")
    expect(emulator.state.sessionsCreated).toBe(0)
    expect(result.outputs.status).toBeUndefined()
  })

  it('413 from a proxy (HTML): says the session is too large', async () => {
    emulator.faults.next(Faults.html(413, 'Request Entity Too Large'))
    const result = await runCocode({ 'a.md': 'a' })
    expectOneLineFailure(result, "cocode refused the session as too large (HTTP 413): publish fewer or smaller files, or lower 'max-file-size'")
  })

  it('a redirect elsewhere is not followed: the other origin sees nothing', async () => {
    const other = await startCocodeEmulator({ username: USERNAME, password: PASSWORD })
    try {
      emulator.faults.next(Faults.redirect(`${other.url}/api/session`))
      const result = await runCocode({ 'a.md': 'a' })
      expectOneLineFailure(result, /^cocode redirected POST \/api\/session to http:\/\/127\.0\.0\.1:\d+; redirects are not followed/)
      expect(other.state.requests).toHaveLength(0)
    } finally {
      await other.close()
    }
  })

  it('a huge answer is cut off', async () => {
    emulator.faults.next(Faults.huge(64 * 1024 * 1024))
    const result = await runCocode({ 'a.md': 'a' })
    expectOneLineFailure(result, 'cocode answered POST /api/session with HTTP 200 and more than 1 MiB; refusing to read further')
  })

  it.each([
    ['empty', Faults.emptyOk(), '(empty answer)'],
    ['HTML', Faults.invalidOk(), 'Welcome to nginx!']
  ])('a 200 with an %s body is not a success', async (_kind, fault, excerpt) => {
    emulator.faults.next(fault)
    const result = await runCocode({ 'a.md': 'a' })
    expectOneLineFailure(result, `cocode answered HTTP 200 without a session URL (${excerpt}): check that 'cocode-url' points at a cocode server`)
    expect(result.outputs.status).toBeUndefined()
  })
})

describe('cocode mode: transient failures', () => {
  it.each([429, 503] as const)('%i with Retry-After is retried, then succeeds with one session', async (status) => {
    emulator.faults.next(Faults.retryAfter(status, '1'))
    const result = await runCocode({ 'a.md': 'a' })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(`cocode: POST /api/session answered HTTP ${status}; retrying in 1.0 s (attempt 2 of 5)`)
    expect(emulator.state.sessionAttempts).toBe(2)
    expect(emulator.state.sessionsCreated).toBe(1)
    expect(result.outputs['session-url']).toBe(`${emulator.url}/s/1`)
  })

  it('an HTML 502 on the create call is NOT retried: exactly one attempt, a clear error', async () => {
    emulator.faults.next(Faults.html(502, 'Bad Gateway'))
    const result = await runCocode({ 'a.md': 'a' })
    expectOneLineFailure(
      result,
      'cocode answered POST /api/session with HTTP 502: 502 Bad Gateway nginx/1.25.3 (not repeated: cocode may have created the session anyway, and a repeat would make a duplicate; check cocode, then re-run the job)'
    )
    expect(emulator.state.sessionAttempts).toBe(1)
  })

  it('a server that never answers fails the step with a timeout and no duplicate session', async () => {
    emulator.faults.next(Faults.hang(true))
    const result = await runCocode({ 'a.md': 'a' }, { inputs: { 'request-timeout': '1' } })
    expectOneLineFailure(
      result,
      'cocode POST /api/session failed: no answer within 1 s (not repeated: cocode may have created the session anyway, and a repeat would make a duplicate; check cocode, then re-run the job)'
    )
    expect(emulator.state.sessionAttempts).toBe(1)
    expect(emulator.state.sessionsCreated).toBe(1)
  })

  it('a connection dropped after the body was read is not retried', async () => {
    emulator.faults.next(Faults.drop(true))
    const result = await runCocode({ 'a.md': 'a' })
    expectOneLineFailure(result, /^cocode POST \/api\/session failed: the connection was closed before the answer was complete \(not repeated/)
    expect(emulator.state.sessionAttempts).toBe(1)
  })

  it('a slow answer within the timeout is fine', async () => {
    emulator.faults.next(Faults.delay(100))
    const result = await runCocode({ 'a.md': 'a' })
    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('created')
  })
})

describe('cocode mode: credentials', () => {
  it.each([
    ['cocode-username', { 'cocode-username': '' }],
    ['cocode-password', { 'cocode-password': '' }]
  ])('fails naming the empty input %s before any request', async (name, inputs) => {
    const result = await runCocode({ 'a.md': 'a' }, { inputs })
    expectOneLineFailure(result, `Input '${name}': is required: pass it from a repository or organisation secret, e.g. \${{ secrets.NAME }}`)
    expect(emulator.state.requests).toHaveLength(0)
  })

  const forkPayload = {
    pull_request: {
      number: 7,
      title: 'Improve notebook',
      head: { sha: 'fee1dead00000000000000000000000000000000', repo: { full_name: 'stranger/notebooks', fork: true } },
      base: { repo: { full_name: 'octo-org/notebooks' } }
    }
  }

  it('on a fork PR without secrets, warns, reports skipped and succeeds', async () => {
    const result = await runCocode(
      { 'a.md': 'a' },
      { eventName: 'pull_request', payload: forkPayload, inputs: { 'cocode-username': '', 'cocode-password': '' } }
    )
    expect(result.code).toBe(0)
    expect(result.errors).toEqual([])
    expect(result.outputs).toMatchObject({ status: 'skipped', 'file-count': '0' })
    expect(result.warnings[0]).toMatch(
      /^Nothing published: GitHub passes no secrets to workflows run from forks, so 'cocode-username' and 'cocode-password' are empty/
    )
    expect(emulator.state.requests).toHaveLength(0)
  })

  it('on a fork PR with secrets (pull_request_target), publishes', async () => {
    const result = await runCocode({ 'a.md': 'a' }, { eventName: 'pull_request_target', payload: forkPayload })
    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('created')
    expect(emulator.state.sessions[0].description).toBe('octo-org/notebooks@fee1dea — PR #7: Improve notebook')
  })

  it('refuses credentials in cocode-url before any request, masking them', async () => {
    const url = emulator.url.replace('http://', `http://${encodeURIComponent(USERNAME)}:${encodeURIComponent(PASSWORD)}@`)
    const result = await runCocode({ 'a.md': 'a' }, { inputs: { 'cocode-url': url } })
    expectOneLineFailure(result, "Input 'cocode-url': must not contain credentials: pass them in their own secret inputs")
    expect(emulator.state.requests).toHaveLength(0)
  })
})

describe('cocode mode: invalid inputs fail before any request', () => {
  it.each([
    [{ mode: 'gist' }, "Input 'mode': 'gist' is not a mode: use 'cocode' or 'cocalc'"],
    [{ 'if-no-files-found': 'explode' }, "Input 'if-no-files-found': 'explode' is not one of 'error', 'warn', 'ignore'"],
    [{ 'max-file-size': 'big' }, "Input 'max-file-size': 'big' is not a size: use bytes or a number with KiB, MiB or GiB (e.g. 10MiB)"],
    [{ 'dry-run': 'perhaps' }, "Input 'dry-run': 'perhaps' is not a boolean: use 'true' or 'false'"],
    [{ files: '' }, "Input 'files': is required in cocode mode: give one glob pattern per line"],
    [{ 'request-timeout': '0' }, "Input 'request-timeout': 0 is out of range: use 1 to 3600"]
  ])('%o', async (inputs, message) => {
    const result = await runCocode({ 'a.md': 'a' }, { inputs })
    expectOneLineFailure(result, message)
    expect(emulator.state.requests).toHaveLength(0)
  })
})

describe('the secret check itself', () => {
  it('catches a secret that reaches the log and the summary (here through a file name)', async () => {
    const workspace = await makeWorkspace({ [`${USERNAME}.md`]: 'named after the user' })
    try {
      const result = await runAction({
        workspace,
        inputs: {
          mode: 'cocode',
          files: '**',
          'cocode-url': emulator.url,
          'cocode-username': USERNAME,
          'cocode-password': PASSWORD,
          'dry-run': 'true'
        }
      })
      expect(result.code).toBe(0)
      expect(() => expectNoSecrets(result, SECRETS)).toThrow(/secret #0 \(\d+ characters\) appears in (stdout|summary)/)
      expect(() => expectNoSecrets(result, [PASSWORD, SECRETS[2]])).not.toThrow()
      expect(() => expectMasked(result, [USERNAME, PASSWORD, SECRETS[2]])).not.toThrow()
      expect(() => expectMasked(result, ['never-masked'])).toThrow('Not masked on entry: secret #0')
    } finally {
      await removeWorkspace(workspace)
    }
  })
})
