export const id = 902;
export const ids = [902];
export const modules = {

/***/ 9902:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CocalcV1Client: () => (/* binding */ CocalcV1Client),
/* harmony export */   V1_BODY_LIMIT: () => (/* reexport safe */ _limits_js__WEBPACK_IMPORTED_MODULE_5__.bH),
/* harmony export */   V1_HASH_LIMITS: () => (/* reexport safe */ _limits_js__WEBPACK_IMPORTED_MODULE_5__.O7),
/* harmony export */   V1_PIECES_ROOT: () => (/* reexport safe */ _limits_js__WEBPACK_IMPORTED_MODULE_5__.J1),
/* harmony export */   V1_PIECE_BYTES: () => (/* reexport safe */ _limits_js__WEBPACK_IMPORTED_MODULE_5__.VW)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3916);
/* harmony import */ var _chunks_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(333);
/* harmony import */ var _concurrency_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(1532);
/* harmony import */ var _scripts_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(7703);
/* harmony import */ var _client_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(6600);
/* harmony import */ var _limits_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(9775);
/**
 * CoCalc API v1 (PROTOCOLS.md §2.3), for older self-hosted servers: `POST /api/v1/<event>` with
 * a JSON body under the web framework's 100 kB limit. Failures come back as 200
 * `{"event":"error"}` or 400 `{"error"}`. There is no binary upload: binary files (and text too
 * large for one body) travel as base64 pieces written to a temporary folder, then decoded and
 * moved into place inside the project in one `project_exec`.
 */








