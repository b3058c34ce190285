/**
 * CoCalc API v1 (PROTOCOLS.md §2.3), for older self-hosted servers: `POST /api/v1/<event>` with
 * a JSON body under the web framework's 100 kB limit. Failures come back as 200
 * `{"event":"error"}` or 400 `{"error"}`. There is no binary upload: binary files (and text too
 * large for one body) travel as base64 pieces written to a temporary folder, then decoded and
 * moved into place inside the project in one `project_exec`.
 */
import { randomUUID } from 'node:crypto'
import type { LocalFile } from '../files.js'
import type { HttpClient, HttpResponse, PendingRequests, RetryPolicy } from '../http.js'
import { isUuid } from '../text.js'
import { ServiceError } from '../errors.js'
import { chunkCount, readChunks, readWhole } from './chunks.js'
import { decodeCommand, hashCommand, parseHashOutput, type BatchLimits, type RemoteFile } from './scripts.js'
import type { ApiRequest, CocalcClient, CocalcClientOptions, CopyRequest, CopyState, PlannedUpload, StagedArchive } from './client.js'
import { mapLimit } from '../concurrency.js'
import { EXEC_HTTP_TIMEOUT_MS, EXEC_TIMEOUT_SECONDS, createCocalcHttp } from './connection.js'
import { copyStateOf, envelopeError, execResult, type ExecResult } from './answers.js'
import { HashBatchCutOff, copyIdNotUuid, httpFailure, refusal, unexpectedAnswer } from './refusals.js'

/** Largest JSON body sent: the server's limit is 100 kB (102,400 bytes); keep a margin. */
export const V1_BODY_LIMIT = 96 * 1024
/** Raw bytes per base64 piece: 48 KiB becomes 64 KiB of base64, well under the body limit. */
export const V1_PIECE_BYTES = 48 * 1024
/** Where pieces wait to be decoded: in the project's home, so the final move is a rename. */
export const V1_PIECES_ROOT = '.cache/publish-to-collaborative-editors'
/** Hash batches: argument bytes well under the 100 kB body limit; work far under the 60 s cap. */
export const V1_HASH_LIMITS: BatchLimits = { maxArgumentBytes: 64 * 1024, maxPaths: 2000, maxContentBytes: 256 * 1024 ** 2 }

export class CocalcV1Client implements CocalcClient {
  readonly api = 'v1' as const
  private readonly http: HttpClient
  readonly hashBatchLimits = V1_HASH_LIMITS

  constructor(private readonly options: CocalcClientOptions) {
    this.http = createCocalcHttp(options)
  }

  /** v1 has no start call; every project call starts the project when needed. */
  async startProject(): Promise<void> {}

  async hashFiles(remotePaths: readonly string[], projectId = this.options.projectId): Promise<(RemoteFile | undefined)[]> {
    const label = 'project_exec (sha256 of the uploaded files)'
    const result = await this.execOrCutOff(hashCommand(remotePaths), projectId)
    if (result === 'cut-off') throw new HashBatchCutOff(`CoCalc stopped waiting for ${label} (its 60 s limit)`)
    const hashes = parseHashOutput(result.stdout, remotePaths.length)
    if ('problem' in hashes || result.exitCode !== 0) {
      const why = 'problem' in hashes ? hashes.problem : `exit code ${result.exitCode}: ${this.http.serverText(result.stderr, 200)}`
      throw new HashBatchCutOff(`CoCalc answered ${label} with unusable output (${why})`)
    }
    return hashes
  }

  async uploadFile(remotePath: string, file: LocalFile, onBytes: (bytes: number) => void = () => undefined): Promise<void> {
    const body = await this.textBody(remotePath, file)
    if (body) {
      await this.call('write_text_file_to_project', body, 'file_written_to_project', 'idempotent')
      onBytes(file.size)
      return
    }
    await this.uploadPieces(remotePath, file, onBytes)
  }

  async planUpload(remotePath: string, file: LocalFile): Promise<PlannedUpload> {
    if (await this.textBody(remotePath, file)) return { via: 'text', requests: 1 }
    return { via: 'pieces', requests: chunkCount(file.size, V1_PIECE_BYTES) }
  }

