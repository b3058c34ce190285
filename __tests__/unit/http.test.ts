import { afterEach, describe, expect, it } from '@jest/globals'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import { HttpClient, HttpError, parseRetryAfter, type HttpClientOptions, type HttpResponse } from '../../src/http.js'

/** How the scripted server answers one request; the body has been read already. */
type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void

interface Seen {
  method: string
  path: string
  headers: IncomingMessage['headers']
  body: Buffer
}

interface Scripted {
  url: string
  seen: Seen[]
  close: () => Promise<void>
}

const servers: Server[] = []
const clients: HttpClient[] = []
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close()
  for (const server of servers.splice(0)) {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
})

/** A loopback server answering request N with handlers[N] (the last one repeats). */
async function scripted(...handlers: Handler[]): Promise<Scripted> {
  const seen: Seen[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      seen.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body })
      handlers[Math.min(seen.length, handlers.length) - 1](req, res, body)
    })
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: async () => {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  }
}

const answer =
  (status: number, body = '', headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'text/plain', ...headers })
    res.end(body)
  }
const ok = (body = 'ok') => answer(200, body)
const hang: Handler = () => undefined
const drop: Handler = (req) => req.socket.destroy()

/** A port nothing listens on (taken, then released). */
async function closedPort(): Promise<string> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return `http://127.0.0.1:${port}`
}

const SECRETS = { user: 'user-6b1f0c', password: 'pw-"9d2e\\a7', basic: `Basic ${Buffer.from('user-6b1f0c:pw-"9d2e\\a7').toString('base64')}` }

interface Client {
  http: HttpClient
  delays: number[]
  logs: string[]
}

function client(baseUrl: string, options: Partial<HttpClientOptions> = {}): Client {
  const delays: number[] = []
  const logs: string[] = []
  const http = new HttpClient({
    service: 'svc',
    baseUrl,
    headers: { authorization: SECRETS.basic },
    secrets: [SECRETS.user, SECRETS.password, SECRETS.basic, SECRETS.basic.slice(6)],
    timeoutMs: 1000,
    backoffMs: 10,
    maxRetries: 4,
    sleep: async (ms) => void delays.push(ms),
    log: (line) => logs.push(line),
    ...options
  })
  clients.push(http)
  return { http, delays, logs }
}

async function httpError(promise: Promise<unknown>): Promise<HttpError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(HttpError)
    return error as HttpError
  }
  throw new Error('expected an HttpError')
}

function expectNoSecret(text: string): void {
  for (const secret of [SECRETS.user, SECRETS.password, SECRETS.basic.slice(6)]) expect(text).not.toContain(secret)
}

describe('requests', () => {
  it('sends method, path under the base path, headers and body; resolves with the answer whatever its status', async () => {
    const server = await scripted(answer(418, 'teapot', { 'x-answer': 'yes' }))
    const { http } = client(`${server.url}/prefix/`)
    const response = await http.request({
      method: 'PUT',
      path: '/api/thing?x=1',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
      retry: 'none'
    })
    expect(response).toMatchObject({ status: 418, attempts: 1 })
    expect(response.body.toString()).toBe('teapot')
    expect(response.headers['x-answer']).toBe('yes')
    expect(server.seen).toHaveLength(1)
    expect(server.seen[0]).toMatchObject({ method: 'PUT', path: '/prefix/api/thing?x=1' })
    expect(server.seen[0].headers.authorization).toBe(SECRETS.basic)
    expect(server.seen[0].headers['content-type']).toBe('application/json')
    expect(server.seen[0].headers['user-agent']).toBe('publish-to-collaborative-editors')
    expect(server.seen[0].body.toString()).toBe('{"a":1}')
    expect(http.requestCount).toBe(1)
  })

  it('rebuilds a function body (a stream) for every attempt', async () => {
    const server = await scripted(answer(503, '', { 'retry-after': '0' }), ok())
    const { http } = client(server.url)
    const parts = [Buffer.from('{"Files":['), Buffer.from('"é🎉"'), Buffer.from(']}')]
    const length = String(parts.reduce((sum, part) => sum + part.length, 0))
    const response = await http.request({ path: '/s', headers: { 'content-length': length }, body: () => Readable.from(parts), retry: 'create' })
    expect(response.status).toBe(200)
    expect(server.seen.map((s) => s.body.toString())).toEqual(['{"Files":["é🎉"]}', '{"Files":["é🎉"]}'])
  })
})

