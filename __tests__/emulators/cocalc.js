// @ts-check
/**
 * A loopback emulator of CoCalc (PROTOCOLS.md §2) speaking both API generations on one port:
 *
 *   POST /api/v2/projects/start | projects/write-text-file | exec | projects/copy-path
 *        | projects/copy-path-status                          errors as 200 {"error"}
 *        | user-query | customize                          public_paths and shareServer (cocalc-share.js)
 *   POST /upload?project_id&compute_server_id&path           multipart, Dropzone-style chunks
 *   POST /api/v1/<event>                                     200 {"event":...}, 200 {"event":"error"},
 *        ping | write_text_file_to_project                    400 {"error"}; 100 kB body limit
 *        | read_text_file_from_project | project_exec
 *        | copy_path_between_projects | copy_path_status | query
 *
 * Each project is a virtual file system (path relative to home → bytes and mtime). Projects can
 * be stopped (the upload service then answers `500 Upload failed: ... Upload service not running.`
 * until `projects/start`; exec and text writes start them, as CoCalc does). API keys carry access
 * lists. Uploads are reassembled from their chunks, strictly in order. `exec`/`project_exec` run
 * exactly the two programs the action sends (the hash and the base64 decode scripts, recognised
 * by their text) and refuse anything else. Copies are rsync-like jobs (mirror a folder;
 * delete_missing; overwrite_newer by mtime; backup as `name~`; exclude in v1) that finish after
 * `copyDelayMs`.
 *
 * Faults, switchable at run time through `faults`: canned answers per endpoint (error envelopes,
 * HTML 413/502/504, truncated or wrong-shape JSON, dropped connections), failing copies, copies
 * that never finish, an old server (synchronous copies without ids, no copy-path-status),
 * silently dropped writes (the first N, or to given paths), the upload service going down, and a
 * per-request latency. Every request is counted and logged.
 *
 * Plain JavaScript so that jest and `node` scripts (the local demo, the benchmark) can import it.
 */
import { createServer } from 'node:http'
import { createHash, randomUUID } from 'node:crypto'
import { posix } from 'node:path'
import { createShareServer } from './cocalc-share.js'

/** The action's hash script, byte for byte (src/cocalc/scripts.ts; a unit test keeps them equal). */
export const HASH_SCRIPT = [
  'for f in "$@"; do',
  '  if [ -f "$f" ] && h=$(sha256sum < "$f" 2>/dev/null); then printf "%s\\n" "${h%% *}"; else printf "%s\\n" -; fi',
  'done'
].join('\n')

/** The action's base64 decode script, byte for byte. */
export const DECODE_SCRIPT = [
  'set -euo pipefail',
  'export LC_ALL=C',
  'dest=$1 tmp=$2 dir=$3 count=$4',
  'shopt -s nullglob',
  'pieces=("$dir"/*.b64)',
  'if [ "${#pieces[@]}" -ne "$count" ]; then echo "expected $count piece(s) in $dir, found ${#pieces[@]}" >&2; exit 3; fi',
  'mkdir -p -- "$(dirname -- "$dest")"',
  'trap \'rm -f -- "$tmp"\' EXIT',
  'cat -- "${pieces[@]}" | base64 -d > "$tmp"',
  'mv -f -- "$tmp" "$dest"',
  'rm -rf -- "$dir"'
].join('\n')

/** The key every emulator accepts unless told otherwise (access to every project). */
export const DEFAULT_API_KEY = 'sk-EmulatorKey0123456789abcdefXYZ'

const V1_BODY_LIMIT = 100 * 1024
const V2_BODY_LIMIT = 1024 * 1024
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * @typedef {{ content: Buffer, mtime: number }} FileEntry
 * @typedef {{ id: string, running: boolean, files: Map<string, FileEntry> }} Project
 * @typedef {{
 *   id: string, api: 'v1' | 'v2', src: string, path: string, target: string, targetPath: string,
 *   overwriteNewer: boolean, deleteMissing: boolean, backup: boolean, exclude: string[],
 *   created: string, started: string | null, finished: string | null, error: string | null
 * }} CopyJob
 * @typedef {{
 *   api: 'v1' | 'v2' | 'upload' | 'other', endpoint: string, method: string, url: string,
 *   key: string | undefined, body: any, fields?: Record<string, string>, fileName?: string,
 *   fileSize?: number, status?: number, at: number
 * }} RecordedRequest
 * @typedef {{ status?: number, body?: string | Buffer | object, headers?: Record<string, string> }} CannedAnswer
 * @typedef {{ endpoint: string, answer: CannedAnswer | 'drop' | 'hang', remaining: number, skip: number }} CannedRule
 * @typedef {{
 *   projects?: string[], stoppedProjects?: string[], apiKeys?: Record<string, string[] | '*'>,
 *   projectKeys?: string[], copyDelayMs?: number, latencyMs?: number, port?: number
 * }} CocalcEmulatorOptions
 *   `port`: 0 (the default) takes any free port. `projectKeys`: keys of `apiKeys` that are a
 *   project's own API key (their identity is the project, not an account: they may use that
 *   project's files, but never share).
 */

