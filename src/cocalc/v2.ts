/**
 * CoCalc API v2 (PROTOCOLS.md §2.2): JSON calls under /api/v2 whose errors arrive as HTTP 200
 * `{"error"}`, and the multipart `/upload` endpoint for file content.
 */
import { randomUUID } from 'node:crypto'
import { posix } from 'node:path'
import { Readable } from 'node:stream'
import type { LocalFile } from '../files.js'
import { HttpError, type HttpClient, type HttpResponse, type PendingRequests, type RetryPolicy } from '../http.js'
import { isUuid } from '../text.js'
import { ServiceError, errorMessage } from '../errors.js'
import { sleep as defaultSleep } from '../concurrency.js'
import { chunkCount, readChunks } from './chunks.js'
import { chooseBoundary, multipartBody, multipartContentType } from './multipart.js'
import { hashCommand, parseHashOutput, type BatchLimits, type RemoteFile } from './scripts.js'
import type { ApiRequest, CocalcClient, CocalcClientOptions, CopyRequest, CopyState, PlannedUpload, StagedArchive } from './client.js'
import { EXEC_HTTP_TIMEOUT_MS, EXEC_TIMEOUT_SECONDS, TRANSIENT_STATUSES, createCocalcHttp } from './connection.js'
import { copyStateOf, envelopeError, execResult, type ExecResult } from './answers.js'
import { HashBatchCutOff, copyIdNotUuid, httpFailure, refusal, unexpectedAnswer } from './refusals.js'

/** Upload attempts of one file while the project's file service comes up (1+2+4+8+8 s of pauses). */
const UPLOAD_START_ATTEMPTS = 6
/** Fresh starts of a chunked file after a transient failure of one of its chunks. */
const CHUNKED_RESTARTS = 2
/** Smallest chunk tried when a proxy refuses chunks as too large (HTTP 413). */
const MIN_CHUNK_BYTES = 256 * 1024
const UPLOAD_TIMEOUT_MS = 300_000
/**
 * Hash batches: bodies far under the ~1 MB limit, and work far under exec's 60 s cap: 256 MiB
 * is about 5 s of sha256sum on a slow disk (50 MB/s). A batch cut off anyway is split.
 */
export const V2_HASH_LIMITS: BatchLimits = { maxArgumentBytes: 512 * 1024, maxPaths: 2000, maxContentBytes: 256 * 1024 ** 2 }

/**
 * The project may not be ready: the hub answers `500 "Upload failed."` when the project's file
 * service does not listen (stopped, starting), and older hubs said `upload service not running`.
 * Start the project, pause, and send the file again (with a new file name).
 */
class ProjectNotReady extends ServiceError {}
/** A proxy refused the first chunk as too large: try again with smaller chunks. */
class ChunkTooLarge extends ServiceError {
  constructor(
    message: string,
    /** Bytes of file content the refused request carried. */
    readonly bodyBytes: number
  ) {
    super(message, 413)
  }
}

export class CocalcV2Client implements CocalcClient {
  readonly api = 'v2' as const
  private readonly http: HttpClient
  readonly hashBatchLimits = V2_HASH_LIMITS
  private chunkBytes: number
  private restarting: Promise<void> | undefined
  private readonly sleep: (ms: number) => Promise<void>

  constructor(private readonly options: CocalcClientOptions) {
    this.http = createCocalcHttp(options)
    this.chunkBytes = options.chunkBytes
    this.sleep = options.sleep ?? ((ms) => defaultSleep(ms, options.signal))
  }

  async startProject(): Promise<void> {
    await this.call('projects/start', { project_id: this.options.projectId }, 'idempotent')
  }