describe('retry policy: idempotent', () => {
  it('retries 502, 503, 504 and 429 (HTML bodies included) until an answer is final', async () => {
    const html = '<html><body><h1>Bad Gateway</h1></body></html>'
    const server = await scripted(answer(502, html, { 'content-type': 'text/html' }), answer(503), answer(504, html), answer(429), ok('done'))
    const { http, delays, logs } = client(server.url)
    const response = await http.request({ method: 'GET', path: '/x', retry: 'idempotent' })
    expect(response.status).toBe(200)
    expect(response.attempts).toBe(5)
    expect(server.seen).toHaveLength(5)
    expect(delays).toHaveLength(4)
    expect(logs).toEqual([
      expect.stringMatching(/^svc: GET \/x answered HTTP 502; retrying in \d+\.\d s \(attempt 2 of 5\)$/),
      expect.stringMatching(/answered HTTP 503; retrying in .* \(attempt 3 of 5\)$/),
      expect.stringMatching(/answered HTTP 504; retrying in .* \(attempt 4 of 5\)$/),
      expect.stringMatching(/answered HTTP 429; retrying in .* \(attempt 5 of 5\)$/)
    ])
  })

  it("retries Cloudflare's 520-524 pages like a 502", async () => {
    const page = '<!DOCTYPE html><html><head><title>cocalc.com | 522: Connection timed out</title></head><body>Error code 522</body></html>'
    const server = await scripted(answer(520, page), answer(521, page), answer(522, page), answer(523, page), answer(524, page), ok('done'))
    const { http, logs } = client(server.url, { maxRetries: 5 })
    const response = await http.request({ method: 'GET', path: '/x', retry: 'idempotent' })
    expect(response.body.toString()).toBe('done')
    expect(server.seen).toHaveLength(6)
    expect(logs.map((line) => /HTTP (\d+)/.exec(line)?.[1])).toEqual(['520', '521', '522', '523', '524'])
  })

  it('retries a connection reset and a timeout', async () => {
    const server = await scripted(drop, hang, ok('third'))
    const { http, logs } = client(server.url, { timeoutMs: 400 })
    const response = await http.request({ method: 'GET', path: '/x', retry: 'idempotent' })
    expect(response.body.toString()).toBe('third')
    expect(server.seen).toHaveLength(3)
    expect(logs[0]).toContain('failed (the connection was closed before the answer was complete)')
    expect(logs[1]).toContain('failed (timed out waiting for the server)')
  })

  it('does not retry other statuses', async () => {
    for (const status of [400, 401, 404, 409, 413, 500]) {
      const server = await scripted(answer(status))
      const { http } = client(server.url)
      expect((await http.request({ path: '/x', retry: 'idempotent' })).status).toBe(status)
      expect(server.seen).toHaveLength(1)
    }
  })

  it('gives up after maxRetries, returning the last answer', async () => {
    const server = await scripted(answer(503, 'busy'))
    const { http, delays } = client(server.url, { maxRetries: 2 })
    const response = await http.request({ path: '/x', retry: 'idempotent' })
    expect(response).toMatchObject({ status: 503, attempts: 3 })
    expect(server.seen).toHaveLength(3)
    expect(delays).toHaveLength(2)
    expect(http.requestCount).toBe(3)
  })

  it('gives up on transport errors after maxRetries, saying how many attempts it made', async () => {
    const { http } = client(await closedPort(), { maxRetries: 2 })
    const error = await httpError(http.request({ method: 'GET', path: '/x', retry: 'idempotent' }))
    expect(error.message).toBe('svc GET /x failed after 3 attempts: connection refused')
    expect(error.transport).toBe('not-sent')
    expect(http.requestCount).toBe(3)
  })
})

