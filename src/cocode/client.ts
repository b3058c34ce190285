/**
 * The cocode session API (PROTOCOLS.md §1): one POST that creates a session from text files.
 */
import { Readable } from 'node:stream'
import { HttpClient, HttpError, headerValue, type HttpClientOptions, type HttpResponse } from '../http.js'
import { ServiceError } from '../errors.js'
import { normaliseHttpUrl } from '../text.js'
import { jsonStringBetween } from './json.js'

export interface SessionFile {
  name: string
  /**
   * Reads the file's text (a string, or its UTF-8 bytes) when the request body is built, so only
   * one file is read at a time.
   */
  read: () => Promise<string | Buffer>
}

export interface CocodeCredentials {
  username: string
  password: string
}

export function basicAuthorization(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
}

/** The secrets a server's answer must never show: each credential and the pair (the HTTP layer scrubs every encoding of each). */
export function credentialForms(credentials: CocodeCredentials): string[] {
  const forms = [`${credentials.username}:${credentials.password}`, credentials.username, credentials.password]
  return [...new Set(forms.filter((form) => form !== ''))]
}

export function createCocodeHttp(baseUrl: string, credentials: CocodeCredentials, options: Partial<HttpClientOptions> = {}): HttpClient {
  return new HttpClient({
    service: 'cocode',
    baseUrl,
    headers: { authorization: basicAuthorization(credentials.username, credentials.password) },
    secrets: credentialForms(credentials),
    // The only answer worth reading is a URL or a short error; anything bigger is a broken server.
    maxBodyBytes: 1024 * 1024,
    ...options
  })
}

/**
 * Serialises the session body as a list of buffers, one file at a time: every name and content is
 * escaped as JSON.stringify does (quotes broke the old hand-built clients), contents read as bytes
 * are escaped straight into their part, and peak memory stays near the size of the body itself
 * instead of several copies of it.
 */
export async function buildSessionBody(description: string | undefined, files: SessionFile[]): Promise<Buffer[]> {
  const parts: Buffer[] = []
  parts.push(Buffer.from(description === undefined ? '{"Files":[' : `{"Description":${JSON.stringify(description)},"Files":[`))
  for (const [index, file] of files.entries()) {
    const content = await file.read()
    const before = `${index === 0 ? '' : ','}{"Filename":${JSON.stringify(file.name)},"Content":`
    parts.push(typeof content === 'string' ? Buffer.from(`${before}${JSON.stringify(content)}}`) : jsonStringBetween(before, content, '}'))
  }
  parts.push(Buffer.from(']}'))
  return parts
}

/** POSTs the session and returns the URL the server answered. */
export async function createSession(http: HttpClient, body: Buffer[]): Promise<string> {
  const length = body.reduce((sum, part) => sum + part.length, 0)
  let response: HttpResponse
  try {
    response = await http.request({
      path: '/api/session',
      headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': String(length) },
      body: () => Readable.from(body),
      // Creating a session is not idempotent: never repeat a POST the server may have processed.
      retry: 'create'
    })
  } catch (error) {
    if (error instanceof HttpError && (error.transport === 'timeout' || error.transport === 'lost')) {
      throw new ServiceError(`${error.message} ${MAYBE_CREATED}`)
    }
    if (error instanceof HttpError && error.transport === 'not-sent') {
      throw new ServiceError(`${error.message}: check that 'cocode-url' (${http.baseUrl}) is right and the server is up`)
    }
    throw error
  }
  if (response.status >= 200 && response.status < 300) return sessionUrlOf(http, response)
  throw refusal(http, response)
}

const MAYBE_CREATED =
  '(not repeated: cocode may have created the session anyway, and a repeat would make a duplicate; check cocode, then re-run the job)'

/** One actionable line per way the server can refuse. */
function refusal(http: HttpClient, response: HttpResponse): ServiceError {
  const label = 'POST /api/session'
  switch (response.status) {
    case 400:
      return new ServiceError(
        `cocode rejected the request as invalid (HTTP 400: ${http.excerpt(response)}): check that 'cocode-url' is the base URL of a cocode server; if it is, report this as a bug of the action`,
        400
      )
    case 401:
    case 403:
      return new ServiceError(
        `cocode refused the credentials (HTTP ${response.status}: ${http.excerpt(response)}): check the 'cocode-username' and 'cocode-password' secrets`,
        response.status
      )
    case 413:
      return new ServiceError(`cocode refused the session as too large (HTTP 413): publish fewer or smaller files, or lower 'max-file-size'`, 413)
    case 429:
    case 503:
      // With Retry-After the server said it did not act (and the retries ran out); without, a
      // gateway may have answered after cocode created the session.
      return http.statusError(
        response,
        label,
        headerValue(response.headers, 'retry-after') !== undefined ? '(the server is busy): try again later' : MAYBE_CREATED
      )
    case 502:
    case 504:
      return http.statusError(response, label, MAYBE_CREATED)
    default:
      return http.statusError(response, label)
  }
}

/**
 * The session URL, trimmed. An absolute http(s) URL, or a path the server's origin completes.
 * Anything else (an HTML page, nothing) means we cannot tell the author where the session is.
 */
function sessionUrlOf(http: HttpClient, response: HttpResponse): string {
  const text = response.body.toString('utf8').trim()
  const url = parseSessionUrl(text, http.baseUrl)
  if (url === undefined) {
    throw new ServiceError(
      `cocode answered HTTP ${response.status} without a session URL (${http.excerpt(response)}): check that 'cocode-url' points at a cocode server`
    )
  }
  if (http.scrub(url) !== url) throw new ServiceError('cocode answered a session URL that contains the credentials; refusing to publish it')
  return url
}

/**
 * The session URL in normalised form (see normaliseHttpUrl): an absolute http(s) URL, or a path
 * the server's origin completes; undefined for anything else.
 */
export function parseSessionUrl(text: string, baseUrl: string): string | undefined {
  const isPath = text.startsWith('/') && !text.startsWith('//')
  return normaliseHttpUrl(text, isPath ? baseUrl : undefined)
}
