// @ts-check
/**
 * A loopback emulator of the cocode session API (PROTOCOLS.md §1): `POST /api/session` with Basic
 * auth and a JSON body, answered with the new session's URL as plain text.
 *
 * It records every request exactly as it arrived (method, path, headers, raw body bytes and the
 * parsed session), counts the sessions it really created, and can misbehave on demand: any status
 * with any body, a delay, never answering, dropping the connection (after or without creating the
 * session), redirecting elsewhere, a huge body. Plain JavaScript so that jest and `node` scripts
 * (the local demo, a benchmark) can both import it.
 */
import { createServer } from 'node:http'

/**
 * @typedef {{ Filename: string, Content: string }} SessionFile
 * @typedef {{ id: number, url: string, description: string | undefined, files: SessionFile[] }} Session
 * @typedef {{
 *   method: string,
 *   path: string,
 *   headers: import('node:http').IncomingHttpHeaders,
 *   authorization: string | undefined,
 *   body: Buffer,
 *   session: { Description: string | undefined, Files: SessionFile[] } | undefined,
 *   outcome: string
 * }} RecordedRequest
 *
 * A fault replaces the normal answer. `process: true` makes the emulator create the session (when
 * the request is valid) before misbehaving: the client cannot tell, which is the point.
 * `delayMs` waits before answering (or dropping).
 * @typedef {(
 *   | { kind: 'status', status: number, body?: string | Buffer, headers?: Record<string, string>, process?: boolean }
 *   | { kind: 'delay' }
 *   | { kind: 'hang', process?: boolean }
 *   | { kind: 'drop', process?: boolean }
 *   | { kind: 'redirect', location: string, status?: number }
 *   | { kind: 'huge', bytes: number, status?: number, process?: boolean }
 *   | { kind: 'slowBody', intervalMs: number, process?: boolean }
 * ) & { delayMs?: number }} Fault
 *
 * @typedef {{ username?: string, password?: string, port?: number }} CocodeEmulatorOptions
 *   `port`: 0 (the default) takes any free port.
 */

/**
 * An HTML error page like the ones proxies (nginx, Cloudflare) put in front of services.
 * @param {number} status
 * @param {string} title
 */
export function htmlPage(status, title) {
  return (
    `<!DOCTYPE html>\n<html>\n<head><title>${status} ${title}</title>\n<style>body { font-family: sans-serif }</style></head>\n` +
    `<body>\n<center><h1>${status} ${title}</h1></center>\n<hr><center>nginx/1.25.3</center>\n</body>\n</html>\n`
  )
}

/** Ready-made faults for the cases the tests exercise. */
export const Faults = {
  /** @param {number} status @param {string | Buffer} [body] @param {Record<string, string>} [headers] @returns {Fault} */
  status: (status, body = '', headers = {}) => ({ kind: 'status', status, body, headers }),
  /** @param {number} status @param {string} title @param {boolean} [processed] @returns {Fault} */
  html: (status, title, processed = false) => ({
    kind: 'status',
    status,
    body: htmlPage(status, title),
    headers: { 'content-type': 'text/html' },
    process: processed
  }),
  /** @param {429 | 503} status @param {string} retryAfter @returns {Fault} */
  retryAfter: (status, retryAfter) => ({
    kind: 'status',
    status,
    body: htmlPage(status, status === 429 ? 'Too Many Requests' : 'Service Temporarily Unavailable'),
    headers: { 'content-type': 'text/html', 'retry-after': retryAfter }
  }),
  /** @param {number} ms @returns {Fault} */
  delay: (ms) => ({ kind: 'delay', delayMs: ms }),
  /** @param {boolean} [processed] @returns {Fault} */
  hang: (processed = false) => ({ kind: 'hang', process: processed }),
  /** @param {boolean} [processed] @returns {Fault} */
  drop: (processed = false) => ({ kind: 'drop', process: processed }),
  /** @param {string} location @returns {Fault} */
  redirect: (location) => ({ kind: 'redirect', location, status: 307 }),
  /** @param {number} bytes @returns {Fault} */
  huge: (bytes) => ({ kind: 'huge', bytes, status: 200 }),
  /**
   * Answers 200 at once, then sends the body one byte every `intervalMs`, never finishing.
   * @param {number} intervalMs @param {boolean} [processed] @returns {Fault}
   */
  slowBody: (intervalMs, processed = true) => ({ kind: 'slowBody', intervalMs, process: processed }),
  /** @returns {Fault} */
  emptyOk: () => ({ kind: 'status', status: 200, body: '   \n', process: true }),
  /** @returns {Fault} */
  invalidOk: () => ({
    kind: 'status',
    status: 200,
    body: '<html><body>Welcome to nginx!</body></html>',
    headers: { 'content-type': 'text/html' },
    process: true
  })
}

