export const id = 600;
export const ids = [600];
export const modules = {

/***/ 6600:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   E_: () => (/* binding */ createCocalcHttp),
/* harmony export */   I8: () => (/* binding */ EXEC_HTTP_TIMEOUT_MS),
/* harmony export */   KO: () => (/* binding */ copyStateOf),
/* harmony export */   QW: () => (/* binding */ EXEC_TIMEOUT_SECONDS),
/* harmony export */   SS: () => (/* binding */ TRANSIENT_STATUSES),
/* harmony export */   TN: () => (/* binding */ oneLine),
/* harmony export */   XD: () => (/* binding */ execResult),
/* harmony export */   au: () => (/* binding */ unexpectedAnswer),
/* harmony export */   credentialForms: () => (/* binding */ credentialForms),
/* harmony export */   j3: () => (/* binding */ envelopeError),
/* harmony export */   sU: () => (/* reexport safe */ _hashing_js__WEBPACK_IMPORTED_MODULE_2__.s),
/* harmony export */   tG: () => (/* binding */ httpFailure),
/* harmony export */   x5: () => (/* binding */ refusal)
/* harmony export */ });
/* unused harmony exports basicAuthorization, stringField */
/* harmony import */ var _http_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6803);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3916);
/* harmony import */ var _hashing_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8323);


/** `Authorization` value: the key as user name, empty password. */
function basicAuthorization(apiKey) {
    return `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`;
}
/** Every form of the key that could end up in a message, for masking and scrubbing. */
function credentialForms(apiKey) {
    const header = basicAuthorization(apiKey);
    return [apiKey, header, header.slice('Basic '.length)];
}
function createCocalcHttp(options) {
    return new _http_js__WEBPACK_IMPORTED_MODULE_0__/* .HttpClient */ .Qq({
        service: 'CoCalc',
        baseUrl: options.baseUrl,
        headers: { authorization: basicAuthorization(options.apiKey) },
        secrets: credentialForms(options.apiKey),
        connections: Math.max(2, options.concurrency),
        log: options.log,
        signal: options.signal,
        ...options.http
    });
}
// Defined beside the hashing that handles it, so a dry run loads no HTTP client through it.

/** Answers of proxies that may pass: 429, 502-504 and Cloudflare's 520-524. */
const TRANSIENT_STATUSES = [429, 502, 503, 504, 520, 521, 522, 523, 524];
/** Seconds a hash or decode exec may run; CoCalc cuts blocking execs at about 60 s. */
const EXEC_TIMEOUT_SECONDS = 55;
/** HTTP timeout for an exec: a little longer than the exec's own limit. */
const EXEC_HTTP_TIMEOUT_MS = (EXEC_TIMEOUT_SECONDS + 15) * 1000;
/**
 * The error for a call CoCalc refused in its own words (an error envelope, a 4xx/5xx text).
 * Refused keys and missing collaborator rights get advice naming the input to fix.
 */
function refusal(http, label, serverMessage, status) {
    const text = http.scrub(oneLine(typeof serverMessage === 'string' ? serverMessage : (JSON.stringify(serverMessage) ?? 'unknown error')));
    const said = text.length > 300 ? `${text.slice(0, 300)}…` : text;
    if (/must be signed in|not signed in|no account found|api key|unauthori[sz]ed/i.test(said)) {
        return new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ServiceError */ ._7(`CoCalc refused the API key (${label}: ${said}): check the 'cocalc-api-key' secret: it must be a valid API key of a CoCalc account on ${http.baseUrl} (Settings → API keys)`, status);
    }
    if (/collaborator/i.test(said)) {
        return new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ServiceError */ ._7(`CoCalc refused ${label}: ${said}: the API key's account must be a collaborator of the project (check 'project-id' and 'target-project-id')`, status);
    }
    return new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ServiceError */ ._7(`CoCalc refused ${label}: ${said}`, status);
}
/** An answer whose shape is not what the protocol promises: never taken as success. */
function unexpectedAnswer(http, label, response, what) {
    return new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ServiceError */ ._7(`CoCalc answered ${label} without ${what}: ${http.excerpt(response)}`, response.status);
}
/** The standard error for a non-success HTTP status, with advice for the common proxy limits. */
function httpFailure(http, label, response) {
    const advice = response.status === 413
        ? '(the request was larger than the server or its proxy accepts)'
        : response.status === 504
            ? '(the gateway gave up waiting for CoCalc)'
            : '';
    return http.statusError(response, label, advice);
}
function oneLine(text) {
    return text.replace(/\s+/g, ' ').trim();
}
/** A required string field of an answer, or undefined. */
function stringField(body, name) {
    const value = body[name];
    return typeof value === 'string' ? value : undefined;
}
/** The error carried by an answer, if any (`error` may be a string or an object). */
function envelopeError(body) {
    const error = body.error;
    return error === undefined || error === null || error === '' || error === false ? undefined : error;
}
/** stdout/stderr/exit_code of an exec answer; a missing field is a broken answer. */
function execResult(body) {
    const stdout = body.stdout;
    const stderr = body.stderr ?? '';
    const exitCode = body.exit_code;
    if (typeof stdout !== 'string' || typeof stderr !== 'string' || typeof exitCode !== 'number')
        return undefined;
    return { stdout, stderr, exitCode };
}
/** Interprets a copy status's timestamps and error: done when finished; failed when an error is set. */
function copyStateOf(started, finished, error) {
    if (error !== undefined && error !== null && error !== '') {
        return { state: 'failed', error: typeof error === 'string' ? error : JSON.stringify(error) };
    }
    if (finished !== undefined && finished !== null && finished !== '')
        return { state: 'finished' };
    if (started === undefined && finished === undefined && error === undefined)
        return undefined;
    return { state: 'running' };
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

//# sourceMappingURL=600.index.js.map