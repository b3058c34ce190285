/**
 * The one HTTP layer both service clients use: undici with keep-alive, per-request timeouts,
 * bounded body reads, retries with backoff that honour Retry-After, and error messages that carry
 * the status and a short excerpt of the answer but never a credential.
 */
import type { Dispatcher } from 'undici/index.js'
import { getProxyUrl } from '@actions/http-client/lib/proxy'
import { loadUndici, type UndiciCore } from './undici-on-demand.js'
import { PROXY_TUNNEL_FAILED, ServiceError, errorMessage, proxyRefusal, proxyTunnelFailure } from './errors.js'
import { sleep as defaultSleep } from './concurrency.js'
import { Scrubber, formatBytes, htmlToText, inert, looksLikeHtml, serverText } from './text.js'

/**
 * How a request may be retried:
 * - `idempotent`: repeating it is harmless; retried on any transport error, 429, 502, 503, 504,
 *   and Cloudflare's 520-524 (cocalc.com sits behind Cloudflare).
 * - `create`: it creates something (a session, a copy); retried only when the server provably did
 *   not act: the connection was never made, or it answered 429/503 with a Retry-After. A bare
 *   503, a 502/504/52x (a 524 means the origin may have acted) or a lost connection after
 *   sending may hide a success, so those are not repeated.
 * - `none`: never retried.
 */
export type RetryPolicy = 'idempotent' | 'create' | 'none'

export interface HttpClientOptions {
  /** Name used in messages: "cocode", "CoCalc". */
  service: string
  baseUrl: string
  headers?: Record<string, string>
  /** Values that must never appear in a message (credentials, headers derived from them). */
  secrets?: string[]
  /** Whole-attempt timeout (connect, headers and body). */
  timeoutMs?: number
  connectTimeoutMs?: number
  /** Retries after the first attempt. */
  maxRetries?: number
  /** Base delay of the exponential backoff. */
  backoffMs?: number
  /** The longest Retry-After honoured; a server asking for more is not retried. */
  maxRetryAfterMs?: number
  /** Answers larger than this are cut off with an error (a hostile or broken server). */
  maxBodyBytes?: number
  /** Keep-alive connections kept open to the server. */
  connections?: number
  log?: (message: string) => void
  sleep?: (ms: number) => Promise<void>
  dispatcher?: Dispatcher
  /** Aborts every request in flight and every pause between attempts (a step's deadline). */
  signal?: AbortSignal
}

export interface HttpRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** Path (and query) relative to the base URL, starting with '/'. */
  path: string
  headers?: Record<string, string>
  /** A function body is rebuilt for every attempt (e.g. a stream). */
  body?: string | Buffer | (() => Dispatcher.DispatchOptions['body'])
  retry: RetryPolicy
  timeoutMs?: number
  /**
   * All attempts together end within this many ms: each attempt's timeout is cut to what is left,
   * and no retry starts whose pause would pass it (a caller with its own deadline, e.g. a poll).
   */
  budgetMs?: number
}

export interface HttpResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
  /** Attempts it took (1 = no retry). */
  attempts: number
}

/**
 * How a request failed without an answer: `not-sent` when the server provably never saw it
 * (connection refused, host not found), `timeout` when no answer came in time, `lost` when the
 * connection broke. After `timeout` and `lost` the server may have acted on the request.
 */
/** What closing a client does with requests still in flight: let them end (briefly), or cut them. */
export type PendingRequests = 'finish' | 'abandon'

/** How long requests still in flight may take to end when a client closes normally. */
export const CLOSE_GRACE_MS = 2_000

export type TransportFailure = 'not-sent' | 'timeout' | 'lost'

/** A request failed: transport error, bad status, or an answer we cannot use. */
export class HttpError extends ServiceError {
  override name = 'HttpError'
  constructor(
    message: string,
    status?: number,
    /** Set when there was no usable answer at all. */
    readonly transport?: TransportFailure
  ) {
    super(message, status)
  }
}

const RETRYABLE_STATUS: Record<Exclude<RetryPolicy, 'none'>, readonly number[]> = {
  idempotent: [429, 502, 503, 504, 520, 521, 522, 523, 524],
  // Only together with a Retry-After header: see retryableStatus.
  create: [429, 503]
}