/**
 * Starts the emulator on 127.0.0.1, on a free port.
 * @param {CocodeEmulatorOptions} [options]
 */
export async function startCocodeEmulator(options = {}) {
  const username = options.username ?? 'cocode-user'
  const password = options.password ?? 'cocode-password'

  /** @type {{ fault: Fault, remaining: number }[]} */
  let queue = []
  /** @type {Fault | undefined} */
  let standing

  const state = {
    /** @type {RecordedRequest[]} */
    requests: [],
    /** @type {Session[]} */
    sessions: [],
    /** Sessions really created, whatever the client was told. */
    get sessionsCreated() {
      return state.sessions.length
    },
    /** Requests to POST /api/session, whatever their fate. */
    get sessionAttempts() {
      return state.requests.filter((r) => r.method === 'POST' && r.path === '/api/session').length
    },
    reset() {
      state.requests.length = 0
      state.sessions.length = 0
    }
  }

  const faults = {
    /**
     * The next `times` requests get `fault` (queued after faults already waiting).
     * @param {Fault} fault
     * @param {number} [times]
     */
    next(fault, times = 1) {
      queue.push({ fault, remaining: times })
    },
    /**
     * Every request gets `fault` until clear() (queued faults go first).
     * @param {Fault} fault
     */
    always(fault) {
      standing = fault
    },
    clear() {
      queue = []
      standing = undefined
    }
  }

  /** @returns {Fault | undefined} */
  function takeFault() {
    while (queue.length > 0 && queue[0].remaining <= 0) queue.shift()
    const entry = queue[0]
    if (entry) {
      entry.remaining--
      return entry.fault
    }
    return standing
  }

  /** @type {string} */
  let baseUrl = ''

  /**
   * Validates like the real service: Basic credentials, then a JSON object with a non-empty Files
   * list of {Filename, Content} strings.
   * @param {RecordedRequest} record
   * @returns {{ status: number, text: string }}
   */
  function validate(record) {
    if (record.method !== 'POST' || record.path !== '/api/session') return { status: 404, text: 'Not Found' }
    const expected = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
    if (record.authorization !== expected) return { status: 401, text: 'Unauthorized' }
    const session = parseSession(record.body)
    if (!session) return { status: 400, text: 'Invalid Request' }
    record.session = session
    return { status: 200, text: '' }
  }

  /** @param {RecordedRequest} record */
  function createSession(record) {
    if (!record.session) return undefined
    const id = state.sessions.length + 1
    const url = `${baseUrl}/s/${id}`
    state.sessions.push({ id, url, description: record.session.Description, files: record.session.Files })
    return url
  }

  const server = createServer((req, res) => {
    /** @type {Buffer[]} */
    const chunks = []
    req.on('data', (chunk) => chunks.push(chunk))
    req.on('end', () => {
      /** @type {RecordedRequest} */
      const record = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        authorization: req.headers.authorization,
        body: Buffer.concat(chunks),
        session: undefined,
        outcome: ''
      }
      state.requests.push(record)
      const fault = takeFault()
      const delay = fault?.delayMs ?? 0
      const answer = () => respond(record, fault, res)
      if (delay > 0) setTimeout(answer, delay)
      else answer()
    })
  })

  /**
   * @param {RecordedRequest} record
   * @param {Fault | undefined} fault
   * @param {import('node:http').ServerResponse} res
   */
  function respond(record, fault, res) {
    const verdict = validate(record)
    const processIfValid = () => (verdict.status === 200 ? createSession(record) : undefined)
    if (!fault || fault.kind === 'delay') {
      if (verdict.status !== 200) {
        record.outcome = String(verdict.status)
        return send(res, verdict.status, verdict.text, { 'content-type': 'text/plain; charset=utf-8' })
      }
      const url = processIfValid()
      record.outcome = '200'
      // The real service answers the URL as plain text, with white space around it.
      return send(res, 200, `\n  ${url}  \r\n`, { 'content-type': 'text/plain; charset=utf-8' })
    }
    if ('process' in fault && fault.process) processIfValid()
    switch (fault.kind) {
      case 'status':
        record.outcome = String(fault.status)
        return send(res, fault.status, fault.body ?? '', { 'content-type': 'text/plain; charset=utf-8', ...fault.headers })
      case 'hang':
        record.outcome = 'hang'
        return // never answered; close() ends the connection
      case 'drop':
        record.outcome = 'drop'
        res.socket?.destroy()
        return
      case 'redirect':
        record.outcome = String(fault.status ?? 307)
        return send(res, fault.status ?? 307, 'Moved', { location: fault.location })
      case 'huge':
        record.outcome = 'huge'
        return sendHuge(res, fault.status ?? 200, fault.bytes)
      case 'slowBody':
        record.outcome = 'slowBody'
        return trickle(res, fault.intervalMs)
    }
  }

  await new Promise((resolve) => server.listen(options.port ?? 0, '127.0.0.1', () => resolve(undefined)))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('the cocode emulator has no port')
  baseUrl = `http://127.0.0.1:${address.port}`

  return {
    url: baseUrl,
    username,
    password,
    state,
    faults,
    /** Stops listening and ends every open connection (hanging ones included). */
    async close() {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(() => resolve(undefined)))
    }
  }
}

