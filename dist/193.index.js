export const id = 193;
export const ids = [193];
export const modules = {

/***/ 7193:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  buildSessionBody: () => (/* binding */ buildSessionBody),
  createCocodeHttp: () => (/* binding */ createCocodeHttp),
  createSession: () => (/* binding */ createSession)
});

// UNUSED EXPORTS: basicAuthorization, credentialForms, parseSessionUrl

// EXTERNAL MODULE: ./src/http.ts
var src_http = __webpack_require__(6803);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
// EXTERNAL MODULE: external "node:buffer"
var external_node_buffer_ = __webpack_require__(4573);
;// CONCATENATED MODULE: ./src/cocode/json.ts
/**
 * JSON string literals written straight from UTF-8 bytes: the same bytes as
 * `Buffer.from(JSON.stringify(bytes.toString('utf8')))`, without the two or three string copies
 * of a file that route takes (a large session would otherwise need several times its size).
 */

/** Extra output bytes per input byte: `"` and `\` take one more, control characters one or five. */
const EXTRA = new Uint8Array(256);
/** The short escapes JSON.stringify uses (\b \t \n \f \r \" \\, as bytes); other control characters become \u00xx. */
const SHORT = { 0x08: 0x62, 0x09: 0x74, 0x0a: 0x6e, 0x0c: 0x66, 0x0d: 0x72, 0x22: 0x22, 0x5c: 0x5c };
for (let byte = 0; byte < 0x20; byte++)
    EXTRA[byte] = byte in SHORT ? 1 : 5;
EXTRA[0x22] = 1;
EXTRA[0x5c] = 1;
/** Bytes the JSON string literal of `bytes` takes, quotes included. */
function jsonStringLength(bytes) {
    let extra = 0;
    for (let i = 0; i < bytes.length; i++)
        extra += EXTRA[bytes[i]];
    return bytes.length + extra + 2;
}
/**
 * Writes the JSON string literal of the UTF-8 `bytes` into `target` at `offset` (which must have
 * jsonStringLength(bytes) bytes free); returns the offset after it. Bytes of 0x80 and above
 * pass through: in valid UTF-8 they only form characters JSON.stringify leaves as they are.
 */
function writeJsonString(bytes, target, offset) {
    target[offset] = 0x22;
    const at = writeJsonChars(bytes, bytes.length, target, offset + 1);
    target[at] = 0x22;
    return at + 1;
}
/** Writes the escaped form of `bytes[0, end)` (no quotes) into `target` at `offset`; returns the offset after it. */
function writeJsonChars(bytes, end, target, offset) {
    let at = offset;
    for (let i = 0; i < end; i++) {
        const byte = bytes[i];
        // Byte by byte: runs between escapes are short in code, where a copy() call per run costs more.
        if (EXTRA[byte] === 0) {
            target[at++] = byte;
            continue;
        }
        target[at++] = 0x5c;
        const short = SHORT[byte];
        if (short !== undefined)
            target[at++] = short;
        else
            at += target.write(`u00${byte.toString(16).padStart(2, '0')}`, at, 'latin1');
    }
    return at;
}
/**
 * `before` + the JSON string literal of `content` + `after`, as one buffer. Content that is not
 * valid UTF-8 (never the case for collected text) takes the string route, which replaces what
 * cannot be decoded exactly as toString does.
 */
function jsonStringBetween(before, content, after) {
    if (!isUtf8(content))
        return Buffer.from(before + JSON.stringify(content.toString('utf8')) + after);
    const head = Buffer.byteLength(before);
    const target = Buffer.allocUnsafe(head + jsonStringLength(content) + Buffer.byteLength(after));
    target.write(before, 0);
    const end = writeJsonString(content, target, head);
    target.write(after, end);
    return target;
}
/**
 * The inside of the JSON string literal of UTF-8 bytes that arrive in pieces, as strings of
 * about one piece each: the same text JSON.stringify makes. Strings, not buffers: they live on
 * V8's young heap and are collected within milliseconds, where a buffer per piece is external
 * memory that V8 lets pile up to tens of MiB before collecting it. A character cut between two
 * pieces is carried into the next. Pieces may be reused by their producer once the next is asked
 * for. The input must be valid UTF-8 (collected text is).
 */
