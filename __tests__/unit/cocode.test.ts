import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import type { HttpClient } from '../../src/http.js'
import { ServiceError } from '../../src/errors.js'
import type { LocalFile } from '../../src/files.js'
import type { CocodeInputs } from '../../src/inputs.js'
import {
  basicAuthorization,
  buildSessionBody,
  createCocodeHttp,
  createSession,
  credentialForms,
  parseSessionUrl,
  type SessionBody,
  type SessionFile
} from '../../src/cocode/client.js'
import { planSession, publishCocode } from '../../src/cocode/publish.js'
import { secretForms } from '../../src/text.js'
import { Faults, htmlPage, startCocodeEmulator } from '../emulators/cocode.js'

const CREDENTIALS = { username: 'octo-user-7f3a', password: 'p@ss "w0rd" \\ 9c1e' }
const FORMS = credentialForms(CREDENTIALS).flatMap(secretForms)

type Emulator = Awaited<ReturnType<typeof startCocodeEmulator>>
let emulator: Emulator
beforeAll(async () => {
  emulator = await startCocodeEmulator(CREDENTIALS)
})
afterAll(() => emulator.close())
afterEach(() => {
  emulator.faults.clear()
  emulator.state.reset()
})

const clients: HttpClient[] = []
afterEach(async () => {
  for (const http of clients.splice(0)) await http.close()
})

function http(baseUrl = emulator.url, credentials = CREDENTIALS, timeoutMs = 1000): HttpClient {
  const client = createCocodeHttp(baseUrl, credentials, { timeoutMs, backoffMs: 1, sleep: async () => undefined })
  clients.push(client)
  return client
}

function textFile(name: string, content: string): SessionFile {
  return { name, read: async () => content }
}

async function body(description: string | undefined, files: SessionFile[]): Promise<SessionBody> {
  return buildSessionBody(description, files)
}

/** The body's parts, as one pass sends them. */
async function partsOf(description: string | undefined, files: SessionFile[]): Promise<Buffer[]> {
  const parts: Buffer[] = []
  for await (const part of (await body(description, files)).parts()) parts.push(Buffer.from(part))
  return parts
}

async function failure(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(ServiceError)
    const message = (error as Error).message
    for (const form of FORMS) expect(message).not.toContain(form)
    expect(message).not.toContain('\n')
    return error as ServiceError
  }
  throw new Error('expected a ServiceError')
}

describe('credentials', () => {
  it('builds the Basic header', () => {
    expect(basicAuthorization('Aladdin', 'open sesame')).toBe('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==')
  })

  it('lists every form a credential can take in an answer (with the encodings text.ts derives)', () => {
    const basic = basicAuthorization(CREDENTIALS.username, CREDENTIALS.password)
    expect(FORMS).toEqual(
      expect.arrayContaining([
        basic,
        basic.slice(6),
        CREDENTIALS.username,
        CREDENTIALS.password,
        'p@ss \\"w0rd\\" \\\\ 9c1e',
        encodeURIComponent(CREDENTIALS.password)
      ])
    )
  })
})

describe('buildSessionBody', () => {
  it('serialises with a JSON encoder: every name and content arrives exactly', async () => {
    const files = [
      textFile('notes/"quoted" name.md', 'He said "hi" \\ back\\slash\r\nCRLF line\n'),
      textFile('emoji 🎉/ünï.txt', 'ünïcødé 🎉 漢字 \u2028 \u2029 \u0007 \t'),
      textFile('empty.txt', ''),
      textFile('</script>.html', '<script>alert(1)</script>')
    ]
    const parts = await partsOf('owner/repo@abc1234 — PR #12: "quotes" \\ and </tags>', files)
    const json = Buffer.concat(parts).toString('utf8')
    expect(JSON.parse(json)).toEqual({
      Description: 'owner/repo@abc1234 — PR #12: "quotes" \\ and </tags>',
      Files: [
        { Filename: 'notes/"quoted" name.md', Content: 'He said "hi" \\ back\\slash\r\nCRLF line\n' },
        { Filename: 'emoji 🎉/ünï.txt', Content: 'ünïcødé 🎉 漢字 \u2028 \u2029 \u0007 \t' },
        { Filename: 'empty.txt', Content: '' },
        { Filename: '</script>.html', Content: '<script>alert(1)</script>' }
      ]
    })
  })

  it('leaves Description out when there is none, keeping field order and capitals', async () => {
    const json = Buffer.concat(await partsOf(undefined, [textFile('a', 'b')])).toString()
    expect(json).toBe('{"Files":[{"Filename":"a","Content":"b"}]}')
  })

  it('is exactly the size of the JSON, files read one at a time in order (once to measure, once to send)', async () => {
    const reads: string[] = []
    let open = 0
    const files = ['a', 'b', 'c'].map<SessionFile>((name) => ({
      name,
      read: async () => {
        open++
        expect(open).toBe(1)
        reads.push(name)
        await new Promise((resolve) => setImmediate(resolve))
        open--
        return name.repeat(1000)
      }
    }))
    const session = await body('d', files)
    expect(reads).toEqual(['a', 'b', 'c'])
    const parts: string[] = []
    for await (const part of session.parts()) parts.push(part)
    expect(reads).toEqual(['a', 'b', 'c', 'a', 'b', 'c'])
    const expected = JSON.stringify({ Description: 'd', Files: ['a', 'b', 'c'].map((n) => ({ Filename: n, Content: n.repeat(1000) })) })
    expect(session.length).toBe(Buffer.byteLength(expected))
    expect(parts.reduce((sum, part) => sum + Buffer.byteLength(part), 0)).toBe(session.length)
    expect(parts.join('')).toBe(expected)
  })
})

