export const id = 264;
export const ids = [264];
export const modules = {

/***/ 6264:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  CocalcV2Client: () => (/* binding */ CocalcV2Client),
  V2_HASH_LIMITS: () => (/* reexport */ limits/* V2_HASH_LIMITS */.XU)
});

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(7075);
// EXTERNAL MODULE: ./src/http.ts
var http = __webpack_require__(6803);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
// EXTERNAL MODULE: ./src/concurrency.ts
var concurrency = __webpack_require__(1532);
// EXTERNAL MODULE: ./src/cocalc/chunks.ts
var chunks = __webpack_require__(333);
;// CONCATENATED MODULE: ./src/cocalc/multipart.ts
/**
 * multipart/form-data bodies for CoCalc's `/upload` endpoint, built by hand so that the bytes sent
 * are exactly the file's bytes (no re-encoding) and no library buffers the whole body again.
 */

/**
 * The body as three buffers (head, content, tail) to send back to back. Field values must not
 * contain CR or LF (file names with control characters are refused at collection).
 */
function multipartBody(boundary, fields, file) {
    let head = '';
    for (const [name, value] of fields) {
        head += `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    }
    head += `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.filename}"\r\n`;
    head += 'Content-Type: application/octet-stream\r\n\r\n';
    return [Buffer.from(head, 'utf8'), file.content, Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8')];
}
function multipartContentType(boundary) {
    return `multipart/form-data; boundary=${boundary}`;
}
/**
 * A boundary that occurs nowhere in the content or the field values (RFC 2046 requires it; with
 * 128 random bits a clash is practically impossible, but checking costs one scan).
 */
function chooseBoundary(content, fieldValues, random = random128) {
    for (let attempt = 0; attempt < 16; attempt++) {
        const boundary = `----PublishBoundary${random()}`;
        if (!content.includes(boundary) && !fieldValues.some((value) => value.includes(boundary)))
            return boundary;
    }
    throw new Error('could not find a multipart boundary absent from the content');
}
/** Draws of 16 bytes per randomBytes call: one call per uploaded file showed in profiles. */
const POOL_DRAWS = 256;
let pool = Buffer.alloc(0);
let drawn = POOL_DRAWS;
/** 128 random bits as hex. */
function random128() {
    if (drawn >= POOL_DRAWS) {
        pool = (0,external_node_crypto_.randomBytes)(16 * POOL_DRAWS);
        drawn = 0;
    }
    drawn++;
    return pool.toString('hex', 16 * (drawn - 1), 16 * drawn);
}

// EXTERNAL MODULE: ./src/cocalc/scripts.ts
var scripts = __webpack_require__(7703);
// EXTERNAL MODULE: ./src/cocalc/limits.ts
var limits = __webpack_require__(9775);
// EXTERNAL MODULE: ./src/cocalc/client.ts
var client = __webpack_require__(6600);
;// CONCATENATED MODULE: ./src/cocalc/v2.ts
/**
 * CoCalc API v2 (PROTOCOLS.md §2.2): JSON calls under /api/v2 whose errors arrive as HTTP 200
 * `{"error"}`, and the multipart `/upload` endpoint for file content.
 */











/** Upload attempts of one file while the project's file service comes up (1+2+4+8+8 s of pauses). */
const UPLOAD_START_ATTEMPTS = 6;
/** Fresh starts of a chunked file after a transient failure of one of its chunks. */
const CHUNKED_RESTARTS = 2;
/** Smallest chunk tried when a proxy refuses chunks as too large (HTTP 413). */
const MIN_CHUNK_BYTES = 256 * 1024;
const UPLOAD_TIMEOUT_MS = 300_000;

/**
 * The project may not be ready: the hub answers `500 "Upload failed."` when the project's file
 * service does not listen (stopped, starting), and older hubs said `upload service not running`.
 * Start the project, pause, and send the file again (with a new file name).
 */
class ProjectNotReady extends errors/* ServiceError */._7 {
}
/** A proxy refused the first chunk as too large: try again with smaller chunks. */
class ChunkTooLarge extends errors/* ServiceError */._7 {
    bodyBytes;
    constructor(message, 
    /** Bytes of file content the refused request carried. */
    bodyBytes) {
        super(message, 413);
        this.bodyBytes = bodyBytes;
    }
}
class CocalcV2Client {
    options;
    api = 'v2';
    http;
    hashBatchLimits = limits/* V2_HASH_LIMITS */.XU;
    chunkBytes;
    restarting;
    sleep;
    constructor(options) {
        this.options = options;
        this.http = (0,client/* createCocalcHttp */.E_)(options);
        this.chunkBytes = options.chunkBytes;
        this.sleep = options.sleep ?? ((ms) => (0,concurrency/* sleep */.yy)(ms, options.signal));
    }
    async startProject() {
        await this.call('projects/start', { project_id: this.options.projectId }, 'idempotent');
    }
    async hashFiles(remotePaths, projectId = this.options.projectId) {
        const { command, args } = (0,scripts/* hashCommand */.C1)(remotePaths);
        const label = 'exec (sha256 of the uploaded files)';
        const response = await this.post('exec', { project_id: projectId, command, args, bash: false, err_on_exit: false, timeout: client/* EXEC_TIMEOUT_SECONDS */.QW }, 'idempotent', client/* EXEC_HTTP_TIMEOUT_MS */.I8);
        if (response.status === 504 || response.status === 524)
            throw new client/* HashBatchCutOff */.sU(`the gateway gave up waiting for ${label} (HTTP ${response.status})`);
        const body = this.json('exec', response, (error) => error === 'undefined');
        // The hub stops waiting after 60 s and answers {"error":"undefined"}; the process goes on.
        if (body.error === 'undefined')
            throw new client/* HashBatchCutOff */.sU(`CoCalc stopped waiting for ${label} (its 60 s limit)`);
        const result = (0,client/* execResult */.XD)(body);
        if (!result)
            throw new errors/* ServiceError */._7(`CoCalc answered ${label} without stdout and exit_code: ${this.http.scrub((0,client/* oneLine */.TN)(JSON.stringify(body))).slice(0, 200)}`);
        const hashes = (0,scripts/* parseHashOutput */.B8)(result.stdout, remotePaths.length);
        if ('problem' in hashes || result.exitCode !== 0) {
            const why = 'problem' in hashes ? hashes.problem : `exit code ${result.exitCode}: ${this.http.scrub((0,client/* oneLine */.TN)(result.stderr)).slice(0, 200)}`;
            throw new client/* HashBatchCutOff */.sU(`CoCalc answered ${label} with unusable output (${why})`);
        }
        return hashes;
    }
    async uploadFile(remotePath, file, onBytes = () => undefined) {
        // The upload endpoint's form parser refuses empty files; an empty text file is exact as text.
        if (file.size === 0)
            return this.writeTextFile(remotePath, '');
        let sent = 0;
        let restarts = 0;
        const count = (bytes) => {
            sent += bytes;
            onBytes(bytes);
        };
        for (let attempt = 1;; attempt++) {
            try {
                await this.sendChunks(remotePath, file, count);
                return;
            }
            catch (error) {
                count(-sent);
                if (error instanceof ProjectNotReady && attempt < UPLOAD_START_ATTEMPTS) {
                    const delay = Math.min(1000 * 2 ** (attempt - 1), 8000);
                    this.options.log(`CoCalc could not write ${file.name} (${error.message}): the project may not be ready; starting it, then sending the file again in ${delay / 1000} s`);
                    await this.restartProject(delay);
                    continue;
                }
                // A chunk is never repeated on its own (the server would append it twice): a chunked
                // file that hit a passing failure starts over from its first chunk instead.
                if (isTransient(error) && (0,chunks/* chunkCount */.Fk)(file.size, this.chunkBytes) > 1 && restarts < CHUNKED_RESTARTS) {
                    restarts++;
                    this.options.log(`Sending ${file.name} again from its first chunk after: ${(0,errors/* errorMessage */.gJ)(error)}`);
                    attempt--;
                    continue;
                }
                if (error instanceof ChunkTooLarge && error.bodyBytes > MIN_CHUNK_BYTES) {
                    // Parallel uploads may all hit the limit: the smallest size any of them found wins.
                    const smaller = Math.max(MIN_CHUNK_BYTES, Math.floor(error.bodyBytes / 4));
                    if (smaller < this.chunkBytes) {
                        this.chunkBytes = smaller;
                        this.options.warn(`CoCalc (or a proxy in front of it) refused an upload chunk as too large (HTTP 413): sending chunks of ${smaller} bytes`);
                    }
                    attempt--;
                    continue;
                }
                throw error;
            }
        }
    }
    async stageArchive(archive, work, onBytes) {
        const path = `${work}/archive`;
        await this.uploadFile(path, archive, onBytes);
        return { archive: path };
    }
    async execProgram(program, label) {
        const response = await this.post('exec', { project_id: this.options.projectId, ...program, bash: false, err_on_exit: false, timeout: client/* EXEC_TIMEOUT_SECONDS */.QW }, 
        // A repeat may find its work gone and say so (the caller then sends again): only provably unsent requests are repeated.
        'create', client/* EXEC_HTTP_TIMEOUT_MS */.I8);
        const body = this.json('exec', response, (error) => error === 'undefined');
        if (body.error === 'undefined')
            throw new errors/* ServiceError */._7(`CoCalc stopped waiting for ${label} (its 60 s limit)`);
        const result = (0,client/* execResult */.XD)(body);
        if (!result)
            throw (0,client/* unexpectedAnswer */.au)(this.http, label, response, 'stdout and exit_code');
        return result;
    }
    async copyPath(request) {
        const body = await this.call('projects/copy-path', {
            src_project_id: this.options.projectId,
            path: request.path,
            target_project_id: request.targetProjectId,
            target_path: request.targetPath,
            overwrite_newer: request.overwriteNewer,
            delete_missing: request.deleteMissing,
            backup: request.backup,
            // The default (true) blocks the request until the copy ends, past the gateway's timeout.
            wait_until_done: false
        }, 'create');
        const id = body.copy_id;
        if (id === undefined || id === null || id === '')
            return '';
        if (typeof id !== 'string')
            throw new errors/* ServiceError */._7(`CoCalc answered projects/copy-path with a copy_id that is not a string: ${JSON.stringify(id).slice(0, 80)}`);
        return id;
    }
    async copyStatus(copyId, budgetMs) {
        const label = 'projects/copy-path-status';
        // Retries (a 429 or 503 is no reason to give up on a copy) stay within the poll's time.
        const response = await this.post(label, { copy_id: copyId }, 'idempotent', undefined, budgetMs);
        // Servers older than May 2026 have no such endpoint: the copy's end cannot be observed.
        if (response.status === 404)
            return { state: 'unsupported' };
        const body = this.json(label, response);
        const state = (0,client/* copyStateOf */.KO)(body.started, body.finished, body.copy_error);
        if (!state)
            throw (0,client/* unexpectedAnswer */.au)(this.http, label, response, 'started, finished or copy_error');
        return state;
    }
    async close() {
        await this.http.close();
    }
    async writeTextFile(remotePath, content) {
        const label = 'projects/write-text-file';
        const body = await this.call(label, { project_id: this.options.projectId, path: remotePath, content }, 'idempotent');
        // A hub-side timeout answers `{}`: only an explicit ok counts.
        if (body.status !== 'ok')
            throw new errors/* ServiceError */._7(`CoCalc answered ${label} for ${remotePath} without status 'ok': ${(0,client/* oneLine */.TN)(JSON.stringify(body)).slice(0, 200)}`);
    }
    restartProject(delayMs) {
        // Uploads running in parallel all notice the stopped service: one start serves them all.
        this.restarting ??= (async () => {
            try {
                await this.startProject();
                await this.sleep(delayMs);
            }
            finally {
                this.restarting = undefined;
            }
        })();
        return this.restarting;
    }
    async sendChunks(remotePath, file, onBytes) {
        const directory = external_node_path_.posix.dirname(remotePath);
        const name = external_node_path_.posix.basename(remotePath);
        const query = `/upload?project_id=${encodeURIComponent(this.options.projectId)}&compute_server_id=0&path=${encodeURIComponent(directory)}`;
        const dzuuid = (0,external_node_crypto_.randomUUID)();
        // The hub keys a file's chunks by (path, file name) and ignores dzuuid: a new chunk 0 under
        // the name of an upload that never finished would go into that upload's stale stream. So
        // every attempt gets a name of its own; the real name travels in fullPath.
        const formName = `${dzuuid}.upload`;
        const chunkBytes = this.chunkBytes;
        for await (const chunk of (0,chunks/* readChunks */.zO)(file, chunkBytes)) {
            const fields = [
                ['dzuuid', dzuuid],
                ['dzchunkindex', String(chunk.index)],
                ['dztotalfilesize', String(file.size)],
                ['dzchunksize', String(chunkBytes)],
                ['dztotalchunkcount', String(chunk.count)],
                ['dzchunkbyteoffset', String(chunk.offset)],
                // The server joins `path` and this; the part's filename only keys chunk reassembly.
                ['fullPath', name]
            ];
            const boundary = chooseBoundary(chunk.content, fields.map(([, value]) => value));
            const parts = multipartBody(boundary, fields, { field: 'file', filename: formName, content: chunk.content });
            const length = parts.reduce((sum, part) => sum + part.length, 0);
            const response = await this.http.request({
                path: query,
                headers: { 'content-type': multipartContentType(boundary), 'content-length': String(length) },
                // Small bodies go as one buffer (one write); large ones stream without another copy.
                body: length <= 1024 * 1024 ? Buffer.concat(parts, length) : () => external_node_stream_.Readable.from(parts),
                // A whole file in one request is idempotent. The server streams the chunks of a larger
                // file into one writer, so a repeated chunk would be written twice: those are retried
                // only when the server provably did not get them.
                retry: chunk.count === 1 ? 'idempotent' : 'create',
                timeoutMs: UPLOAD_TIMEOUT_MS
            });
            this.checkUpload(response, file.name, chunk.index, chunk.count, chunk.content.length);
            onBytes(chunk.content.length);
        }
    }
    checkUpload(response, name, index, count, contentBytes) {
        const label = count === 1 ? `the upload of ${name}` : `the upload of ${name} (chunk ${index + 1} of ${count})`;
        if (response.status === 200) {
            const body = this.http.parseJson(response, label);
            const error = (0,client/* envelopeError */.j3)(body);
            if (error !== undefined)
                throw (0,client/* refusal */.x5)(this.http, label, error);
            if (body.status !== 'ok')
                throw (0,client/* unexpectedAnswer */.au)(this.http, label, response, "status 'ok'");
            return;
        }
        const text = response.body.subarray(0, 4096).toString('utf8');
        const isHtml = /^\s*</.test(text);
        if (response.status === 500 && /^\s*(upload failed\.?|upload failed: upload service not running\.?)\s*$/i.test(text)) {
            throw new ProjectNotReady(`${label}: HTTP 500 ${(0,client/* oneLine */.TN)(text)}`, response.status);
        }
        if (response.status === 413 && index === 0)
            throw new ChunkTooLarge(`CoCalc refused ${label} as too large (HTTP 413)`, contentBytes);
        if (!isHtml && (response.status === 401 || response.status === 500) && text.trim() !== '')
            throw (0,client/* refusal */.x5)(this.http, label, text, response.status);
        throw (0,client/* httpFailure */.tG)(this.http, label, response);
    }
    async call(name, body, retry, timeoutMs) {
        return this.json(name, await this.post(name, body, retry, timeoutMs));
    }
    post(name, body, retry, timeoutMs, budgetMs) {
        return this.http.request({
            path: `/api/v2/${name}`,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
            retry,
            timeoutMs,
            budgetMs
        });
    }
    /** A v2 answer: HTTP 200 with a JSON object and no `error` field (unless `accept` takes it), or an error. */
    json(name, response, accept = () => false) {
        if (response.status !== 200)
            throw (0,client/* httpFailure */.tG)(this.http, name, response);
        const body = this.http.parseJson(response, name);
        const error = (0,client/* envelopeError */.j3)(body);
        if (error !== undefined && !accept(error))
            throw (0,client/* refusal */.x5)(this.http, name, error);
        return body;
    }
}
/** A failure that may pass: no answer at all, or a proxy's 429/502/503/504. */
function isTransient(error) {
    return error instanceof http/* HttpError */.j$ && (error.transport !== undefined || client/* TRANSIENT_STATUSES */.SS.includes(error.status ?? 0));
}


/***/ })

};

//# sourceMappingURL=264.index.js.map