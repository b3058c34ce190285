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
 * Each project is a file system (path relative to home → bytes and mtime) mirrored in a real
 * temporary folder (./cocalc-disk.js). `exec`/`project_exec` run the command they are given
 * with this machine's real `bash` in that folder, capped like the hub caps them (60 s, then
 * `{"error":"undefined"}`; `faults.execCapMs` shortens it for tests). API keys carry access
 * lists. Copies are rsync-like jobs (mirror a folder; delete_missing; overwrite_newer by mtime;
 * backup as `name~`; exclude in v1) that finish after `copyDelayMs`.
 *
 * As strict as the real hub (its source, 2026-07, and v1 at c7956b572e^), not kinder:
 * - `/upload` (src/packages/hub/servers/app/upload.ts): chunk state is keyed by (path, the
 *   multipart file name); `dzuuid` is ignored; chunks are written in the order they arrive; a new
 *   chunk 0 for a key whose upload never finished writes into the stale stream (every chunk is
 *   answered 200 and the file ends up empty); a later chunk with no state is lost (the last one
 *   answers 500 "upload failed"). A stopped or not-yet-ready project answers 500 "Upload
 *   failed." (on the last chunk, or on the chunk after chunk 0 of a larger file).
 * - the 200 comes before the file is renamed into place (src/packages/conat/files/write.ts emits
 *   "rename" and answers at once): `faults.visibilityDelayMs` delays when it becomes visible.
 * - v1 on a self-hosted (non-kucalc) server (src/packages/hub/copy-path.ts and
 *   src/packages/server/projects/control/{multi-user,util}.ts at c7956b572e^) answers
 *   `copy_path_id: ""` and runs rsync detached, dropping its errors: `faults.v1Detached`.
 * - v2 on such a server (src/packages/next/pages/api/v2/projects/copy-path.ts, multi-user.ts)
 *   always waits for the copy and answers `copy_id: ""`: `faults.oldServer`.
 * - cocalc.com sits behind Cloudflare: `Answers.html(520..524)` gives its pages.
 *
 * Faults, switchable at run time through `faults`: canned answers per endpoint (error envelopes,
 * HTML 413/502/504/52x, truncated or wrong-shape JSON, dropped or hanging connections), failing
 * copies, copies that never finish, silently dropped writes (the first N, or to given paths),
 * projects that are not ready, a per-request latency. Every request is counted and logged.
 *
 * Plain JavaScript so that jest and `node` scripts (the local demo, the benchmark) can import it.
 */
import { createServer } from 'node:http'
import { createHash, randomUUID } from 'node:crypto'
import { accessSync, constants, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, posix } from 'node:path'
import { ProjectFiles, runCommand } from './cocalc-disk.js'
import { createShareServer } from './cocalc-share.js'
import { rsyncSends } from './rsync-filter.js'

/** The key every emulator accepts unless told otherwise (access to every project). */
export const DEFAULT_API_KEY = 'sk-EmulatorKey0123456789abcdefXYZ'

