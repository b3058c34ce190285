/**
 * One interface over CoCalc's two HTTP API generations (PROTOCOLS.md §2): v2 (./v2.ts, current
 * CoCalc) and v1 (./v1.ts, older self-hosted servers). The publishing logic (./publish.ts) only
 * sees this interface, so both generations upload, verify, copy and wait the same way.
 */
import type { CocalcApi } from '../inputs.js'
import type { LocalFile } from '../files.js'
import { HttpClient, type HttpClientOptions, type HttpResponse } from '../http.js'
import { ServiceError } from '../errors.js'
import type { BatchLimits, RemoteFile } from './scripts.js'

export interface CopyRequest {
  targetProjectId: string
  /** Folder in the source project. */
  path: string
  targetPath: string
  overwriteNewer: boolean
  deleteMissing: boolean
  backup: boolean
  /** rsync exclude patterns (v1 only; inputs refuse them with v2). */
  exclude: string[]
}

/** What a status poll learnt about one copy. */
export type CopyState =
  | { state: 'running' }
  | { state: 'finished' }
  | { state: 'failed'; error: string }
  /** The server cannot report copy status (a v2 server older than copy-path-status). */
  | { state: 'unsupported' }

export interface CocalcClient {
  readonly api: CocalcApi
  /** The shared HTTP layer (its requestCount is reported at the end). */
  readonly http: HttpClient
  /** How hashFiles calls must be split to stay under the server's body and time limits. */
  readonly hashBatchLimits: BatchLimits
  /** Makes sure the source project runs (v1 starts projects on demand: no request). */
  startProject(): Promise<void>
  /** Writes `file`'s bytes to `remotePath` (relative to the project's home), replacing it. */
  uploadFile(remotePath: string, file: LocalFile, onBytes?: (bytes: number) => void): Promise<void>
  /**
   * SHA-256 and mtime of each path inside a project (the source unless `projectId` says
   * otherwise; undefined: missing), in one request. Throws HashBatchCutOff when the answer was
   * cut short (the hub's 60 s limit, a gateway timeout, partial output): a smaller batch may pass.
   */
  hashFiles(remotePaths: readonly string[], projectId?: string): Promise<(RemoteFile | undefined)[]>
  /**
   * Puts an archive where the unpack program (./unpack.ts) finds it, under `work` (a fresh folder
   * for each attempt): v2 uploads it as a file, v1 writes it as base64 pieces the program decodes.
   */
  stageArchive(archive: LocalFile, work: string, onBytes?: (bytes: number) => void): Promise<StagedArchive>
  /** Runs a program in the source project (no shell around it) and returns what it printed. */
  execProgram(program: { command: string; args: string[] }, label: string): Promise<ExecResult>
  /** Starts a copy; resolves with its id, or '' when the server copied synchronously. */
  copyPath(request: CopyRequest): Promise<string>
  /** One poll of a copy; retries included, it ends within `budgetMs`. */
  copyStatus(copyId: string, budgetMs?: number): Promise<CopyState>
  close(): Promise<void>
}

/** Where a staged archive is: the file, or (v1) the pieces to decode into that file. */
export interface StagedArchive {
  archive: string
  pieces?: { dir: string; count: number }
}

export interface CocalcClientOptions {
  baseUrl: string
  apiKey: string
  /** The source project: uploads, hashes and copies start there. */
  projectId: string
  /** Parallel requests: sizes the keep-alive pool. */
  concurrency: number
  /** Bytes per `/upload` chunk (v2). */
  chunkBytes: number
  log: (line: string) => void
  warn: (line: string) => void
  /** Extra HTTP options (tests: sleep, backoff). */
  http?: Partial<HttpClientOptions>
  sleep?: (ms: number) => Promise<void>
  /** The step's deadline: stops every request and pause when it aborts. */
  signal?: AbortSignal
}

/** `Authorization` value: the key as user name, empty password. */
export function basicAuthorization(apiKey: string): string {
  return `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`
}

/** The secrets a message must never show: the key, and the `key:` pair its Basic header encodes (the HTTP layer scrubs every encoding of each). */
export function credentialForms(apiKey: string): string[] {
  return [apiKey, `${apiKey}:`]
}