/** Transport errors raised before a single byte of the request reached the server. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  PROXY_TUNNEL_FAILED
])

export class HttpClient {
  readonly service: string
  readonly baseUrl: string
  private readonly origin: string
  private readonly basePath: string
  private readonly stop: AbortSignal | undefined
  /** Aborts the requests still in flight when close() runs out of patience. */
  private readonly cut = new AbortController()
  private readonly options: Required<Omit<HttpClientOptions, 'dispatcher' | 'headers' | 'secrets' | 'log' | 'signal'>> & {
    headers: Record<string, string>
    log: (message: string) => void
  }
  private readonly scrubber: Scrubber
  private dispatcher: Dispatcher | undefined
  private readonly ownsDispatcher: boolean
  /**
   * The runner's proxy for this service, read by the same rules as the toolkit's own requests to
   * GitHub (HTTPS_PROXY or HTTP_PROXY, NO_PROXY, loopback never proxied): user and password
   * decoded. Errors name its host, never its credentials.
   */
  private readonly proxy: URL | undefined
  /** Requests sent, retries included: the benchmark and tests read it. */
  requestCount = 0

  constructor(options: HttpClientOptions) {
    const url = new URL(options.baseUrl)
    this.service = options.service
    this.baseUrl = options.baseUrl.replace(/\/+$/, '')
    this.origin = url.origin
    this.basePath = url.pathname.replace(/\/+$/, '')
    this.scrubber = new Scrubber(options.secrets ?? [])
    this.options = {
      service: options.service,
      baseUrl: this.baseUrl,
      headers: options.headers ?? {},
      timeoutMs: options.timeoutMs ?? 60_000,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      maxRetries: options.maxRetries ?? 4,
      backoffMs: options.backoffMs ?? 500,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
      maxBodyBytes: options.maxBodyBytes ?? 8 * 1024 * 1024,
      connections: options.connections ?? 8,
      log: options.log ?? (() => undefined),
      sleep: options.sleep ?? ((ms) => defaultSleep(ms, options.signal))
    }
    this.stop = options.signal
    this.dispatcher = options.dispatcher
    this.ownsDispatcher = options.dispatcher === undefined
    this.proxy = options.dispatcher === undefined ? getProxyUrl(url) : undefined
  }

  /**
   * Sends a request, retrying as its policy allows. Resolves with the final answer whatever its
   * status (callers give statuses their meaning); rejects with an HttpError on transport failure.
   */
  async request(req: HttpRequest): Promise<HttpResponse> {
    const method = req.method ?? 'POST'
    const label = `${method} ${req.path.split('?')[0]}`
    const maxAttempts = req.retry === 'none' ? 1 : this.options.maxRetries + 1
    const endsAt = req.budgetMs === undefined ? undefined : Date.now() + req.budgetMs
    for (let attempt = 1; ; attempt++) {
      const timeoutMs = Math.max(1, Math.min(req.timeoutMs ?? this.options.timeoutMs, endsAt === undefined ? Infinity : endsAt - Date.now()))
      let response: HttpResponse | undefined
      let failure: unknown
      if (this.stop?.aborted) throw this.stopped(label)
      try {
        response = await this.attempt(method, label, { ...req, timeoutMs }, attempt)
      } catch (error) {
        failure = error
      }
      if (this.stop?.aborted) throw this.stopped(label)
      const retryable = response ? this.retryableStatus(req.retry, response) : this.retryableError(req.retry, failure)
      if (!retryable || attempt >= maxAttempts) {
        if (response) return response
        throw this.transportError(label, failure, attempt, timeoutMs)
      }
      const delay = this.delayBefore(attempt, response)
      if (delay !== undefined && endsAt !== undefined && Date.now() + delay >= endsAt) {
        this.log(`${this.service}: ${label} ${response ? `answered HTTP ${response.status}` : 'failed'}; no time left to retry`)
        if (response) return response
        throw this.transportError(label, failure, attempt, timeoutMs)
      }
      if (delay === undefined) {
        // The server asked for a pause longer than we may wait: its answer stands.
        this.log(
          `${this.service}: ${label} answered HTTP ${response?.status} with a Retry-After beyond ${this.options.maxRetryAfterMs / 1000} s; not retrying`
        )
        if (response) return response
        throw this.transportError(label, failure, attempt, timeoutMs)
      }
      const why = response ? `answered HTTP ${response.status}` : `failed (${describeTransportError(failure)})`
      this.log(`${this.service}: ${label} ${why}; retrying in ${(delay / 1000).toFixed(1)} s (attempt ${attempt + 1} of ${maxAttempts})`)
      await this.options.sleep(delay)
    }
  }

  /** Parses a JSON answer; an HTML page, truncated JSON or non-object is an HttpError. */
  parseJson(response: HttpResponse, label: string): Record<string, unknown> {
    const text = response.body.toString('utf8')
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      throw this.error(
        `${this.service} answered ${label} with HTTP ${response.status} and a body that is not JSON: ${this.excerpt(response)}`,
        response.status
      )
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw this.error(`${this.service} answered ${label} with JSON of an unexpected shape: ${this.excerpt(response)}`, response.status)
    }
    return parsed as Record<string, unknown>
  }

  /** The standard error for an answer the caller cannot accept. */
  statusError(response: HttpResponse, label: string, advice = ''): HttpError {
    if (response.status >= 300 && response.status < 400) {
      const location = headerValue(response.headers, 'location') ?? ''
      let where = 'elsewhere'
      try {
        where = new URL(location, this.baseUrl).origin
      } catch {
        // keep "elsewhere"
      }
      return this.error(
        `${this.service} redirected ${label} to ${this.scrub(where)}; redirects are not followed so credentials only go to ${this.origin}: set the URL input to the final address`,
        response.status
      )
    }
    const tail = advice ? ` ${advice}` : ''
    return this.error(`${this.service} answered ${label} with HTTP ${response.status}: ${this.excerpt(response)}${tail}`, response.status)
  }

  /**
   * A short, single-line, secret-free excerpt of an answer: HTML pages are reduced to their text,
   * control characters (terminal escapes, line breaks) become spaces.
   */
  excerpt(response: HttpResponse, max = 200): string {
    let text = this.scrub(response.body.subarray(0, 16 * 1024).toString('utf8'))
    // A secret cut in half by the 16 KiB window would survive scrub(): drop its visible start.
    if (response.body.length > 16 * 1024) text = this.scrubber.dropCutSecret(text)
    if (looksLikeHtml(text, String(headerValue(response.headers, 'content-type') ?? ''))) text = htmlToText(text)
    text = serverText(text, this.scrubber, max)
    return text === '' ? '(empty answer)' : text
  }

  /** Replaces every known secret, in every encoding, in `text`. */
  scrub(text: string): string {
    return this.scrubber.scrub(text)
  }

  /** Text this server supplied, on one line, inert, scrubbed and at most `max` characters long. */
  serverText(text: string, max = 300): string {
    return serverText(text, this.scrubber, max)
  }

  /** The request was stopped from outside (the step's deadline): no retry, whatever the policy. */
  private stopped(label: string): HttpError {
    return this.error(`${this.service} ${label} was stopped: the time allowed ran out`, undefined, 'timeout')
  }

  /** Every message this client makes passes through here: no secret leaves in one. */
  private error(message: string, status?: number, transport?: TransportFailure): HttpError {
    return new HttpError(inert(this.scrub(message)), status, transport)
  }

  private log(line: string): void {
    this.options.log(inert(this.scrub(line)))
  }

  /**
   * Ends the connection pool. undici's close() waits for requests still in flight, and a server
   * that never answers would keep the step (and the process) alive past its `timeout`: so after a
   * failure ('abandon') or once the step's signal stopped, in-flight requests are cut at once, and
   * otherwise they get CLOSE_GRACE_MS to end before they are cut.
   */
  async close(pending: PendingRequests = 'finish'): Promise<void> {
    const dispatcher = this.ownsDispatcher ? this.dispatcher : undefined
    this.dispatcher = undefined
    if (!dispatcher) return
    if (pending === 'abandon' || this.stop?.aborted) return dispatcher.destroy()
    // (undici's destroy() after close() no longer reaches the pool's connections: the grace
    // period ends by aborting the requests themselves, which lets close() finish.)
    const timer = setTimeout(
      () => this.cut.abort(this.error(`${this.service} closed its connections before an answer came`, undefined, 'lost')),
      CLOSE_GRACE_MS
    )
    try {
      await dispatcher.close()
    } finally {
      clearTimeout(timer)
    }
  }

  private getDispatcher({ Agent, createProxyAgent }: UndiciCore): Dispatcher {
    if (this.dispatcher) return this.dispatcher
    const pool = {
      connections: this.options.connections,
      keepAliveTimeout: 10_000,
      headersTimeout: this.options.timeoutMs,
      bodyTimeout: this.options.timeoutMs
    }
    const proxy = this.proxy
    if (!proxy) return (this.dispatcher = new Agent({ ...pool, connect: { timeout: this.options.connectTimeoutMs } }))
    // Credentials in the proxy URL become its Proxy-Authorization, as @actions/http-client sends
    // them (a user name alone too, which undici would drop).
    const token = proxy.username || proxy.password ? `Basic ${Buffer.from(`${proxy.username}:${proxy.password}`).toString('base64')}` : undefined
    const uri = `${proxy.protocol}//${proxy.host}`
    // The tunnel fails before the request's own timeout, so its error (nothing sent) is the one seen.
    const connectTimeoutMs = Math.min(this.options.connectTimeoutMs, Math.ceil(this.options.timeoutMs / 2))
    return (this.dispatcher = createProxyAgent({ ...pool, uri, ...(token ? { token } : {}), connectTimeoutMs }))
  }

  private async attempt(method: string, label: string, req: HttpRequest, attempt: number): Promise<HttpResponse> {
    this.requestCount++
    const timeoutMs = req.timeoutMs ?? this.options.timeoutMs
    // The signal bounds the whole attempt; undici's own timers bound each wait inside it.
    const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), this.cut.signal, ...(this.stop ? [this.stop] : [])])
    // undici is loaded on the first request, not at start: a dry run never needs it.
    const undici = await loadUndici()
    const body = typeof req.body === 'function' ? req.body() : req.body
    // No redirect interceptor, on purpose: a 3xx comes back as it is (statusError explains it),
    // so the credentials in the headers never travel to another origin.
    const sent = this.getDispatcher(undici).request({
      origin: this.origin,
      path: `${this.basePath}${req.path}`,
      method: method as Dispatcher.HttpMethod,
      headers: { 'user-agent': 'publish-to-collaborative-editors', ...this.options.headers, ...req.headers },
      body,
      signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs
    })
    const answer = await settleBy(signal, sent)
    const chunks: Buffer[] = []
    let size = 0
    try {
      for await (const chunk of answer.body as AsyncIterable<Buffer>) {
        size += chunk.length
        if (size > this.options.maxBodyBytes) {
          throw this.error(
            `${this.service} answered ${label} with HTTP ${answer.statusCode} and more than ${formatBytes(this.options.maxBodyBytes)}; refusing to read further`,
            answer.statusCode
          )
        }
        chunks.push(chunk)
      }
    } catch (error) {
      answer.body.destroy()
      throw error
    }
    return { status: answer.statusCode, headers: answer.headers, body: Buffer.concat(chunks), attempts: attempt }
  }

  private retryableStatus(policy: RetryPolicy, response: HttpResponse): boolean {
    if (policy === 'none' || !RETRYABLE_STATUS[policy].includes(response.status)) return false
    // A create is repeated only when the server said it did not act and when to come back.
    return policy === 'idempotent' || headerValue(response.headers, 'retry-after') !== undefined
  }

  private retryableError(policy: RetryPolicy, error: unknown): boolean {
    if (policy === 'none' || error instanceof HttpError) return false
    // The proxy refuses (wrong credentials, a host it does not allow): asking again will not
    // change its mind. A 408, 429 or 5xx from it may pass.
    const refusal = proxyRefusal(error)
    if (refusal !== undefined && refusal >= 400 && refusal < 500 && refusal !== 408 && refusal !== 429) return false
    if (policy === 'idempotent') return true
    return transportFailure(error) === 'not-sent'
  }

  /** Milliseconds to wait before the next attempt, or undefined to give up (Retry-After too long). */
  private delayBefore(attempt: number, response: HttpResponse | undefined): number | undefined {
    const retryAfter = response ? parseRetryAfter(headerValue(response.headers, 'retry-after')) : undefined
    if (retryAfter !== undefined) return retryAfter <= this.options.maxRetryAfterMs ? retryAfter : undefined
    const ceiling = Math.min(this.options.backoffMs * 2 ** (attempt - 1), 15_000)
    // "Equal jitter": at least half the ceiling, so retries spread out but never hammer.
    return Math.round(ceiling / 2 + Math.random() * (ceiling / 2))
  }

  private transportError(label: string, error: unknown, attempts: number, timeoutMs: number): HttpError {
    if (error instanceof HttpError) return error
    const tries = attempts > 1 ? ` after ${attempts} attempts` : ''
    const kind = transportFailure(error)
    const why = kind === 'timeout' ? `no answer within ${formatSeconds(timeoutMs)}` : describeTransportError(error)
    // A failure of the proxy itself says so already; any other names the way it went.
    const aboutProxy = proxyRefusal(error) !== undefined || proxyTunnelFailure(error) !== undefined
    const via = this.proxy && !aboutProxy ? ` (through the proxy ${this.proxy.host})` : ''
    return this.error(`${this.service} ${label} failed${tries}: ${why}${via}`, undefined, kind)
  }
}