describe('retry policy: create (the server must provably not have acted)', () => {
  it('retries 429 and 503 that carry Retry-After', async () => {
    const server = await scripted(answer(429, '', { 'retry-after': '0' }), answer(503, '', { 'retry-after': '0' }), answer(200, 'made'))
    const { http } = client(server.url)
    const response = await http.request({ path: '/s', body: 'x', retry: 'create' })
    expect(response).toMatchObject({ status: 200, attempts: 3 })
    expect(server.seen).toHaveLength(3)
  })

  it.each([503, 429])('does NOT retry a bare %i (no Retry-After): it may hide a success', async (status) => {
    const server = await scripted(answer(status), ok())
    const { http, delays } = client(server.url)
    expect((await http.request({ path: '/s', body: 'x', retry: 'create' })).status).toBe(status)
    expect(server.seen).toHaveLength(1)
    expect(delays).toEqual([])
  })

  it('retries a refused connection', async () => {
    const { http, delays } = client(await closedPort(), { maxRetries: 3 })
    const error = await httpError(http.request({ path: '/s', body: 'x', retry: 'create' }))
    expect(error.transport).toBe('not-sent')
    expect(http.requestCount).toBe(4)
    expect(delays).toHaveLength(3)
  })

  it.each([502, 504, 500, 520, 522, 524])('does NOT retry HTTP %i: the session may exist', async (status) => {
    const server = await scripted(answer(status, '<html><title>x</title></html>'), ok())
    const { http, delays } = client(server.url)
    expect((await http.request({ path: '/s', body: 'x', retry: 'create' })).status).toBe(status)
    expect(server.seen).toHaveLength(1)
    expect(delays).toEqual([])
  })

  it('does NOT retry a timeout after sending', async () => {
    const server = await scripted(hang, ok())
    const { http } = client(server.url, { timeoutMs: 200 })
    const error = await httpError(http.request({ path: '/s', body: 'x', retry: 'create' }))
    expect(error.message).toBe('svc POST /s failed: no answer within 0.2 s')
    expect(error.transport).toBe('timeout')
    expect(server.seen).toHaveLength(1)
    expect(http.requestCount).toBe(1)
  })

  it('does NOT retry a connection dropped after sending', async () => {
    const server = await scripted(drop, ok())
    const { http } = client(server.url)
    const error = await httpError(http.request({ path: '/s', body: 'x', retry: 'create' }))
    expect(error.transport).toBe('lost')
    expect(error.message).toBe('svc POST /s failed: the connection was closed before the answer was complete')
    expect(server.seen).toHaveLength(1)
  })
})

describe('retry policy: none', () => {
  it('never retries', async () => {
    const server = await scripted(answer(503), ok())
    const { http } = client(server.url)
    expect((await http.request({ path: '/x', retry: 'none' })).status).toBe(503)
    const refused = client(await closedPort())
    await httpError(refused.http.request({ path: '/x', retry: 'none' }))
    expect(refused.http.requestCount).toBe(1)
  })
})