/**
 * An HTML error page like those of the proxies in front of CoCalc.
 * @param {number} status
 */
export function htmlPage(status) {
  const titles = /** @type {Record<number, string>} */ ({
    404: 'Not Found',
    413: 'Request Entity Too Large',
    429: 'Too Many Requests',
    502: 'Bad Gateway',
    503: 'Service Temporarily Unavailable',
    504: 'Gateway Time-out'
  })
  const title = `${status} ${titles[status] ?? 'Error'}`
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`
}

/** Ready-made canned answers for `faults.next(endpoint, answer)`. */
export const Answers = {
  /** @param {number} status @returns {CannedAnswer} */
  html: (status) => ({ status, body: htmlPage(status), headers: { 'content-type': 'text/html' } }),
  /** @param {string} message @returns {CannedAnswer} */
  v2Error: (message) => ({ status: 200, body: { error: message } }),
  /** @param {string} message @returns {CannedAnswer} */
  v1Error: (message) => ({ status: 200, body: { event: 'error', id: randomUUID(), error: message } }),
  /** @returns {CannedAnswer} */
  truncatedJson: () => ({ status: 200, body: '{"status":"ok","copy_id":"3f1', headers: { 'content-type': 'application/json' } }),
  /** @param {unknown} value @returns {CannedAnswer} */
  json: (value) => ({ status: 200, body: JSON.stringify(value), headers: { 'content-type': 'application/json' } })
}

/** @param {Buffer | string} data */
export function sha256(data) {
  return createHash('sha256').update(data).digest('hex')
}

/**
 * Starts the emulator on 127.0.0.1, on a free port.
 * @param {CocalcEmulatorOptions} [options]
 */
export async function startCocalcEmulator(options = {}) {
  /** @type {Record<string, string[] | '*'>} */
  const apiKeys = options.apiKeys ?? { [DEFAULT_API_KEY]: '*' }
  /** @type {Map<string, ReturnType<typeof setTimeout>>} */
  const timers = new Map()
  /** @type {Map<string, { parts: Buffer[], next: number }>} */
  const uploads = new Map()
  const projectKeys = new Set(options.projectKeys ?? [])
  const shares = createShareServer({
    projectExists: (id) => state.projects.has(id),
    isCollaborator: (key, id) => mayUse(key, id),
    isProjectKey: (key) => projectKeys.has(key)
  })

  const state = {
    /** @type {Map<string, Project>} */
    projects: new Map(),
    /** @type {Map<string, CopyJob>} */
    copies: new Map(),
    /** @type {RecordedRequest[]} */
    requests: [],
    get requestCount() {
      return state.requests.length
    },
    /** Writes acknowledged but not stored (dropped by a fault), by path. */
    /** @type {string[]} */
    droppedWrites: []
  }

  /** @type {CannedRule[]} */
  let rules = []
  const faults = {
    /** Milliseconds each request waits before it is handled. */
    latencyMs: options.latencyMs ?? 0,
    /** Milliseconds a copy job takes. */
    copyDelayMs: options.copyDelayMs ?? 20,
    /** Target project id → copy_error for every copy to it. */
    /** @type {Map<string, string>} */
    copyFails: new Map(),
    /** Target project ids whose copies start but never finish. */
    /** @type {Set<string>} */
    copyNeverFinishes: new Set(),
    /** An old server: copies run synchronously and answer without id; no copy-path-status (404). */
    oldServer: false,
    /** The next N file writes (upload, write-text-file, write_text_file_to_project) are acknowledged but not stored. */
    dropWrites: 0,
    /** Writes to these project paths are always acknowledged but never stored. */
    /** @type {Set<string>} */
    dropPaths: new Set(),
    /** The next N uploads answer "upload service not running" even when the project runs. */
    uploadServiceDown: 0,
    /**
     * The next `times` requests to `endpoint` ('exec', 'projects/copy-path', 'upload',
     * 'project_exec', ...) get `answer` instead of being handled ('drop' closes the connection),
     * after `skip` requests to it were handled normally. Rules apply one after the other.
     * ('hang' accepts the request and never answers; close() ends the connection.)
     * @param {string} endpoint
     * @param {CannedAnswer | 'drop' | 'hang'} answer
     * @param {number} [times]
     * @param {number} [skip]
     */
    next(endpoint, answer, times = 1, skip = 0) {
      rules.push({ endpoint, answer, remaining: times, skip })
    },
    /**
     * Called (and awaited) with each request before it is handled, e.g. to change the world
     * between two of the client's calls. Cleared by clear().
     * @type {((request: RecordedRequest) => void | Promise<void>) | undefined}
     */
    onRequest: undefined,
    clear() {
      rules = []
      faults.onRequest = undefined
      faults.copyFails.clear()
      faults.copyNeverFinishes.clear()
      faults.dropPaths.clear()
      faults.oldServer = false
      faults.dropWrites = 0
      faults.uploadServiceDown = 0
      faults.latencyMs = 0
    }
  }

  /**
   * @param {string} id
   * @returns {Project}
   */
  function project(id) {
    let found = state.projects.get(id)
    if (!found) {
      found = { id, running: true, files: new Map() }
      state.projects.set(id, found)
    }
    return found
  }
  for (const id of options.projects ?? []) project(id)
  for (const id of options.stoppedProjects ?? []) project(id).running = false

  /**
   * @param {string | undefined} key
   * @param {string} projectId
   */
  function mayUse(key, projectId) {
    if (key === undefined) return false
    const access = apiKeys[key]
    return access === '*' || (Array.isArray(access) && access.includes(projectId))
  }

  /**
   * A write through the API: acknowledged whatever happens, stored unless a fault drops it.
   * @param {Project} target
   * @param {string} path
   * @param {Buffer} content
   */
  function apiWrite(target, path, content) {
    if (faults.dropWrites > 0 || faults.dropPaths.has(path)) {
      if (faults.dropWrites > 0) faults.dropWrites--
      state.droppedWrites.push(path)
      return
    }
    target.files.set(path, { content: Buffer.from(content), mtime: Date.now() })
  }

  const server = createServer((req, res) => {
    /** @type {Buffer[]} */
    const chunks = []
    req.on('data', (chunk) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const run = () => handle(req, res, body).catch((error) => send(res, 500, `emulator error: ${error?.stack ?? error}`, 'text/plain'))
      if (faults.latencyMs > 0) setTimeout(run, faults.latencyMs)
      else run()
    })
  })

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {Buffer} body
   */
  async function handle(req, res, body) {
    const url = new URL(req.url ?? '/', 'http://emulator')
    const v1 = /^\/api\/v1\/([\w-]+)$/.exec(url.pathname)
    const v2 = /^\/api\/v2\/([\w/-]+)$/.exec(url.pathname)
    /** @type {RecordedRequest} */
    const record = {
      api: v1 ? 'v1' : v2 ? 'v2' : url.pathname === '/upload' ? 'upload' : 'other',
      endpoint: v1 ? v1[1] : v2 ? v2[1] : url.pathname === '/upload' ? 'upload' : url.pathname,
      method: req.method ?? '',
      url: req.url ?? '',
      key: keyOf(req.headers.authorization),
      // Parsed up front, so requests answered by a canned fault are inspectable too.
      body: v1 || v2 ? parseJsonObject(body) : undefined,
      at: Date.now()
    }
    state.requests.push(record)
    if (faults.onRequest) await faults.onRequest(record)
    const reply = (/** @type {number} */ status, /** @type {string | Buffer | object} */ payload, contentType = 'application/json') => {
      record.status = status
      send(res, status, payload, contentType)
    }

    const rule = rules.find((r) => r.endpoint === record.endpoint && r.remaining > 0)
    if (rule && rule.skip > 0) rule.skip--
    else if (rule) {
      rule.remaining--
      if (rule.answer === 'drop') {
        record.status = 0
        res.socket?.destroy()
        return
      }
      if (rule.answer === 'hang') {
        record.status = -1
        return
      }
      const answer = rule.answer
      record.status = answer.status ?? 200
      const contentType =
        answer.headers?.['content-type'] ?? (typeof answer.body === 'string' || Buffer.isBuffer(answer.body) ? 'text/plain' : 'application/json')
      return send(res, answer.status ?? 200, answer.body ?? '', contentType, answer.headers)
    }
    if (req.method !== 'POST') return reply(404, htmlPage(404), 'text/html')
    if (record.api === 'v2') return handleV2(record, body, reply)
    if (record.api === 'v1') return handleV1(record, body, reply)
    if (record.api === 'upload') return handleUpload(record, url, req.headers['content-type'] ?? '', body, reply)
    return reply(404, htmlPage(404), 'text/html')
  }

  /**
   * @typedef {(status: number, payload: string | Buffer | object, contentType?: string) => void} Reply
   */

  /**
   * @param {RecordedRequest} record
   * @param {Buffer} raw
   * @param {Reply} reply
   */
  async function handleV2(record, raw, reply) {
    if (raw.length > V2_BODY_LIMIT) return reply(413, htmlPage(413), 'text/html')
    const body = parseJsonObject(raw)
    record.body = body
    if (!body) return reply(400, { error: 'the body must be a JSON object' })
    const fail = (/** @type {string} */ message) => reply(200, { error: message })
    // No key needed: anonymous queries exist (a set without an account is refused inside).
    if (record.endpoint === 'customize') return reply(200, shares.customize(body))
    if (record.endpoint === 'user-query')
      return reply(200, shares.userQuery(record.key && record.key in apiKeys ? record.key : undefined, body.query))
    if (!record.key || !(record.key in apiKeys)) return fail('must be signed in')
    const key = record.key
    switch (record.endpoint) {
      case 'projects/start': {
        if (!isUuid(body.project_id)) return fail('project_id must be a valid uuid')
        if (!mayUse(key, body.project_id)) return fail('must be a collaborator to start project')
        project(body.project_id).running = true
        return reply(200, { status: 'ok' })
      }
      case 'projects/write-text-file': {
        if (!isUuid(body.project_id)) return fail('project_id must be a valid uuid')
        if (!mayUse(key, body.project_id)) return fail('user must be a collaborator on the project')
        if (typeof body.path !== 'string' || typeof body.content !== 'string') return fail('path and content must be given')
        const path = homePath(body.path)
        if (!path) return fail(`invalid path '${body.path}'`)
        const target = project(body.project_id)
        target.running = true
        apiWrite(target, path, Buffer.from(body.content, 'utf8'))
        return reply(200, { status: 'ok' })
      }
      case 'exec': {
        if (!isUuid(body.project_id)) return fail('project_id must be a valid uuid')
        if (!mayUse(key, body.project_id)) return fail('user must be a collaborator on the project')
        const target = project(body.project_id)
        target.running = true
        const result = runExec(target, body)
        if ('error' in result) return fail(result.error)
        if (body.err_on_exit !== false && result.exit_code !== 0) return fail(`command exited with code ${result.exit_code}: ${result.stderr}`)
        return reply(200, { type: 'blocking', ...result })
      }
      case 'projects/copy-path': {
        if (body.path === undefined || body.path === null) return fail('path must be specified')
        if (!isUuid(body.src_project_id)) return fail('src_project_id must be a valid uuid')
        if (!isUuid(body.target_project_id)) return fail('target_project_id must be a valid uuid')
        if (!mayUse(key, body.target_project_id)) return fail('must be a collaborator on target project')
        if (!mayUse(key, body.src_project_id)) return fail('must be a collaborator on source project')
        const job = newCopy('v2', body.src_project_id, String(body.path), body.target_project_id, body.target_path ?? body.path, body, [])
        if (faults.oldServer || body.wait_until_done !== false) {
          await runCopyNow(job)
          return job.error ? fail(job.error) : reply(200, {})
        }
        return reply(200, { copy_id: job.id })
      }
      case 'projects/copy-path-status': {
        if (faults.oldServer) return reply(404, htmlPage(404), 'text/html')
        if (!isUuid(body.copy_id)) return fail('copy_id must be a valid uuid')
        const job = state.copies.get(body.copy_id)
        if (!job) return fail('copy_id not found')
        if (!mayUse(key, job.target)) return fail('must be a collaborator on the target project')
        return reply(200, { started: job.started, finished: job.finished, copy_error: job.error })
      }
      default:
        return reply(404, htmlPage(404), 'text/html')
    }
  }

  /**
   * @param {RecordedRequest} record
   * @param {Buffer} raw
   * @param {Reply} reply
   */
  async function handleV1(record, raw, reply) {
    if (raw.length > V1_BODY_LIMIT)
      return reply(413, '<!DOCTYPE html><html><body><pre>PayloadTooLargeError: request entity too large</pre></body></html>', 'text/html')
    const body = parseJsonObject(raw)
    record.body = body
    if (!body) return reply(400, { error: 'invalid JSON body' })
    if (!record.key) return reply(400, { error: 'missing API key' })
    if (!(record.key in apiKeys)) return reply(400, { error: 'No account found. Is your API key wrong?' })
    const key = record.key
    const id = typeof body.id === 'string' ? body.id : randomUUID()
    const ok = (/** @type {string} */ event, /** @type {object} */ fields = {}) => reply(200, { event, id, ...fields })
    const fail = (/** @type {string} */ message) => reply(200, { event: 'error', id, error: message })
    /** @param {string[]} names */
    const missing = (...names) => names.find((name) => body[name] === undefined || body[name] === null)
    const requireFields = (/** @type {string[]} */ ...names) => {
      const name = missing(...names)
      if (name) reply(400, { error: `invalid parameters 'Error: '${name}' must be defined'` })
      return name === undefined
    }
    switch (record.endpoint) {
      case 'ping':
        return ok('pong', { now: new Date().toISOString() })
      case 'query': {
        if (!requireFields('query')) return
        const answer = shares.userQuery(key, body.query)
        if ('error' in answer) return fail(answer.error)
        return ok('query', { query: answer.query, multi_response: false })
      }
      case 'write_text_file_to_project': {
        if (!requireFields('project_id', 'path', 'content')) return
        if (!mayUse(key, body.project_id)) return fail('user must be a collaborator on the project')
        const path = homePath(String(body.path))
        if (!path) return fail(`invalid path '${body.path}'`)
        const target = project(body.project_id)
        target.running = true
        apiWrite(target, path, Buffer.from(String(body.content), 'utf8'))
        return ok('file_written_to_project')
      }
      case 'read_text_file_from_project': {
        if (!requireFields('project_id', 'path')) return
        if (!mayUse(key, body.project_id)) return fail('user must be a collaborator on the project')
        const entry = project(body.project_id).files.get(homePath(String(body.path)) ?? '')
        if (!entry) return fail(`ENOENT: no such file or directory '${body.path}'`)
        return ok('text_file_read_from_project', { content: entry.content.toString('utf8') })
      }
      case 'project_exec': {
        if (!requireFields('project_id', 'command')) return
        if (!mayUse(key, body.project_id)) return fail('user must be a collaborator on the project')
        const target = project(body.project_id)
        target.running = true
        const result = runExec(target, body)
        if ('error' in result) return fail(result.error)
        if (body.err_on_exit !== false && result.exit_code !== 0) return fail(`command exited with code ${result.exit_code}: ${result.stderr}`)
        return ok('project_exec_output', result)
      }
      case 'copy_path_between_projects': {
        if (!requireFields('src_project_id', 'src_path', 'target_project_id')) return
        if (!mayUse(key, body.src_project_id) || !mayUse(key, body.target_project_id)) return fail('user must be a collaborator on both projects')
        const exclude = Array.isArray(body.exclude) ? body.exclude.map(String) : []
        const job = newCopy(
          'v1',
          body.src_project_id,
          String(body.src_path),
          body.target_project_id,
          body.target_path ?? body.src_path,
          body,
          exclude
        )
        if (faults.oldServer || body.wait_until_done === true) {
          await runCopyNow(job)
          return job.error ? fail(job.error) : ok('success')
        }
        return ok('copy_path_between_projects_response', {
          copy_path_id: job.id,
          note: 'Query copy_path_status with the copy_path_id to learn if the copy operation was successful.'
        })
      }
      case 'copy_path_status': {
        if (!body.copy_path_id) return reply(400, { error: "invalid parameters 'Error: copy_path_id must be defined'" })
        const job = state.copies.get(String(body.copy_path_id))
        if (!job) return fail('copy_path_id not found')
        if (!mayUse(key, job.target)) return fail('user must be a collaborator on the target project')
        return ok('copy_path_status_response', {
          data: {
            copy_path_id: job.id,
            time: job.created,
            source_project_id: job.src,
            source_path: job.path,
            target_project_id: job.target,
            target_path: job.targetPath,
            overwrite_newer: job.overwriteNewer,
            delete_missing: job.deleteMissing,
            backup: job.backup,
            started: job.started,
            finished: job.finished,
            scheduled: null,
            error: job.error,
            exclude: job.exclude
          }
        })
      }
      default:
        return reply(400, { error: `unknown endpoint '${record.endpoint}'` })
    }
  }

  /**
   * The upload endpoint: one file part per request; chunks of one file arrive in order and are
   * joined; the file lands at join(path, fullPath ?? filename) when the last chunk arrives.
   * @param {RecordedRequest} record
   * @param {URL} url
   * @param {string} contentType
   * @param {Buffer} raw
   * @param {Reply} reply
   */
  async function handleUpload(record, url, contentType, raw, reply) {
    const text = (/** @type {number} */ status, /** @type {string} */ message) => reply(status, message, 'text/plain')
    if (!record.key || !(record.key in apiKeys)) return text(401, 'user must be signed in to upload files')
    const projectId = url.searchParams.get('project_id') ?? ''
    if (!isUuid(projectId) || !mayUse(record.key, projectId)) return text(500, 'upload failed -- Error: user must be collaborator on project')
    if (url.searchParams.get('compute_server_id') === null) return text(500, 'upload failed -- Error: compute_server_id must be given')
    const folder = url.searchParams.get('path') ?? ''
    const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType)
    if (!/^multipart\/form-data/i.test(contentType) || !boundary)
      return text(500, 'upload failed -- Error: bad content-type header, no multipart boundary')
    const form = parseMultipart(raw, boundary[1] ?? boundary[2])
    if ('error' in form) return text(500, `upload failed -- Error: ${form.error}`)
    record.fields = form.fields
    record.fileName = form.file?.filename
    record.fileSize = form.file?.content.length
    record.body = { query: Object.fromEntries(url.searchParams), fields: form.fields }
    if (!form.file) return text(500, 'upload failed -- Error: no file')
    if (form.file.content.length === 0)
      return text(500, 'upload failed -- Error: options.allowEmptyFiles is false, file size should be greater than 0')
    const target = project(projectId)
    if (!target.running || faults.uploadServiceDown > 0) {
      if (faults.uploadServiceDown > 0) faults.uploadServiceDown--
      return text(500, 'Upload failed: Error: 503, Upload service not running.')
    }
    const index = Number(form.fields.dzchunkindex ?? '0')
    const count = Number(form.fields.dztotalchunkcount ?? '1')
    const key = JSON.stringify({ folder, filename: form.file.filename, projectId })
    if (index === 0) uploads.set(key, { parts: [], next: 0 })
    const entry = uploads.get(key)
    if (!entry || entry.next !== index || !(index < count)) {
      uploads.delete(key)
      return text(500, `upload failed -- Error: chunk ${index} of ${count} arrived out of order`)
    }
    entry.parts.push(form.file.content)
    entry.next++
    if (index === count - 1) {
      uploads.delete(key)
      const path = homePath(posix.join(folder, form.fields.fullPath ?? form.file.filename))
      if (!path) return text(500, 'upload failed -- Error: invalid path')
      apiWrite(target, path, Buffer.concat(entry.parts))
    }
    return reply(200, { status: 'ok' })
  }

  /**
   * Runs the exec programs the emulator knows.
   * @param {Project} target
   * @param {Record<string, any>} body
   * @returns {{ stdout: string, stderr: string, exit_code: number } | { error: string }}
   */
  function runExec(target, body) {
    const args = Array.isArray(body.args) ? body.args.map(String) : []
    if (body.command === 'bash' && args[0] === '-c' && args[1] === HASH_SCRIPT) {
      const lines = args.slice(3).map((path) => {
        const entry = target.files.get(homePath(path) ?? '')
        return entry ? sha256(entry.content) : '-'
      })
      return { stdout: lines.map((line) => `${line}\n`).join(''), stderr: '', exit_code: 0 }
    }
    if (body.command === 'bash' && args[0] === '-c' && args[1] === DECODE_SCRIPT) {
      const [dest, tmp, dir, count] = args.slice(3)
      const destPath = homePath(dest ?? '')
      const dirPath = homePath(dir ?? '')
      if (!destPath || !dirPath || !tmp) return { stdout: '', stderr: 'decode: bad arguments', exit_code: 2 }
      const pieces = [...target.files.keys()].filter((path) => posix.dirname(path) === dirPath && path.endsWith('.b64')).sort(byBytes)
      if (pieces.length !== Number(count)) {
        return { stdout: '', stderr: `expected ${count} piece(s) in ${dir}, found ${pieces.length}`, exit_code: 3 }
      }
      const text = pieces.map((path) => target.files.get(path)?.content.toString('latin1') ?? '').join('')
      if (!/^[A-Za-z0-9+/=\n]*$/.test(text)) return { stdout: '', stderr: 'base64: invalid input', exit_code: 1 }
      target.files.set(destPath, { content: Buffer.from(text.replace(/\n/g, ''), 'base64'), mtime: Date.now() })
      for (const path of pieces) target.files.delete(path)
      return { stdout: '', stderr: '', exit_code: 0 }
    }
    return { error: `the emulator does not run this command: ${String(body.command)} ${args.slice(0, 2).join(' ').slice(0, 60)}` }
  }

  /**
   * @param {'v1' | 'v2'} api
   * @param {string} src
   * @param {string} path
   * @param {string} target
   * @param {string} targetPath
   * @param {Record<string, any>} body
   * @param {string[]} exclude
   * @returns {CopyJob}
   */
  function newCopy(api, src, path, target, targetPath, body, exclude) {
    const job = {
      id: randomUUID(),
      api,
      src,
      path,
      target,
      targetPath: String(targetPath),
      overwriteNewer: body.overwrite_newer === true,
      deleteMissing: body.delete_missing === true,
      backup: body.backup === true,
      exclude,
      created: new Date().toISOString(),
      started: /** @type {string | null} */ (null),
      finished: /** @type {string | null} */ (null),
      error: /** @type {string | null} */ (null)
    }
    state.copies.set(job.id, job)
    if (!faults.oldServer) scheduleCopy(job)
    return job
  }

  /** @param {CopyJob} job */
  function scheduleCopy(job) {
    job.started = new Date().toISOString()
    if (faults.copyNeverFinishes.has(job.target)) return
    timers.set(
      job.id,
      setTimeout(() => {
        timers.delete(job.id)
        finishCopy(job)
      }, faults.copyDelayMs)
    )
  }

  /** @param {CopyJob} job */
  async function runCopyNow(job) {
    job.started = new Date().toISOString()
    await new Promise((resolve) => setTimeout(resolve, faults.copyDelayMs))
    finishCopy(job)
  }

  /** @param {CopyJob} job */
  function finishCopy(job) {
    const failure = faults.copyFails.get(job.target)
    job.error = failure ?? rsync(project(job.src), job.path, project(job.target), job.targetPath, job) ?? null
    job.finished = new Date().toISOString()
  }

  await new Promise((resolve) => server.listen(options.port ?? 0, '127.0.0.1', () => resolve(undefined)))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('the CoCalc emulator has no port')
  const baseUrl = `http://127.0.0.1:${address.port}`

  return {
    url: baseUrl,
    apiKey: Object.keys(apiKeys)[0],
    state,
    faults,
    /** The share server: `shares.state.rows` (public_paths by id), `.writes`, `.shareServer`. */
    shares,
    /**
     * The project (created, running, when it does not exist yet).
     * @param {string} id
     */
    project,
    /** @param {string} id */
    stopProject(id) {
      project(id).running = false
    },
    /**
     * @param {string} projectId
     * @param {string} path
     */
    readFile(projectId, path) {
      return state.projects.get(projectId)?.files.get(path)?.content
    },
    /**
     * Puts a file in a project directly (not through the API, no fault applies).
     * @param {string} projectId
     * @param {string} path
     * @param {string | Buffer} content
     * @param {number} [mtime]
     */
    writeFile(projectId, path, content, mtime = Date.now()) {
      project(projectId).files.set(path, { content: Buffer.from(content), mtime })
    },
    /**
     * Sorted paths of a project's files, optionally under a folder.
     * @param {string} projectId
     * @param {string} [folder]
     */
    listFiles(projectId, folder) {
      const paths = [...(state.projects.get(projectId)?.files.keys() ?? [])]
      return paths.filter((path) => folder === undefined || path.startsWith(`${folder}/`)).sort(byBytes)
    },
    /**
     * Requests to one endpoint ('exec', 'upload', 'project_exec', ...).
     * @param {string} endpoint
     */
    requestsTo(endpoint) {
      return state.requests.filter((request) => request.endpoint === endpoint)
    },
    /** Stops listening, ends open connections and pending copy timers. */
    async close() {
      for (const timer of timers.values()) clearTimeout(timer)
      timers.clear()
      server.closeAllConnections()
      await new Promise((resolve) => server.close(() => resolve(undefined)))
    }
  }
}