export function headerValue(headers: HttpResponse['headers'], name: string): string | undefined {
  const value = headers[name.toLowerCase()]
  return Array.isArray(value) ? value[0] : value
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/**
 * The request's promise, or the signal's reason as soon as it aborts: undici ignores the abort of
 * a request still waiting for a connection (it acts on it once connected), so a proxy that never
 * opens its tunnel would otherwise hold the request past every timeout.
 */
function settleBy<T>(signal: AbortSignal, promise: Promise<T>): Promise<T> {
  // Settling later, after the race was lost, must not be an unhandled rejection.
  promise.catch(() => undefined)
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(error)
      }
    )
  })
}

function errorCode(error: unknown): string {
  if (error && typeof error === 'object') {
    const own = (error as { code?: unknown }).code
    if (typeof own === 'string') return own
    const cause = (error as { cause?: unknown }).cause
    if (cause && typeof cause === 'object' && typeof (cause as { code?: unknown }).code === 'string') {
      return (cause as { code: string }).code
    }
  }
  return ''
}

function transportFailure(error: unknown): TransportFailure {
  // Refused by the proxy: nothing reached the server.
  if (proxyRefusal(error) !== undefined) return 'not-sent'
  if (isTimeout(error)) return 'timeout'
  const code = errorCode(error)
  if (NOT_SENT_CODES.has(code)) return 'not-sent'
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return 'timeout'
  return 'lost'
}

/** The abort of our timeout signal (a DOMException, not always `instanceof Error` across realms). */
function isTimeout(error: unknown): boolean {
  const name = error !== null && typeof error === 'object' ? (error as { name?: unknown }).name : undefined
  return name === 'TimeoutError' || name === 'AbortError'
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`
}

function describeTransportError(error: unknown): string {
  const refusal = proxyRefusal(error)
  if (refusal === 407) return 'the proxy refused the credentials in HTTPS_PROXY / HTTP_PROXY (HTTP 407)'
  if (refusal !== undefined) return `the proxy answered HTTP ${refusal} instead of connecting (HTTPS_PROXY / HTTP_PROXY)`
  const tunnel = proxyTunnelFailure(error)
  if (tunnel !== undefined) return tunnel
  if (isTimeout(error)) return 'timed out waiting for the server'
  const code = errorCode(error)
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused'
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name not found'
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'timed out connecting'
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return 'timed out waiting for the server'
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'the connection was closed before the answer was complete'
    default: {
      const message = errorMessage(error)
      return code ? `${message} (${code})` : message
    }
  }
}