describe('createSession against the emulator', () => {
  const files = [textFile('a.py', 'print("a")\n'), textFile('dir/b.md', '# B\r\n')]

  it('posts the session with Basic auth and returns the trimmed URL', async () => {
    const url = await createSession(http(), await body('desc', files))
    expect(url).toBe(`${emulator.url}/s/1`)
    expect(emulator.state.sessionsCreated).toBe(1)
    const [request] = emulator.state.requests
    expect(request.method).toBe('POST')
    expect(request.path).toBe('/api/session')
    expect(request.authorization).toBe(basicAuthorization(CREDENTIALS.username, CREDENTIALS.password))
    expect(request.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(request.headers['content-length']).toBe(String(request.body.length))
    expect(emulator.state.sessions[0]).toEqual({
      id: 1,
      url: `${emulator.url}/s/1`,
      description: 'desc',
      files: [
        { Filename: 'a.py', Content: 'print("a")\n' },
        { Filename: 'dir/b.md', Content: '# B\r\n' }
      ]
    })
  })

  it('keeps a base path of cocode-url', async () => {
    const error = await failure(createSession(http(`${emulator.url}/prefix`), await body('d', files)))
    expect(emulator.state.requests[0].path).toBe('/prefix/api/session')
    expect(error.message).toContain('HTTP 404')
  })

  it('explains a 401 naming the inputs to check', async () => {
    const error = await failure(
      createSession(http(emulator.url, { username: CREDENTIALS.username, password: 'wrong-password' }), await body('d', files))
    )
    expect(error.status).toBe(401)
    expect(error.message).toBe("cocode refused the credentials (HTTP 401: Unauthorized): check the 'cocode-username' and 'cocode-password' secrets")
    expect(emulator.state.sessionsCreated).toBe(0)
  })

  it('fails with the error of the file itself when a file changes between measuring and sending, and creates no session', async () => {
    let reads = 0
    const changing: SessionFile = {
      name: 'moving.py',
      read: async () => {
        if (++reads > 1) throw new Error('moving.py changed while the action ran: publish it once it is stable')
        return 'x = 1\n'.repeat(50_000)
      }
    }
    await expect(createSession(http(), await body('d', [changing]))).rejects.toThrow(/moving\.py changed while the action ran/)
    expect(emulator.state.sessionsCreated).toBe(0)
  })

  it('explains a 400 differently from a 401', async () => {
    const error = await failure(createSession(http(), await body(undefined, [])))
    expect(error.status).toBe(400)
    expect(error.message).toMatch(/^cocode rejected the request as invalid \(HTTP 400: Invalid Request\): check that 'cocode-url'/)
  })

  it('explains a 413 from a proxy without quoting its HTML', async () => {
    emulator.faults.next(Faults.html(413, 'Request Entity Too Large'))
    const error = await failure(createSession(http(), await body('d', files)))
    expect(error.message).toBe("cocode refused the session as too large (HTTP 413): publish fewer or smaller files, or lower 'max-file-size'")
  })

  it('retries 429 and 503 with Retry-After, then succeeds with exactly one session', async () => {
    emulator.faults.next(Faults.retryAfter(429, '1'))
    emulator.faults.next(Faults.retryAfter(503, '1'))
    const logs: string[] = []
    const client = createCocodeHttp(emulator.url, CREDENTIALS, { timeoutMs: 1000, sleep: async () => undefined, log: (l) => logs.push(l) })
    clients.push(client)
    expect(await createSession(client, await body('d', files))).toBe(`${emulator.url}/s/1`)
    expect(emulator.state.sessionAttempts).toBe(3)
    expect(emulator.state.sessionsCreated).toBe(1)
    expect(logs).toEqual([
      'cocode: POST /api/session answered HTTP 429; retrying in 1.0 s (attempt 2 of 5)',
      'cocode: POST /api/session answered HTTP 503; retrying in 1.0 s (attempt 3 of 5)'
    ])
  })

  it('gives up on a server that stays busy, saying so', async () => {
    emulator.faults.always(Faults.retryAfter(503, '0'))
    const error = await failure(createSession(http(), await body('d', files)))
    expect(error.message).toBe(
      'cocode answered POST /api/session with HTTP 503: 503 Service Temporarily Unavailable nginx/1.25.3 (the server is busy): try again later'
    )
    expect(emulator.state.sessionAttempts).toBe(5)
  })

  it.each([502, 504])('does not retry an HTML %i on the create call, and says the session may exist', async (status) => {
    emulator.faults.next(Faults.html(status, 'Gateway Problem', true))
    const error = await failure(createSession(http(), await body('d', files)))
    expect(error.message).toBe(
      `cocode answered POST /api/session with HTTP ${status}: ${status} Gateway Problem nginx/1.25.3 (not repeated: cocode may have created the session anyway, and a repeat would make a duplicate; check cocode, then re-run the job)`
    )
    expect(emulator.state.sessionAttempts).toBe(1)
    expect(emulator.state.sessionsCreated).toBe(1)
  })

  it('does not retry after a timeout: no duplicate session', async () => {
    emulator.faults.next(Faults.hang(true))
    const error = await failure(createSession(http(emulator.url, CREDENTIALS, 200), await body('d', files)))
    expect(error.message).toBe(
      'cocode POST /api/session failed: no answer within 0.2 s (not repeated: cocode may have created the session anyway, and a repeat would make a duplicate; check cocode, then re-run the job)'
    )
    expect(emulator.state.sessionAttempts).toBe(1)
    expect(emulator.state.sessionsCreated).toBe(1)
  })

  it.each([true, false])('does not retry a connection dropped after sending (processed: %s)', async (processed) => {
    emulator.faults.next(Faults.drop(processed))
    const error = await failure(createSession(http(), await body('d', files)))
    expect(error.message).toMatch(/^cocode POST \/api\/session failed: the connection was closed before the answer was complete \(not repeated/)
    expect(emulator.state.sessionAttempts).toBe(1)
    expect(emulator.state.sessionsCreated).toBe(processed ? 1 : 0)
  })

  it('answers slowly but within the timeout: fine', async () => {
    emulator.faults.next(Faults.delay(50))
    expect(await createSession(http(), await body('d', files))).toBe(`${emulator.url}/s/1`)
  })

  it('retries a refused connection, then names the URL to check', async () => {
    const closed = await startCocodeEmulator(CREDENTIALS)
    const url = closed.url
    await closed.close()
    const error = await failure(createSession(http(url), await body('d', files)))
    expect(error.message).toBe(
      `cocode POST /api/session failed after 5 attempts: connection refused: check that 'cocode-url' (${url}) is right and the server is up`
    )
  })

  it('does not follow a redirect to another origin: the credentials stay home', async () => {
    const other = await startCocodeEmulator(CREDENTIALS)
    try {
      emulator.faults.next(Faults.redirect(`${other.url}/api/session`))
      const error = await failure(createSession(http(), await body('d', files)))
      expect(error.message).toBe(
        `cocode redirected POST /api/session to ${other.url}; redirects are not followed so credentials only go to ${emulator.url}: set the URL input to the final address`
      )
      expect(other.state.requests).toHaveLength(0)
    } finally {
      await other.close()
    }
  })

  it('refuses a huge answer without reading it all', async () => {
    emulator.faults.next(Faults.huge(50 * 1024 * 1024))
    const error = await failure(createSession(http(), await body('d', files)))
    expect(error.message).toBe('cocode answered POST /api/session with HTTP 200 and more than 1 MiB; refusing to read further')
  })

  it.each([
    ['an empty body', Faults.emptyOk(), '(empty answer)'],
    ['an HTML page', Faults.invalidOk(), 'Welcome to nginx!'],
    [
      'a URL with credentials',
      { kind: 'status', status: 200, body: 'https://a:b@cocode.example/s/1', process: true } as const,
      'https://a:b@cocode.example/s/1'
    ],
    ['a javascript: URL', { kind: 'status', status: 200, body: 'javascript:alert(1)', process: true } as const, 'javascript:alert(1)']
  ])('never reports success for a 200 with %s', async (_what, fault, excerpt) => {
    emulator.faults.next(fault)
    const error = await failure(createSession(http(), await body('d', files)))
    expect(error.message).toBe(`cocode answered HTTP 200 without a session URL (${excerpt}): check that 'cocode-url' points at a cocode server`)
  })

  it('refuses a session URL carrying the credentials', async () => {
    emulator.faults.next({ kind: 'status', status: 200, body: `https://cocode.example/s/1?u=${CREDENTIALS.username}`, process: true })
    const error = await failure(createSession(http(), await body('d', files)))
    expect(error.message).toBe('cocode answered a session URL that contains the credentials; refusing to publish it')
  })

  it('scrubs credentials echoed in an error page', async () => {
    const basic = basicAuthorization(CREDENTIALS.username, CREDENTIALS.password)
    emulator.faults.next(
      Faults.status(500, htmlPage(500, `Internal error for ${basic} (${CREDENTIALS.username} / ${JSON.stringify(CREDENTIALS.password)})`))
    )
    const error = await failure(createSession(http(), await body('d', files)))
    expect(error.message).toBe('cocode answered POST /api/session with HTTP 500: 500 Internal error for *** (*** / "***") nginx/1.25.3')
  })
})

describe('parseSessionUrl', () => {
  it.each([
    ['https://cocode.io/s/abc', 'https://cocode.io/s/abc'],
    ['http://127.0.0.1:8080/s/1?x=1#y', 'http://127.0.0.1:8080/s/1?x=1#y'],
    ['/s/abc', 'https://code.example.org/s/abc']
  ])('accepts %p', (text, url) => {
    expect(parseSessionUrl(text, 'https://code.example.org/base')).toBe(url)
  })

  it.each(['', 'ok', 'https://a b', '//evil.example/s', 'ftp://x/s', 'https://u:p@x/s', `https://x/${'a'.repeat(2100)}`, 'https://x/\u0000'])(
    'refuses %p',
    (text) => {
      expect(parseSessionUrl(text, 'https://code.example.org')).toBeUndefined()
    }
  )
})

describe('planSession and publishCocode', () => {
  const file = (name: string, isText: boolean, size = 3): LocalFile => ({ name, absolutePath: `/nowhere/${name}`, size, sha256: 'x', isText })

  it('keeps text files and leaves binaries out, naming each', () => {
    const plan = planSession([file('a.md', true), file('img.png', false), file('b.py', true), file('data.bin', false)], 'desc')
    expect(plan.description).toBe('desc')
    expect(plan.files.map((f) => f.name)).toEqual(['a.md', 'b.py'])
    expect(plan.binaries).toEqual([
      { name: 'img.png', reason: 'is binary; a cocode session holds text only' },
      { name: 'data.bin', reason: 'is binary; a cocode session holds text only' }
    ])
  })

  it('sends nothing in a dry run, yet describes the request without secrets', async () => {
    const inputs = {
      mode: 'cocode',
      dryRun: true,
      cocodeUrl: emulator.url,
      username: CREDENTIALS.username,
      password: CREDENTIALS.password,
      requestTimeoutSeconds: 1
    } as CocodeInputs
    const result = await publishCocode(inputs, planSession([file('a.md', true, 10), file('b.md', true, 5)], 'desc'))
    expect(result).toEqual({
      mode: 'cocode',
      status: 'dry-run',
      files: [
        { name: 'a.md', size: 10 },
        { name: 'b.md', size: 5 }
      ],
      skipped: [],
      plannedRequests: [`POST ${emulator.url}/api/session (Basic auth) with 2 file(s), 15 bytes of content`]
    })
    expect(emulator.state.requests).toHaveLength(0)
  })
})
