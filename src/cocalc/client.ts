/**
 * What a CoCalc client is, and how to get one: one interface over CoCalc's two HTTP API
 * generations (PROTOCOLS.md §2), v2 (./v2.ts, current CoCalc) and v1 (./v1.ts, older self-hosted
 * servers). The publishing logic (./publish.ts) only sees this interface, so both generations
 * upload, verify, copy and wait the same way. How a client talks HTTP is in ./connection.ts; how
 * it reads answers and words refusals, in ./answers.ts and ./refusals.ts.
 */
import type { CocalcApi } from '../inputs.js'
import type { LocalFile } from '../files.js'
import type { HttpClientOptions, PendingRequests } from '../http.js'
import type { Logger } from '../logger.js'
import type { BatchLimits, RemoteFile } from './scripts.js'
import type { ExecResult } from './answers.js'
import { CocalcV1Client } from './v1.js'
import { CocalcV2Client } from './v2.js'

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
  /** HTTP requests sent so far, retries included (reported at the end of a run). */
  readonly requestCount: number
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
  /** Runs a program in the source project (no shell around it) and returns what it printed (stderr made one safe line). */
  execProgram(program: { command: string; args: string[] }, label: string): Promise<ExecResult>
  /**
   * Starts a copy; resolves with its id (a UUID), or '' when the server gave none. An id that is
   * not a UUID is refused (copyIdNotUuid): it is the server's text, never printed or polled as is.
   */
  copyPath(request: CopyRequest): Promise<string>
  /** The request copyPath sends, exactly (the dry run prints it). */
  copyRequest(request: CopyRequest): ApiRequest
  /** How writing `file` to `remotePath` would travel, without sending anything (the dry run counts these). */
  planUpload(remotePath: string, file: LocalFile): Promise<PlannedUpload>
  /** One poll of a copy; retries included, it ends within `budgetMs`. */
  copyStatus(copyId: string, budgetMs?: number): Promise<CopyState>
  /** Ends the connection pool; 'abandon' (after a failure) cuts requests still in flight. */
  close(pending?: PendingRequests): Promise<void>
}

/** Where a staged archive is: the file, or (v1) the pieces to decode into that file. */
export interface StagedArchive {
  archive: string
  pieces?: { dir: string; count: number }
}

/** One API call: its path under the server's URL and its JSON body, built once for the real call and the dry run's plan. */
export interface ApiRequest {
  path: string
  body: Record<string, unknown>
}

/** How one file would be written: the way (as named in the dry run's plan) and how many requests. */
export interface PlannedUpload {
  via: 'upload' | 'write-text-file' | 'text' | 'pieces'
  requests: number
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
  log: Logger
  /** Extra HTTP options (tests: sleep, backoff). */
  http?: Partial<HttpClientOptions>
  sleep?: (ms: number) => Promise<void>
  /** The step's deadline: stops every request and pause when it aborts. */
  signal?: AbortSignal
}

/** The client for the API generation the inputs chose. */
export function createCocalcClient(api: CocalcApi, options: CocalcClientOptions): CocalcClient {
  return api === 'v1' ? new CocalcV1Client(options) : new CocalcV2Client(options)
}