async function* jsonTextPieces(pieces) {
    let out = Buffer.alloc(0);
    let carry = Buffer.alloc(0);
    for await (const piece of pieces) {
        const bytes = carry.length > 0 ? Buffer.concat([carry, piece]) : Buffer.from(piece.buffer, piece.byteOffset, piece.length);
        const end = completeCharacters(bytes);
        if (out.length < end * 6)
            out = Buffer.allocUnsafe(Math.max(64 * 1024, end * 6));
        const length = writeJsonChars(bytes, end, out, 0);
        carry = Buffer.from(bytes.subarray(end));
        if (length > 0)
            yield out.toString('utf8', 0, length);
    }
    if (carry.length > 0)
        yield JSON.stringify(carry.toString('utf8')).slice(1, -1);
}
/** Bytes of the JSON text jsonTextPieces makes for `bytes` (no quotes). */
function jsonTextLength(bytes) {
    return jsonStringLength(bytes) - 2;
}
/** How many leading bytes of `bytes` form whole UTF-8 characters (a cut one at the end is left out). */
function completeCharacters(bytes) {
    for (let back = 1; back <= Math.min(3, bytes.length); back++) {
        const byte = bytes[bytes.length - back];
        if (byte < 0x80)
            return bytes.length;
        if (byte >= 0xc0) {
            const size = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
            return size > back ? bytes.length - back : bytes.length;
        }
    }
    return bytes.length;
}

;// CONCATENATED MODULE: ./src/cocode/client.ts




function basicAuthorization(user, password) {
    return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}
/** Every form a credential could take in a server's answer: as is, JSON-escaped, URL-encoded, Basic. */
function credentialForms(credentials) {
    const authorization = basicAuthorization(credentials.username, credentials.password);
    const forms = [authorization, authorization.slice('Basic '.length)];
    for (const value of [credentials.username, credentials.password]) {
        if (value === '')
            continue;
        forms.push(value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value));
    }
    return [...new Set(forms)];
}
function createCocodeHttp(baseUrl, credentials, options = {}) {
    return new src_http/* HttpClient */.Qq({
        service: 'cocode',
        baseUrl,
        headers: { authorization: basicAuthorization(credentials.username, credentials.password) },
        secrets: credentialForms(credentials),
        // The only answer worth reading is a URL or a short error; anything bigger is a broken server.
        maxBodyBytes: 1024 * 1024,
        ...options
    });
}
/** Bytes of a whole file's content escaped at a time (the body is sent in pieces of about this size). */
const PIECE_BYTES = 64 * 1024;
/**
 * The session body, streamed: every name and content is escaped as JSON.stringify does (quotes
 * broke the old hand-built clients), one piece of one file at a time, so memory does not grow with
 * the session. The files are read twice: once for the Content-Length, once while sending.
 */