describe('Retry-After and backoff', () => {
  it('honours Retry-After in seconds', async () => {
    const server = await scripted(answer(429, '', { 'retry-after': '3' }), answer(503, '', { 'retry-after': '0' }), ok())
    const { http, delays, logs } = client(server.url)
    expect((await http.request({ path: '/s', retry: 'create' })).status).toBe(200)
    expect(delays).toEqual([3000, 0])
    expect(logs[0]).toContain('retrying in 3.0 s')
  })

  it('does not wait longer than maxRetryAfterMs: the answer stands, with a log line', async () => {
    const server = await scripted(answer(503, 'later', { 'retry-after': '120' }), ok())
    const { http, delays, logs } = client(server.url, { maxRetryAfterMs: 60_000 })
    expect((await http.request({ path: '/s', retry: 'idempotent' })).status).toBe(503)
    expect(delays).toEqual([])
    expect(server.seen).toHaveLength(1)
    expect(logs).toEqual(['svc: POST /s answered HTTP 503 with a Retry-After beyond 60 s; not retrying'])
  })

  it('backs off exponentially with jitter, bounded by 15 s', async () => {
    const server = await scripted(answer(503))
    const { http, delays } = client(server.url, { backoffMs: 1000, maxRetries: 6 })
    await http.request({ path: '/x', retry: 'idempotent' })
    expect(delays).toHaveLength(6)
    delays.forEach((delay, index) => {
      const ceiling = Math.min(1000 * 2 ** index, 15_000)
      expect(delay).toBeGreaterThanOrEqual(ceiling / 2)
      expect(delay).toBeLessThanOrEqual(ceiling)
    })
  })

  it('parses Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-05-01T12:00:00Z')
    expect(parseRetryAfter('5', now)).toBe(5000)
    expect(parseRetryAfter(' 0 ', now)).toBe(0)
    expect(parseRetryAfter('Fri, 01 May 2026 12:00:30 GMT', now)).toBe(30_000)
    expect(parseRetryAfter('Fri, 01 May 2026 11:00:00 GMT', now)).toBe(0)
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    expect(parseRetryAfter('', now)).toBeUndefined()
    expect(parseRetryAfter(undefined, now)).toBeUndefined()
  })
})

describe('timeouts', () => {
  it('fails a request whose headers never come', async () => {
    const server = await scripted(hang)
    const { http } = client(server.url, { timeoutMs: 100 })
    const error = await httpError(http.request({ method: 'GET', path: '/x', retry: 'none' }))
    expect(error.message).toBe('svc GET /x failed: no answer within 0.1 s')
  })

  it('fails on time even when the dispatcher ignores the abort (undici, for a request still waiting for a connection)', async () => {
    // A dispatcher whose request never settles, whatever the signal says.
    const deaf = { request: () => new Promise(() => undefined), close: async () => undefined, destroy: async () => undefined }
    const { http } = client('http://127.0.0.1:9', { timeoutMs: 100, dispatcher: deaf as unknown as HttpClientOptions['dispatcher'] })
    const error = await httpError(http.request({ method: 'GET', path: '/x', retry: 'none' }))
    expect(error.message).toBe('svc GET /x failed: no answer within 0.1 s')
  })

  it('fails a request whose body stalls half-way', async () => {
    const server = await scripted((_req, res) => {
      res.writeHead(200, { 'content-length': '100' })
      res.write('only part of it')
    })
    const { http } = client(server.url, { timeoutMs: 150 })
    const error = await httpError(http.request({ method: 'GET', path: '/x', retry: 'none' }))
    expect(error.transport).toBe('timeout')
  })

  it('lets one request set its own timeout', async () => {
    const server = await scripted(hang)
    const { http } = client(server.url, { timeoutMs: 60_000 })
    const error = await httpError(http.request({ method: 'GET', path: '/x', retry: 'none', timeoutMs: 100 }))
    expect(error.message).toContain('no answer within 0.1 s')
  })

  it('ends every attempt within budgetMs, and starts no retry whose pause does not fit', async () => {
    const hanging = await scripted(hang)
    const { http } = client(hanging.url, { timeoutMs: 60_000 })
    const error = await httpError(http.request({ method: 'GET', path: '/x', retry: 'idempotent', budgetMs: 150 }))
    expect(error.transport).toBe('timeout')
    expect(hanging.seen).toHaveLength(1)
    const busy = await scripted(answer(503, 'busy', { 'retry-after': '2' }), ok())
    const second = client(busy.url)
    expect((await second.http.request({ path: '/s', retry: 'idempotent', budgetMs: 1000 })).status).toBe(503)
    expect(second.delays).toEqual([])
    expect(second.logs).toEqual(['svc: POST /s answered HTTP 503; no time left to retry'])
    // The same pause fits in a larger budget: retried.
    const later = await scripted(answer(503, 'busy', { 'retry-after': '2' }), ok())
    const third = client(later.url)
    expect((await third.http.request({ path: '/s', retry: 'idempotent', budgetMs: 10_000 })).status).toBe(200)
    expect(third.delays).toEqual([2000])
  })
})