/**
 * rsync-like copy of `srcPath` (a file or folder) of `src` to `dstPath` of `dst`: files are
 * mirrored with their mtimes; a target file newer than its source is kept unless overwriteNewer;
 * a replaced (or deleted) file is kept as `name~` when backup; with deleteMissing, target files
 * absent from the source go; exclude patterns skip files on both sides (as rsync does without
 * --delete-excluded). Returns an error message, or undefined on success.
 * @param {Project} src
 * @param {string} srcPath
 * @param {Project} dst
 * @param {string} dstPath
 * @param {{ overwriteNewer: boolean, deleteMissing: boolean, backup: boolean, exclude: string[] }} options
 * @returns {string | undefined}
 */
export function rsync(src, srcPath, dst, dstPath, options) {
  const from = homePath(srcPath)
  const to = homePath(dstPath)
  if (!from || !to) return `rsync: invalid path '${srcPath}' or '${dstPath}'`
  /** @type {Map<string, FileEntry>} rel → entry ('' when the source is one file) */
  const sources = new Map()
  for (const [path, entry] of src.files) {
    if (path === from) sources.set('', entry)
    else if (path.startsWith(`${from}/`)) sources.set(path.slice(from.length + 1), entry)
  }
  if (sources.size === 0) return `rsync: change_dir "/home/user/${srcPath}" failed: No such file or directory (2)`
  const destOf = (/** @type {string} */ rel) => (rel === '' ? to : `${to}/${rel}`)
  for (const [rel, entry] of sources) {
    if (rel !== '' && isExcluded(rel, options.exclude)) continue
    const dest = destOf(rel)
    const existing = dst.files.get(dest)
    if (existing) {
      if (existing.content.equals(entry.content) && existing.mtime === entry.mtime) continue
      if (existing.mtime > entry.mtime && !options.overwriteNewer) continue
      if (options.backup) dst.files.set(`${dest}~`, existing)
    }
    dst.files.set(dest, { content: Buffer.from(entry.content), mtime: entry.mtime })
  }
  if (options.deleteMissing && !sources.has('')) {
    for (const path of [...dst.files.keys()]) {
      if (!path.startsWith(`${to}/`)) continue
      const rel = path.slice(to.length + 1)
      if (sources.has(rel) || isExcluded(rel, options.exclude) || (options.backup && rel.endsWith('~'))) continue
      const existing = dst.files.get(path)
      if (options.backup && existing) dst.files.set(`${path}~`, existing)
      dst.files.delete(path)
    }
  }
  return undefined
}

