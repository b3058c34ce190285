/**
 * The cocode session API (PROTOCOLS.md §1): one POST that creates a session from text files.
 */
import type { Readable } from 'node:stream'
import { isUtf8 } from 'node:buffer'
import { HttpClient, HttpError, headerValue, type HttpClientOptions, type HttpResponse } from '../http.js'
import { ServiceError } from '../errors.js'
import { normaliseHttpUrl } from '../text.js'
import { jsonTextLength, jsonTextPieces } from './json.js'

export interface SessionFile {
  name: string
  /**
   * The file's text: a string or its UTF-8 bytes, or its bytes in pieces (a piece may be reused
   * once the next is asked for). Called when the body is measured and again when it is sent.
   */
  read: () => Promise<string | Buffer> | AsyncIterable<Uint8Array>
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

/** The session's JSON body: its exact length, and its text produced file by file on demand. */
export interface SessionBody {
  length: number
  /** A fresh pass over the body (a retry reads the files again). */
  parts: () => AsyncGenerator<string>
  /** A file that could not be read while sending (it changed): the real reason a send failed. */
  failure?: Error
}

/** Bytes of a whole file's content escaped at a time (the body is sent in pieces of about this size). */
const PIECE_BYTES = 64 * 1024

/**
 * The session body, streamed: every name and content is escaped as JSON.stringify does (quotes
 * broke the old hand-built clients), one piece of one file at a time, so memory does not grow with
 * the session. The files are read twice: once for the Content-Length, once while sending.
 */
export async function buildSessionBody(description: string | undefined, files: SessionFile[]): Promise<SessionBody> {
  const head = description === undefined ? '{"Files":[' : `{"Description":${JSON.stringify(description)},"Files":[`
  let length = Buffer.byteLength(head) + 2
  for (const [index, file] of files.entries()) {
    length += Buffer.byteLength(partHead(index, file.name)) + 3
    for await (const piece of bytesOf(file)) length += jsonTextLength(piece)
  }
  const body: SessionBody = {
    length,
    parts: async function* () {
      yield head
      for (const [index, file] of files.entries()) {
        yield `${partHead(index, file.name)}"`
        try {
          yield* jsonTextPieces(bytesOf(file))
        } catch (error) {
          body.failure = error as Error
          throw error
        }
        yield '"}'
      }
      yield ']}'
    }
  }
  return body
}

function partHead(index: number, name: string): string {
  return `${index === 0 ? '' : ','}{"Filename":${JSON.stringify(name)},"Content":`
}

/** A file's UTF-8 bytes in pieces (content that is not valid UTF-8 is decoded as toString does). */
async function* bytesOf(file: SessionFile): AsyncGenerator<Uint8Array> {
  const read = file.read()
  if (Symbol.asyncIterator in read) {
    yield* read
    return
  }
  const content = await read
  const bytes = typeof content === 'string' || !isUtf8(content) ? Buffer.from(content.toString('utf8')) : content
  for (let offset = 0; offset < bytes.length; offset += PIECE_BYTES) yield bytes.subarray(offset, offset + PIECE_BYTES)
}

/** POSTs the session and returns the URL the server answered. */
export async function createSession(http: HttpClient, body: SessionBody): Promise<string> {
  let response: HttpResponse
  try {
    response = await http.request({
      path: '/api/session',
      headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': String(body.length) },
      // An async iterable (undici accepts one, though its types do not say so): each string goes
      // straight to the socket, no buffer per piece.
      body: () => body.parts() as unknown as Readable,
      // Creating a session is not idempotent: never repeat a POST the server may have processed.
      retry: 'create'
    })
  } catch (error) {
    if (body.failure) throw body.failure
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