describe('bounded body reads', () => {
  it('refuses an answer larger than maxBodyBytes without reading it all', async () => {
    let written = 0
    const server = await scripted((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' })
      const block = Buffer.alloc(64 * 1024, 'x')
      const pump = () => {
        // Bounded: at most 64 MiB, far more than the client accepts.
        while (written < 64 * 1024 * 1024 && !res.destroyed) {
          written += block.length
          if (!res.write(block)) return void res.once('drain', pump)
        }
        res.end()
      }
      pump()
    })
    const { http } = client(server.url, { maxBodyBytes: 256 * 1024 })
    const error = await httpError(http.request({ method: 'GET', path: '/big', retry: 'idempotent' }))
    expect(error.message).toBe('svc answered GET /big with HTTP 200 and more than 256 KiB; refusing to read further')
    expect(error.status).toBe(200)
    expect(server.seen).toHaveLength(1)
    expect(written).toBeLessThan(64 * 1024 * 1024)
  })

  it('caps answers at 8 MiB by default: one byte more is refused, exactly 8 MiB is read', async () => {
    const cap = 8 * 1024 * 1024
    const server = await scripted(
      (_req, res) => res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.alloc(cap + 1)),
      (_req, res) => res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.alloc(cap))
    )
    const { http } = client(server.url, { timeoutMs: 10_000 })
    const error = await httpError(http.request({ method: 'GET', path: '/over', retry: 'none' }))
    expect(error.message).toBe('svc answered GET /over with HTTP 200 and more than 8 MiB; refusing to read further')
    const response = await http.request({ method: 'GET', path: '/exact', retry: 'none' })
    expect(response.body.length).toBe(cap)
  })

  it('reads an answer of exactly maxBodyBytes', async () => {
    const server = await scripted(ok('x'.repeat(1000)))
    const { http } = client(server.url, { maxBodyBytes: 1000 })
    expect((await http.request({ path: '/x', retry: 'none' })).body.length).toBe(1000)
  })
})

describe('redirects', () => {
  it('are not followed, so credentials never reach the other origin', async () => {
    const other = await scripted(ok('you should not be here'))
    const server = await scripted(answer(307, 'moved', { location: `${other.url}/api/session` }))
    const { http } = client(server.url)
    const response = await http.request({ path: '/api/session', body: 'x', retry: 'create' })
    expect(response.status).toBe(307)
    expect(other.seen).toHaveLength(0)
    const error = http.statusError(response, 'POST /api/session')
    expect(error.message).toBe(
      `svc redirected POST /api/session to ${other.url}; redirects are not followed so credentials only go to ${server.url}: set the URL input to the final address`
    )
  })

  it('says where a relative or broken Location points', async () => {
    const server = await scripted(answer(301, '', { location: '/elsewhere' }), answer(302, '', { location: 'http://[broken' }))
    const { http } = client(server.url)
    expect(http.statusError(await http.request({ path: '/a', retry: 'none' }), 'GET /a').message).toContain(`redirected GET /a to ${server.url};`)
    expect(http.statusError(await http.request({ path: '/b', retry: 'none' }), 'GET /b').message).toContain('redirected GET /b to elsewhere;')
  })
})