  /** The write_text_file_to_project body for a text file that fits one request, else undefined (sent as pieces). */
  private async textBody(remotePath: string, file: LocalFile): Promise<Record<string, unknown> | undefined> {
    if (!file.isText || file.size > V1_BODY_LIMIT) return undefined
    const content = (await readWhole(file)).toString('utf8')
    const body = { project_id: this.options.projectId, path: remotePath, content }
    // JSON escaping can grow text (quotes, control characters): measure the real body.
    return Buffer.byteLength(JSON.stringify(body)) <= V1_BODY_LIMIT ? body : undefined
  }

  /** The archive as base64 pieces under the body limit, written in parallel: the unpack program decodes them. */
  async stageArchive(archive: LocalFile, work: string, onBytes: (bytes: number) => void = () => undefined): Promise<StagedArchive> {
    const bytes = await readWhole(archive)
    const dir = `${work}/pieces`
    const count = chunkCount(bytes.length, V1_PIECE_BYTES)
    await mapLimit(
      Array.from({ length: count }, (_, index) => index),
      this.options.concurrency,
      async (index) => {
        const piece = bytes.subarray(index * V1_PIECE_BYTES, (index + 1) * V1_PIECE_BYTES)
        const body = { project_id: this.options.projectId, path: `${dir}/${String(index).padStart(6, '0')}.b64`, content: piece.toString('base64') }
        await this.call('write_text_file_to_project', body, 'file_written_to_project', 'idempotent')
        onBytes(piece.length)
      }
    )
    return { archive: `${work}/archive`, pieces: { dir, count } }
  }

  async execProgram(program: { command: string; args: string[] }, _label: string): Promise<ExecResult> {
    const result = await this.exec(program)
    return { ...result, stderr: this.http.serverText(result.stderr, 300) }
  }

  copyRequest(request: CopyRequest): ApiRequest {
    const body: Record<string, unknown> = {
      src_project_id: this.options.projectId,
      src_path: request.path,
      target_project_id: request.targetProjectId,
      target_path: request.targetPath,
      overwrite_newer: request.overwriteNewer,
      delete_missing: request.deleteMissing,
      backup: request.backup,
      wait_until_done: false
    }
    if (request.exclude.length > 0) body.exclude = request.exclude
    return { path: '/api/v1/copy_path_between_projects', body }
  }

  async copyPath(request: CopyRequest): Promise<string> {
    const body = this.copyRequest(request).body
    const answer = await this.call('copy_path_between_projects', body, ['copy_path_between_projects_response', 'success'], 'create')
    if (answer.event === 'success') return ''
    const id = answer.copy_path_id
    if (id === undefined || id === null || id === '') return ''
    if (typeof id !== 'string') throw new ServiceError(`CoCalc answered copy_path_between_projects with a copy_path_id that is not a string`)
    if (!isUuid(id)) throw copyIdNotUuid(this.http, id, request.targetProjectId)
    return id
  }

  async copyStatus(copyId: string, budgetMs?: number): Promise<CopyState> {
    const label = 'copy_path_status'
    // Retries (a 429 or 503 is no reason to give up on a copy) stay within the poll's time.
    const response = await this.post(label, { copy_path_id: copyId }, 'idempotent', undefined, budgetMs)
    const body = this.answer(label, response, ['copy_path_status_response'])
    const data = body.data
    const record = Array.isArray(data) ? data[0] : data
    if (record === null || typeof record !== 'object') throw unexpectedAnswer(this.http, label, response, 'data about the copy')
    const fields = record as Record<string, unknown>
    const state = copyStateOf(fields.started, fields.finished, fields.error)
    if (!state) throw unexpectedAnswer(this.http, label, response, 'started, finished or error')
    // The reason is the server's own text (an rsync message, which may echo anything): one scrubbed line.
    return state.state === 'failed' ? { state: 'failed', error: this.http.serverText(state.error, 1000) } : state
  }

  get requestCount(): number {
    return this.http.requestCount
  }

  async close(pending?: PendingRequests): Promise<void> {
    await this.http.close(pending)
  }