  async hashFiles(remotePaths: readonly string[], projectId = this.options.projectId): Promise<(RemoteFile | undefined)[]> {
    const { command, args } = hashCommand(remotePaths)
    const label = 'exec (sha256 of the uploaded files)'
    const response = await this.post(
      'exec',
      { project_id: projectId, command, args, bash: false, err_on_exit: false, timeout: EXEC_TIMEOUT_SECONDS },
      'idempotent',
      EXEC_HTTP_TIMEOUT_MS
    )
    if (response.status === 504 || response.status === 524)
      throw new HashBatchCutOff(`the gateway gave up waiting for ${label} (HTTP ${response.status})`)
    const body = this.json('exec', response, (error) => error === 'undefined')
    // The hub stops waiting after 60 s and answers {"error":"undefined"}; the process goes on.
    if (body.error === 'undefined') throw new HashBatchCutOff(`CoCalc stopped waiting for ${label} (its 60 s limit)`)
    const result = execResult(body)
    if (!result) throw new ServiceError(`CoCalc answered ${label} without stdout and exit_code: ${this.http.serverText(JSON.stringify(body), 200)}`)
    const hashes = parseHashOutput(result.stdout, remotePaths.length)
    if ('problem' in hashes || result.exitCode !== 0) {
      const why = 'problem' in hashes ? hashes.problem : `exit code ${result.exitCode}: ${this.http.serverText(result.stderr, 200)}`
      throw new HashBatchCutOff(`CoCalc answered ${label} with unusable output (${why})`)
    }
    return hashes
  }