async function buildSessionBody(description, files) {
    const head = description === undefined ? '{"Files":[' : `{"Description":${JSON.stringify(description)},"Files":[`;
    let length = Buffer.byteLength(head) + 2;
    for (const [index, file] of files.entries()) {
        length += Buffer.byteLength(partHead(index, file.name)) + 3;
        for await (const piece of bytesOf(file))
            length += jsonTextLength(piece);
    }
    const body = {
        length,
        parts: async function* () {
            yield head;
            for (const [index, file] of files.entries()) {
                yield `${partHead(index, file.name)}"`;
                try {
                    yield* jsonTextPieces(bytesOf(file));
                }
                catch (error) {
                    body.failure = error;
                    throw error;
                }
                yield '"}';
            }
            yield ']}';
        }
    };
    return body;
}
function partHead(index, name) {
    return `${index === 0 ? '' : ','}{"Filename":${JSON.stringify(name)},"Content":`;
}
/** A file's UTF-8 bytes in pieces (content that is not valid UTF-8 is decoded as toString does). */
async function* bytesOf(file) {
    const read = file.read();
    if (Symbol.asyncIterator in read) {
        yield* read;
        return;
    }
    const content = await read;
    const bytes = typeof content === 'string' || !(0,external_node_buffer_.isUtf8)(content) ? Buffer.from(content.toString('utf8')) : content;
    for (let offset = 0; offset < bytes.length; offset += PIECE_BYTES)
        yield bytes.subarray(offset, offset + PIECE_BYTES);
}
/** POSTs the session and returns the URL the server answered. */
async function createSession(http, body) {
    let response;
    try {
        response = await http.request({
            path: '/api/session',
            headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': String(body.length) },
            // An async iterable (undici accepts one, though its types do not say so): each string goes
            // straight to the socket, no buffer per piece.
            body: () => body.parts(),
            // Creating a session is not idempotent: never repeat a POST the server may have processed.
            retry: 'create'
        });
    }
    catch (error) {
        if (body.failure)
            throw body.failure;
        if (error instanceof src_http/* HttpError */.j$ && (error.transport === 'timeout' || error.transport === 'lost')) {
            throw new errors/* ServiceError */._7(`${error.message} ${MAYBE_CREATED}`);
        }
        if (error instanceof src_http/* HttpError */.j$ && error.transport === 'not-sent') {
            throw new errors/* ServiceError */._7(`${error.message}: check that 'cocode-url' (${http.baseUrl}) is right and the server is up`);
        }
        throw error;
    }
    if (response.status >= 200 && response.status < 300)
        return sessionUrlOf(http, response);
    throw refusal(http, response);
}
const MAYBE_CREATED = '(not repeated: cocode may have created the session anyway, and a repeat would make a duplicate; check cocode, then re-run the job)';
/** One actionable line per way the server can refuse. */
function refusal(http, response) {
    const label = 'POST /api/session';
    switch (response.status) {
        case 400:
            return new errors/* ServiceError */._7(`cocode rejected the request as invalid (HTTP 400: ${http.excerpt(response)}): check that 'cocode-url' is the base URL of a cocode server; if it is, report this as a bug of the action`, 400);
        case 401:
        case 403:
            return new errors/* ServiceError */._7(`cocode refused the credentials (HTTP ${response.status}: ${http.excerpt(response)}): check the 'cocode-username' and 'cocode-password' secrets`, response.status);
        case 413:
            return new errors/* ServiceError */._7(`cocode refused the session as too large (HTTP 413): publish fewer or smaller files, or lower 'max-file-size'`, 413);
        case 429:
        case 503:
            return http.statusError(response, label, '(the server is busy): try again later');
        case 502:
        case 504:
            return http.statusError(response, label, MAYBE_CREATED);
        default:
            return http.statusError(response, label);
    }
}
/**
 * The session URL, trimmed. An absolute http(s) URL, or a path the server's origin completes.
 * Anything else (an HTML page, nothing) means we cannot tell the author where the session is.
 */
function sessionUrlOf(http, response) {
    const text = response.body.toString('utf8').trim();
    const url = parseSessionUrl(text, http.baseUrl);
    if (url === undefined) {
        throw new errors/* ServiceError */._7(`cocode answered HTTP ${response.status} without a session URL (${http.excerpt(response)}): check that 'cocode-url' points at a cocode server`);
    }
    if (http.scrub(url) !== url)
        throw new errors/* ServiceError */._7('cocode answered a session URL that contains the credentials; refusing to publish it');
    return url;
}
function parseSessionUrl(text, baseUrl) {
    if (text === '' || text.length > 2048 || /[\s\u0000-\u001f\u007f]/.test(text))
        return undefined;
    try {
        const isPath = text.startsWith('/') && !text.startsWith('//');
        const url = isPath ? new URL(text, baseUrl) : new URL(text);
        if (url.protocol !== 'https:' && url.protocol !== 'http:')
            return undefined;
        if (url.username || url.password)
            return undefined;
        return isPath ? url.toString() : text;
    }
    catch {
        return undefined;
    }
}