describe('error shaping', () => {
  const response = (body: string | Buffer, headers: Record<string, string> = {}, status = 502): HttpResponse => ({
    status,
    headers,
    body: Buffer.isBuffer(body) ? body : Buffer.from(body),
    attempts: 1
  })
  const { http } = client('http://127.0.0.1:1')

  it('reduces an HTML error page to its text, without the repeated title, scripts or styles', () => {
    const page =
      '<!DOCTYPE html>\n<html>\n<head><title>502 Bad Gateway</title><style>body { color: red }</style></head>\n<body>\n<script>var secret = 1</script>' +
      '<center><h1>502 Bad Gateway</h1></center>\n<hr><center>nginx&nbsp;&amp;&#32;co &#x263A;</center>\n</body>\n</html>\n'
    expect(http.excerpt(response(page))).toBe('502 Bad Gateway nginx & co ☺')
    expect(http.statusError(response(page), 'POST /api/session').message).toBe(
      'svc answered POST /api/session with HTTP 502: 502 Bad Gateway nginx & co ☺'
    )
  })

  it('keeps the title when the body says nothing', () => {
    expect(http.excerpt(response('<html><head><title>504 Gateway Time-out</title></head><body></body></html>'))).toBe('504 Gateway Time-out')
  })

  it('treats a text/html answer as HTML even without a leading tag', () => {
    expect(http.excerpt(response('Error <b>1020</b>', { 'content-type': 'text/html; charset=utf-8' }))).toBe('Error 1020')
    expect(http.excerpt(response('a <b> c', { 'content-type': 'text/plain' }))).toBe('a <b> c')
  })

  it('is one line without control characters, and short', () => {
    expect(http.excerpt(response('line one\r\nline two\u001b[31m red\u0000 \u2028end'))).toBe('line one line two [31m red end')
    const long = http.excerpt(response('y'.repeat(10_000)))
    expect(long).toBe(`${'y'.repeat(199)}…`)
    expect(http.excerpt(response('   \n '))).toBe('(empty answer)')
    expect(http.excerpt(response('z'.repeat(199) + '🎉 tail'), 200)).toBe(`${'z'.repeat(199)}…`)
  })

  it('appends advice', () => {
    expect(http.statusError(response('busy', {}, 503), 'GET /x', 'try later').message).toBe('svc answered GET /x with HTTP 503: busy try later')
  })

  it('parses JSON objects and explains everything else', () => {
    expect(http.parseJson(response('{"a":1}', {}, 200), 'POST /x')).toEqual({ a: 1 })
    expect(() => http.parseJson(response('<html><h1>502 Bad Gateway</h1></html>'), 'POST /x')).toThrow(
      'svc answered POST /x with HTTP 502 and a body that is not JSON: 502 Bad Gateway'
    )
    expect(() => http.parseJson(response('{"a":', {}, 200), 'POST /x')).toThrow('a body that is not JSON: {"a":')
    expect(() => http.parseJson(response('[1]', {}, 200), 'POST /x')).toThrow('JSON of an unexpected shape: [1]')
    expect(() => http.parseJson(response('null', {}, 200), 'POST /x')).toThrow(HttpError)
  })
})

describe('secrets never appear in a message', () => {
  const echo: Handler = (req, res, body) => {
    res.writeHead(500, { 'content-type': 'text/html' })
    res.end(`<h1>Error</h1><p>auth was ${req.headers.authorization}; user ${SECRETS.user}; password ${SECRETS.password}; body ${body.toString()}</p>`)
  }

  it('scrubs an answer that echoes the credentials', async () => {
    const server = await scripted(echo)
    const { http } = client(server.url)
    const response = await http.request({ path: '/x', body: 'b', retry: 'none' })
    const message = http.statusError(response, 'POST /x').message
    expect(message).toBe('svc answered POST /x with HTTP 500: Error auth was ***; user ***; password ***; body b')
    expectNoSecret(message)
    expectNoSecret(http.excerpt(response, 10_000))
    expect(() => http.parseJson(response, 'POST /x')).toThrow(/not JSON/)
    try {
      http.parseJson(response, 'POST /x')
    } catch (error) {
      expectNoSecret((error as Error).message)
    }
  })

  it('scrubs a secret cut in half at the end of the excerpt window', () => {
    const { http } = client('http://127.0.0.1:1')
    // The 16 KiB window ends after the password's first four characters.
    const head = `<p>${'<br>'.repeat(4094)}x`
    expect(Buffer.byteLength(head) + 4).toBe(16 * 1024)
    const body = Buffer.from(`${head}${SECRETS.password} and more text after it`)
    expect(http.excerpt({ status: 500, headers: {}, body, attempts: 1 })).toBe('x')
  })

  it('scrubs transport errors and log lines', async () => {
    const { http, logs } = client(await closedPort(), { service: `svc ${SECRETS.user}`, maxRetries: 1 })
    const error = await httpError(http.request({ path: '/x', retry: 'idempotent' }))
    expectNoSecret(error.message)
    for (const line of logs) expectNoSecret(line)
  })

  it('replaces the longest secret first, leaving no piece of it', () => {
    const password = 'abcdef'
    const http = new HttpClient({ service: 's', baseUrl: 'http://127.0.0.1:1', secrets: ['abc', password, `xx${password}yy`] })
    clients.push(http)
    expect(http.scrub(`1 xxabcdefyy 2 abcdef 3 abc`)).toBe('1 *** 2 *** 3 ***')
  })
})