export function createCocalcHttp(options: CocalcClientOptions): HttpClient {
  return new HttpClient({
    service: 'CoCalc',
    baseUrl: options.baseUrl,
    headers: { authorization: basicAuthorization(options.apiKey) },
    secrets: credentialForms(options.apiKey),
    connections: Math.max(2, options.concurrency),
    log: options.log,
    signal: options.signal,
    ...options.http
  })
}

// Defined beside the hashing that handles it, so a dry run loads no HTTP client through it.
export { HashBatchCutOff } from './hashing.js'

/** Answers of proxies that may pass: 429, 502-504 and Cloudflare's 520-524. */
export const TRANSIENT_STATUSES: readonly number[] = [429, 502, 503, 504, 520, 521, 522, 523, 524]

/** Seconds a hash or decode exec may run; CoCalc cuts blocking execs at about 60 s. */
export const EXEC_TIMEOUT_SECONDS = 55
/** HTTP timeout for an exec: a little longer than the exec's own limit. */
export const EXEC_HTTP_TIMEOUT_MS = (EXEC_TIMEOUT_SECONDS + 15) * 1000

/**
 * The error for a call CoCalc refused in its own words (an error envelope, a 4xx/5xx text).
 * Refused keys and missing collaborator rights get advice naming the input to fix.
 */
export function refusal(http: HttpClient, label: string, serverMessage: unknown, status?: number): ServiceError {
  const said = http.serverText(typeof serverMessage === 'string' ? serverMessage : (JSON.stringify(serverMessage) ?? 'unknown error'), 301)
  if (/must be signed in|not signed in|no account found|api key|unauthori[sz]ed/i.test(said)) {
    return new ServiceError(
      `CoCalc refused the API key (${label}: ${said}): check the 'cocalc-api-key' secret: it must be a valid API key of a CoCalc account on ${http.baseUrl} (Settings → API keys)`,
      status
    )
  }
  if (/collaborator/i.test(said)) {
    return new ServiceError(
      `CoCalc refused ${label}: ${said}: the API key's account must be a collaborator of the project (check 'project-id' and 'target-project-id')`,
      status
    )
  }
  return new ServiceError(`CoCalc refused ${label}: ${said}`, status)
}

/** An answer whose shape is not what the protocol promises: never taken as success. */
export function unexpectedAnswer(http: HttpClient, label: string, response: HttpResponse, what: string): ServiceError {
  return new ServiceError(`CoCalc answered ${label} without ${what}: ${http.excerpt(response)}`, response.status)
}

/** The standard error for a non-success HTTP status, with advice for the common proxy limits. */
export function httpFailure(http: HttpClient, label: string, response: HttpResponse): ServiceError {
  const advice =
    response.status === 413
      ? '(the request was larger than the server or its proxy accepts)'
      : response.status === 504
        ? '(the gateway gave up waiting for CoCalc)'
        : ''
  return http.statusError(response, label, advice)
}

/** A required string field of an answer, or undefined. */
export function stringField(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name]
  return typeof value === 'string' ? value : undefined
}

/** The error carried by an answer, if any (`error` may be a string or an object). */
export function envelopeError(body: Record<string, unknown>): unknown {
  const error = body.error
  return error === undefined || error === null || error === '' || error === false ? undefined : error
}

export interface ExecResult {
  stdout: string
  stderr: string
  exitCode: number
}

/** stdout/stderr/exit_code of an exec answer; a missing field is a broken answer. */
export function execResult(body: Record<string, unknown>): ExecResult | undefined {
  const stdout = body.stdout
  const stderr = body.stderr ?? ''
  const exitCode = body.exit_code
  if (typeof stdout !== 'string' || typeof stderr !== 'string' || typeof exitCode !== 'number') return undefined
  return { stdout, stderr, exitCode }
}

/** Interprets a copy status's timestamps and error: done when finished; failed when an error is set. */
export function copyStateOf(started: unknown, finished: unknown, error: unknown): CopyState | undefined {
  if (error !== undefined && error !== null && error !== '') {
    return { state: 'failed', error: typeof error === 'string' ? error : JSON.stringify(error) }
  }
  if (finished !== undefined && finished !== null && finished !== '') return { state: 'finished' }
  if (started === undefined && finished === undefined && error === undefined) return undefined
  return { state: 'running' }
}