/**
 * @param {Buffer} body
 * @returns {{ Description: string | undefined, Files: SessionFile[] } | undefined}
 */
function parseSession(body) {
  /** @type {unknown} */
  let parsed
  try {
    parsed = JSON.parse(body.toString('utf8'))
  } catch {
    return undefined
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined
  const { Description, Files } = /** @type {Record<string, unknown>} */ (parsed)
  if (Description !== undefined && typeof Description !== 'string') return undefined
  if (!Array.isArray(Files) || Files.length === 0) return undefined
  /** @type {SessionFile[]} */
  const files = []
  for (const file of Files) {
    if (file === null || typeof file !== 'object') return undefined
    const { Filename, Content } = file
    if (typeof Filename !== 'string' || Filename === '' || typeof Content !== 'string') return undefined
    files.push({ Filename, Content })
  }
  return { Description, Files: files }
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {string | Buffer} body
 * @param {Record<string, string>} headers
 */
function send(res, status, body, headers) {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body)
  res.writeHead(status, { ...headers, 'content-length': String(bytes.length) })
  res.end(bytes)
}

/**
 * Streams `bytes` bytes without holding them in memory; stops when the client goes away.
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {number} bytes
 */
function sendHuge(res, status, bytes) {
  res.writeHead(status, { 'content-type': 'text/plain', 'content-length': String(bytes) })
  const block = Buffer.alloc(64 * 1024, 'x')
  let left = bytes
  const pump = () => {
    while (left > 0 && !res.destroyed) {
      const part = left >= block.length ? block : block.subarray(0, left)
      left -= part.length
      if (!res.write(part)) return void res.once('drain', pump)
    }
    if (!res.destroyed) res.end()
  }
  res.on('close', () => (left = 0))
  pump()
}

/**
 * Headers at once, then one byte of a URL every `intervalMs`, forever: each byte resets a
 * per-read timer, so only a bound on the whole request ends it. Stops when the client goes away.
 * @param {import('node:http').ServerResponse} res
 * @param {number} intervalMs
 */
function trickle(res, intervalMs) {
  res.writeHead(200, { 'content-type': 'text/plain' })
  res.flushHeaders()
  const timer = setInterval(() => {
    if (res.destroyed) clearInterval(timer)
    else res.write('h')
  }, intervalMs)
  res.on('close', () => clearInterval(timer))
}