describe('signal (a step deadline)', () => {
  it('stops a request in flight and never retries it, whatever its policy', async () => {
    const server = await scripted(hang, ok())
    const stop = new AbortController()
    const { http, delays } = client(server.url, { signal: stop.signal, timeoutMs: 30_000 })
    setTimeout(() => stop.abort(), 100)
    const error = await httpError(http.request({ path: '/x', retry: 'idempotent' }))
    expect(error.message).toBe('svc POST /x was stopped: the time allowed ran out')
    expect(http.requestCount).toBe(1)
    expect(delays).toEqual([])
  })

  it('sends nothing once the signal aborted', async () => {
    const server = await scripted(ok())
    const stop = new AbortController()
    stop.abort()
    const { http } = client(server.url, { signal: stop.signal })
    await httpError(http.request({ path: '/x', retry: 'idempotent' }))
    expect(server.seen).toHaveLength(0)
  })
})

describe('close', () => {
  /** Resolves once the server has seen `count` requests; bounded, so a test never spins forever. */
  async function seenBy(server: Scripted, count: number): Promise<void> {
    for (let tries = 0; server.seen.length < count; tries++) {
      if (tries > 200) throw new Error(`the server saw ${server.seen.length} request(s), not ${count}`)
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
  }

  it("'abandon' cuts a request the server never answers instead of waiting for it (the request fails, close ends)", async () => {
    const server = await scripted(hang)
    const { http } = client(server.url, { timeoutMs: 60_000 })
    const inFlight = httpError(http.request({ path: '/x', retry: 'none' }))
    await seenBy(server, 1)
    await http.close('abandon')
    const error = await inFlight
    expect(error.transport).toBe('lost')
  })

  it('after the step was stopped, ends at once and the request in flight fails', async () => {
    const server = await scripted(hang)
    const stop = new AbortController()
    const { http } = client(server.url, { timeoutMs: 60_000, signal: stop.signal })
    const inFlight = http.request({ path: '/x', retry: 'none' }).catch((error: unknown) => error)
    await seenBy(server, 1)
    stop.abort()
    await http.close()
    expect(await inFlight).toBeInstanceOf(HttpError)
  })

  it("'finish' lets a request answered within the grace period end normally", async () => {
    const server = await scripted((req, res, body) => setTimeout(() => answer(200, 'late')(req, res, body), 50))
    const { http } = client(server.url, { timeoutMs: 60_000 })
    const inFlight = http.request({ path: '/x', retry: 'none' })
    await seenBy(server, 1)
    await http.close()
    expect((await inFlight).body.toString()).toBe('late')
  })

  it("'finish' cuts a request still unanswered after the grace period, so close always ends", async () => {
    const server = await scripted(hang)
    const { http } = client(server.url, { timeoutMs: 60_000 })
    const inFlight = httpError(http.request({ path: '/x', retry: 'none' }))
    await seenBy(server, 1)
    await http.close()
    expect((await inFlight).transport).toBe('lost')
  })
})