/***/ }),

/***/ 6803:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Qq: () => (/* binding */ HttpClient),
/* harmony export */   j$: () => (/* binding */ HttpError)
/* harmony export */ });
/* unused harmony exports headerValue, parseRetryAfter */
/* harmony import */ var undici_index_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6752);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3916);
/* harmony import */ var _concurrency_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1532);
/**
 * The one HTTP layer both service clients use: undici with keep-alive, per-request timeouts,
 * bounded body reads, retries with backoff that honour Retry-After, and error messages that carry
 * the status and a short excerpt of the answer but never a credential.
 */



/** A request failed: transport error, bad status, or an answer we cannot use. */
class HttpError extends _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ServiceError */ ._7 {
    transport;
    name = 'HttpError';
    constructor(message, status, 
    /** Set when there was no usable answer at all. */
    transport) {
        super(message, status);
        this.transport = transport;
    }
}
const RETRYABLE_STATUS = {
    idempotent: [429, 502, 503, 504, 520, 521, 522, 523, 524],
    // Only together with a Retry-After header: see retryableStatus.
    create: [429, 503]
};
/** Transport errors raised before a single byte of the request reached the server. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
class HttpClient {
    service;
    baseUrl;
    origin;
    basePath;
    stop;
    options;
    secrets;
    dispatcher;
    ownsDispatcher;
    /** Requests sent, retries included: the benchmark and tests read it. */
    requestCount = 0;
    constructor(options) {
        const url = new URL(options.baseUrl);
        this.service = options.service;
        this.baseUrl = options.baseUrl.replace(/\/+$/, '');
        this.origin = url.origin;
        this.basePath = url.pathname.replace(/\/+$/, '');
        // Longest first, so a secret inside another (a password inside its Basic form) never leaves a piece behind.
        this.secrets = [...new Set(options.secrets ?? [])].filter((s) => s.length >= 3).sort((a, b) => b.length - a.length);
        this.options = {
            service: options.service,
            baseUrl: this.baseUrl,
            headers: options.headers ?? {},
            timeoutMs: options.timeoutMs ?? 60_000,
            connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
            maxRetries: options.maxRetries ?? 4,
            backoffMs: options.backoffMs ?? 500,
            maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
            maxBodyBytes: options.maxBodyBytes ?? 8 * 1024 * 1024,
            connections: options.connections ?? 8,
            log: options.log ?? (() => undefined),
            sleep: options.sleep ?? ((ms) => (0,_concurrency_js__WEBPACK_IMPORTED_MODULE_2__/* .sleep */ .yy)(ms, options.signal))
        };
        this.stop = options.signal;
        this.dispatcher = options.dispatcher;
        this.ownsDispatcher = options.dispatcher === undefined;
    }
    /**
     * Sends a request, retrying as its policy allows. Resolves with the final answer whatever its
     * status (callers give statuses their meaning); rejects with an HttpError on transport failure.
     */
    async request(req) {
        const method = req.method ?? 'POST';
        const label = `${method} ${req.path.split('?')[0]}`;
        const maxAttempts = req.retry === 'none' ? 1 : this.options.maxRetries + 1;
        const endsAt = req.budgetMs === undefined ? undefined : Date.now() + req.budgetMs;
        for (let attempt = 1;; attempt++) {
            const timeoutMs = Math.max(1, Math.min(req.timeoutMs ?? this.options.timeoutMs, endsAt === undefined ? Infinity : endsAt - Date.now()));
            let response;
            let failure;
            if (this.stop?.aborted)
                throw this.stopped(label);
            try {
                response = await this.attempt(method, label, { ...req, timeoutMs }, attempt);
            }
            catch (error) {
                failure = error;
            }
            if (this.stop?.aborted)
                throw this.stopped(label);
            const retryable = response ? this.retryableStatus(req.retry, response) : this.retryableError(req.retry, failure);
            if (!retryable || attempt >= maxAttempts) {
                if (response)
                    return response;
                throw this.transportError(label, failure, attempt, timeoutMs);
            }
            const delay = this.delayBefore(attempt, response);
            if (delay !== undefined && endsAt !== undefined && Date.now() + delay >= endsAt) {
                this.log(`${this.service}: ${label} ${response ? `answered HTTP ${response.status}` : 'failed'}; no time left to retry`);
                if (response)
                    return response;
                throw this.transportError(label, failure, attempt, timeoutMs);
            }
            if (delay === undefined) {
                // The server asked for a pause longer than we may wait: its answer stands.
                this.log(`${this.service}: ${label} answered HTTP ${response?.status} with a Retry-After beyond ${this.options.maxRetryAfterMs / 1000} s; not retrying`);
                if (response)
                    return response;
                throw this.transportError(label, failure, attempt, timeoutMs);
            }
            const why = response ? `answered HTTP ${response.status}` : `failed (${describeTransportError(failure)})`;
            this.log(`${this.service}: ${label} ${why}; retrying in ${(delay / 1000).toFixed(1)} s (attempt ${attempt + 1} of ${maxAttempts})`);
            await this.options.sleep(delay);
        }
    }
    /** Parses a JSON answer; an HTML page, truncated JSON or non-object is an HttpError. */
    parseJson(response, label) {
        const text = response.body.toString('utf8');
        let parsed;
        try {
            parsed = JSON.parse(text);
        }
        catch {
            throw this.error(`${this.service} answered ${label} with HTTP ${response.status} and a body that is not JSON: ${this.excerpt(response)}`, response.status);
        }
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
            throw this.error(`${this.service} answered ${label} with JSON of an unexpected shape: ${this.excerpt(response)}`, response.status);
        }
        return parsed;
    }
    /** The standard error for an answer the caller cannot accept. */
    statusError(response, label, advice = '') {
        if (response.status >= 300 && response.status < 400) {
            const location = headerValue(response.headers, 'location') ?? '';
            let where = 'elsewhere';
            try {
                where = new URL(location, this.baseUrl).origin;
            }
            catch {
                // keep "elsewhere"
            }
            return this.error(`${this.service} redirected ${label} to ${this.scrub(where)}; redirects are not followed so credentials only go to ${this.origin}: set the URL input to the final address`, response.status);
        }
        const tail = advice ? ` ${advice}` : '';
        return this.error(`${this.service} answered ${label} with HTTP ${response.status}: ${this.excerpt(response)}${tail}`, response.status);
    }
    /**
     * A short, single-line, secret-free excerpt of an answer: HTML pages are reduced to their text,
     * control characters (terminal escapes, line breaks) become spaces.
     */
    excerpt(response, max = 200) {
        let text = this.scrub(response.body.subarray(0, 16 * 1024).toString('utf8'));
        // A secret cut in half by the 16 KiB window would survive scrub(): drop its visible start.
        if (response.body.length > 16 * 1024)
            text = this.dropSecretPrefixAtEnd(text);
        if (/^\s*</.test(text) || /html/i.test(String(headerValue(response.headers, 'content-type') ?? ''))) {
            const withoutCode = text.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ');
            // The <title> usually repeats the page's heading: keep it only when the body says nothing.
            const bodyText = textOf(withoutCode.replace(/<head[\s\S]*?<\/head>/gi, ' '));
            text = bodyText.trim() === '' ? textOf(withoutCode) : bodyText;
        }
        text = this.scrub(text
            .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
            .replace(/\s+/g, ' ')
            .trim());
        if (text === '')
            return '(empty answer)';
        if (text.length <= max)
            return text;
        // Do not cut a surrogate pair in two.
        const end = /[\ud800-\udbff]/.test(text[max - 1]) ? max - 1 : max;
        return `${text.slice(0, end)}…`;
    }
    /** Replaces every known secret in `text`. */
    scrub(text) {
        let result = text;
        for (const secret of this.secrets)
            result = result.split(secret).join('***');
        return result;
    }
    dropSecretPrefixAtEnd(text) {
        let cut = 0;
        for (const secret of this.secrets) {
            for (let length = Math.min(secret.length - 1, text.length); length > cut; length--) {
                if (text.endsWith(secret.slice(0, length)))
                    cut = length;
            }
        }
        return text.slice(0, text.length - cut);
    }
    /** The request was stopped from outside (the step's deadline): no retry, whatever the policy. */
    stopped(label) {
        return this.error(`${this.service} ${label} was stopped: the time allowed ran out`, undefined, 'timeout');
    }
    /** Every message this client makes passes through here: no secret leaves in one. */
    error(message, status, transport) {
        return new HttpError(this.scrub(message), status, transport);
    }
    log(line) {
        this.options.log(this.scrub(line));
    }
    async close() {
        if (this.ownsDispatcher && this.dispatcher)
            await this.dispatcher.close();
        this.dispatcher = undefined;
    }
    getDispatcher() {
        this.dispatcher ??= new undici_index_js__WEBPACK_IMPORTED_MODULE_0__.Agent({
            connections: this.options.connections,
            keepAliveTimeout: 10_000,
            connect: { timeout: this.options.connectTimeoutMs },
            headersTimeout: this.options.timeoutMs,
            bodyTimeout: this.options.timeoutMs
        });
        return this.dispatcher;
    }
    async attempt(method, label, req, attempt) {
        this.requestCount++;
        const timeoutMs = req.timeoutMs ?? this.options.timeoutMs;
        // The signal bounds the whole attempt; undici's own timers bound each wait inside it.
        const signal = this.stop ? AbortSignal.any([AbortSignal.timeout(timeoutMs), this.stop]) : AbortSignal.timeout(timeoutMs);
        const body = typeof req.body === 'function' ? req.body() : req.body;
        const answer = await (0,undici_index_js__WEBPACK_IMPORTED_MODULE_0__.request)(`${this.origin}${this.basePath}${req.path}`, {
            method: method,
            headers: { 'user-agent': 'publish-to-collaborative-editors', ...this.options.headers, ...req.headers },
            body,
            signal,
            headersTimeout: timeoutMs,
            bodyTimeout: timeoutMs,
            // No redirect interceptor, on purpose: a 3xx comes back as it is (statusError explains it),
            // so the credentials in the headers never travel to another origin.
            dispatcher: this.getDispatcher()
        });
        const chunks = [];
        let size = 0;
        try {
            for await (const chunk of answer.body) {
                size += chunk.length;
                if (size > this.options.maxBodyBytes) {
                    throw this.error(`${this.service} answered ${label} with HTTP ${answer.statusCode} and more than ${formatSize(this.options.maxBodyBytes)}; refusing to read further`, answer.statusCode);
                }
                chunks.push(chunk);
            }
        }
        catch (error) {
            answer.body.destroy();
            throw error;
        }
        return { status: answer.statusCode, headers: answer.headers, body: Buffer.concat(chunks), attempts: attempt };
    }
    retryableStatus(policy, response) {
        if (policy === 'none' || !RETRYABLE_STATUS[policy].includes(response.status))
            return false;
        // A create is repeated only when the server said it did not act and when to come back.
        return policy === 'idempotent' || headerValue(response.headers, 'retry-after') !== undefined;
    }
    retryableError(policy, error) {
        if (policy === 'none' || error instanceof HttpError)
            return false;
        if (policy === 'idempotent')
            return true;
        return transportFailure(error) === 'not-sent';
    }
    /** Milliseconds to wait before the next attempt, or undefined to give up (Retry-After too long). */
    delayBefore(attempt, response) {
        const retryAfter = response ? parseRetryAfter(headerValue(response.headers, 'retry-after')) : undefined;
        if (retryAfter !== undefined)
            return retryAfter <= this.options.maxRetryAfterMs ? retryAfter : undefined;
        const ceiling = Math.min(this.options.backoffMs * 2 ** (attempt - 1), 15_000);
        // "Equal jitter": at least half the ceiling, so retries spread out but never hammer.
        return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
    }
    transportError(label, error, attempts, timeoutMs) {
        if (error instanceof HttpError)
            return error;
        const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
        const kind = transportFailure(error);
        const why = kind === 'timeout' ? `no answer within ${formatSeconds(timeoutMs)}` : describeTransportError(error);
        return this.error(`${this.service} ${label} failed${tries}: ${why}`, undefined, kind);
    }
}
function textOf(html) {
    return decodeEntities(html.replace(/<[^>]*>/g, ' '));
}
/** Text of the few entities error pages use; the rest stay as they are. */
function decodeEntities(text) {
    const named = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
    return text.replace(/&(#\d{1,6}|#x[0-9a-f]{1,6}|[a-z]+);/gi, (entity, code) => {
        if (code.startsWith('#')) {
            const point = code[1] === 'x' || code[1] === 'X' ? parseInt(code.slice(2), 16) : parseInt(code.slice(1), 10);
            return point > 0 && point <= 0x10ffff ? String.fromCodePoint(point) : entity;
        }
        return named[code.toLowerCase()] ?? entity;
    });
}
function formatSize(bytes) {
    return bytes >= 1024 * 1024
        ? `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MiB`
        : bytes >= 1024
            ? `${Math.round(bytes / 1024)} KiB`
            : `${bytes} bytes`;
}
function headerValue(headers, name) {
    const value = headers[name.toLowerCase()];
    return Array.isArray(value) ? value[0] : value;
}
/** Retry-After as milliseconds: delta-seconds or an HTTP date. */
function parseRetryAfter(value, now = Date.now()) {
    if (value === undefined || value.trim() === '')
        return undefined;
    if (/^\d+$/.test(value.trim()))
        return Number(value.trim()) * 1000;
    const date = Date.parse(value);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
function errorCode(error) {
    if (error && typeof error === 'object') {
        const own = error.code;
        if (typeof own === 'string')
            return own;
        const cause = error.cause;
        if (cause && typeof cause === 'object' && typeof cause.code === 'string') {
            return cause.code;
        }
    }
    return '';
}
function transportFailure(error) {
    if (isTimeout(error))
        return 'timeout';
    const code = errorCode(error);
    if (NOT_SENT_CODES.has(code))
        return 'not-sent';
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT')
        return 'timeout';
    return 'lost';
}
/** The abort of our timeout signal (a DOMException, not always `instanceof Error` across realms). */
function isTimeout(error) {
    const name = error !== null && typeof error === 'object' ? error.name : undefined;
    return name === 'TimeoutError' || name === 'AbortError';
}
function formatSeconds(ms) {
    return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
function describeTransportError(error) {
    if (isTimeout(error))
        return 'timed out waiting for the server';
    const code = errorCode(error);
    switch (code) {
        case 'ECONNREFUSED':
            return 'connection refused';
        case 'ENOTFOUND':
        case 'EAI_AGAIN':
            return 'host name not found';
        case 'UND_ERR_CONNECT_TIMEOUT':
            return 'timed out connecting';
        case 'UND_ERR_HEADERS_TIMEOUT':
        case 'UND_ERR_BODY_TIMEOUT':
            return 'timed out waiting for the server';
        case 'ECONNRESET':
        case 'UND_ERR_SOCKET':
            return 'the connection was closed before the answer was complete';
        default: {
            const message = (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .errorMessage */ .gJ)(error);
            return code ? `${message} (${code})` : message;
        }
    }
}


/***/ })

};

//# sourceMappingURL=193.index.js.map