const V1_BODY_LIMIT = 100 * 1024
const V2_BODY_LIMIT = 1024 * 1024
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * @typedef {{ content: Buffer, mtime: number }} FileEntry
 * @typedef {{ id: string, running: boolean, readyAt: number, files: ProjectFiles }} Project
 * @typedef {{ parts: Buffer[], writer: boolean, path: string }} UploadStream
 *   The hub's stream for one (path, file name): the writer that reads it stores it at `path`;
 *   `writer` is false when nobody does.
 * @typedef {{ errors: string[], path: string, stream: UploadStream, stale: boolean, next: number }} UploadState
 * @typedef {{
 *   id: string, api: 'v1' | 'v2', src: string, path: string, target: string, targetPath: string,
 *   overwriteNewer: boolean, deleteMissing: boolean, backup: boolean, exclude: string[],
 *   created: string, started: string | null, finished: string | null, error: string | null
 * }} CopyJob
 * @typedef {{
 *   api: 'v1' | 'v2' | 'upload' | 'other', endpoint: string, method: string, url: string,
 *   key: string | undefined, body: any, fields?: Record<string, string>, fileName?: string,
 *   fileSize?: number, status?: number, at: number, ms?: number
 * }} RecordedRequest
 *   `ms`: how long the emulator took to answer (an exec: the command's run time).
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
  if (status >= 520 && status <= 524) return cloudflarePage(status)
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

/**
 * Cloudflare's own error pages for 520-524 (the origin answered oddly, was down, unreachable, or
 * too slow), shortened: a script, a style block and the text a browser shows.
 * @param {number} status
 */
function cloudflarePage(status) {
  const titles = /** @type {Record<number, string>} */ ({
    520: 'Web server is returning an unknown error',
    521: 'Web server is down',
    522: 'Connection timed out',
    523: 'Origin is unreachable',
    524: 'A timeout occurred'
  })
  const title = `cocalc.com | ${status}: ${titles[status]}`
  return [
    '<!DOCTYPE html>',
    `<html lang="en-US"><head><title>${title}</title><style>body{font-family:system-ui}</style>`,
    '<script>window._cf_chl_opt={cType:"managed"};</script></head>',
    `<body><div id="cf-error-details"><h1><span>${titles[status]}</span> <span>Error code ${status}</span></h1>`,
    `<p>Visit <a href="https://www.cloudflare.com/5xx-error-landing">cloudflare.com</a> for more information.</p>`,
    `<p>Cloudflare Ray ID: <strong>8f1e2d3c4b5a6978</strong></p></div></body></html>`
  ].join('\n')
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
  /** The hub's upload state by (path, file name): `errors`, `finished` in upload.ts. */
  /** @type {Map<string, UploadState>} */
  const uploads = new Map()
  const projectKeys = new Set(options.projectKeys ?? [])
  const shares = createShareServer({
    projectExists: (id) => state.projects.has(id),
    isCollaborator: (key, id) => mayUse(key, id),
    isProjectKey: (key) => projectKeys.has(key)
  })
  /** The hub's write streams by (path, file name): `streams` in upload.ts, freed when a write ends. */
  /** @type {Map<string, UploadStream>} */
  const streams = new Map()
  /** Where the projects' folders live (removed by close()). */
  const root = mkdtempSync(join(memoryDisk() ?? tmpdir(), 'cocalc-emulator-'))
  /** Commands still running after the hub stopped waiting for them. */
  /** @type {Set<Promise<unknown>>} */
  const running = new Set()
  const stopCommands = new AbortController()

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
    droppedWrites: [],
    /** What the real hub would do silently: chunks out of order, writes into a stale stream. */
    /** @type {string[]} */
    uploadAnomalies: []
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
    /** The next N uploads find the project's file service not listening (as a stopped project). */
    uploadNotReady: 0,
    /** Milliseconds after projects/start before the project's file service listens. */
    readyDelayMs: 0,
    /** Milliseconds between an upload's 200 and its file becoming visible in the project. */
    visibilityDelayMs: 0,
    /** Milliseconds the hub waits for a blocking exec before answering {"error":"undefined"} (CoCalc: 60 s). */
    execCapMs: 60_000,
    /** API v1 copies run detached, as on a self-hosted server: id "", errors dropped. */
    v1Detached: false,
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
      faults.uploadNotReady = 0
      faults.readyDelayMs = 0
      faults.visibilityDelayMs = 0
      faults.execCapMs = 60_000
      faults.v1Detached = false
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
      found = { id, running: true, readyAt: 0, files: new ProjectFiles(join(root, `p-${sha256(id).slice(0, 24)}`)) }
      state.projects.set(id, found)
    }
    return found
  }
  /**
   * Starts a stopped project; its file service listens `readyDelayMs` later.
   * @param {Project} target
   */
  function start(target) {
    if (target.running) return
    target.running = true
    target.readyAt = Date.now() + faults.readyDelayMs
  }

  /**
   * Whether the project's file service would answer an upload now (a fault may say no).
   * @param {Project} target
   */
  function uploadReady(target) {
    if (faults.uploadNotReady > 0) {
      faults.uploadNotReady--
      return false
    }
    return target.running && Date.now() >= target.readyAt
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
    if (record.api === 'upload') inspectUpload(record, String(req.headers['content-type'] ?? ''), body)
    if (faults.onRequest) await faults.onRequest(record)
    const reply = (/** @type {number} */ status, /** @type {string | Buffer | object} */ payload, contentType = 'application/json') => {
      record.status = status
      record.ms = Date.now() - record.at
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
        start(project(body.project_id))
        return reply(200, { status: 'ok' })
      }
      case 'projects/write-text-file': {
        if (!isUuid(body.project_id)) return fail('project_id must be a valid uuid')
        if (!mayUse(key, body.project_id)) return fail('user must be a collaborator on the project')
        if (typeof body.path !== 'string' || typeof body.content !== 'string') return fail('path and content must be given')
        const path = homePath(body.path)
        if (!path) return fail(`invalid path '${body.path}'`)
        const target = project(body.project_id)
        start(target)
        apiWrite(target, path, Buffer.from(body.content, 'utf8'))
        return reply(200, { status: 'ok' })
      }
      case 'exec': {
        if (!isUuid(body.project_id)) return fail('project_id must be a valid uuid')
        if (!mayUse(key, body.project_id)) return fail('user must be a collaborator on the project')
        const target = project(body.project_id)
        start(target)
        const result = await runExec(target, body)
        // The hub stopped waiting: its error is a string, so `err.message` is undefined.
        if (result === 'cap') return fail('undefined')
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
        start(target)
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
        start(target)
        const result = await runExec(target, body)
        if (result === 'cap') return fail('timeout')
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
        if (faults.v1Detached) {
          // Self-hosted: copyPath returns "", so the answer carries an empty id. Waiting runs
          // rsync and reports its error; otherwise rsync runs detached and its errors are lost.
          if (body.wait_until_done === true) {
            await runCopyNow(job)
            if (job.error) return fail(`WARNING: copy exited with an error -- ${job.error}`)
          } else scheduleCopy(job, { silent: true })
          return ok('copy_path_between_projects_response', { copy_path_id: '' })
        }
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
   * The upload endpoint, as the hub's (src/packages/hub/servers/app/upload.ts): one file part per
   * request; chunks are keyed by (path, file name) and streamed in arrival order into one writer
   * that lands the file at join(path, fullPath ?? file name) once the last chunk came.
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
    // Every error thrown before the chunk logic becomes this one generic answer in the hub.
    if (!isUuid(projectId) || !mayUse(record.key, projectId)) return text(500, 'upload failed')
    if (url.searchParams.get('compute_server_id') === null) return text(500, 'upload failed')
    const folder = url.searchParams.get('path') ?? ''
    const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType)
    if (!/^multipart\/form-data/i.test(contentType) || !boundary) return text(500, 'upload failed')
    const form = parseMultipart(raw, boundary[1] ?? boundary[2])
    if ('error' in form) return text(500, 'upload failed')
    record.fields = form.fields
    record.fileName = form.file?.filename
    record.fileSize = form.file?.content.length
    record.body = { query: Object.fromEntries(url.searchParams), fields: form.fields }
    // formidable refuses empty files (allowEmptyFiles: false) and forms without a file.
    if (!form.file || form.file.content.length === 0) return text(500, 'upload failed')
    const target = project(projectId)
    const index = Number(form.fields.dzchunkindex ?? '0')
    const count = Number(form.fields.dztotalchunkcount ?? '1')
    const key = JSON.stringify({ path: folder, filename: form.file.filename, projectId })
    if (index > 0 && (uploads.get(key)?.errors.length ?? 0) > 0) {
      uploads.delete(key)
      return text(500, 'Upload failed.')
    }
    if (index === 0) startUpload(key, target, folder, form.fields.fullPath ?? form.file.filename)
    const upload = uploads.get(key)
    if (!upload) {
      // Another hub process's upload (or one already cleaned up): a new stream nobody writes out.
      if (!streams.has(key)) streams.set(key, { parts: [], writer: false, path: '' })
      streams.get(key)?.parts.push(form.file.content)
      state.uploadAnomalies.push(`chunk ${index} of ${form.file.filename}: no upload state`)
      return index === count - 1 ? text(500, 'upload failed') : reply(200, { status: 'ok' })
    }
    if (index !== upload.next) state.uploadAnomalies.push(`chunk ${index} of ${form.file.filename} arrived when ${upload.next} was due`)
    upload.next = index + 1
    upload.stream.parts.push(form.file.content)
    if (index < count - 1) return reply(200, { status: 'ok' })
    finishUpload(key, upload, target)
    if (upload.errors.length > 0) {
      uploads.delete(key)
      return text(500, 'Upload failed.')
    }
    return reply(200, { status: 'ok' })
  }

  /**
   * Chunk 0: a brand new upload state; the write goes to the key's stream, which is the stale one
   * of an earlier upload that never finished, if there is one. A project whose file service does
   * not listen fails the write at once (the chunk itself is still answered 200).
   * @param {string} key
   * @param {Project} target
   * @param {string} folder
   * @param {string} name
   */
  function startUpload(key, target, folder, name) {
    const existing = streams.get(key)
    const path = posix.join(folder, name)
    const stream = existing ?? { parts: [], writer: true, path }
    if (existing) state.uploadAnomalies.push(`a new upload of ${name} into the stale stream of an unfinished one`)
    /** @type {UploadState} */
    const upload = { errors: [], path, stream, stale: existing !== undefined, next: 0 }
    uploads.set(key, upload)
    if (!uploadReady(target)) {
      upload.errors.push('Error: no responders available')
      streams.delete(key)
    } else streams.set(key, stream)
  }

  /**
   * The last chunk: the stream ends and the writer stores what it read. A stale stream's data went
   * to the earlier writer; this upload's own writer read nothing and stores an empty file. The
   * answer comes before the file is renamed into place (`visibilityDelayMs`).
   * @param {string} key
   * @param {UploadState} upload
   * @param {Project} target
   */
  function finishUpload(key, upload, target) {
    streams.delete(key)
    if (upload.errors.length > 0) return
    const path = homePath(upload.path)
    if (!path) {
      upload.errors.push('Error: invalid path')
      return
    }
    const content = upload.stale ? Buffer.alloc(0) : Buffer.concat(upload.stream.parts)
    const earlier = homePath(upload.stream.path)
    const land = () => {
      if (upload.stale && upload.stream.writer && earlier) apiWrite(target, earlier, Buffer.concat(upload.stream.parts))
      apiWrite(target, path, content)
    }
    if (faults.visibilityDelayMs <= 0) return land()
    const id = randomUUID()
    timers.set(
      id,
      setTimeout(() => {
        timers.delete(id)
        land()
      }, faults.visibilityDelayMs)
    )
  }

  /**
   * Runs the command with the real `bash` in the project's folder (./cocalc-disk.js). The hub
   * waits `execCapMs` at most; the command goes on after that, as in CoCalc.
   * @param {Project} target
   * @param {Record<string, any>} body
   * @returns {Promise<import('./cocalc-disk.js').ExecOutput | { error: string } | 'cap'>}
   */
  async function runExec(target, body) {
    const run = runCommand(target.files, body, 10, stopCommands.signal)
    running.add(run)
    run.finally(() => running.delete(run))
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    let timer
    const cap = new Promise((resolve) => (timer = setTimeout(() => resolve('cap'), faults.execCapMs)))
    try {
      return /** @type {any} */ (await Promise.race([run, cap]))
    } finally {
      clearTimeout(timer)
    }
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
    if (!faults.oldServer && !(api === 'v1' && faults.v1Detached)) scheduleCopy(job)
    return job
  }

  /**
   * @param {CopyJob} job
   * @param {{ silent?: boolean }} [how] silent: a detached rsync, whose failure nobody records
   */
  function scheduleCopy(job, how = {}) {
    job.started = new Date().toISOString()
    if (faults.copyNeverFinishes.has(job.target)) return
    timers.set(
      job.id,
      setTimeout(() => {
        timers.delete(job.id)
        finishCopy(job)
        if (how.silent) job.error = null
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
    /** Stops listening, ends open connections, pending timers and commands; removes the folders. */
    async close() {
      for (const timer of timers.values()) clearTimeout(timer)
      timers.clear()
      server.closeAllConnections()
      await new Promise((resolve) => server.close(() => resolve(undefined)))
      stopCommands.abort()
      await Promise.all(running)
      rmSync(root, { recursive: true, force: true })
    }
  }
}

/**
 * rsync-like copy of `srcPath` (a file or folder) of `src` to `dstPath` of `dst`: files are
 * mirrored with their mtimes; a target file newer than its source is kept unless overwriteNewer;
 * a replaced (or deleted) file is kept as `name~` when backup; with deleteMissing, target files
 * absent from the source go; exclude patterns skip files on both sides (as rsync does without
 * --delete-excluded), by rsync's filter rules (./rsync-filter.js). Returns an error message, or
 * undefined on success.
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
  // A single file is filtered by its own name (the transfer root is then its folder).
  const sent = sources.has('')
    ? new Set(rsyncSends([posix.basename(from)], options.exclude).size > 0 ? [''] : [])
    : rsyncSends(sources.keys(), options.exclude)
  for (const [rel, entry] of sources) {
    if (!sent.has(rel)) continue
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
    // Excluded target files are protected from --delete (FILTER RULES WHEN DELETING).
    const held = [...dst.files.keys()].filter((path) => path.startsWith(`${to}/`)).map((path) => path.slice(to.length + 1))
    const exposed = rsyncSends(held, options.exclude)
    for (const rel of held) {
      if (sources.has(rel) || !exposed.has(rel) || (options.backup && rel.endsWith('~'))) continue
      const path = destOf(rel)
      const existing = dst.files.get(path)
      if (options.backup && existing) dst.files.set(`${path}~`, existing)
      dst.files.delete(path)
    }
  }
  return undefined
}

/**
 * Records an upload's form fields and file name before anything answers it (a canned fault too).
 * @param {RecordedRequest} record
 * @param {string} contentType
 * @param {Buffer} raw
 */
function inspectUpload(record, contentType, raw) {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType)
  if (!boundary) return
  const form = parseMultipart(raw, boundary[1] ?? boundary[2])
  if ('error' in form) return
  record.fields = form.fields
  record.fileName = form.file?.filename
  record.fileSize = form.file?.content.length
}

/**
 * A RAM-backed folder when the machine has one (/dev/shm): creating a file there costs
 * microseconds, not the milliseconds a loaded disk can take, so the projects' mirror does not
 * slow down every upload the emulator answers.
 * @returns {string | undefined}
 */
function memoryDisk() {
  try {
    accessSync('/dev/shm', constants.W_OK)
    return statSync('/dev/shm').isDirectory() ? '/dev/shm' : undefined
  } catch {
    return undefined
  }
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