  /**
   * Base64 pieces, then one decode. The decode exits 3 when a piece is missing (a write the
   * server acknowledged but lost): the pieces are then written once more.
   */
  private async uploadPieces(remotePath: string, file: LocalFile, onBytes: (bytes: number) => void): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const id = randomUUID()
      const directory = `${V1_PIECES_ROOT}/${id}`
      let count = 0
      for await (const chunk of readChunks(file, V1_PIECE_BYTES)) {
        await this.call(
          'write_text_file_to_project',
          {
            project_id: this.options.projectId,
            path: `${directory}/${String(chunk.index).padStart(6, '0')}.b64`,
            content: chunk.content.toString('base64')
          },
          'file_written_to_project',
          'idempotent'
        )
        count = chunk.count
        if (attempt === 1) onBytes(chunk.content.length)
      }
      const tmp = `${remotePath}.${id.slice(0, 8)}.publish-tmp`
      const result = await this.exec(decodeCommand(remotePath, tmp, directory, count))
      if (result.exitCode === 0) return
      const reason = this.http.serverText(result.stderr, 300)
      if (result.exitCode === 3 && attempt === 1) {
        this.options.log.info(`Some pieces of ${file.name} did not arrive in the project (${reason}): writing them again`)
        continue
      }
      throw new ServiceError(`decoding ${file.name} inside the project failed (exit code ${result.exitCode}): ${reason}`)
    }
  }

  private async exec(command: { command: string; args: string[] }): Promise<ExecResult> {
    const result = await this.execOrCutOff(command, this.options.projectId)
    if (result === 'cut-off') throw new ServiceError('CoCalc stopped waiting for project_exec (its 60 s limit)')
    return result
  }

  /** One project_exec; 'cut-off' when the hub stopped waiting for it (`{"event":"error","error":"timeout"}`). */
  private async execOrCutOff(command: { command: string; args: string[] }, projectId: string): Promise<ExecResult | 'cut-off'> {
    const label = 'project_exec'
    const response = await this.post(
      label,
      { project_id: projectId, ...command, bash: false, err_on_exit: false, timeout: EXEC_TIMEOUT_SECONDS },
      'idempotent',
      EXEC_HTTP_TIMEOUT_MS
    )
    if (response.status === 504 || response.status === 524) return 'cut-off'
    if (response.status === 200) {
      const body = this.http.parseJson(response, label)
      if (body.event === 'error' && body.error === 'timeout') return 'cut-off'
    }
    const body = this.answer(label, response, ['project_exec_output'])
    const result = execResult(body)
    if (!result) throw unexpectedAnswer(this.http, label, response, 'stdout and exit_code')
    return result
  }

  private async call(
    event: string,
    body: Record<string, unknown>,
    expected: string | string[],
    retry: RetryPolicy,
    timeoutMs?: number
  ): Promise<Record<string, unknown>> {
    return this.answer(event, await this.post(event, body, retry, timeoutMs), Array.isArray(expected) ? expected : [expected])
  }

  private post(event: string, body: Record<string, unknown>, retry: RetryPolicy, timeoutMs?: number, budgetMs?: number): Promise<HttpResponse> {
    return this.http.request({
      path: `/api/v1/${event}`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      retry,
      timeoutMs,
      budgetMs
    })
  }

  /** A v1 answer: 200 with the expected event. 200 `{"event":"error"}` and 400 `{"error"}` are refusals. */
  private answer(event: string, response: HttpResponse, expected: string[]): Record<string, unknown> {
    if (response.status === 400) {
      let body: Record<string, unknown> | undefined
      try {
        body = this.http.parseJson(response, event)
      } catch {
        body = undefined
      }
      const error = body ? envelopeError(body) : undefined
      if (error !== undefined) throw refusal(this.http, event, error, 400)
    }
    if (response.status !== 200) throw httpFailure(this.http, event, response)
    const body = this.http.parseJson(response, event)
    if (body.event === 'error' || (envelopeError(body) !== undefined && !expected.includes(String(body.event)))) {
      throw refusal(this.http, event, envelopeError(body) ?? '(no message)')
    }
    if (typeof body.event !== 'string' || !expected.includes(body.event)) {
      throw unexpectedAnswer(this.http, event, response, `event '${expected.join("' or '")}'`)
    }
    return body
  }
}