/**
 * rsync exclude patterns, simplified: a pattern without '/' matches any path component (a
 * trailing '/' only folders); with '/', it matches from the start of the path (or any folder
 * prefix). `*` stays inside a component, `**` crosses folders, `?` is one character.
 * @param {string} rel
 * @param {string[]} patterns
 */
export function isExcluded(rel, patterns) {
  const segments = rel.split('/')
  return patterns.some((raw) => {
    let pattern = raw.startsWith('/') ? raw.slice(1) : raw
    const foldersOnly = pattern.endsWith('/')
    if (foldersOnly) pattern = pattern.slice(0, -1)
    const regex = globRegExp(pattern)
    if (!pattern.includes('/')) {
      return segments.some((segment, index) => (!foldersOnly || index < segments.length - 1) && regex.test(segment))
    }
    for (let length = 1; length <= segments.length; length++) {
      if (foldersOnly && length === segments.length) continue
      if (regex.test(segments.slice(0, length).join('/'))) return true
    }
    return false
  })
}

/** @param {string} pattern */
function globRegExp(pattern) {
  let source = ''
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]
    if (char === '*' && pattern[i + 1] === '*') {
      source += '.*'
      i++
    } else if (char === '*') source += '[^/]*'
    else if (char === '?') source += '[^/]'
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${source}$`)
}

/**
 * A path relative to the project's home, normalised; undefined when it leaves home.
 * @param {string} path
 */
function homePath(path) {
  if (typeof path !== 'string' || path === '' || path.startsWith('/') || path.startsWith('~')) return undefined
  const normalized = posix.normalize(path).replace(/\/+$/, '')
  if (normalized === '.' || normalized === '..' || normalized.startsWith('../')) return undefined
  return normalized
}

/** @param {unknown} value @returns {value is string} */
function isUuid(value) {
  return typeof value === 'string' && UUID.test(value)
}

/** C-locale order (bytes), as `LC_ALL=C` globbing sorts. @param {string} a @param {string} b */
function byBytes(a, b) {
  return Buffer.compare(Buffer.from(a), Buffer.from(b))
}

/**
 * The key of a Basic (key as user name) or Bearer Authorization header.
 * @param {string | undefined} header
 */
function keyOf(header) {
  if (!header) return undefined
  const basic = /^Basic\s+(\S+)$/i.exec(header)
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    return colon >= 0 ? decoded.slice(0, colon) : decoded
  }
  const bearer = /^Bearer\s+(\S+)$/i.exec(header)
  return bearer ? bearer[1] : undefined
}

/**
 * @param {Buffer} raw
 * @returns {Record<string, any> | undefined}
 */
function parseJsonObject(raw) {
  try {
    const value = JSON.parse(raw.toString('utf8'))
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined
  } catch {
    return undefined
  }
}

/**
 * A strict multipart/form-data parser: fields as UTF-8 text, one file part (`file`) as raw bytes.
 * The part's filename is decoded the way CoCalc's parser (formidable) does: cut after the last
 * backslash, `%22` → `"`.
 * @param {Buffer} body
 * @param {string} boundary
 * @returns {{ fields: Record<string, string>, file?: { filename: string, content: Buffer } } | { error: string }}
 */