  async uploadFile(remotePath: string, file: LocalFile, onBytes: (bytes: number) => void = () => undefined): Promise<void> {
    // The upload endpoint's form parser refuses empty files; an empty text file is exact as text.
    if (file.size === 0) return this.writeTextFile(remotePath, '')
    let sent = 0
    let restarts = 0
    const count = (bytes: number): void => {
      sent += bytes
      onBytes(bytes)
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await this.sendChunks(remotePath, file, count)
        return
      } catch (error) {
        count(-sent)
        if (error instanceof ProjectNotReady && attempt < UPLOAD_START_ATTEMPTS) {
          const delay = Math.min(1000 * 2 ** (attempt - 1), 8000)
          this.options.log.info(
            `CoCalc could not write ${file.name} (${error.message}): the project may not be ready; starting it, then sending the file again in ${delay / 1000} s`
          )
          await this.restartProject(delay)
          continue
        }
        // A chunk is never repeated on its own (the server would append it twice): a chunked
        // file that hit a passing failure starts over from its first chunk instead.
        if (isTransient(error) && chunkCount(file.size, this.chunkBytes) > 1 && restarts < CHUNKED_RESTARTS) {
          restarts++
          this.options.log.info(`Sending ${file.name} again from its first chunk after: ${errorMessage(error)}`)
          attempt--
          continue
        }
        if (error instanceof ChunkTooLarge && error.bodyBytes > MIN_CHUNK_BYTES) {
          // Parallel uploads may all hit the limit: the smallest size any of them found wins.
          const smaller = Math.max(MIN_CHUNK_BYTES, Math.floor(error.bodyBytes / 4))
          if (smaller < this.chunkBytes) {
            this.chunkBytes = smaller
            this.options.log.warning(
              `CoCalc (or a proxy in front of it) refused an upload chunk as too large (HTTP 413): sending chunks of ${smaller} bytes`
            )
          }
          attempt--
          continue
        }
        throw error
      }
    }
  }

  async stageArchive(archive: LocalFile, work: string, onBytes?: (bytes: number) => void): Promise<StagedArchive> {
    const path = `${work}/archive`
    await this.uploadFile(path, archive, onBytes)
    return { archive: path }
  }

  async execProgram(program: { command: string; args: string[] }, label: string): Promise<ExecResult> {
    const response = await this.post(
      'exec',
      { project_id: this.options.projectId, ...program, bash: false, err_on_exit: false, timeout: EXEC_TIMEOUT_SECONDS },
      // A repeat may find its work gone and say so (the caller then sends again): only provably unsent requests are repeated.
      'create',
      EXEC_HTTP_TIMEOUT_MS
    )
    const body = this.json('exec', response, (error) => error === 'undefined')
    if (body.error === 'undefined') throw new ServiceError(`CoCalc stopped waiting for ${label} (its 60 s limit)`)
    const result = execResult(body)
    if (!result) throw unexpectedAnswer(this.http, label, response, 'stdout and exit_code')
    return { ...result, stderr: this.http.serverText(result.stderr, 300) }
  }

  copyRequest(request: CopyRequest): ApiRequest {
    return {
      path: '/api/v2/projects/copy-path',
      body: {
        src_project_id: this.options.projectId,
        path: request.path,
        target_project_id: request.targetProjectId,
        target_path: request.targetPath,
        overwrite_newer: request.overwriteNewer,
        delete_missing: request.deleteMissing,
        backup: request.backup,
        // The default (true) blocks the request until the copy ends, past the gateway's timeout.
        wait_until_done: false
      }
    }
  }

  async planUpload(_remotePath: string, file: LocalFile): Promise<PlannedUpload> {
    // As uploadFile: an empty file is written as text, anything else in chunks through /upload.
    return file.size === 0 ? { via: 'write-text-file', requests: 1 } : { via: 'upload', requests: chunkCount(file.size, this.chunkBytes) }
  }

  async copyPath(request: CopyRequest): Promise<string> {
    const body = await this.call('projects/copy-path', this.copyRequest(request).body, 'create')
    const id = body.copy_id
    if (id === undefined || id === null || id === '') return ''
    if (typeof id !== 'string')
      throw new ServiceError(`CoCalc answered projects/copy-path with a copy_id that is not a string: ${JSON.stringify(id).slice(0, 80)}`)
    if (!isUuid(id)) throw copyIdNotUuid(this.http, id, request.targetProjectId)
    return id
  }

  async copyStatus(copyId: string, budgetMs?: number): Promise<CopyState> {
    const label = 'projects/copy-path-status'
    // Retries (a 429 or 503 is no reason to give up on a copy) stay within the poll's time.
    const response = await this.post(label, { copy_id: copyId }, 'idempotent', undefined, budgetMs)
    // Servers older than May 2026 have no such endpoint: the copy's end cannot be observed.
    if (response.status === 404) return { state: 'unsupported' }
    const body = this.json(label, response)
    const state = copyStateOf(body.started, body.finished, body.copy_error)
    if (!state) throw unexpectedAnswer(this.http, label, response, 'started, finished or copy_error')
    // The reason is the server's own text (an rsync message, which may echo anything): one scrubbed line.
    return state.state === 'failed' ? { state: 'failed', error: this.http.serverText(state.error, 1000) } : state
  }

  get requestCount(): number {
    return this.http.requestCount
  }

  async close(pending?: PendingRequests): Promise<void> {
    await this.http.close(pending)
  }

  private async writeTextFile(remotePath: string, content: string): Promise<void> {
    const label = 'projects/write-text-file'
    const body = await this.call(label, { project_id: this.options.projectId, path: remotePath, content }, 'idempotent')
    // A hub-side timeout answers `{}`: only an explicit ok counts.
    if (body.status !== 'ok')
      throw new ServiceError(`CoCalc answered ${label} for ${remotePath} without status 'ok': ${this.http.serverText(JSON.stringify(body), 200)}`)
  }

  private restartProject(delayMs: number): Promise<void> {
    // Uploads running in parallel all notice the stopped service: one start serves them all.
    this.restarting ??= (async () => {
      try {
        await this.startProject()
        await this.sleep(delayMs)
      } finally {
        this.restarting = undefined
      }
    })()
    return this.restarting
  }

  private async sendChunks(remotePath: string, file: LocalFile, onBytes: (bytes: number) => void): Promise<void> {
    const directory = posix.dirname(remotePath)
    const name = posix.basename(remotePath)
    const query = `/upload?project_id=${encodeURIComponent(this.options.projectId)}&compute_server_id=0&path=${encodeURIComponent(directory)}`
    const dzuuid = randomUUID()
    // The hub keys a file's chunks by (path, file name) and ignores dzuuid: a new chunk 0 under
    // the name of an upload that never finished would go into that upload's stale stream. So
    // every attempt gets a name of its own; the real name travels in fullPath.
    const formName = `${dzuuid}.upload`
    const chunkBytes = this.chunkBytes
    for await (const chunk of readChunks(file, chunkBytes)) {
      const fields: [string, string][] = [
        ['dzuuid', dzuuid],
        ['dzchunkindex', String(chunk.index)],
        ['dztotalfilesize', String(file.size)],
        ['dzchunksize', String(chunkBytes)],
        ['dztotalchunkcount', String(chunk.count)],
        ['dzchunkbyteoffset', String(chunk.offset)],
        // The server joins `path` and this; the part's filename only keys chunk reassembly.
        ['fullPath', name]
      ]
      const boundary = chooseBoundary(
        chunk.content,
        fields.map(([, value]) => value)
      )
      // A whole file in one request is retried under a new name as well: an attempt the hub
      // half-received (a gateway timeout) may have left its stream open under the old one.
      const partsFor = (filename: string): Buffer[] => multipartBody(boundary, fields, { field: 'file', filename, content: chunk.content })
      const length = partsFor(formName).reduce((sum, part) => sum + part.length, 0)
      let attempts = 0
      const response = await this.http.request({
        path: query,
        // Every name is a UUID plus `.upload`: the length stays the same.
        headers: { 'content-type': multipartContentType(boundary), 'content-length': String(length) },
        body: () => {
          const parts = partsFor(chunk.count === 1 && attempts++ > 0 ? `${randomUUID()}.upload` : formName)
          // Small bodies go as one buffer (one write); large ones stream without another copy.
          return length <= 1024 * 1024 ? Buffer.concat(parts, length) : Readable.from(parts)
        },
        // A whole file in one request is idempotent. The server streams the chunks of a larger
        // file into one writer, so a repeated chunk would be written twice: those are retried
        // only when the server provably did not get them.
        retry: chunk.count === 1 ? 'idempotent' : 'create',
        timeoutMs: UPLOAD_TIMEOUT_MS
      })
      this.checkUpload(response, file.name, chunk.index, chunk.count, chunk.content.length)
      onBytes(chunk.content.length)
    }
  }

  private checkUpload(response: HttpResponse, name: string, index: number, count: number, contentBytes: number): void {
    const label = count === 1 ? `the upload of ${name}` : `the upload of ${name} (chunk ${index + 1} of ${count})`
    if (response.status === 200) {
      const body = this.http.parseJson(response, label)
      const error = envelopeError(body)
      if (error !== undefined) throw refusal(this.http, label, error)
      if (body.status !== 'ok') throw unexpectedAnswer(this.http, label, response, "status 'ok'")
      return
    }
    const text = response.body.subarray(0, 4096).toString('utf8')
    const isHtml = /^\s*</.test(text)
    if (response.status === 500 && /^\s*(upload failed\.?|upload failed: upload service not running\.?)\s*$/i.test(text)) {
      throw new ProjectNotReady(`${label}: HTTP 500 ${this.http.serverText(text, 300)}`, response.status)
    }
    if (response.status === 413 && index === 0) throw new ChunkTooLarge(`CoCalc refused ${label} as too large (HTTP 413)`, contentBytes)
    if (!isHtml && (response.status === 401 || response.status === 500) && text.trim() !== '') throw refusal(this.http, label, text, response.status)
    throw httpFailure(this.http, label, response)
  }

  private async call(name: string, body: Record<string, unknown>, retry: RetryPolicy, timeoutMs?: number): Promise<Record<string, unknown>> {
    return this.json(name, await this.post(name, body, retry, timeoutMs))
  }

  private post(name: string, body: Record<string, unknown>, retry: RetryPolicy, timeoutMs?: number, budgetMs?: number): Promise<HttpResponse> {
    return this.http.request({
      path: `/api/v2/${name}`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      retry,
      timeoutMs,
      budgetMs
    })
  }

  /** A v2 answer: HTTP 200 with a JSON object and no `error` field (unless `accept` takes it), or an error. */
  private json(name: string, response: HttpResponse, accept: (error: unknown) => boolean = () => false): Record<string, unknown> {
    if (response.status !== 200) throw httpFailure(this.http, name, response)
    const body = this.http.parseJson(response, name)
    const error = envelopeError(body)
    if (error !== undefined && !accept(error)) throw refusal(this.http, name, error)
    return body
  }
}

/** A failure that may pass: no answer at all, or a proxy's 429/502/503/504. */
function isTransient(error: unknown): boolean {
  return error instanceof HttpError && (error.transport !== undefined || TRANSIENT_STATUSES.includes(error.status ?? 0))
}
