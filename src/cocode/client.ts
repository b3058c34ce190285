/**
 * The cocode session API (PROTOCOLS.md §1): one POST that creates a session from text files.
 */
import { Readable } from 'node:stream'
import { HttpClient, type HttpClientOptions } from '../http.js'
import { ServiceError } from '../errors.js'

export interface SessionFile {
  name: string
  /** Reads the file's text when the request body is built, so only one file is in memory at once. */
  read: () => Promise<string>
}

export interface CocodeCredentials {
  username: string
  password: string
}

export function basicAuthorization(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
}

export function createCocodeHttp(baseUrl: string, credentials: CocodeCredentials, options: Partial<HttpClientOptions> = {}): HttpClient {
  const authorization = basicAuthorization(credentials.username, credentials.password)
  return new HttpClient({
    service: 'cocode',
    baseUrl,
    headers: { authorization },
    secrets: [credentials.username, credentials.password, authorization, authorization.slice('Basic '.length)],
    ...options
  })
}

/**
 * Serialises the session body as a list of buffers, one file at a time: the JSON encoder escapes
 * every name and content (quotes broke the old hand-built clients), and peak memory stays near
 * the size of the body itself instead of several copies of it.
 */
export async function buildSessionBody(description: string | undefined, files: SessionFile[]): Promise<Buffer[]> {
  const parts: Buffer[] = []
  parts.push(Buffer.from(description === undefined ? '{"Files":[' : `{"Description":${JSON.stringify(description)},"Files":[`))
  for (const [index, file] of files.entries()) {
    const content = await file.read()
    const entry = `${index === 0 ? '' : ','}{"Filename":${JSON.stringify(file.name)},"Content":${JSON.stringify(content)}}`
    parts.push(Buffer.from(entry))
  }
  parts.push(Buffer.from(']}'))
  return parts
}

/** POSTs the session and returns the URL the server answered. */
export async function createSession(http: HttpClient, body: Buffer[]): Promise<string> {
  const label = 'POST /api/session'
  const length = body.reduce((sum, part) => sum + part.length, 0)
  const response = await http.request({
    path: '/api/session',
    headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': String(length) },
    body: () => Readable.from(body),
    // Creating a session is not idempotent: never repeat a POST the server may have processed.
    retry: 'create'
  })
  switch (response.status) {
    case 200:
      break
    case 400:
      throw new ServiceError(`cocode refused the session as invalid (HTTP 400: ${http.excerpt(response)}): check the files and description sent`, 400)
    case 401:
      throw new ServiceError(
        `cocode refused the credentials (HTTP 401: ${http.excerpt(response)}): check the 'cocode-username' and 'cocode-password' secrets`,
        401
      )
    case 413:
      throw new ServiceError(`cocode refused the session as too large (HTTP 413): publish fewer or smaller files, or lower 'max-file-size'`, 413)
    default:
      throw http.statusError(response, label)
  }
  const url = response.body.toString('utf8').trim()
  if (!isSessionUrl(url)) {
    throw new ServiceError(`cocode answered HTTP 200 without a session URL: ${http.excerpt(response)}`)
  }
  return url
}

function isSessionUrl(text: string): boolean {
  if (text.length > 2048 || /\s/.test(text)) return false
  try {
    const url = new URL(text)
    return url.protocol === 'https:' || url.protocol === 'http:'
  } catch {
    return false
  }
}