class CocalcV1Client {
    options;
    api = 'v1';
    http;
    hashBatchLimits = _limits_js__WEBPACK_IMPORTED_MODULE_5__/* .V1_HASH_LIMITS */ .O7;
    constructor(options) {
        this.options = options;
        this.http = (0,_client_js__WEBPACK_IMPORTED_MODULE_4__/* .createCocalcHttp */ .E_)(options);
    }
    /** v1 has no start call; every project call starts the project when needed. */
    async startProject() { }
    async hashFiles(remotePaths, projectId = this.options.projectId) {
        const label = 'project_exec (sha256 of the uploaded files)';
        const result = await this.execOrCutOff((0,_scripts_js__WEBPACK_IMPORTED_MODULE_3__/* .hashCommand */ .C1)(remotePaths), projectId);
        if (result === 'cut-off')
            throw new _client_js__WEBPACK_IMPORTED_MODULE_4__/* .HashBatchCutOff */ .sU(`CoCalc stopped waiting for ${label} (its 60 s limit)`);
        const hashes = (0,_scripts_js__WEBPACK_IMPORTED_MODULE_3__/* .parseHashOutput */ .B8)(result.stdout, remotePaths.length);
        if ('problem' in hashes || result.exitCode !== 0) {
            const why = 'problem' in hashes ? hashes.problem : `exit code ${result.exitCode}: ${this.http.scrub((0,_client_js__WEBPACK_IMPORTED_MODULE_4__/* .oneLine */ .TN)(result.stderr)).slice(0, 200)}`;
            throw new _client_js__WEBPACK_IMPORTED_MODULE_4__/* .HashBatchCutOff */ .sU(`CoCalc answered ${label} with unusable output (${why})`);
        }
        return hashes;
    }
    async uploadFile(remotePath, file, onBytes = () => undefined) {
        if (file.isText && file.size <= _limits_js__WEBPACK_IMPORTED_MODULE_5__/* .V1_BODY_LIMIT */ .bH) {
            const content = (await (0,_chunks_js__WEBPACK_IMPORTED_MODULE_2__/* .readWhole */ .oD)(file)).toString('utf8');
            const body = { project_id: this.options.projectId, path: remotePath, content };
            // JSON escaping can grow text (quotes, control characters): measure the real body.
            if (Buffer.byteLength(JSON.stringify(body)) <= _limits_js__WEBPACK_IMPORTED_MODULE_5__/* .V1_BODY_LIMIT */ .bH) {
                await this.call('write_text_file_to_project', body, 'file_written_to_project', 'idempotent');
                onBytes(file.size);
                return;
            }
        }
        await this.uploadPieces(remotePath, file, onBytes);
    }
    /** The archive as base64 pieces under the body limit, written in parallel: the unpack program decodes them. */
    async stageArchive(archive, work, onBytes = () => undefined) {
        const bytes = await (0,_chunks_js__WEBPACK_IMPORTED_MODULE_2__/* .readWhole */ .oD)(archive);
        const dir = `${work}/pieces`;
        const count = (0,_chunks_js__WEBPACK_IMPORTED_MODULE_2__/* .chunkCount */ .Fk)(bytes.length, _limits_js__WEBPACK_IMPORTED_MODULE_5__/* .V1_PIECE_BYTES */ .VW);
        await (0,_concurrency_js__WEBPACK_IMPORTED_MODULE_6__/* .mapLimit */ .sf)(Array.from({ length: count }, (_, index) => index), this.options.concurrency, async (index) => {
            const piece = bytes.subarray(index * _limits_js__WEBPACK_IMPORTED_MODULE_5__/* .V1_PIECE_BYTES */ .VW, (index + 1) * _limits_js__WEBPACK_IMPORTED_MODULE_5__/* .V1_PIECE_BYTES */ .VW);
            const body = { project_id: this.options.projectId, path: `${dir}/${String(index).padStart(6, '0')}.b64`, content: piece.toString('base64') };
            await this.call('write_text_file_to_project', body, 'file_written_to_project', 'idempotent');
            onBytes(piece.length);
        });
        return { archive: `${work}/archive`, pieces: { dir, count } };
    }
    async execProgram(program, _label) {
        return this.exec(program);
    }
    async copyPath(request) {
        const body = {
            src_project_id: this.options.projectId,
            src_path: request.path,
            target_project_id: request.targetProjectId,
            target_path: request.targetPath,
            overwrite_newer: request.overwriteNewer,
            delete_missing: request.deleteMissing,
            backup: request.backup,
            wait_until_done: false
        };
        if (request.exclude.length > 0)
            body.exclude = request.exclude;
        const answer = await this.call('copy_path_between_projects', body, ['copy_path_between_projects_response', 'success'], 'create');
        if (answer.event === 'success')
            return '';
        const id = answer.copy_path_id;
        if (id === undefined || id === null || id === '')
            return '';
        if (typeof id !== 'string')
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ServiceError */ ._7(`CoCalc answered copy_path_between_projects with a copy_path_id that is not a string`);
        return id;
    }
    async copyStatus(copyId, budgetMs) {
        const label = 'copy_path_status';
        // Retries (a 429 or 503 is no reason to give up on a copy) stay within the poll's time.
        const response = await this.post(label, { copy_path_id: copyId }, 'idempotent', undefined, budgetMs);
        const body = this.answer(label, response, ['copy_path_status_response']);
        const data = body.data;
        const record = Array.isArray(data) ? data[0] : data;
        if (record === null || typeof record !== 'object')
            throw (0,_client_js__WEBPACK_IMPORTED_MODULE_4__/* .unexpectedAnswer */ .au)(this.http, label, response, 'data about the copy');
        const fields = record;
        const state = (0,_client_js__WEBPACK_IMPORTED_MODULE_4__/* .copyStateOf */ .KO)(fields.started, fields.finished, fields.error);
        if (!state)
            throw (0,_client_js__WEBPACK_IMPORTED_MODULE_4__/* .unexpectedAnswer */ .au)(this.http, label, response, 'started, finished or error');
        return state;
    }
    async close() {
        await this.http.close();
    }
    /**
     * Base64 pieces, then one decode. The decode exits 3 when a piece is missing (a write the
     * server acknowledged but lost): the pieces are then written once more.
     */
    async uploadPieces(remotePath, file, onBytes) {
        for (let attempt = 1;; attempt++) {
            const id = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomUUID)();
            const directory = `${_limits_js__WEBPACK_IMPORTED_MODULE_5__/* .V1_PIECES_ROOT */ .J1}/${id}`;
            let count = 0;
            for await (const chunk of (0,_chunks_js__WEBPACK_IMPORTED_MODULE_2__/* .readChunks */ .zO)(file, _limits_js__WEBPACK_IMPORTED_MODULE_5__/* .V1_PIECE_BYTES */ .VW)) {
                await this.call('write_text_file_to_project', {
                    project_id: this.options.projectId,
                    path: `${directory}/${String(chunk.index).padStart(6, '0')}.b64`,
                    content: chunk.content.toString('base64')
                }, 'file_written_to_project', 'idempotent');
                count = chunk.count;
                if (attempt === 1)
                    onBytes(chunk.content.length);
            }
            const tmp = `${remotePath}.${id.slice(0, 8)}.publish-tmp`;
            const result = await this.exec((0,_scripts_js__WEBPACK_IMPORTED_MODULE_3__/* .decodeCommand */ .Mf)(remotePath, tmp, directory, count));
            if (result.exitCode === 0)
                return;
            const reason = this.http.scrub((0,_client_js__WEBPACK_IMPORTED_MODULE_4__/* .oneLine */ .TN)(result.stderr)).slice(0, 300);
            if (result.exitCode === 3 && attempt === 1) {
                this.options.log(`Some pieces of ${file.name} did not arrive in the project (${reason}): writing them again`);
                continue;
            }
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ServiceError */ ._7(`decoding ${file.name} inside the project failed (exit code ${result.exitCode}): ${reason}`);
        }
    }
    async exec(command) {
        const result = await this.execOrCutOff(command, this.options.projectId);
        if (result === 'cut-off')
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ServiceError */ ._7('CoCalc stopped waiting for project_exec (its 60 s limit)');
        return result;
    }
    /** One project_exec; 'cut-off' when the hub stopped waiting for it (`{"event":"error","error":"timeout"}`). */
    async execOrCutOff(command, projectId) {
        const label = 'project_exec';
        const response = await this.post(label, { project_id: projectId, ...command, bash: false, err_on_exit: false, timeout: _client_js__WEBPACK_IMPORTED_MODULE_4__/* .EXEC_TIMEOUT_SECONDS */ .QW }, 'idempotent', _client_js__WEBPACK_IMPORTED_MODULE_4__/* .EXEC_HTTP_TIMEOUT_MS */ .I8);
        if (response.status === 504 || response.status === 524)
            return 'cut-off';
        if (response.status === 200) {
            const body = this.http.parseJson(response, label);
            if (body.event === 'error' && body.error === 'timeout')
                return 'cut-off';
        }
        const body = this.answer(label, response, ['project_exec_output']);
        const result = (0,_client_js__WEBPACK_IMPORTED_MODULE_4__/* .execResult */ .XD)(body);
        if (!result)
            throw (0,_client_js__WEBPACK_IMPORTED_MODULE_4__/* .unexpectedAnswer */ .au)(this.http, label, response, 'stdout and exit_code');
        return result;
    }
    async call(event, body, expected, retry, timeoutMs) {
        return this.answer(event, await this.post(event, body, retry, timeoutMs), Array.isArray(expected) ? expected : [expected]);
    }
    post(event, body, retry, timeoutMs, budgetMs) {
        return this.http.request({
            path: `/api/v1/${event}`,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
            retry,
            timeoutMs,
            budgetMs
        });
    }
    /** A v1 answer: 200 with the expected event. 200 `{"event":"error"}` and 400 `{"error"}` are refusals. */
    answer(event, response, expected) {
        if (response.status === 400) {
            let body;
            try {
                body = this.http.parseJson(response, event);
            }
            catch {
                body = undefined;
            }
            const error = body ? (0,_client_js__WEBPACK_IMPORTED_MODULE_4__/* .envelopeError */ .j3)(body) : undefined;
            if (error !== undefined)
                throw (0,_client_js__WEBPACK_IMPORTED_MODULE_4__/* .refusal */ .x5)(this.http, event, error, 400);
        }
        if (response.status !== 200)
            throw (0,_client_js__WEBPACK_IMPORTED_MODULE_4__/* .httpFailure */ .tG)(this.http, event, response);
        const body = this.http.parseJson(response, event);
        if (body.event === 'error' || ((0,_client_js__WEBPACK_IMPORTED_MODULE_4__/* .envelopeError */ .j3)(body) !== undefined && !expected.includes(String(body.event)))) {
            throw (0,_client_js__WEBPACK_IMPORTED_MODULE_4__/* .refusal */ .x5)(this.http, event, (0,_client_js__WEBPACK_IMPORTED_MODULE_4__/* .envelopeError */ .j3)(body) ?? '(no message)');
        }
        if (typeof body.event !== 'string' || !expected.includes(body.event)) {
            throw (0,_client_js__WEBPACK_IMPORTED_MODULE_4__/* .unexpectedAnswer */ .au)(this.http, event, response, `event '${expected.join("' or '")}'`);
        }
        return body;
    }
}


/***/ })

};

//# sourceMappingURL=902.index.js.map