export function parseMultipart(body, boundary) {
  const opening = Buffer.from(`--${boundary}\r\n`)
  const separator = Buffer.from(`\r\n--${boundary}`)
  if (!body.subarray(0, opening.length).equals(opening)) return { error: 'the body does not start with the boundary' }
  /** @type {Record<string, string>} */
  const fields = {}
  /** @type {{ filename: string, content: Buffer } | undefined} */
  let file
  let position = opening.length
  for (;;) {
    const headerEnd = body.indexOf('\r\n\r\n', position)
    if (headerEnd < 0) return { error: 'a part has no end of headers' }
    const headers = body.subarray(position, headerEnd).toString('utf8').split('\r\n')
    const disposition = headers.find((line) => /^content-disposition:/i.test(line)) ?? ''
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1]
    if (name === undefined) return { error: 'a part has no name' }
    const contentStart = headerEnd + 4
    const next = body.indexOf(separator, contentStart)
    if (next < 0) return { error: 'a part is not terminated by the boundary' }
    const content = body.subarray(contentStart, next)
    const filename = /\bfilename=("(.*?)"|([^()<>{}[\]@,;:"?=\s/\t]+))($|;\s)/i.exec(disposition)
    if (filename) {
      if (file) return { error: 'more than one file part' }
      const raw = filename[2] ?? filename[3] ?? ''
      file = { filename: raw.slice(raw.lastIndexOf('\\') + 1).replace(/%22/g, '"'), content: Buffer.from(content) }
    } else {
      fields[name] = content.toString('utf8')
    }
    position = next + separator.length
    const tail = body.subarray(position, position + 2).toString('latin1')
    if (tail === '--') {
      const rest = body.subarray(position + 2).toString('latin1')
      if (rest !== '' && rest !== '\r\n') return { error: 'data after the closing boundary' }
      return { fields, file }
    }
    if (tail !== '\r\n') return { error: 'a boundary is not followed by CRLF' }
    position += 2
  }
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {string | Buffer | object} payload
 * @param {string} contentType
 * @param {Record<string, string>} [headers]
 */
function send(res, status, payload, contentType, headers = {}) {
  const bytes = Buffer.isBuffer(payload) ? payload : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload))
  if (res.headersSent || res.destroyed) return
  res.writeHead(status, { 'content-type': contentType, ...headers, 'content-length': String(bytes.length) })
  res.end(bytes)
}
