export const id = 797;
export const ids = [797,982];
export const modules = {

/***/ 3916:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   MI: () => (/* binding */ PROXY_TUNNEL_FAILED),
/* harmony export */   _7: () => (/* binding */ ServiceError),
/* harmony export */   dz: () => (/* binding */ InputError),
/* harmony export */   f6: () => (/* binding */ FileError),
/* harmony export */   gJ: () => (/* binding */ errorMessage),
/* harmony export */   lZ: () => (/* binding */ ActionError),
/* harmony export */   vP: () => (/* binding */ proxyTunnelFailure),
/* harmony export */   vd: () => (/* binding */ proxyRefusal)
/* harmony export */ });
class ActionError extends Error {
    name = 'ActionError';
}
class InputError extends ActionError {
    input;
    name = 'InputError';
    constructor(input, problem) {
        super(`Input '${input}': ${problem}`);
        this.input = input;
    }
}
class FileError extends ActionError {
    name = 'FileError';
}
class ServiceError extends ActionError {
    status;
    name = 'ServiceError';
    constructor(message, status) {
        super(message);
        this.status = status;
    }
}
function errorMessage(error) {
    if (error instanceof Error)
        return error.message;
    if (error !== null && typeof error === 'object' && typeof error.message === 'string')
        return error.message;
    return String(error);
}
const PROXY_TUNNEL_FAILED = 'PROXY_TUNNEL_FAILED';
function findCause(error, test) {
    let current = error;
    for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
        const candidate = current;
        if (test(candidate))
            return candidate;
        current = candidate.cause;
    }
    return undefined;
}
const PROXY_REFUSAL = /^Proxy response \((\d{3})\) !== 200/;
function proxyRefusal(error) {
    const found = findCause(error, ({ message }) => typeof message === 'string' && PROXY_REFUSAL.test(message));
    const status = found ? PROXY_REFUSAL.exec(String(found.message))?.[1] : undefined;
    return status === undefined ? undefined : Number(status);
}
function proxyTunnelFailure(error) {
    const found = findCause(error, ({ code }) => code === PROXY_TUNNEL_FAILED);
    return found ? errorMessage(found) : undefined;
}


/***/ }),

/***/ 4797:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  run: () => (/* binding */ run)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 12 modules
var core = __webpack_require__(143);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
;// CONCATENATED MODULE: ./src/text.ts
const BREAKS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
function oneLine(text) {
    return text.replace(BREAKS, ' ').replace(/\s+/g, ' ').trim();
}
function inert(text) {
    return oneLine(text).replace(/^::/, ': :').replace(/##\[/g, '## [');
}
function truncate(text, max) {
    if (text.length <= max)
        return text;
    let end = Math.max(0, max - 1);
    const last = text.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff)
        end--;
    return `${text.slice(0, end)}…`;
}
function serverText(text, scrubber = NO_SECRETS, max = 300) {
    const cleaned = inert(scrubber.scrub(oneLine(scrubber.scrub(text))));
    return truncate(cleaned, max);
}
const MIN_SECRET_LENGTH = 3;
function secretForms(secret) {
    if (secret.length < MIN_SECRET_LENGTH)
        return [];
    const base64 = Buffer.from(secret).toString('base64');
    const forms = [
        secret,
        ...withLowerHex([
            encodeURIComponent(secret),
            encodeURIComponent(secret).replace(/%20/g, '+'),
            new URLSearchParams({ s: secret }).toString().slice(2),
            encodeURI(secret),
            percentEncode(secret, /[A-Za-z0-9_.~-]/),
            percentEncode(secret, /[A-Za-z0-9_.~/-]/),
            percentEncode(secret, /[A-Za-z0-9_.~ -]/).replace(/ /g, '+')
        ]),
        ...jsonForms(secret),
        base64,
        `Basic ${base64}`,
        base64.replace(/=+$/, ''),
        Buffer.from(secret).toString('base64url')
    ];
    return [...new Set(forms)].filter((form) => form.length >= MIN_SECRET_LENGTH);
}
function withLowerHex(forms) {
    return forms.flatMap((form) => [form, form.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase())]);
}
function percentEncode(text, safe) {
    return [...text]
        .map((char) => (safe.test(char) ? char : [...Buffer.from(char)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('')))
        .join('');
}
function jsonForms(secret) {
    const plain = JSON.stringify(secret).slice(1, -1);
    const escapedSets = [/(?!)/g, /[\u007f-\uffff]/g, /[<>&\u2028\u2029]/g, /[<>&\u007f-\uffff]/g];
    const forms = [];
    for (const slash of [plain, plain.replace(/\//g, '\\/')]) {
        for (const escaped of escapedSets) {
            for (const upper of [false, true]) {
                forms.push(slash.replace(escaped, (char) => {
                    const hex = char.charCodeAt(0).toString(16).padStart(4, '0');
                    return `\\u${upper ? hex.toUpperCase() : hex}`;
                }));
            }
        }
    }
    return forms;
}
class Scrubber {
    forms;
    constructor(secrets = []) {
        const forms = new Set();
        for (const secret of secrets)
            for (const form of secretForms(secret))
                forms.add(form);
        this.forms = [...forms].sort((a, b) => b.length - a.length);
    }
    scrub(text) {
        let result = text;
        for (const form of this.forms)
            result = result.split(form).join('***');
        return result;
    }
    dropCutSecret(text) {
        let cut = 0;
        for (const form of this.forms) {
            for (let length = Math.min(form.length - 1, text.length); length > cut; length--) {
                if (text.endsWith(form.slice(0, length)))
                    cut = length;
            }
        }
        return text.slice(0, text.length - cut);
    }
}
const NO_SECRETS = new Scrubber();
function htmlToText(html) {
    const withoutCode = html.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ');
    const bodyText = textOf(withoutCode.replace(/<head[\s\S]*?<\/head>/gi, ' '));
    return bodyText.trim() === '' ? textOf(withoutCode) : bodyText;
}
function looksLikeHtml(text, contentType = '') {
    return /^\s*</.test(text) || /html/i.test(contentType);
}
function textOf(html) {
    return decodeEntities(html.replace(/<[^>]*>/g, ' '));
}
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
function formatBytes(bytes) {
    if (bytes < 1024)
        return `${bytes} B`;
    const units = ['KiB', 'MiB', 'GiB', 'TiB'];
    let value = bytes / 1024;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
        value /= 1024;
        unit++;
    }
    const shown = value >= 10 || Number.isInteger(value) ? Math.round(value).toString() : value.toFixed(1);
    return `${shown} ${units[unit]}`;
}
function describeSize(bytes) {
    const short = formatBytes(bytes);
    return bytes < 1024 ? short : `${short}, ${bytes} bytes`;
}
function isUuid(text) {
    return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text);
}
const URL_SAFE = /[A-Za-z0-9\-._~:/?#@&=+,%]/;
function normaliseHttpUrl(text, base) {
    if (text === '' || text.length > 2048 || /[\s\u0000-\u001f\u007f]/.test(text))
        return undefined;
    let url;
    try {
        url = base === undefined ? new URL(text) : new URL(text, base);
    }
    catch {
        return undefined;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
        return undefined;
    if (url.username || url.password)
        return undefined;
    if (!/^(\[[0-9a-f:.]+\]|[a-z0-9._-]+)(:\d+)?$/i.test(url.host))
        return undefined;
    const encode = (part) => [...part]
        .map((char) => (URL_SAFE.test(char) ? char : [...Buffer.from(char)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('')))
        .join('');
    return `${url.protocol}//${url.host}${encode(url.pathname)}${encode(url.search)}${encode(url.hash)}`;
}

;// CONCATENATED MODULE: ./src/inputs.ts



const Input = {
    Mode: 'mode',
    Files: 'files',
    WorkingDirectory: 'working-directory',
    IncludeHiddenFiles: 'include-hidden-files',
    IfNoFilesFound: 'if-no-files-found',
    MaxFileSize: 'max-file-size',
    DryRun: 'dry-run',
    Comment: 'comment',
    CommentTag: 'comment-tag',
    PrNumber: 'pr-number',
    GithubToken: 'github-token',
    Concurrency: 'concurrency',
    CocodeUrl: 'cocode-url',
    CocodeUsername: 'cocode-username',
    CocodePassword: 'cocode-password',
    Description: 'description',
    RequestTimeout: 'request-timeout',
    CocalcUrl: 'cocalc-url',
    CocalcApiKey: 'cocalc-api-key',
    CocalcApi: 'cocalc-api',
    ProjectId: 'project-id',
    Path: 'path',
    TargetProjectId: 'target-project-id',
    TargetPath: 'target-path',
    OverwriteNewer: 'overwrite-newer',
    DeleteMissing: 'delete-missing',
    Backup: 'backup',
    Exclude: 'exclude',
    Wait: 'wait',
    Timeout: 'timeout',
    Verify: 'verify',
    ChangedFilesOnly: 'changed-files-only',
    Share: 'share',
    ShareDescription: 'share-description'
};
const MODES = ['cocode', 'cocalc'];
const SHARE_MODES = ['none', 'unlisted', 'public', 'authenticated'];
const SHARE_DESCRIPTION_MAX = 1024;
function envInputReader(env = process.env) {
    return (name) => (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}
const DEFAULT_MAX_FILE_SIZE = 10 * 1024 ** 2;
function readInputs(options = {}) {
    const source = inputSource(options);
    const mode = readMode(source.read);
    const common = readCommonInputs(source);
    return mode === 'cocode' ? readCocodeInputs(source, common) : readCocalcInputs(source, common);
}
function inputSource(options) {
    const env = options.env ?? process.env;
    const read = options.read ?? envInputReader(env);
    const mask = options.maskSecret ?? (() => undefined);
    const missingCredentials = [];
    const secret = (name) => {
        const value = read(name);
        if (value)
            mask(value);
        else
            missingCredentials.push(name);
        return value;
    };
    return { read, mask, env, secret, missingCredentials };
}
function readMode(read) {
    const modeText = read(Input.Mode).toLowerCase();
    if (!modeText)
        throw new errors/* InputError */.dz(Input.Mode, `is required: use ${listOf(MODES)}`);
    if (!isMode(modeText))
        throw new errors/* InputError */.dz(Input.Mode, `'${read(Input.Mode)}' is not a mode: use ${listOf(MODES)}`);
    return modeText;
}
function readCommonInputs({ read, mask, env, missingCredentials }) {
    const githubToken = read(Input.GithubToken);
    if (githubToken)
        mask(githubToken);
    return {
        patterns: parsePatterns(read(Input.Files)),
        workingDirectory: parseWorkingDirectory(read(Input.WorkingDirectory), env),
        includeHiddenFiles: parseBoolean(Input.IncludeHiddenFiles, read(Input.IncludeHiddenFiles), false),
        ifNoFilesFound: parseChoice(Input.IfNoFilesFound, read(Input.IfNoFilesFound), ['error', 'warn', 'ignore'], 'error'),
        maxFileSize: parseSize(Input.MaxFileSize, read(Input.MaxFileSize), DEFAULT_MAX_FILE_SIZE),
        dryRun: parseBoolean(Input.DryRun, read(Input.DryRun), false),
        comment: parseBoolean(Input.Comment, read(Input.Comment), true),
        commentTag: parseCommentTag(read(Input.CommentTag)),
        prNumber: parseOptionalInteger(Input.PrNumber, read(Input.PrNumber), 1, Number.MAX_SAFE_INTEGER),
        githubToken,
        concurrency: parseOptionalInteger(Input.Concurrency, read(Input.Concurrency), 1, 64) ?? 8,
        changedFilesOnly: parseBoolean(Input.ChangedFilesOnly, read(Input.ChangedFilesOnly), false),
        missingCredentials
    };
}
function readCocodeInputs({ read, mask, secret }, common) {
    if (common.patterns.length === 0) {
        throw new errors/* InputError */.dz(Input.Files, 'is required in cocode mode: give one glob pattern per line');
    }
    if (parseChoice(Input.Share, read(Input.Share), SHARE_MODES, 'none') !== 'none') {
        throw new errors/* InputError */.dz(Input.Share, "publishes on CoCalc's share server: it works in cocalc mode only (use 'none' or leave it empty)");
    }
    const description = read(Input.Description);
    const username = secret(Input.CocodeUsername);
    const password = secret(Input.CocodePassword);
    if (username || password)
        mask(Buffer.from(`${username}:${password}`).toString('base64'));
    return {
        ...common,
        mode: 'cocode',
        cocodeUrl: parseServiceUrl(Input.CocodeUrl, read(Input.CocodeUrl), 'https://cocode.io', mask),
        username,
        password,
        description: description || undefined,
        requestTimeoutSeconds: parseOptionalInteger(Input.RequestTimeout, read(Input.RequestTimeout), 1, 3600) ?? 120
    };
}
function readCocalcInputs({ read, mask, env, secret }, common) {
    const apiKey = secret(Input.CocalcApiKey);
    if (apiKey)
        mask(Buffer.from(`${apiKey}:`).toString('base64'));
    const api = parseChoice(Input.CocalcApi, read(Input.CocalcApi).toLowerCase(), ['v1', 'v2'], 'v2');
    const projectIdText = read(Input.ProjectId);
    if (!projectIdText)
        throw new errors/* InputError */.dz(Input.ProjectId, 'is required in cocalc mode: the UUID of the project to upload to');
    const projectId = parseUuid(Input.ProjectId, projectIdText);
    const projectPath = parseProjectPath(Input.Path, read(Input.Path) || defaultPath(env));
    const targetPathText = read(Input.TargetPath);
    const targetPath = targetPathText ? parseProjectPath(Input.TargetPath, targetPathText) : projectPath;
    const targetProjectIds = parseTargets(read(Input.TargetProjectId));
    if (targetProjectIds.some((id) => id === projectId) && targetPath === projectPath) {
        throw new errors/* InputError */.dz(Input.TargetProjectId, `copies '${projectPath}' of project ${projectId} onto itself: set a different 'target-path'`);
    }
    const exclude = parseLines(read(Input.Exclude));
    if (exclude.length > 0 && api === 'v2') {
        throw new errors/* InputError */.dz(Input.Exclude, "is supported by CoCalc's API v1 only: remove it, or set 'cocalc-api: v1' for an older server");
    }
    const cocalc = {
        ...common,
        mode: 'cocalc',
        cocalcUrl: parseServiceUrl(Input.CocalcUrl, read(Input.CocalcUrl), 'https://cocalc.com', mask),
        apiKey,
        api,
        projectId,
        path: projectPath,
        targetProjectIds,
        targetPath,
        copyOnly: common.patterns.length === 0,
        overwriteNewer: parseBoolean(Input.OverwriteNewer, read(Input.OverwriteNewer), false),
        deleteMissing: parseBoolean(Input.DeleteMissing, read(Input.DeleteMissing), false),
        backup: parseBoolean(Input.Backup, read(Input.Backup), false),
        exclude,
        wait: parseBoolean(Input.Wait, read(Input.Wait), true),
        timeoutSeconds: parseOptionalInteger(Input.Timeout, read(Input.Timeout), 1, 24 * 3600) ?? 600,
        verify: parseBoolean(Input.Verify, read(Input.Verify), true),
        share: parseChoice(Input.Share, read(Input.Share), SHARE_MODES, 'none'),
        shareDescription: parseShareDescription(read(Input.ShareDescription))
    };
    if (cocalc.copyOnly && cocalc.targetProjectIds.length === 0) {
        throw new errors/* InputError */.dz(Input.Files, `is empty and so is 'target-project-id': nothing to do. Give glob patterns to upload, or target projects to copy the existing '${projectPath}' folder to`);
    }
    return cocalc;
}
function isMode(value) {
    return MODES.includes(value);
}
function listOf(values) {
    return values.map((v) => `'${v}'`).join(' or ');
}
function parseLines(text) {
    return text
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line.length > 0);
}
function parsePatterns(text) {
    return parseLines(text).filter((line) => !line.startsWith('#'));
}
function parseBoolean(name, text, fallback) {
    if (text === '')
        return fallback;
    const value = text.toLowerCase();
    if (['true', 'yes', 'on', '1'].includes(value))
        return true;
    if (['false', 'no', 'off', '0'].includes(value))
        return false;
    throw new errors/* InputError */.dz(name, `'${text}' is not a boolean: use 'true' or 'false'`);
}
function parseChoice(name, text, choices, fallback) {
    if (text === '')
        return fallback;
    const value = text.toLowerCase();
    const found = choices.find((choice) => choice === value);
    if (found === undefined)
        throw new errors/* InputError */.dz(name, `'${text}' is not one of ${choices.map((c) => `'${c}'`).join(', ')}`);
    return found;
}
const SIZE_UNITS = {
    '': 1,
    b: 1,
    k: 1024,
    kb: 1000,
    kib: 1024,
    m: 1024 ** 2,
    mb: 1000 ** 2,
    mib: 1024 ** 2,
    g: 1024 ** 3,
    gb: 1000 ** 3,
    gib: 1024 ** 3
};
function parseSize(name, text, fallback) {
    if (text === '')
        return fallback;
    const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text);
    const unit = match ? SIZE_UNITS[match[2].toLowerCase()] : undefined;
    if (!match || unit === undefined) {
        throw new errors/* InputError */.dz(name, `'${text}' is not a size: use bytes or a number with KiB, MiB or GiB (e.g. 10MiB)`);
    }
    const bytes = Math.floor(Number(match[1]) * unit);
    if (bytes < 1)
        throw new errors/* InputError */.dz(name, `'${text}' is less than 1 byte`);
    if (!Number.isSafeInteger(bytes))
        throw new errors/* InputError */.dz(name, `'${text}' is too large`);
    return bytes;
}
function parseOptionalInteger(name, text, min, max) {
    if (text === '')
        return undefined;
    const cleaned = text.startsWith('#') ? text.slice(1) : text;
    if (!/^\d+$/.test(cleaned))
        throw new errors/* InputError */.dz(name, `'${text}' is not a whole number`);
    const value = Number(cleaned);
    if (value < min || value > max)
        throw new errors/* InputError */.dz(name, `${value} is out of range: use ${min} to ${max}`);
    return value;
}
function parseUuid(name, text) {
    if (!isUuid(text))
        throw new errors/* InputError */.dz(name, `'${text}' is not a project UUID (like 0b2e6b5f-2c2f-4b86-9a7e-1f0f3c1f5a10)`);
    return text.toLowerCase();
}
function parseTargets(text) {
    const ids = text
        .split(/[\n,]/)
        .map((part) => part.trim())
        .filter((part) => part.length > 0)
        .map((part) => parseUuid(Input.TargetProjectId, part));
    return [...new Set(ids)];
}
function parseProjectPath(name, text) {
    if (/[\u0000-\u001f\u007f]/.test(text))
        throw new errors/* InputError */.dz(name, 'contains a control character');
    if (text.includes('\\'))
        throw new errors/* InputError */.dz(name, `'${text}' contains a backslash: use '/' between folders`);
    if (text.startsWith('/') || text.startsWith('~')) {
        throw new errors/* InputError */.dz(name, `'${text}' is absolute: give a folder relative to the project's home`);
    }
    const segments = text.split('/').filter((segment) => segment !== '' && segment !== '.');
    if (segments.includes('..'))
        throw new errors/* InputError */.dz(name, `'${text}' contains '..': give a folder inside the project's home`);
    if (segments.length === 0)
        throw new errors/* InputError */.dz(name, `'${text}' names the project's home itself: give a folder inside it`);
    if (segments[0].startsWith('~'))
        throw new errors/* InputError */.dz(name, `'${text}' starts with '~': give a folder relative to the project's home`);
    return segments.join('/');
}
function defaultPath(env) {
    const repository = env.GITHUB_REPOSITORY ?? '';
    const name = repository.split('/')[1];
    return name || 'repository';
}
function parseWorkingDirectory(text, env) {
    const workspace = env.GITHUB_WORKSPACE || process.cwd();
    return external_node_path_.resolve(workspace, text || '.');
}
function parseShareDescription(text) {
    if (text === '')
        return undefined;
    const length = [...text].length;
    if (length > SHARE_DESCRIPTION_MAX) {
        throw new errors/* InputError */.dz(Input.ShareDescription, `is ${length} characters long: CoCalc shows at most ${SHARE_DESCRIPTION_MAX}`);
    }
    return text;
}
function parseCommentTag(text) {
    if (text === '')
        return undefined;
    if (!/^[\w .:/@+=-]{1,100}$/.test(text)) {
        throw new errors/* InputError */.dz(Input.CommentTag, 'use up to 100 letters, digits, spaces and . _ : / @ + = -');
    }
    return text;
}
function parseServiceUrl(name, text, fallback, mask) {
    if (text === '')
        return fallback;
    const hasQuery = maskQuery(text, mask);
    let url;
    try {
        url = new URL(text);
    }
    catch {
        const userInfo = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)@/i.exec(text)?.[1];
        if (userInfo) {
            for (const part of userInfo.split(':'))
                if (part)
                    mask(part);
            throw new errors/* InputError */.dz(name, 'is not a valid URL, and must not contain credentials: pass them in their own secret inputs');
        }
        if (hasQuery)
            throw new errors/* InputError */.dz(name, 'is not a valid URL, and must be a base URL without ?query or #fragment');
        throw new errors/* InputError */.dz(name, `'${text}' is not a URL`);
    }
    if (url.username || url.password) {
        for (const part of [url.username, url.password]) {
            if (!part)
                continue;
            mask(part);
            const decoded = safeDecode(part);
            if (decoded !== part)
                mask(decoded);
        }
        throw new errors/* InputError */.dz(name, 'must not contain credentials: pass them in their own secret inputs');
    }
    if (hasQuery || url.search || url.hash)
        throw new errors/* InputError */.dz(name, 'must be a base URL without ?query or #fragment');
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        throw new errors/* InputError */.dz(name, `'${text}' must start with https:// (or http:// for a local server)`);
    }
    return url.toString().replace(/\/+$/, '');
}
function isLoopback(hostname) {
    return hostname === 'localhost' || hostname.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(hostname) || hostname === '[::1]';
}
function cleartextWarning(inputs) {
    const [name, text] = inputs.mode === 'cocode' ? [Input.CocodeUrl, inputs.cocodeUrl] : [Input.CocalcUrl, inputs.cocalcUrl];
    const url = new URL(text);
    if (url.protocol !== 'http:' || isLoopback(url.hostname))
        return undefined;
    return `Input '${name}': ${text} is not https, so the credential travels in clear text: use https:// unless the network between the runner and the server is trusted`;
}
function maskQuery(text, mask) {
    const at = text.search(/[?#]/);
    if (at < 0)
        return false;
    for (const pair of text.slice(at + 1).split(/[&#;]/)) {
        const value = pair.slice(pair.indexOf('=') + 1);
        for (const form of new Set([pair, value, safeDecode(value)]))
            if (form.length >= 3)
                mask(form);
    }
    return true;
}
function safeDecode(text) {
    try {
        return decodeURIComponent(text);
    }
    catch {
        return text;
    }
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:buffer"
var external_node_buffer_ = __webpack_require__(4573);
// EXTERNAL MODULE: ./node_modules/@actions/glob/lib/glob.js + 17 modules
var glob = __webpack_require__(2377);
;// CONCATENATED MODULE: ./src/concurrency.ts
async function mapLimit(items, limit, worker) {
    const results = new Array(items.length);
    let next = 0;
    let failure;
    const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
        while (failure === undefined && next < items.length) {
            const index = next++;
            try {
                results[index] = await worker(items[index], index);
            }
            catch (error) {
                failure ??= { error };
            }
        }
    });
    await Promise.all(lanes);
    if (failure !== undefined)
        throw failure.error;
    return results;
}
function concurrency_sleep(ms, signal) {
    return new Promise((resolve, reject) => {
        if (signal?.aborted)
            return reject(signal.reason);
        const timer = setTimeout(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
        }, ms);
        const onAbort = () => {
            clearTimeout(timer);
            reject(signal?.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
    });
}
function createLimiter(limit) {
    let running = 0;
    const waiting = [];
    return async (task) => {
        while (running >= Math.max(1, limit))
            await new Promise((resolve) => waiting.push(resolve));
        running++;
        try {
            return await task();
        }
        finally {
            running--;
            waiting.shift()?.();
        }
    };
}

;// CONCATENATED MODULE: ./src/fileio.ts

function openForReading(path) {
    return new Promise((resolve, reject) => external_node_fs_.open(path, 'r', (error, fd) => (error ? reject(error) : resolve(fd))));
}
function closeFile(fd) {
    return new Promise((resolve, reject) => external_node_fs_.close(fd, (error) => (error ? reject(error) : resolve())));
}
function readAt(fd, buffer, offset, length, position) {
    return new Promise((resolve, reject) => external_node_fs_.read(fd, buffer, offset, length, position, (error, bytesRead) => (error ? reject(error) : resolve(bytesRead))));
}
async function readFully(fd, buffer, length, position) {
    let filled = 0;
    while (filled < length) {
        const bytesRead = await readAt(fd, buffer, filled, length - filled, position + filled);
        if (bytesRead === 0)
            break;
        filled += bytesRead;
    }
    return filled;
}
async function withOpenFile(path, use) {
    const fd = await openForReading(path);
    try {
        return await use(fd);
    }
    finally {
        await closeFile(fd);
    }
}
const SMALL_FILE_BYTES = 64 * 1024;
function readSmallFile(path, expectedSize) {
    const fd = external_node_fs_.openSync(path, external_node_fs_.constants.O_RDONLY | (external_node_fs_.constants.O_NONBLOCK ?? 0));
    try {
        const buffer = Buffer.allocUnsafe(expectedSize + 1);
        let filled = 0;
        while (filled < buffer.length) {
            const bytesRead = external_node_fs_.readSync(fd, buffer, filled, buffer.length - filled, filled);
            if (bytesRead === 0)
                break;
            filled += bytesRead;
        }
        return buffer.subarray(0, filled);
    }
    finally {
        external_node_fs_.closeSync(fd);
    }
}
async function readInPieces(path, pieceBytes, onPiece) {
    await withOpenFile(path, async (fd) => {
        const buffer = Buffer.allocUnsafe(pieceBytes);
        for (let position = 0;;) {
            const bytesRead = await readFully(fd, buffer, buffer.length, position);
            if (bytesRead > 0)
                onPiece(buffer.subarray(0, bytesRead));
            position += bytesRead;
            if (bytesRead < buffer.length)
                return;
        }
    });
}

;// CONCATENATED MODULE: ./src/files.ts










async function collectFiles(options) {
    const baseDir = external_node_path_.resolve(options.baseDir);
    const realBase = await realBaseDir(baseDir);
    const skipped = [];
    const rooted = [];
    for (const pattern of options.patterns) {
        const result = rootPattern(pattern, baseDir, realBase);
        if ('refused' in result)
            skipped.push({ name: `pattern ${pattern}`, reason: result.refused });
        else if (result.pattern !== undefined)
            rooted.push(result.pattern);
    }
    const found = rooted.some((pattern) => !pattern.startsWith('!')) ? await findCandidates(rooted, realBase, options, skipped) : [];
    const accepted = [];
    for (const { name, match, checked } of found) {
        const reason = 'reason' in checked ? checked.reason : hiddenTargetProblem(checked.real, options.includeHiddenFiles);
        if (reason !== undefined)
            skipped.push({ name, reason });
        else if ('size' in checked)
            accepted.push({ name, absolutePath: match, size: checked.size });
    }
    accepted.sort((a, b) => compareNames(a.name, b.name));
    refuseTooLarge(accepted, options.maxFileSize);
    const files = await mapLimit(accepted, options.concurrency ?? 8, async (file) => {
        const { sha256, isText } = await inspectFile(file.absolutePath, file.name, file.size);
        return { ...file, sha256, isText };
    });
    return { files, skipped };
}
async function findCandidates(rooted, realBase, options, skipped) {
    const candidates = new Map();
    const limit = createLimiter(options.concurrency ?? 8);
    const realFolders = new Map();
    const realFolder = (folder) => {
        let real = realFolders.get(folder);
        if (!real)
            realFolders.set(folder, (real = promises_.realpath(folder)));
        return real;
    };
    const globber = await glob/* create */.v(rooted.join('\n'), {
        followSymbolicLinks: false,
        implicitDescendants: true,
        matchDirectories: false,
        omitBrokenSymbolicLinks: true,
        excludeHiddenFiles: !options.includeHiddenFiles && !external_node_path_.basename(realBase).startsWith('.')
    });
    let gitFiles = 0;
    const unreadable = [];
    await walkTolerantly(globber, unreadable, (match, seen) => {
        const relative = external_node_path_.relative(realBase, match);
        if (!isInsideRelative(relative))
            return void skipped.push({ name: match, reason: 'is outside the working directory' });
        const name = toPosix(relative);
        if (options.only && !options.only.has(name))
            return;
        if (isHiddenPath(name)) {
            if (options.includeHiddenFiles && isGitPath(name))
                gitFiles++;
            if (!options.includeHiddenFiles || isGitPath(name))
                return;
        }
        const problem = nameProblem(name);
        if (problem)
            return void skipped.push({ name: JSON.stringify(name), reason: problem });
        if (!candidates.has(name))
            candidates.set(name, limit(async () => ({ name, match, checked: await checkCandidate(match, realBase, realFolder, seen) })));
    });
    skipped.push(...(await describeUnreadable(unreadable, realBase, options.includeHiddenFiles)));
    if (gitFiles > 0)
        skipped.push({ name: '.git/', reason: `is never published (${gitFiles} file(s) left out)` });
    return Promise.all(candidates.values());
}
function refuseTooLarge(files, maxFileSize) {
    const tooLarge = files.filter((file) => file.size > maxFileSize);
    if (tooLarge.length === 0)
        return;
    const listed = tooLarge.slice(0, 5).map((f) => `${f.name} (${describeSize(f.size)})`);
    const more = tooLarge.length > 5 ? ` and ${tooLarge.length - 5} more` : '';
    throw new errors/* FileError */.f6(`${listed.join(', ')}${more} ${tooLarge.length === 1 ? 'is' : 'are'} larger than max-file-size (${describeSize(maxFileSize)}): raise 'max-file-size' or exclude ${tooLarge.length === 1 ? 'it' : 'them'} with a '!' pattern`);
}
function rootPattern(pattern, baseDir, globBase = baseDir) {
    const negation = /^!*/.exec(pattern)?.[0] ?? '';
    let body = pattern.slice(negation.length).trim();
    const excludes = negation.length % 2 === 1;
    if (body === '')
        return { pattern: undefined };
    if (external_node_path_.isAbsolute(body)) {
        const relative = external_node_path_.relative(baseDir, external_node_path_.normalize(body));
        if (relative !== '' && !isInsideRelative(relative))
            return excludes ? { pattern: undefined } : { refused: OUTSIDE_PATTERN };
        body = (relative || '.') + (/[\\/]$/.test(body) ? external_node_path_.sep : '');
    }
    const normalized = external_node_path_.normalize(body);
    if (normalized === '..' || normalized.startsWith(`..${external_node_path_.sep}`))
        return excludes ? { pattern: undefined } : { refused: OUTSIDE_PATTERN };
    const rooted = normalized === '.' || normalized === `.${external_node_path_.sep}` ? globEscape(globBase) : external_node_path_.join(globEscape(globBase), normalized);
    return { pattern: negation + rooted };
}
const OUTSIDE_PATTERN = 'reaches outside the working directory, so nothing it matches is published';
function globEscape(text) {
    return (process.platform === 'win32' ? text : text.replace(/\\/g, '\\\\'))
        .replace(/(\[)(?=[^/]+\])/g, '[[]')
        .replace(/\?/g, '[?]')
        .replace(/\*/g, '[*]');
}
function nameProblem(name) {
    if (/[\u0000-\u001f\u007f]/.test(name))
        return 'has a control character (such as a newline) in its name';
    if (Buffer.byteLength(name) > 4096)
        return 'has a path longer than 4096 bytes';
    if (name.split('/').some((segment) => Buffer.byteLength(segment) > 255))
        return 'has a file name longer than 255 bytes';
    return undefined;
}
async function realBaseDir(baseDir) {
    try {
        const real = await promises_.realpath(baseDir);
        if (!(await promises_.stat(real)).isDirectory())
            throw new errors/* FileError */.f6(`working-directory '${baseDir}' is not a folder`);
        return real;
    }
    catch (error) {
        if (error instanceof errors/* FileError */.f6)
            throw error;
        throw new errors/* FileError */.f6(`working-directory '${baseDir}' cannot be read: ${(0,errors/* errorMessage */.gJ)(error)}`);
    }
}
async function checkCandidate(match, realBase, realFolder, seen) {
    const own = seen ?? lstatOrUndefined(match);
    if (own?.isFile()) {
        const folder = await realFolder(external_node_path_.dirname(match)).catch(() => undefined);
        const real = folder === undefined ? '' : external_node_path_.relative(realBase, external_node_path_.join(folder, external_node_path_.basename(match)));
        if (isInsideRelative(real))
            return { size: own.size, real: toPosix(real) };
    }
    let real;
    try {
        real = await promises_.realpath(match);
    }
    catch (error) {
        const isLink = await promises_.lstat(match).then((stats) => stats.isSymbolicLink(), () => false);
        return { reason: isLink ? 'is a broken symbolic link' : `cannot be read: ${(0,errors/* errorMessage */.gJ)(error)}` };
    }
    const realRelative = external_node_path_.relative(realBase, real);
    if (!isInsideRelative(realRelative))
        return { reason: 'resolves outside the working directory (symbolic link)' };
    let stats;
    try {
        stats = await promises_.stat(real);
    }
    catch (error) {
        return { reason: `cannot be read: ${(0,errors/* errorMessage */.gJ)(error)}` };
    }
    if (stats.isDirectory())
        return { reason: 'is a symbolic link to a folder, which is not followed' };
    if (!stats.isFile())
        return { reason: 'is not a regular file' };
    return { size: stats.size, real: toPosix(realRelative) };
}
function lstatOrUndefined(file) {
    try {
        return (0,external_node_fs_.lstatSync)(file, { throwIfNoEntry: false });
    }
    catch {
        return undefined;
    }
}
function isHiddenPath(name) {
    return name.split('/').some((segment) => segment.startsWith('.'));
}
function isGitPath(name) {
    return name.split('/').some((segment) => segment.toLowerCase() === '.git');
}
function hiddenTargetProblem(real, includeHiddenFiles) {
    if (isGitPath(real)) {
        return includeHiddenFiles
            ? 'leads into .git/, which is never published'
            : `leads into a hidden place (${real}), which is never published through a link`;
    }
    if (!includeHiddenFiles && isHiddenPath(real))
        return `leads into a hidden place (${real}), which is never published through a link`;
    return undefined;
}
async function walkTolerantly(globber, unreadable, take) {
    const walker = globber.constructor;
    const original = walker.stat;
    let last;
    if (typeof original === 'function') {
        walker.stat = async (item, ...rest) => {
            try {
                if (rest[0]?.followSymbolicLinks === false) {
                    last = { path: item.path, stats: (0,external_node_fs_.lstatSync)(item.path) };
                    return last.stats;
                }
                return await original.call(walker, item, ...rest);
            }
            catch (error) {
                if (error?.code !== 'ENOENT')
                    throw error;
                unreadable.push(item.path);
                return undefined;
            }
        };
    }
    try {
        for await (const match of globber.globGenerator())
            take(match, last?.path === match ? last.stats : undefined);
    }
    finally {
        if (typeof original === 'function')
            walker.stat = original;
    }
}
async function describeUnreadable(paths, realBase, includeHiddenFiles) {
    const skipped = [];
    for (const unreadable of paths) {
        const relative = toPosix(external_node_path_.relative(realBase, unreadable));
        if (!includeHiddenFiles && isHiddenPath(relative))
            continue;
        if (!relative.includes('\ufffd')) {
            skipped.push({ name: relative, reason: 'disappeared while the files were being collected' });
            continue;
        }
        const folder = external_node_path_.dirname(unreadable);
        const entries = await promises_.readdir(folder, { encoding: 'buffer' }).catch(() => []);
        const raw = entries.filter((entry) => !(0,external_node_buffer_.isUtf8)(entry) && entry.toString('utf8') === external_node_path_.basename(unreadable));
        const parent = toPosix(external_node_path_.relative(realBase, folder));
        for (const entry of raw.length > 0 ? raw : [Buffer.from(external_node_path_.basename(unreadable))]) {
            const shown = (parent === '' ? '' : `${parent}/`) + escapeInvalidUtf8(entry);
            skipped.push({ name: `"${shown}"`, reason: 'has a name that is not valid UTF-8, so it cannot be published under its name' });
        }
    }
    return skipped;
}
function escapeInvalidUtf8(bytes) {
    let text = '';
    let at = 0;
    while (at < bytes.length) {
        const length = sequenceLength(bytes[at]);
        const piece = bytes.subarray(at, at + length);
        if (piece.length === length && (0,external_node_buffer_.isUtf8)(piece) && (length > 1 || bytes[at] < 0x80)) {
            text += piece.toString('utf8');
            at += length;
        }
        else {
            text += `\\x${bytes[at].toString(16).padStart(2, '0')}`;
            at++;
        }
    }
    return text;
}
function isInsideRelative(relative) {
    return relative !== '' && relative !== '..' && !relative.startsWith(`..${external_node_path_.sep}`) && !external_node_path_.isAbsolute(relative);
}
const INSPECT_PIECE_BYTES = 256 * 1024;
async function inspectFile(absolutePath, name, expectedSize) {
    const hash = (0,external_node_crypto_.createHash)('sha256');
    const text = new Utf8Check();
    let size = 0;
    const take = (piece) => {
        hash.update(piece);
        text.push(piece);
        size += piece.length;
    };
    try {
        if (expectedSize <= SMALL_FILE_BYTES)
            take(readSmallFile(absolutePath, expectedSize));
        else
            await readInPieces(absolutePath, INSPECT_PIECE_BYTES, take);
    }
    catch (error) {
        throw new errors/* FileError */.f6(`${name} cannot be read: ${(0,errors/* errorMessage */.gJ)(error)}`);
    }
    if (size !== expectedSize)
        throw new errors/* FileError */.f6(`${name} changed while being read (${expectedSize} bytes, then ${size}): publish it once it is stable`);
    return { sha256: hash.digest('hex'), isText: text.end() };
}
class Utf8Check {
    valid = true;
    carry;
    push(piece) {
        if (!this.valid)
            return;
        let rest = piece;
        if (this.carry) {
            const missing = sequenceLength(this.carry[0]) - this.carry.length;
            const joined = Buffer.concat([this.carry, rest.subarray(0, missing)]);
            rest = rest.subarray(missing);
            if (joined.length < sequenceLength(joined[0])) {
                this.carry = joined;
                return;
            }
            this.carry = undefined;
            if (!(0,external_node_buffer_.isUtf8)(joined))
                return this.fail();
        }
        const tail = incompleteTail(rest);
        if (rest.includes(0) || !(0,external_node_buffer_.isUtf8)(rest.subarray(0, rest.length - tail)))
            return this.fail();
        if (tail > 0)
            this.carry = Buffer.from(rest.subarray(rest.length - tail));
    }
    end() {
        return this.valid && this.carry === undefined;
    }
    fail() {
        this.valid = false;
        this.carry = undefined;
    }
}
function sequenceLength(lead) {
    return lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
}
function incompleteTail(bytes) {
    for (let back = 1; back <= Math.min(3, bytes.length); back++) {
        const byte = bytes[bytes.length - back];
        if ((byte & 0xc0) !== 0x80)
            return sequenceLength(byte) > back ? back : 0;
    }
    return 0;
}
async function readCollectedFile(file) {
    let content;
    try {
        content = await fs.readFile(file.absolutePath);
    }
    catch (error) {
        throw new FileError(`${file.name} cannot be read: ${errorMessage(error)}`);
    }
    if (createHash('sha256').update(content).digest('hex') !== file.sha256) {
        throw new FileError(`${file.name} changed while the action ran: publish it once it is stable`);
    }
    return content;
}
function compareNames(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}
function toPosix(relative) {
    return relative.split(external_node_path_.sep).join('/');
}

;// CONCATENATED MODULE: ./src/context.ts

function readRunContext(env = process.env) {
    const repository = env.GITHUB_REPOSITORY || undefined;
    const [owner, repo] = repository?.split('/') ?? [];
    const serverUrl = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
    const payload = readPayload(env.GITHUB_EVENT_PATH);
    const pullRequest = pullRequestOf(payload);
    const runId = env.GITHUB_RUN_ID;
    const attempt = env.GITHUB_RUN_ATTEMPT;
    return {
        repository,
        owner,
        repo,
        sha: pullRequest?.headSha ?? (env.GITHUB_SHA || undefined),
        eventName: env.GITHUB_EVENT_NAME || undefined,
        actor: env.GITHUB_ACTOR || undefined,
        serverUrl,
        apiUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''),
        runUrl: repository && runId ? `${serverUrl}/${repository}/actions/runs/${runId}${attempt && attempt !== '1' ? `/attempts/${attempt}` : ''}` : undefined,
        payload,
        pullRequest
    };
}
function readPayload(eventPath) {
    if (!eventPath)
        return {};
    try {
        const parsed = JSON.parse((0,external_node_fs_.readFileSync)(eventPath, 'utf8'));
        return isRecord(parsed) ? parsed : {};
    }
    catch {
        return {};
    }
}
function pullRequestOf(payload) {
    const pr = payload.pull_request;
    if (isRecord(pr) && typeof pr.number === 'number') {
        const head = isRecord(pr.head) ? pr.head : {};
        const base = isRecord(pr.base) ? pr.base : {};
        return {
            number: pr.number,
            title: typeof pr.title === 'string' ? pr.title : undefined,
            headSha: typeof head.sha === 'string' ? head.sha : undefined,
            fromFork: isFromFork(head, base)
        };
    }
    const issue = payload.issue;
    if (isRecord(issue) && typeof issue.number === 'number' && isRecord(issue.pull_request)) {
        return { number: issue.number, title: typeof issue.title === 'string' ? issue.title : undefined, headSha: undefined, fromFork: false };
    }
    return undefined;
}
function isFromFork(head, base) {
    if (head.repo === null)
        return true;
    const headName = isRecord(head.repo) ? head.repo.full_name : undefined;
    const baseName = isRecord(base.repo) ? base.repo.full_name : undefined;
    if (typeof headName === 'string' && typeof baseName === 'string')
        return headName.toLowerCase() !== baseName.toLowerCase();
    return isRecord(head.repo) && head.repo.fork === true && baseName === undefined;
}
function isDependabotPullRequest(context) {
    return context.actor === 'dependabot[bot]' && context.pullRequest !== undefined;
}
function isRecord(value) {
    return value !== null && typeof value === 'object' && !Array.isArray(value);
}
function defaultDescription(context, fallbackName) {
    const where = context.repository ?? fallbackName;
    const at = context.sha ? `${where}@${context.sha.slice(0, 7)}` : where;
    const pr = context.pullRequest;
    if (!pr)
        return at;
    return `${at} — PR #${pr.number}${pr.title ? `: ${pr.title}` : ''}`;
}

;// CONCATENATED MODULE: ./src/workdir.ts





function trustedRootsOf(env = process.env) {
    return { workspace: env.GITHUB_WORKSPACE || process.cwd(), runnerTemp: env.RUNNER_TEMP || undefined };
}
async function checkWorkingDirectory(workingDirectory, roots) {
    const real = await realPathOf(workingDirectory);
    const workspace = await realPathOf(roots.workspace, 'GITHUB_WORKSPACE');
    const candidates = [{ name: 'the workspace (GITHUB_WORKSPACE)', given: external_node_path_.resolve(roots.workspace), real: workspace }];
    const temp = roots.runnerTemp ? await promises_.realpath(roots.runnerTemp).catch(() => undefined) : undefined;
    if (roots.runnerTemp && temp)
        candidates.push({ name: 'RUNNER_TEMP', given: external_node_path_.resolve(roots.runnerTemp), real: temp });
    const shown = `'${workingDirectory}'${real === workingDirectory ? '' : ` (really ${real})`}`;
    const named = rootNaming(workingDirectory, candidates);
    if (!named)
        throw new errors/* InputError */.dz(Input.WorkingDirectory, `${shown} is outside the workspace and RUNNER_TEMP: publish from a folder of the checkout`);
    const { root, relative: givenRelative } = named;
    if (!isInsideOrSame(root.real, real)) {
        throw new errors/* InputError */.dz(Input.WorkingDirectory, `${shown} is a link out of ${root.name}, which is never followed: publish from a real folder of it`);
    }
    const realRelative = toPosix(external_node_path_.relative(root.real, real));
    for (const relative of [givenRelative, realRelative]) {
        if (isGitPath(relative))
            throw new errors/* InputError */.dz(Input.WorkingDirectory, `${shown} is inside .git/, which is never published`);
        if (isHiddenPath(relative)) {
            throw new errors/* InputError */.dz(Input.WorkingDirectory, `${shown} is inside a hidden folder of ${root.name} (${relative}), which is never published from, whatever 'include-hidden-files' says`);
        }
    }
    return { workingDirectory: real, workspace };
}
function rootNaming(folder, roots) {
    let best;
    for (const root of roots) {
        for (const base of new Set([root.given, root.real])) {
            if (!isInsideOrSame(base, folder))
                continue;
            if (!best || base.length > best.depth)
                best = { root, relative: toPosix(external_node_path_.relative(base, folder)), depth: base.length };
        }
    }
    return best && { root: best.root, relative: best.relative };
}
async function realPathOf(folder, what) {
    try {
        return await promises_.realpath(folder);
    }
    catch (error) {
        throw new errors/* InputError */.dz(Input.WorkingDirectory, `'${folder}'${what ? ` (${what})` : ''} cannot be read: ${(0,errors/* errorMessage */.gJ)(error)}`);
    }
}
function isInsideOrSame(root, target) {
    const relative = external_node_path_.relative(root, target);
    return relative === '' || (relative !== '..' && !relative.startsWith(`..${external_node_path_.sep}`) && !external_node_path_.isAbsolute(relative));
}

// EXTERNAL MODULE: ./node_modules/@actions/http-client/lib/proxy.js
var proxy = __webpack_require__(9783);
// EXTERNAL MODULE: ./src/undici-on-demand.ts
var undici_on_demand = __webpack_require__(3113);
;// CONCATENATED MODULE: ./src/http.ts





const CLOSE_GRACE_MS = 2_000;
class HttpError extends errors/* ServiceError */._7 {
    transport;
    name = 'HttpError';
    constructor(message, status, transport) {
        super(message, status);
        this.transport = transport;
    }
}
const RETRYABLE_STATUS = {
    idempotent: [429, 502, 503, 504, 520, 521, 522, 523, 524],
    create: [429, 503]
};
const NOT_SENT_CODES = new Set([
    'ECONNREFUSED',
    'ENOTFOUND',
    'EAI_AGAIN',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'UND_ERR_CONNECT_TIMEOUT',
    errors/* PROXY_TUNNEL_FAILED */.MI
]);
class HttpClient {
    service;
    baseUrl;
    origin;
    basePath;
    stop;
    cut = new AbortController();
    options;
    scrubber;
    dispatcher;
    ownsDispatcher;
    proxy;
    requestCount = 0;
    constructor(options) {
        const url = new URL(options.baseUrl);
        this.service = options.service;
        this.baseUrl = options.baseUrl.replace(/\/+$/, '');
        this.origin = url.origin;
        this.basePath = url.pathname.replace(/\/+$/, '');
        this.scrubber = new Scrubber(options.secrets ?? []);
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
            sleep: options.sleep ?? ((ms) => concurrency_sleep(ms, options.signal))
        };
        this.stop = options.signal;
        this.dispatcher = options.dispatcher;
        this.ownsDispatcher = options.dispatcher === undefined;
        this.proxy = options.dispatcher === undefined ? (0,proxy/* getProxyUrl */.s)(url) : undefined;
    }
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
    statusError(response, label, advice = '') {
        if (response.status >= 300 && response.status < 400) {
            const location = headerValue(response.headers, 'location') ?? '';
            let where = 'elsewhere';
            try {
                where = new URL(location, this.baseUrl).origin;
            }
            catch {
            }
            return this.error(`${this.service} redirected ${label} to ${this.scrub(where)}; redirects are not followed so credentials only go to ${this.origin}: set the URL input to the final address`, response.status);
        }
        const tail = advice ? ` ${advice}` : '';
        return this.error(`${this.service} answered ${label} with HTTP ${response.status}: ${this.excerpt(response)}${tail}`, response.status);
    }
    excerpt(response, max = 200) {
        let text = this.scrub(response.body.subarray(0, 16 * 1024).toString('utf8'));
        if (response.body.length > 16 * 1024)
            text = this.scrubber.dropCutSecret(text);
        if (looksLikeHtml(text, String(headerValue(response.headers, 'content-type') ?? '')))
            text = htmlToText(text);
        text = serverText(text, this.scrubber, max);
        return text === '' ? '(empty answer)' : text;
    }
    scrub(text) {
        return this.scrubber.scrub(text);
    }
    serverText(text, max = 300) {
        return serverText(text, this.scrubber, max);
    }
    stopped(label) {
        return this.error(`${this.service} ${label} was stopped: the time allowed ran out`, undefined, 'timeout');
    }
    error(message, status, transport) {
        return new HttpError(inert(this.scrub(message)), status, transport);
    }
    log(line) {
        this.options.log(inert(this.scrub(line)));
    }
    async close(pending = 'finish') {
        const dispatcher = this.ownsDispatcher ? this.dispatcher : undefined;
        this.dispatcher = undefined;
        if (!dispatcher)
            return;
        if (pending === 'abandon' || this.stop?.aborted)
            return dispatcher.destroy();
        const timer = setTimeout(() => this.cut.abort(this.error(`${this.service} closed its connections before an answer came`, undefined, 'lost')), CLOSE_GRACE_MS);
        try {
            await dispatcher.close();
        }
        finally {
            clearTimeout(timer);
        }
    }
    getDispatcher({ Agent, createProxyAgent }) {
        if (this.dispatcher)
            return this.dispatcher;
        const pool = {
            connections: this.options.connections,
            keepAliveTimeout: 10_000,
            headersTimeout: this.options.timeoutMs,
            bodyTimeout: this.options.timeoutMs
        };
        const proxy = this.proxy;
        if (!proxy)
            return (this.dispatcher = new Agent({ ...pool, connect: { timeout: this.options.connectTimeoutMs } }));
        const token = proxy.username || proxy.password ? `Basic ${Buffer.from(`${proxy.username}:${proxy.password}`).toString('base64')}` : undefined;
        const uri = `${proxy.protocol}//${proxy.host}`;
        const connectTimeoutMs = Math.min(this.options.connectTimeoutMs, Math.ceil(this.options.timeoutMs / 2));
        return (this.dispatcher = createProxyAgent({ ...pool, uri, ...(token ? { token } : {}), connectTimeoutMs }));
    }
    async attempt(method, label, req, attempt) {
        this.requestCount++;
        const timeoutMs = req.timeoutMs ?? this.options.timeoutMs;
        const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), this.cut.signal, ...(this.stop ? [this.stop] : [])]);
        const undici = await (0,undici_on_demand/* loadUndici */.b7)();
        const body = typeof req.body === 'function' ? req.body() : req.body;
        const sent = this.getDispatcher(undici).request({
            origin: this.origin,
            path: `${this.basePath}${req.path}`,
            method: method,
            headers: { 'user-agent': 'publish-to-collaborative-editors', ...this.options.headers, ...req.headers },
            body,
            signal,
            headersTimeout: timeoutMs,
            bodyTimeout: timeoutMs
        });
        const answer = await settleBy(signal, sent);
        const chunks = [];
        let size = 0;
        try {
            for await (const chunk of answer.body) {
                size += chunk.length;
                if (size > this.options.maxBodyBytes) {
                    throw this.error(`${this.service} answered ${label} with HTTP ${answer.statusCode} and more than ${formatBytes(this.options.maxBodyBytes)}; refusing to read further`, answer.statusCode);
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
        return policy === 'idempotent' || headerValue(response.headers, 'retry-after') !== undefined;
    }
    retryableError(policy, error) {
        if (policy === 'none' || error instanceof HttpError)
            return false;
        const refusal = (0,errors/* proxyRefusal */.vd)(error);
        if (refusal !== undefined && refusal >= 400 && refusal < 500 && refusal !== 408 && refusal !== 429)
            return false;
        if (policy === 'idempotent')
            return true;
        return transportFailure(error) === 'not-sent';
    }
    delayBefore(attempt, response) {
        const retryAfter = response ? parseRetryAfter(headerValue(response.headers, 'retry-after')) : undefined;
        if (retryAfter !== undefined)
            return retryAfter <= this.options.maxRetryAfterMs ? retryAfter : undefined;
        const ceiling = Math.min(this.options.backoffMs * 2 ** (attempt - 1), 15_000);
        return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
    }
    transportError(label, error, attempts, timeoutMs) {
        if (error instanceof HttpError)
            return error;
        const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
        const kind = transportFailure(error);
        const why = kind === 'timeout' ? `no answer within ${formatSeconds(timeoutMs)}` : describeTransportError(error);
        const aboutProxy = (0,errors/* proxyRefusal */.vd)(error) !== undefined || (0,errors/* proxyTunnelFailure */.vP)(error) !== undefined;
        const via = this.proxy && !aboutProxy ? ` (through the proxy ${this.proxy.host})` : '';
        return this.error(`${this.service} ${label} failed${tries}: ${why}${via}`, undefined, kind);
    }
}
function headerValue(headers, name) {
    const value = headers[name.toLowerCase()];
    return Array.isArray(value) ? value[0] : value;
}
function parseRetryAfter(value, now = Date.now()) {
    if (value === undefined || value.trim() === '')
        return undefined;
    if (/^\d+$/.test(value.trim()))
        return Number(value.trim()) * 1000;
    const date = Date.parse(value);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
function settleBy(signal, promise) {
    promise.catch(() => undefined);
    if (signal.aborted)
        return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
        const onAbort = () => reject(signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
        promise.then((value) => {
            signal.removeEventListener('abort', onAbort);
            resolve(value);
        }, (error) => {
            signal.removeEventListener('abort', onAbort);
            reject(error);
        });
    });
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
    if ((0,errors/* proxyRefusal */.vd)(error) !== undefined)
        return 'not-sent';
    if (isTimeout(error))
        return 'timeout';
    const code = errorCode(error);
    if (NOT_SENT_CODES.has(code))
        return 'not-sent';
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT')
        return 'timeout';
    return 'lost';
}
function isTimeout(error) {
    const name = error !== null && typeof error === 'object' ? error.name : undefined;
    return name === 'TimeoutError' || name === 'AbortError';
}
function formatSeconds(ms) {
    return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
function describeTransportError(error) {
    const refusal = (0,errors/* proxyRefusal */.vd)(error);
    if (refusal === 407)
        return 'the proxy refused the credentials in HTTPS_PROXY / HTTP_PROXY (HTTP 407)';
    if (refusal !== undefined)
        return `the proxy answered HTTP ${refusal} instead of connecting (HTTPS_PROXY / HTTP_PROXY)`;
    const tunnel = (0,errors/* proxyTunnelFailure */.vP)(error);
    if (tunnel !== undefined)
        return tunnel;
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
            const message = (0,errors/* errorMessage */.gJ)(error);
            return code ? `${message} (${code})` : message;
        }
    }
}

;// CONCATENATED MODULE: ./src/cocode/json.ts

const EXTRA = new Uint8Array(256);
const SHORT = { 0x08: 0x62, 0x09: 0x74, 0x0a: 0x6e, 0x0c: 0x66, 0x0d: 0x72, 0x22: 0x22, 0x5c: 0x5c };
for (let byte = 0; byte < 0x20; byte++)
    EXTRA[byte] = byte in SHORT ? 1 : 5;
EXTRA[0x22] = 1;
EXTRA[0x5c] = 1;
function jsonStringLength(bytes) {
    let extra = 0;
    for (let i = 0; i < bytes.length; i++)
        extra += EXTRA[bytes[i]];
    return bytes.length + extra + 2;
}
function writeJsonString(bytes, target, offset) {
    target[offset] = 0x22;
    const at = writeJsonChars(bytes, bytes.length, target, offset + 1);
    target[at] = 0x22;
    return at + 1;
}
function writeJsonChars(bytes, end, target, offset) {
    let at = offset;
    for (let i = 0; i < end; i++) {
        const byte = bytes[i];
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
function jsonTextLength(bytes) {
    return jsonStringLength(bytes) - 2;
}
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
function credentialForms(credentials) {
    const forms = [`${credentials.username}:${credentials.password}`, credentials.username, credentials.password];
    return [...new Set(forms.filter((form) => form !== ''))];
}
function createCocodeHttp(baseUrl, credentials, options = {}) {
    return new HttpClient({
        service: 'cocode',
        baseUrl,
        headers: { authorization: basicAuthorization(credentials.username, credentials.password) },
        secrets: credentialForms(credentials),
        maxBodyBytes: 1024 * 1024,
        ...options
    });
}
const PIECE_BYTES = 64 * 1024;
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
async function createSession(http, body) {
    let response;
    try {
        response = await http.request({
            path: '/api/session',
            headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': String(body.length) },
            body: () => body.parts(),
            retry: 'create'
        });
    }
    catch (error) {
        if (body.failure)
            throw body.failure;
        if (error instanceof HttpError && (error.transport === 'timeout' || error.transport === 'lost')) {
            throw new errors/* ServiceError */._7(`${error.message} ${MAYBE_CREATED}`);
        }
        if (error instanceof HttpError && error.transport === 'not-sent') {
            throw new errors/* ServiceError */._7(`${error.message}: check that 'cocode-url' (${http.baseUrl}) is right and the server is up`);
        }
        throw error;
    }
    if (response.status >= 200 && response.status < 300)
        return sessionUrlOf(http, response);
    throw refusal(http, response);
}
const MAYBE_CREATED = '(not repeated: cocode may have created the session anyway, and a repeat would make a duplicate; check cocode, then re-run the job)';
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
            return http.statusError(response, label, headerValue(response.headers, 'retry-after') !== undefined ? '(the server is busy): try again later' : MAYBE_CREATED);
        case 502:
        case 504:
            return http.statusError(response, label, MAYBE_CREATED);
        default:
            return http.statusError(response, label);
    }
}
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
    const isPath = text.startsWith('/') && !text.startsWith('//');
    return normaliseHttpUrl(text, isPath ? baseUrl : undefined);
}

;// CONCATENATED MODULE: ./src/cocode/publish.ts






function planSession(files, description, skipped = []) {
    return {
        description,
        files: files.filter((file) => file.isText),
        binaries: files.filter((file) => !file.isText).map((file) => ({ name: file.name, reason: 'is binary; a cocode session holds text only' })),
        skipped
    };
}
async function publishCocode(inputs, plan) {
    const result = {
        mode: 'cocode',
        status: 'created',
        files: plan.files.map(({ name, size }) => ({ name, size })),
        skipped: [...plan.skipped, ...plan.binaries]
    };
    const bytes = plan.files.reduce((sum, file) => sum + file.size, 0);
    if (inputs.dryRun) {
        const plannedRequests = [`POST ${inputs.cocodeUrl}/api/session (Basic auth) with ${plan.files.length} file(s), ${bytes} bytes of content`];
        for (const request of plannedRequests)
            core/* info */.pq(`Dry run, not sent: ${request}`);
        return { ...result, status: 'dry-run', plannedRequests };
    }
    const http = createCocodeHttp(inputs.cocodeUrl, inputs, { log: (line) => core/* info */.pq(inert(line)), timeoutMs: inputs.requestTimeoutSeconds * 1000 });
    try {
        const body = await buildSessionBody(plan.description, plan.files.map((file) => ({ name: file.name, read: () => verifiedPieces(file) })));
        core/* info */.pq(`Creating a cocode session with ${plan.files.length} file(s) (${bytes} bytes of content)`);
        const sessionUrl = await createSession(http, body);
        core/* info */.pq(`Session created: ${sessionUrl}`);
        return { ...result, sessionUrl };
    }
    finally {
        await http.close();
    }
}
const READ_BYTES = 256 * 1024;
async function* verifiedPieces(file) {
    let fd;
    try {
        fd = await openForReading(file.absolutePath);
    }
    catch (error) {
        throw new errors/* FileError */.f6(`${file.name} cannot be read: ${(0,errors/* errorMessage */.gJ)(error)}`);
    }
    const hash = (0,external_node_crypto_.createHash)('sha256');
    let size = 0;
    try {
        const buffer = Buffer.allocUnsafe(READ_BYTES);
        for (let bytesRead = buffer.length; bytesRead === buffer.length && size <= file.size;) {
            bytesRead = await readFully(fd, buffer, buffer.length, size);
            const piece = buffer.subarray(0, bytesRead);
            hash.update(piece);
            size += bytesRead;
            if (bytesRead > 0)
                yield piece;
        }
    }
    finally {
        await closeFile(fd);
    }
    if (size !== file.size || hash.digest('hex') !== file.sha256)
        throw new errors/* FileError */.f6(`${file.name} changed while the action ran: publish it once it is stable`);
}

;// CONCATENATED MODULE: ./src/cocalc/chunks.ts



function chunkCount(size, chunkBytes) {
    return Math.max(1, Math.ceil(size / chunkBytes));
}
async function* readChunks(file, chunkBytes) {
    const count = chunkCount(file.size, chunkBytes);
    if (count === 1 && file.size <= SMALL_FILE_BYTES) {
        yield { index: 0, count, offset: 0, content: readSmall(file) };
        return;
    }
    const hash = (0,external_node_crypto_.createHash)('sha256');
    let fd;
    try {
        fd = await openForReading(file.absolutePath);
    }
    catch (error) {
        throw new errors/* FileError */.f6(`${file.name} cannot be read: ${(0,errors/* errorMessage */.gJ)(error)}`);
    }
    try {
        for (let index = 0; index < count; index++) {
            const offset = index * chunkBytes;
            const length = Math.min(chunkBytes, file.size - offset);
            const last = index === count - 1;
            const buffer = Buffer.allocUnsafe(last ? length + 1 : length);
            const bytesRead = await readFully(fd, buffer, buffer.length, offset);
            if (bytesRead < length)
                throw new errors/* FileError */.f6(`${file.name} changed while the action ran (it became shorter): publish it once it is stable`);
            const content = buffer.subarray(0, length);
            hash.update(content);
            if (last && (bytesRead > length || hash.digest('hex') !== file.sha256)) {
                throw new errors/* FileError */.f6(`${file.name} changed while the action ran: publish it once it is stable`);
            }
            yield { index, count, offset, content };
        }
    }
    finally {
        await closeFile(fd);
    }
}
function readSmall(file) {
    let content;
    try {
        content = readSmallFile(file.absolutePath, file.size);
    }
    catch (error) {
        throw new errors/* FileError */.f6(`${file.name} cannot be read: ${(0,errors/* errorMessage */.gJ)(error)}`);
    }
    if (content.length < file.size)
        throw new errors/* FileError */.f6(`${file.name} changed while the action ran (it became shorter): publish it once it is stable`);
    if (content.length > file.size || (0,external_node_crypto_.createHash)('sha256').update(content).digest('hex') !== file.sha256) {
        throw new errors/* FileError */.f6(`${file.name} changed while the action ran: publish it once it is stable`);
    }
    return content;
}
async function readWhole(file) {
    for await (const chunk of readChunks(file, Math.max(1, file.size)))
        return chunk.content;
    throw new errors/* FileError */.f6(`${file.name} cannot be read`);
}

;// CONCATENATED MODULE: ./src/cocalc/scripts.ts
const HASH_SCRIPT = [
    'export LC_ALL=C',
    'i=0 missing= files=()',
    'for f in "$@"; do',
    '  i=$((i + 1))',
    '  if [[ -f $f && -r $f ]]; then files+=("$f"); else missing="$missing $i"; fi',
    'done',
    'printf "missing:%s\\n" "$missing"',
    '[ "${#files[@]}" -eq 0 ] || sha256sum -- "${files[@]}" || exit',
    'printf "mtimes:\\n"',
    '[ "${#files[@]}" -eq 0 ] || stat -L -c %Y -- "${files[@]}"'
].join('\n');
const DECODE_SCRIPT = [
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
].join('\n');
function hashCommand(paths) {
    return { command: 'bash', args: ['-c', HASH_SCRIPT, 'hash', ...paths] };
}
function decodeCommand(dest, tmp, dir, count) {
    return { command: 'bash', args: ['-c', DECODE_SCRIPT, 'decode', dest, tmp, dir, String(count)] };
}
const MISSING_LINE = /^missing:((?: [1-9][0-9]*)*)$/;
const SHA256_LINE = /^\\?([0-9a-f]{64}) [ *]/;
const MTIME_LINE = /^-?[0-9]{1,15}$/;
function parseHashOutput(stdout, count) {
    const lines = stdout.split('\n');
    if (lines[lines.length - 1] === '')
        lines.pop();
    const head = MISSING_LINE.exec(lines[0] ?? '');
    if (!head)
        return { problem: `the first line is not the list of missing files: ${JSON.stringify((lines[0] ?? '').slice(0, 80))}` };
    const missing = new Set(head[1].split(' ').filter(Boolean).map(Number));
    if ([...missing].some((n) => n > count))
        return { problem: `it names a missing file beyond the ${count} asked for` };
    const present = count - missing.size;
    if (lines.length !== 2 * present + 2 || lines[present + 1] !== 'mtimes:') {
        return { problem: `expected ${present} hash(es) and ${present} mtime(s) for ${count} path(s), got ${lines.length} line(s)` };
    }
    const result = [];
    let next = 1;
    for (let n = 1; n <= count; n++) {
        if (missing.has(n)) {
            result.push(undefined);
            continue;
        }
        const hash = SHA256_LINE.exec(lines[next]);
        const mtime = lines[next + present + 1];
        if (!hash || !MTIME_LINE.test(mtime))
            return { problem: `the line for path ${n} is neither a SHA-256 nor an mtime: ${JSON.stringify(lines[next].slice(0, 80))}` };
        result.push({ sha256: hash[1], mtime: Number(mtime) });
        next++;
    }
    return result;
}
function batchPaths(paths, sizes, limits) {
    const batches = [];
    let current = [];
    let argumentBytes = 0;
    let contentBytes = 0;
    for (const [index, path] of paths.entries()) {
        const cost = Buffer.byteLength(JSON.stringify(path)) + 1;
        const size = sizes[index] ?? 0;
        const full = current.length > 0 &&
            (current.length >= limits.maxPaths || argumentBytes + cost > limits.maxArgumentBytes || contentBytes + size > limits.maxContentBytes);
        if (full) {
            batches.push(current);
            current = [];
            argumentBytes = 0;
            contentBytes = 0;
        }
        current.push(index);
        argumentBytes += cost;
        contentBytes += size;
    }
    if (current.length > 0)
        batches.push(current);
    return batches;
}

;// CONCATENATED MODULE: ./src/cocalc/connection.ts

function connection_basicAuthorization(apiKey) {
    return `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`;
}
function connection_credentialForms(apiKey) {
    return [apiKey, `${apiKey}:`];
}
function createCocalcHttp(options) {
    return new HttpClient({
        service: 'CoCalc',
        baseUrl: options.baseUrl,
        headers: { authorization: connection_basicAuthorization(options.apiKey) },
        secrets: connection_credentialForms(options.apiKey),
        connections: Math.max(2, options.concurrency),
        log: options.log.info,
        signal: options.signal,
        ...options.http
    });
}
const TRANSIENT_STATUSES = [429, 502, 503, 504, 520, 521, 522, 523, 524];
const EXEC_TIMEOUT_SECONDS = 55;
const EXEC_HTTP_TIMEOUT_MS = (EXEC_TIMEOUT_SECONDS + 15) * 1000;

;// CONCATENATED MODULE: ./src/cocalc/answers.ts
function envelopeError(body) {
    const error = body.error;
    return error === undefined || error === null || error === '' || error === false ? undefined : error;
}
function execResult(body) {
    const stdout = body.stdout;
    const stderr = body.stderr ?? '';
    const exitCode = body.exit_code;
    if (typeof stdout !== 'string' || typeof stderr !== 'string' || typeof exitCode !== 'number')
        return undefined;
    return { stdout, stderr, exitCode };
}
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

;// CONCATENATED MODULE: ./src/cocalc/refusals.ts

class HashBatchCutOff extends errors/* ServiceError */._7 {
}
function refusals_refusal(http, label, serverMessage, status) {
    const said = http.serverText(typeof serverMessage === 'string' ? serverMessage : (JSON.stringify(serverMessage) ?? 'unknown error'), 301);
    if (/must be signed in|not signed in|no account found|api key|unauthori[sz]ed/i.test(said)) {
        return new errors/* ServiceError */._7(`CoCalc refused the API key (${label}: ${said}): check the 'cocalc-api-key' secret: it must be a valid API key of a CoCalc account on ${http.baseUrl} (Settings → API keys)`, status);
    }
    if (/collaborator/i.test(said)) {
        return new errors/* ServiceError */._7(`CoCalc refused ${label}: ${said}: the API key's account must be a collaborator of the project (check 'project-id' and 'target-project-id')`, status);
    }
    return new errors/* ServiceError */._7(`CoCalc refused ${label}: ${said}`, status);
}
function copyIdNotUuid(http, copyId, targetProjectId) {
    return new errors/* ServiceError */._7(`CoCalc answered a copy id that is not a UUID (${http.serverText(copyId, 80)}), so the copy cannot be followed: check project ${targetProjectId}`);
}
function unexpectedAnswer(http, label, response, what) {
    return new errors/* ServiceError */._7(`CoCalc answered ${label} without ${what}: ${http.excerpt(response)}`, response.status);
}
function httpFailure(http, label, response) {
    const advice = response.status === 413
        ? '(the request was larger than the server or its proxy accepts)'
        : response.status === 504
            ? '(the gateway gave up waiting for CoCalc)'
            : '';
    return http.statusError(response, label, advice);
}

;// CONCATENATED MODULE: ./src/cocalc/v1.ts









const V1_BODY_LIMIT = 96 * 1024;
const V1_PIECE_BYTES = 48 * 1024;
const V1_PIECES_ROOT = '.cache/publish-to-collaborative-editors';
const V1_HASH_LIMITS = { maxArgumentBytes: 64 * 1024, maxPaths: 2000, maxContentBytes: 256 * 1024 ** 2 };
class CocalcV1Client {
    options;
    api = 'v1';
    http;
    hashBatchLimits = V1_HASH_LIMITS;
    constructor(options) {
        this.options = options;
        this.http = createCocalcHttp(options);
    }
    async startProject() { }
    async hashFiles(remotePaths, projectId = this.options.projectId) {
        const label = 'project_exec (sha256 of the uploaded files)';
        const result = await this.execOrCutOff(hashCommand(remotePaths), projectId);
        if (result === 'cut-off')
            throw new HashBatchCutOff(`CoCalc stopped waiting for ${label} (its 60 s limit)`);
        const hashes = parseHashOutput(result.stdout, remotePaths.length);
        if ('problem' in hashes || result.exitCode !== 0) {
            const why = 'problem' in hashes ? hashes.problem : `exit code ${result.exitCode}: ${this.http.serverText(result.stderr, 200)}`;
            throw new HashBatchCutOff(`CoCalc answered ${label} with unusable output (${why})`);
        }
        return hashes;
    }
    async uploadFile(remotePath, file, onBytes = () => undefined) {
        const body = await this.textBody(remotePath, file);
        if (body) {
            await this.call('write_text_file_to_project', body, 'file_written_to_project', 'idempotent');
            onBytes(file.size);
            return;
        }
        await this.uploadPieces(remotePath, file, onBytes);
    }
    async planUpload(remotePath, file) {
        if (await this.textBody(remotePath, file))
            return { via: 'text', requests: 1 };
        return { via: 'pieces', requests: chunkCount(file.size, V1_PIECE_BYTES) };
    }
    async textBody(remotePath, file) {
        if (!file.isText || file.size > V1_BODY_LIMIT)
            return undefined;
        const content = (await readWhole(file)).toString('utf8');
        const body = { project_id: this.options.projectId, path: remotePath, content };
        return Buffer.byteLength(JSON.stringify(body)) <= V1_BODY_LIMIT ? body : undefined;
    }
    async stageArchive(archive, work, onBytes = () => undefined) {
        const bytes = await readWhole(archive);
        const dir = `${work}/pieces`;
        const count = chunkCount(bytes.length, V1_PIECE_BYTES);
        await mapLimit(Array.from({ length: count }, (_, index) => index), this.options.concurrency, async (index) => {
            const piece = bytes.subarray(index * V1_PIECE_BYTES, (index + 1) * V1_PIECE_BYTES);
            const body = { project_id: this.options.projectId, path: `${dir}/${String(index).padStart(6, '0')}.b64`, content: piece.toString('base64') };
            await this.call('write_text_file_to_project', body, 'file_written_to_project', 'idempotent');
            onBytes(piece.length);
        });
        return { archive: `${work}/archive`, pieces: { dir, count } };
    }
    async execProgram(program, _label) {
        const result = await this.exec(program);
        return { ...result, stderr: this.http.serverText(result.stderr, 300) };
    }
    copyRequest(request) {
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
        return { path: '/api/v1/copy_path_between_projects', body };
    }
    async copyPath(request) {
        const body = this.copyRequest(request).body;
        const answer = await this.call('copy_path_between_projects', body, ['copy_path_between_projects_response', 'success'], 'create');
        if (answer.event === 'success')
            return '';
        const id = answer.copy_path_id;
        if (id === undefined || id === null || id === '')
            return '';
        if (typeof id !== 'string')
            throw new errors/* ServiceError */._7(`CoCalc answered copy_path_between_projects with a copy_path_id that is not a string`);
        if (!isUuid(id))
            throw copyIdNotUuid(this.http, id, request.targetProjectId);
        return id;
    }
    async copyStatus(copyId, budgetMs) {
        const label = 'copy_path_status';
        const response = await this.post(label, { copy_path_id: copyId }, 'idempotent', undefined, budgetMs);
        const body = this.answer(label, response, ['copy_path_status_response']);
        const data = body.data;
        const record = Array.isArray(data) ? data[0] : data;
        if (record === null || typeof record !== 'object')
            throw unexpectedAnswer(this.http, label, response, 'data about the copy');
        const fields = record;
        const state = copyStateOf(fields.started, fields.finished, fields.error);
        if (!state)
            throw unexpectedAnswer(this.http, label, response, 'started, finished or error');
        return state.state === 'failed' ? { state: 'failed', error: this.http.serverText(state.error, 1000) } : state;
    }
    get requestCount() {
        return this.http.requestCount;
    }
    async close(pending) {
        await this.http.close(pending);
    }
    async uploadPieces(remotePath, file, onBytes) {
        for (let attempt = 1;; attempt++) {
            const id = (0,external_node_crypto_.randomUUID)();
            const directory = `${V1_PIECES_ROOT}/${id}`;
            let count = 0;
            for await (const chunk of readChunks(file, V1_PIECE_BYTES)) {
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
            const result = await this.exec(decodeCommand(remotePath, tmp, directory, count));
            if (result.exitCode === 0)
                return;
            const reason = this.http.serverText(result.stderr, 300);
            if (result.exitCode === 3 && attempt === 1) {
                this.options.log.info(`Some pieces of ${file.name} did not arrive in the project (${reason}): writing them again`);
                continue;
            }
            throw new errors/* ServiceError */._7(`decoding ${file.name} inside the project failed (exit code ${result.exitCode}): ${reason}`);
        }
    }
    async exec(command) {
        const result = await this.execOrCutOff(command, this.options.projectId);
        if (result === 'cut-off')
            throw new errors/* ServiceError */._7('CoCalc stopped waiting for project_exec (its 60 s limit)');
        return result;
    }
    async execOrCutOff(command, projectId) {
        const label = 'project_exec';
        const response = await this.post(label, { project_id: projectId, ...command, bash: false, err_on_exit: false, timeout: EXEC_TIMEOUT_SECONDS }, 'idempotent', EXEC_HTTP_TIMEOUT_MS);
        if (response.status === 504 || response.status === 524)
            return 'cut-off';
        if (response.status === 200) {
            const body = this.http.parseJson(response, label);
            if (body.event === 'error' && body.error === 'timeout')
                return 'cut-off';
        }
        const body = this.answer(label, response, ['project_exec_output']);
        const result = execResult(body);
        if (!result)
            throw unexpectedAnswer(this.http, label, response, 'stdout and exit_code');
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
    answer(event, response, expected) {
        if (response.status === 400) {
            let body;
            try {
                body = this.http.parseJson(response, event);
            }
            catch {
                body = undefined;
            }
            const error = body ? envelopeError(body) : undefined;
            if (error !== undefined)
                throw refusals_refusal(this.http, event, error, 400);
        }
        if (response.status !== 200)
            throw httpFailure(this.http, event, response);
        const body = this.http.parseJson(response, event);
        if (body.event === 'error' || (envelopeError(body) !== undefined && !expected.includes(String(body.event)))) {
            throw refusals_refusal(this.http, event, envelopeError(body) ?? '(no message)');
        }
        if (typeof body.event !== 'string' || !expected.includes(body.event)) {
            throw unexpectedAnswer(this.http, event, response, `event '${expected.join("' or '")}'`);
        }
        return body;
    }
}

// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(7075);
;// CONCATENATED MODULE: ./src/cocalc/multipart.ts

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
function chooseBoundary(content, fieldValues, random = random128) {
    for (let attempt = 0; attempt < 16; attempt++) {
        const boundary = `----PublishBoundary${random()}`;
        if (!content.includes(boundary) && !fieldValues.some((value) => value.includes(boundary)))
            return boundary;
    }
    throw new Error('could not find a multipart boundary absent from the content');
}
const POOL_DRAWS = 256;
let pool = Buffer.alloc(0);
let drawn = POOL_DRAWS;
function random128() {
    if (drawn >= POOL_DRAWS) {
        pool = (0,external_node_crypto_.randomBytes)(16 * POOL_DRAWS);
        drawn = 0;
    }
    drawn++;
    return pool.toString('hex', 16 * (drawn - 1), 16 * drawn);
}

;// CONCATENATED MODULE: ./src/cocalc/v2.ts













const UPLOAD_START_ATTEMPTS = 6;
const CHUNKED_RESTARTS = 2;
const MIN_CHUNK_BYTES = 256 * 1024;
const UPLOAD_TIMEOUT_MS = 300_000;
const V2_HASH_LIMITS = { maxArgumentBytes: 512 * 1024, maxPaths: 2000, maxContentBytes: 256 * 1024 ** 2 };
class ProjectNotReady extends errors/* ServiceError */._7 {
}
class ChunkTooLarge extends errors/* ServiceError */._7 {
    bodyBytes;
    constructor(message, bodyBytes) {
        super(message, 413);
        this.bodyBytes = bodyBytes;
    }
}
class CocalcV2Client {
    options;
    api = 'v2';
    http;
    hashBatchLimits = V2_HASH_LIMITS;
    chunkBytes;
    restarting;
    sleep;
    constructor(options) {
        this.options = options;
        this.http = createCocalcHttp(options);
        this.chunkBytes = options.chunkBytes;
        this.sleep = options.sleep ?? ((ms) => concurrency_sleep(ms, options.signal));
    }
    async startProject() {
        await this.call('projects/start', { project_id: this.options.projectId }, 'idempotent');
    }
    async hashFiles(remotePaths, projectId = this.options.projectId) {
        const { command, args } = hashCommand(remotePaths);
        const label = 'exec (sha256 of the uploaded files)';
        const response = await this.post('exec', { project_id: projectId, command, args, bash: false, err_on_exit: false, timeout: EXEC_TIMEOUT_SECONDS }, 'idempotent', EXEC_HTTP_TIMEOUT_MS);
        if (response.status === 504 || response.status === 524)
            throw new HashBatchCutOff(`the gateway gave up waiting for ${label} (HTTP ${response.status})`);
        const body = this.json('exec', response, (error) => error === 'undefined');
        if (body.error === 'undefined')
            throw new HashBatchCutOff(`CoCalc stopped waiting for ${label} (its 60 s limit)`);
        const result = execResult(body);
        if (!result)
            throw new errors/* ServiceError */._7(`CoCalc answered ${label} without stdout and exit_code: ${this.http.serverText(JSON.stringify(body), 200)}`);
        const hashes = parseHashOutput(result.stdout, remotePaths.length);
        if ('problem' in hashes || result.exitCode !== 0) {
            const why = 'problem' in hashes ? hashes.problem : `exit code ${result.exitCode}: ${this.http.serverText(result.stderr, 200)}`;
            throw new HashBatchCutOff(`CoCalc answered ${label} with unusable output (${why})`);
        }
        return hashes;
    }
    async uploadFile(remotePath, file, onBytes = () => undefined) {
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
                    this.options.log.info(`CoCalc could not write ${file.name} (${error.message}): the project may not be ready; starting it, then sending the file again in ${delay / 1000} s`);
                    await this.restartProject(delay);
                    continue;
                }
                if (isTransient(error) && chunkCount(file.size, this.chunkBytes) > 1 && restarts < CHUNKED_RESTARTS) {
                    restarts++;
                    this.options.log.info(`Sending ${file.name} again from its first chunk after: ${(0,errors/* errorMessage */.gJ)(error)}`);
                    attempt--;
                    continue;
                }
                if (error instanceof ChunkTooLarge && error.bodyBytes > MIN_CHUNK_BYTES) {
                    const smaller = Math.max(MIN_CHUNK_BYTES, Math.floor(error.bodyBytes / 4));
                    if (smaller < this.chunkBytes) {
                        this.chunkBytes = smaller;
                        this.options.log.warning(`CoCalc (or a proxy in front of it) refused an upload chunk as too large (HTTP 413): sending chunks of ${smaller} bytes`);
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
        const response = await this.post('exec', { project_id: this.options.projectId, ...program, bash: false, err_on_exit: false, timeout: EXEC_TIMEOUT_SECONDS }, 'create', EXEC_HTTP_TIMEOUT_MS);
        const body = this.json('exec', response, (error) => error === 'undefined');
        if (body.error === 'undefined')
            throw new errors/* ServiceError */._7(`CoCalc stopped waiting for ${label} (its 60 s limit)`);
        const result = execResult(body);
        if (!result)
            throw unexpectedAnswer(this.http, label, response, 'stdout and exit_code');
        return { ...result, stderr: this.http.serverText(result.stderr, 300) };
    }
    copyRequest(request) {
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
                wait_until_done: false
            }
        };
    }
    async planUpload(_remotePath, file) {
        return file.size === 0 ? { via: 'write-text-file', requests: 1 } : { via: 'upload', requests: chunkCount(file.size, this.chunkBytes) };
    }
    async copyPath(request) {
        const body = await this.call('projects/copy-path', this.copyRequest(request).body, 'create');
        const id = body.copy_id;
        if (id === undefined || id === null || id === '')
            return '';
        if (typeof id !== 'string')
            throw new errors/* ServiceError */._7(`CoCalc answered projects/copy-path with a copy_id that is not a string: ${JSON.stringify(id).slice(0, 80)}`);
        if (!isUuid(id))
            throw copyIdNotUuid(this.http, id, request.targetProjectId);
        return id;
    }
    async copyStatus(copyId, budgetMs) {
        const label = 'projects/copy-path-status';
        const response = await this.post(label, { copy_id: copyId }, 'idempotent', undefined, budgetMs);
        if (response.status === 404)
            return { state: 'unsupported' };
        const body = this.json(label, response);
        const state = copyStateOf(body.started, body.finished, body.copy_error);
        if (!state)
            throw unexpectedAnswer(this.http, label, response, 'started, finished or copy_error');
        return state.state === 'failed' ? { state: 'failed', error: this.http.serverText(state.error, 1000) } : state;
    }
    get requestCount() {
        return this.http.requestCount;
    }
    async close(pending) {
        await this.http.close(pending);
    }
    async writeTextFile(remotePath, content) {
        const label = 'projects/write-text-file';
        const body = await this.call(label, { project_id: this.options.projectId, path: remotePath, content }, 'idempotent');
        if (body.status !== 'ok')
            throw new errors/* ServiceError */._7(`CoCalc answered ${label} for ${remotePath} without status 'ok': ${this.http.serverText(JSON.stringify(body), 200)}`);
    }
    restartProject(delayMs) {
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
        const formName = `${dzuuid}.upload`;
        const chunkBytes = this.chunkBytes;
        for await (const chunk of readChunks(file, chunkBytes)) {
            const fields = [
                ['dzuuid', dzuuid],
                ['dzchunkindex', String(chunk.index)],
                ['dztotalfilesize', String(file.size)],
                ['dzchunksize', String(chunkBytes)],
                ['dztotalchunkcount', String(chunk.count)],
                ['dzchunkbyteoffset', String(chunk.offset)],
                ['fullPath', name]
            ];
            const boundary = chooseBoundary(chunk.content, fields.map(([, value]) => value));
            const partsFor = (filename) => multipartBody(boundary, fields, { field: 'file', filename, content: chunk.content });
            const length = partsFor(formName).reduce((sum, part) => sum + part.length, 0);
            let attempts = 0;
            const response = await this.http.request({
                path: query,
                headers: { 'content-type': multipartContentType(boundary), 'content-length': String(length) },
                body: () => {
                    const parts = partsFor(chunk.count === 1 && attempts++ > 0 ? `${(0,external_node_crypto_.randomUUID)()}.upload` : formName);
                    return length <= 1024 * 1024 ? Buffer.concat(parts, length) : external_node_stream_.Readable.from(parts);
                },
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
            const error = envelopeError(body);
            if (error !== undefined)
                throw refusals_refusal(this.http, label, error);
            if (body.status !== 'ok')
                throw unexpectedAnswer(this.http, label, response, "status 'ok'");
            return;
        }
        const text = response.body.subarray(0, 4096).toString('utf8');
        const isHtml = /^\s*</.test(text);
        if (response.status === 500 && /^\s*(upload failed\.?|upload failed: upload service not running\.?)\s*$/i.test(text)) {
            throw new ProjectNotReady(`${label}: HTTP 500 ${this.http.serverText(text, 300)}`, response.status);
        }
        if (response.status === 413 && index === 0)
            throw new ChunkTooLarge(`CoCalc refused ${label} as too large (HTTP 413)`, contentBytes);
        if (!isHtml && (response.status === 401 || response.status === 500) && text.trim() !== '')
            throw refusals_refusal(this.http, label, text, response.status);
        throw httpFailure(this.http, label, response);
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
    json(name, response, accept = () => false) {
        if (response.status !== 200)
            throw httpFailure(this.http, name, response);
        const body = this.http.parseJson(response, name);
        const error = envelopeError(body);
        if (error !== undefined && !accept(error))
            throw refusals_refusal(this.http, name, error);
        return body;
    }
}
function isTransient(error) {
    return error instanceof HttpError && (error.transport !== undefined || TRANSIENT_STATUSES.includes(error.status ?? 0));
}

;// CONCATENATED MODULE: ./src/cocalc/client.ts


function createCocalcClient(api, options) {
    return api === 'v1' ? new CocalcV1Client(options) : new CocalcV2Client(options);
}

;// CONCATENATED MODULE: ./src/cocalc/progress.ts

class Progress {
    verb;
    totalFiles;
    totalBytes;
    print;
    now;
    intervalMs;
    files = 0;
    bytes = 0;
    lastPrinted;
    lastTenth = 0;
    constructor(verb, totalFiles, totalBytes, print, now = Date.now, intervalMs = 2000) {
        this.verb = verb;
        this.totalFiles = totalFiles;
        this.totalBytes = totalBytes;
        this.print = print;
        this.now = now;
        this.intervalMs = intervalMs;
        this.lastPrinted = now();
    }
    add(files, bytes) {
        this.files += files;
        this.bytes += bytes;
        const fraction = this.totalBytes > 0 ? this.bytes / this.totalBytes : this.totalFiles > 0 ? this.files / this.totalFiles : 1;
        const tenth = Math.floor(Math.min(1, fraction) * 10);
        const done = this.files >= this.totalFiles;
        const time = this.now();
        const elapsed = time - this.lastPrinted;
        if (done || (tenth > this.lastTenth && elapsed >= this.intervalMs / 4) || elapsed >= this.intervalMs) {
            this.lastTenth = Math.max(this.lastTenth, tenth);
            this.lastPrinted = time;
            this.print(this.line());
        }
    }
    line() {
        const percent = this.totalBytes > 0 ? Math.floor((this.bytes / this.totalBytes) * 100) : Math.floor((this.files / Math.max(1, this.totalFiles)) * 100);
        return `${this.verb} ${this.files}/${this.totalFiles} file(s), ${formatBytes(this.bytes)} of ${formatBytes(this.totalBytes)} (${percent}%)`;
    }
}

;// CONCATENATED MODULE: ./src/cocalc/hashing.ts




async function hashRemote(client, entries, options) {
    const batches = batchPaths(entries.map((entry) => entry.remotePath), entries.map((entry) => entry.size), client.hashBatchLimits);
    const answers = await mapLimit(batches, options.concurrency, (batch) => hashBatch(client, batch.map((index) => entries[index].remotePath), options));
    const result = new Array(entries.length);
    batches.forEach((batch, b) => batch.forEach((index, i) => (result[index] = answers[b][i])));
    return result;
}
async function hashBatch(client, paths, options, retried = false) {
    try {
        return await client.hashFiles(paths, options.projectId);
    }
    catch (error) {
        if (!(error instanceof HashBatchCutOff))
            throw error;
        if (paths.length === 1) {
            if (!retried)
                return hashBatch(client, paths, options, true);
            throw new errors/* ServiceError */._7(`${error.message}; hashing ${paths[0]} alone did not succeed either`);
        }
        const half = Math.ceil(paths.length / 2);
        options.log?.info(`${error.message}: asking again in two batches of ${half} and ${paths.length - half} file(s)`);
        const first = await hashBatch(client, paths.slice(0, half), options);
        const second = await hashBatch(client, paths.slice(half), options);
        return [...first, ...second];
    }
}

// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:stream/promises"
var external_node_stream_promises_ = __webpack_require__(6466);
// EXTERNAL MODULE: external "node:events"
var external_node_events_ = __webpack_require__(8474);
;// CONCATENATED MODULE: ./src/cocalc/archive.ts







const PACK_READ_BYTES = 1024 * 1024;
const GZIP_LEVEL = 1;
const GZIP_SAMPLE_BYTES = 64 * 1024;
const GZIP_MIN_BYTES = 16 * 1024;
function orderMembers(members) {
    const key = (name) => {
        const slash = name.lastIndexOf('/');
        return slash < 0 ? ['', name] : [name.slice(0, slash), name.slice(slash + 1)];
    };
    return [...members].sort((a, b) => {
        const [folderA, baseA] = key(a.name);
        const [folderB, baseB] = key(b.name);
        return compare(folderA, folderB) || compare(baseA, baseB);
    });
}
function compare(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}
function gzipPays(members) {
    let total = 0;
    let text = 0;
    for (const { file } of members) {
        total += file.size;
        if (file.isText)
            text += file.size;
    }
    return total >= GZIP_MIN_BYTES && text * 2 >= total;
}
async function compressionPays(members) {
    if (!gzipPays(members))
        return false;
    const { deflateRawSync } = await Promise.resolve(/* import() */).then(__webpack_require__.t.bind(__webpack_require__, 8522, 23));
    const sample = [];
    let bytes = 0;
    for (const { file } of members) {
        if (bytes >= GZIP_SAMPLE_BYTES)
            break;
        if (!file.isText || file.size > SMALL_FILE_BYTES)
            continue;
        const content = await readWhole(file);
        sample.push(content);
        bytes += content.length;
    }
    if (bytes === 0)
        return true;
    const joined = Buffer.concat(sample, bytes);
    return deflateRawSync(joined, { level: GZIP_LEVEL }).length <= joined.length * 0.7;
}
function listingOf(members) {
    return members.map((member) => `${member.name}\n`).join('');
}
function sha256Hex(text) {
    return (0,external_node_crypto_.createHash)('sha256').update(text).digest('hex');
}
async function writeArchive(members, path, gzip) {
    const [{ default: tar }, { createGzip }] = await Promise.all([__webpack_require__.e(/* import() */ 118).then(__webpack_require__.t.bind(__webpack_require__, 6118, 19)), Promise.resolve(/* import() */).then(__webpack_require__.t.bind(__webpack_require__, 8522, 23))]);
    const pack = tar.pack();
    const tap = new HashingCounter();
    const stages = gzip ? [createGzip({ level: GZIP_LEVEL }), tap] : [tap];
    const written = (0,external_node_stream_promises_.pipeline)([pack, ...stages, (0,external_node_fs_.createWriteStream)(path)]);
    written.catch(() => undefined);
    try {
        const mtime = new Date();
        for (const [index, member] of members.entries()) {
            await addMember(pack, member, mtime);
            if (index % 256 === 255)
                await new Promise((resolve) => setImmediate(resolve));
        }
        pack.finalize();
    }
    catch (error) {
        pack.destroy(error);
        throw error;
    }
    await written;
    return { path, size: tap.bytes, sha256: tap.digest(), gzip };
}
async function addMember(pack, member, mtime) {
    const header = { name: member.name, size: member.file.size, mode: 0o644, mtime, type: 'file', uid: 0, gid: 0 };
    if (member.file.size <= SMALL_FILE_BYTES) {
        pack.entry(header, await readWhole(member.file));
        return;
    }
    const entry = pack.entry(header);
    const done = new Promise((resolve, reject) => {
        entry.once('finish', () => resolve());
        entry.once('error', reject);
        entry.once('close', () => resolve());
    });
    for await (const chunk of readChunks(member.file, PACK_READ_BYTES)) {
        if (!entry.write(chunk.content))
            await (0,external_node_events_.once)(entry, 'drain');
    }
    entry.end(null);
    await done;
}
class HashingCounter extends external_node_stream_.Transform {
    bytes = 0;
    hash = (0,external_node_crypto_.createHash)('sha256');
    _transform(chunk, _encoding, callback) {
        this.bytes += chunk.length;
        this.hash.update(chunk);
        callback(null, chunk);
    }
    digest() {
        return this.hash.digest('hex');
    }
}

;// CONCATENATED MODULE: ./src/cocalc/unpack.ts

const UNPACK_MISSING = 3;
const UNPACK_CORRUPT = 4;
const UNPACK_REFUSED = 5;
const UNPACK_SCRIPT = `set -euo pipefail
export LC_ALL=C
dest=$1 work=$2 archive=$3 pieces=$4 piece_count=$5 size=$6 sum=$7 zip=$8 count=$9 listing=\${10} wait=\${11}
stage=$work/stage
trap 'rm -rf -- "$work"' EXIT
fail() { printf '%s\\n' "$2" >&2; exit "$1"; }
if [ -n "$pieces" ]; then
  shopt -s nullglob
  p=("$pieces"/*.b64)
  [ "\${#p[@]}" -eq "$piece_count" ] || fail 3 "expected $piece_count piece(s) of the archive, found \${#p[@]}"
  cat -- "\${p[@]}" | base64 -d > "$archive" || fail 4 "the archive's pieces are not valid base64"
fi
actual=
for ((i = 0; i <= wait; i++)); do
  [ -f "$archive" ] && actual=$(stat -c %s -- "$archive") && [ "$actual" = "$size" ] && break
  [ "$i" -eq "$wait" ] || sleep 0.1
done
[ -f "$archive" ] || fail 3 "the archive did not arrive"
[ "$actual" = "$size" ] || fail 4 "the archive has $actual bytes, not $size"
got=$(sha256sum < "$archive")
[ "\${got%% *}" = "$sum" ] || fail 4 "the archive's SHA-256 is not that of the archive sent"
if [ "$zip" = gzip ]; then
  gzip -dc -- "$archive" > "$work/plain.tar" || fail 4 "the archive cannot be decompressed"
  archive=$work/plain.tar
fi
t=(tar --no-same-owner --no-same-permissions)
"\${t[@]}" -tf "$archive" --quoting-style=literal > "$work/names" || fail 4 "the archive cannot be listed"
if grep -qE '^/|(^|/)\\.\\.(/|$)' "$work/names"; then fail 5 "the archive has a member with an absolute name or '..': refused"; fi
"\${t[@]}" -tvf "$archive" > "$work/types" || fail 4 "the archive cannot be listed"
if grep -qv '^-' "$work/types"; then fail 5 "the archive has a member that is not a regular file: refused"; fi
l=$(sha256sum < "$work/names")
[ "\${l%% *}" = "$listing" ] || fail 5 "the archive's members are not the files sent: refused"
mapfile -t names < "$work/names"
[ "\${#names[@]}" -eq "$count" ] || fail 5 "the archive has \${#names[@]} member(s), not $count: refused"
mkdir -p -- "$stage"
"\${t[@]}" -xmf "$archive" -C "$stage" || fail 4 "the archive cannot be extracted"
[ -z "$(find "$stage" ! -type f ! -type d -print -quit)" ] || fail 5 "the archive held something that is not a regular file: refused"
# Each member as ./NAME: its folder is then \${n%/*}, "." for the top. Whole arrays at once: a
# bash loop costs 7 us a name. (No & magic in replacements, bash 5.2.)
shopt -u patsub_replacement 2>/dev/null || true
q=("\${names[@]/#/./}")
paths=("\${names[@]/#/"$dest/"}")
mapfile -t dirs < <(printf '%s\n' "\${q[@]%/*}" | uniq)
# A folder the destination lacks moves over whole: its top-most missing folder, by one rename.
# If another run made that folder meanwhile, mv -T refuses (it never moves into it), and the
# files go one folder at a time below instead.
remaining=
for d in "\${dirs[@]}"; do
  [ -d "$stage/$d" ] || continue
  top=$d moving=
  while ! [ -e "$dest/$top" ]; do
    moving=$top
    [ "$top" = . ] && break
    top=\${top%/*}
  done
  if [ -z "$moving" ]; then
    remaining=1
  elif [ "$moving" = . ]; then
    mkdir -p -- "$(dirname -- "$dest")"
    mv -T -- "$stage" "$dest" 2> /dev/null || remaining=1
  else
    mv -T -- "$stage/$moving" "$dest/\${moving#./}" 2> /dev/null || remaining=1
  fi
done
# Into folders that were there already, the files move one folder at a time.
if [ -n "$remaining" ]; then
  folder= there= batch=()
  for n in "\${q[@]}"; do
    d=\${n%/*}
    if [ "$d" != "$folder" ]; then
      [ "\${#batch[@]}" -eq 0 ] || mv -f -t "$there" -- "\${batch[@]}"
      batch=() folder=$d there=
      if [ "$d" = . ]; then there=$dest; else there=$dest/\${d#./}; fi
      [ -d "$stage/$d" ] || there=
      [ -z "$there" ] || [ -d "$there" ] || mkdir -p -- "$there"
    fi
    [ -z "$there" ] || batch+=("$stage/$n")
  done
  [ "\${#batch[@]}" -eq 0 ] || mv -f -t "$there" -- "\${batch[@]}"
fi
set -- "\${paths[@]}"
${HASH_SCRIPT}`;
function unpackCommand(request) {
    return {
        command: 'bash',
        args: [
            '-c',
            UNPACK_SCRIPT,
            'unpack',
            request.dest,
            request.work,
            request.archive,
            request.pieces?.dir ?? '',
            String(request.pieces?.count ?? 0),
            String(request.size),
            request.sha256,
            request.gzip ? 'gzip' : 'none',
            String(request.count),
            request.listingSha256,
            String(request.waitTenths)
        ]
    };
}
function parseUnpackOutput(stdout, count) {
    const found = parseHashOutput(stdout, count);
    if ('problem' in found)
        return found;
    const missing = found.findIndex((file) => file === undefined);
    if (missing >= 0)
        return { problem: `member ${missing + 1} is not there after unpacking` };
    return found;
}

;// CONCATENATED MODULE: ./src/cocalc/bulk.ts









const ARCHIVE_MEMBER_MAX_BYTES = 4 * 1024 * 1024;
const ARCHIVE_MIN_FILES = 2;
const ARCHIVE_MAX_BYTES = 128 * 1024 * 1024;
const ARCHIVE_MAX_MEMBERS = 20_000;
const ARCHIVE_WAIT_TENTHS = 50;
function planArchives(items, folder) {
    const prefix = `${folder}/`;
    const fits = (item) => item.file.size <= ARCHIVE_MEMBER_MAX_BYTES && item.remotePath.startsWith(prefix) && item.remotePath.length > prefix.length;
    const archived = items.filter(fits);
    if (archived.length < ARCHIVE_MIN_FILES)
        return { batches: [], single: [...items] };
    const batches = [];
    let current = [];
    let bytes = 0;
    for (const item of archived) {
        if (current.length > 0 && (current.length >= ARCHIVE_MAX_MEMBERS || bytes + item.file.size > ARCHIVE_MAX_BYTES)) {
            batches.push(current);
            current = [];
            bytes = 0;
        }
        current.push(item);
        bytes += item.file.size;
    }
    batches.push(current);
    return { batches, single: items.filter((item) => !fits(item)) };
}
async function sendArchive(client, items, options) {
    const byName = new Map();
    for (const item of items)
        byName.set(item.remotePath.slice(options.folder.length + 1), item);
    const members = orderMembers([...byName].map(([name, item]) => ({ name, file: item.file })));
    const scratch = await (0,promises_.mkdtemp)(external_node_path_.join(options.tempDir ?? external_node_os_.tmpdir(), 'publish-archive-'));
    try {
        const gzip = await compressionPays(members);
        const written = await writeArchive(members, external_node_path_.join(scratch, gzip ? 'files.tar.gz' : 'files.tar'), gzip);
        const content = members.reduce((sum, member) => sum + member.file.size, 0);
        options.log(`Sending ${members.length} file(s), ${formatBytes(content)}, as one archive of ${formatBytes(written.size)}${gzip ? ' (gzip)' : ''}`);
        const archive = {
            name: `the archive of ${members.length} file(s)`,
            absolutePath: written.path,
            size: written.size,
            sha256: written.sha256,
            isText: false
        };
        const found = await deliver(client, archive, members, gzip, options);
        if (!found)
            return undefined;
        const byMember = new Map(members.map((member, index) => [member.name, found[index]]));
        return items.map((item) => byMember.get(item.remotePath.slice(options.folder.length + 1)));
    }
    finally {
        await (0,promises_.rm)(scratch, { recursive: true, force: true });
    }
}
const ARCHIVE_ATTEMPTS = 2;
async function deliver(client, archive, members, gzip, options) {
    const label = client.api === 'v1' ? 'project_exec (unpack the archive)' : 'exec (unpack the archive)';
    const listingSha256 = sha256Hex(listingOf(members));
    for (let attempt = 1;; attempt++) {
        const work = `${V1_PIECES_ROOT}/${(0,external_node_crypto_.randomUUID)()}`;
        const staged = await client.stageArchive(archive, work);
        const result = await client.execProgram(unpackCommand({
            dest: options.folder,
            work,
            archive: staged.archive,
            pieces: staged.pieces,
            size: archive.size,
            sha256: archive.sha256,
            gzip,
            count: members.length,
            listingSha256,
            waitTenths: ARCHIVE_WAIT_TENTHS
        }), label);
        const reason = result.stderr;
        if (result.exitCode === 0) {
            const found = parseUnpackOutput(result.stdout, members.length);
            if (!('problem' in found))
                return found;
            throw new errors/* ServiceError */._7(`CoCalc answered ${label} with unusable output (${found.problem})`);
        }
        if (result.exitCode === UNPACK_MISSING || result.exitCode === UNPACK_CORRUPT) {
            if (attempt === ARCHIVE_ATTEMPTS)
                return undefined;
            options.log(`The archive did not arrive intact in the project (${reason}): sending it again`);
            continue;
        }
        throw new errors/* ServiceError */._7(`unpacking ${archive.name} inside the project failed (exit code ${result.exitCode}): ${reason}`);
    }
}

;// CONCATENATED MODULE: ./src/cocalc/upload.ts






const SETTLE_PAUSES_MS = [1000, 2000];
async function remoteHashes(client, items, concurrency, projectId, log) {
    return hashRemote(client, items.map((item) => ({ remotePath: item.remotePath, size: item.file.size })), { concurrency, projectId, log });
}
function differing(items, hashes) {
    return items.filter((item, index) => hashes[index]?.sha256 !== item.file.sha256);
}
async function uploadChanged(client, items, options) {
    let before;
    try {
        before = await remoteHashes(client, items, options.concurrency, undefined, options.log);
    }
    catch (error) {
        if (options.verify || !(error instanceof errors/* ServiceError */._7) || /cocalc-api-key|collaborator/.test(error.message))
            throw error;
        options.log.warning(`Could not ask the project which files are already there (${(0,errors/* errorMessage */.gJ)(error)}): uploading every file`);
    }
    const changed = before ? differing(items, before) : [...items];
    const unchanged = items.length - changed.length;
    if (unchanged > 0)
        options.log.info(`${unchanged} file(s) are already identical in the project and are not sent again`);
    const remote = new Map();
    items.forEach((item, index) => {
        const found = before?.[index];
        if (found && found.sha256 === item.file.sha256)
            remote.set(item.remotePath, found);
    });
    const unverified = await sendChanged(client, changed, options, remote);
    const bytes = changed.reduce((sum, item) => sum + item.file.size, 0);
    return { sent: changed, unverified, bytes, knownIdentical: before !== undefined && changed.length === 0, remote };
}
async function sendChanged(client, changed, options, remote) {
    const folder = options.archiveFolder;
    const plan = folder === undefined ? { batches: [], single: [...changed] } : planArchives(changed, folder);
    const unverified = [...plan.single];
    let arrived = 0;
    for (const batch of plan.batches) {
        let found;
        try {
            found = await sendArchive(client, batch, { folder: folder, log: options.log.info });
        }
        catch (error) {
            throw partialFailure(error, arrived, changed.length);
        }
        if (!found) {
            options.log.warning(`The archive of ${batch.length} file(s) did not arrive intact twice: sending the files one by one`);
            unverified.push(...batch);
            continue;
        }
        const wrong = batch.filter((item, index) => found[index]?.sha256 !== item.file.sha256);
        batch.forEach((item, index) => {
            if (found[index]?.sha256 === item.file.sha256)
                remote.set(item.remotePath, found[index]);
        });
        arrived += batch.length - wrong.length;
        if (wrong.length === 0) {
            options.log.info(`Verified: all ${batch.length} file(s) of the archive are byte-identical where they were unpacked`);
            continue;
        }
        options.log.warning(`${wrong.length} file(s) of the archive hash wrong after unpacking (${listNames(wrong)}): sending them one by one`);
        unverified.push(...wrong);
    }
    await uploadAll(client, unverified, options, 'Uploaded', { arrived, total: changed.length });
    return unverified;
}
function partialFailure(error, done, total) {
    if (!(error instanceof errors/* ActionError */.lZ))
        return error;
    const message = `${(0,errors/* errorMessage */.gJ)(error)} (${done} of ${total} file(s) were uploaded before this failure; the other ${total - done} were not, or not completely)`;
    return error instanceof errors/* FileError */.f6 ? new errors/* FileError */.f6(message) : new errors/* ServiceError */._7(message, error instanceof errors/* ServiceError */._7 ? error.status : undefined);
}
async function settledHashes(client, items, options, projectId) {
    const sleep = options.sleep ?? ((ms) => concurrency_sleep(ms));
    const hashes = await remoteHashes(client, items, options.concurrency, projectId, options.log);
    for (const pause of SETTLE_PAUSES_MS) {
        const wrong = items.map((_item, index) => index).filter((index) => hashes[index]?.sha256 !== items[index].file.sha256);
        if (wrong.length === 0)
            break;
        options.log.debug(`${wrong.length} file(s) do not hash right yet: looking again in ${pause / 1000} s`);
        await sleep(pause);
        const again = await remoteHashes(client, wrong.map((index) => items[index]), options.concurrency, projectId, options.log);
        wrong.forEach((index, i) => (hashes[index] = again[i]));
    }
    return hashes;
}
async function verifyUploads(client, sent, options, remote = new Map()) {
    if (sent.length === 0)
        return 0;
    const after = await settledHashes(client, sent, options);
    const mismatched = differing(sent, after);
    const record = (items, hashes) => items.forEach((item, index) => {
        const found = hashes[index];
        if (found && found.sha256 === item.file.sha256)
            remote.set(item.remotePath, found);
    });
    record(sent, after);
    if (mismatched.length === 0) {
        options.log.info(`Verified: all ${sent.length} uploaded file(s) are byte-identical in the project`);
        return 0;
    }
    options.log.warning(`${mismatched.length} file(s) did not arrive intact although CoCalc acknowledged them (${listNames(mismatched)}): uploading them once more`);
    await uploadAll(client, mismatched, options, 'Re-uploaded');
    const again = await settledHashes(client, mismatched, options);
    record(mismatched, again);
    const still = differing(mismatched, again);
    if (still.length > 0) {
        const arrived = sent.length - still.length;
        throw new errors/* ServiceError */._7(`${still.length} file(s) still differ in the project after a second upload: ${listNames(still)} (CoCalc acknowledged the writes but did not store them; ${arrived} of ${sent.length} uploaded file(s) were verified)`);
    }
    options.log.info(`Verified after the second upload: all ${sent.length} uploaded file(s) are byte-identical in the project`);
    return mismatched.length;
}
async function uploadAll(client, items, options, verb, earlier = { arrived: 0, total: items.length }) {
    if (items.length === 0)
        return 0;
    const totalBytes = items.reduce((sum, item) => sum + item.file.size, 0);
    options.log.info(`${verb === 'Uploaded' ? 'Uploading' : 'Re-uploading'} ${items.length} file(s), ${formatBytes(totalBytes)}`);
    const progress = new Progress(verb, items.length, totalBytes, options.log.info, options.now);
    let done = 0;
    try {
        await mapLimit(items, options.concurrency, async (item) => {
            await client.uploadFile(item.remotePath, item.file, (bytes) => progress.add(0, bytes));
            progress.add(1, 0);
            done++;
        });
    }
    catch (error) {
        throw partialFailure(error, earlier.arrived + done, earlier.total);
    }
    return totalBytes;
}
function listNames(items, max = 5) {
    const names = items.slice(0, max).map((item) => item.file.name);
    return items.length > max ? `${names.join(', ')} and ${items.length - max} more` : names.join(', ');
}

;// CONCATENATED MODULE: ./src/logger.ts


const actionsLogger = {
    info: (line) => core/* info */.pq(inert(line)),
    warning: (line) => core/* warning */.$e(line),
    debug: (line) => core/* debug */.Yz(line)
};
const silentLogger = { info: () => undefined, warning: () => undefined, debug: () => undefined };

;// CONCATENATED MODULE: ./src/cocalc/exclude.ts
function excluder(patterns) {
    const rules = parseRules(patterns);
    if (rules.length === 0)
        return () => false;
    return (rel) => {
        const names = utf8Bytes(rel).split('/');
        for (let depth = 1; depth <= names.length; depth++) {
            const path = names.slice(0, depth).join('/');
            const decisive = rules.find((rule) => matches(rule, path, depth < names.length));
            if (decisive && !decisive.include)
                return true;
        }
        return false;
    };
}
function isExcluded(rel, patterns) {
    return excluder(patterns)(rel);
}
function parseRules(patterns) {
    let rules = [];
    for (const line of patterns) {
        if (line === '!') {
            rules = [];
            continue;
        }
        const include = line.startsWith('+ ');
        const pattern = include || line.startsWith('- ') ? line.slice(2) : line;
        if (pattern !== '')
            rules.push(compile(utf8Bytes(pattern), include));
    }
    return rules;
}
function compile(pattern, include) {
    const anchored = pattern.startsWith('/');
    let body = anchored ? pattern.slice(1) : pattern;
    const dirOnly = body.endsWith('/');
    if (dirOnly)
        body = body.slice(0, -1);
    const wild = /[*?[]/.test(body);
    const scope = anchored ? 'path' : !body.includes('/') && !body.includes('**') ? 'name' : 'tail';
    const rule = { include, dirOnly, scope, rootSlash: !anchored && body.startsWith('**'), regex: globRegExp(body, wild) };
    if (wild && body.endsWith('/***')) {
        rule.regex = globRegExp(body.slice(0, -1), true);
        rule.folder = globRegExp(body.slice(0, -4), true);
    }
    return rule;
}
function matches(rule, path, isDir) {
    if (rule.dirOnly && !isDir)
        return false;
    const test = (subject) => rule.regex.test(subject) || (isDir && rule.folder !== undefined && rule.folder.test(subject));
    if (rule.scope === 'name')
        return test(path.slice(path.lastIndexOf('/') + 1));
    if (rule.scope === 'path')
        return test(path);
    if (rule.rootSlash && test(`/${path}`))
        return true;
    for (let start = 0; start >= 0; start = path.indexOf('/', start) + 1 || -1) {
        if (test(path.slice(start)))
            return true;
    }
    return false;
}
function utf8Bytes(text) {
    return Buffer.from(text, 'utf8').toString('latin1');
}
const NEVER = /(?!)/;
function globRegExp(glob, wild) {
    if (!wild)
        return new RegExp(`^${escapeByte(glob)}$`);
    let source = '';
    for (let i = 0; i < glob.length; i++) {
        const char = glob[i];
        if (char === '*') {
            const stars = /^\*+/.exec(glob.slice(i))?.[0].length ?? 1;
            source += stars > 1 ? '[^]*' : '[^/]*';
            i += stars - 1;
        }
        else if (char === '?')
            source += '[^/]';
        else if (char === '[') {
            const found = bracket(glob, i);
            if (!found)
                return NEVER;
            source += found.source;
            i = found.end;
        }
        else if (char === '\\' && i + 1 < glob.length)
            source += escapeByte(glob[++i]);
        else
            source += escapeByte(char);
    }
    return new RegExp(`^${source}$`);
}
const NAMED = {
    alnum: '0-9A-Za-z',
    alpha: 'A-Za-z',
    blank: ' \\t',
    cntrl: '\\x00-\\x1f\\x7f',
    digit: '0-9',
    graph: '!-~',
    lower: 'a-z',
    print: ' -~',
    punct: '!-\\/:-@\\[-`{-~',
    space: '\\t-\\r ',
    upper: 'A-Z',
    xdigit: '0-9A-Fa-f'
};
function bracket(glob, start) {
    let i = start + 1;
    const negated = glob[i] === '!' || glob[i] === '^';
    if (negated)
        i++;
    let set = '';
    for (let first = true; i < glob.length; first = false, i++) {
        if (glob[i] === ']' && !first)
            return { source: negated ? `[^/${set}]` : `(?!/)[${set}]`, end: i };
        const named = glob.startsWith('[:', i) ? /^\[:([a-z]+):\]/.exec(glob.slice(i)) : null;
        if (named) {
            if (!(named[1] in NAMED))
                return undefined;
            set += NAMED[named[1]];
            i += named[0].length - 1;
            continue;
        }
        if (glob[i] === '\\' && i + 1 < glob.length)
            i++;
        const low = glob[i];
        if (glob[i + 1] === '-' && i + 2 < glob.length && glob[i + 2] !== ']') {
            const high = glob[i + 2] === '\\' && i + 3 < glob.length ? glob[i + 3] : glob[i + 2];
            i += glob[i + 2] === '\\' ? 3 : 2;
            if (low <= high)
                set += `${escapeByte(low)}-${escapeByte(high)}`;
        }
        else
            set += escapeByte(low);
    }
    return undefined;
}
function escapeByte(text) {
    return [...text].map((char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');
}

;// CONCATENATED MODULE: ./src/cocalc/links.ts
function projectFolderUrl(baseUrl, projectId, folder) {
    const encoded = folder
        .split('/')
        .filter((segment) => segment !== '')
        .map((segment) => encodeURIComponent(segment))
        .join('/');
    return `${baseUrl.replace(/\/+$/, '')}/projects/${projectId}/files/${encoded}/`;
}
function kioskUrl(url) {
    return `${url}${url.includes('?') ? '&' : '?'}fullscreen=kiosk`;
}
function remotePathOf(folder, name) {
    return `${folder}/${name}`;
}

;// CONCATENATED MODULE: ./src/cocalc/target-check.ts




function targetCheck(client, options) {
    const excluded = excluder(options.exclude);
    const items = options.items.filter((item) => !excluded(item.file.name));
    return async (projectId, folder, only) => {
        const list = only ?? items;
        const hashes = await hashRemote(client, list.map((item) => ({ remotePath: remotePathOf(folder, item.file.name), size: item.file.size })), { concurrency: options.concurrency, projectId, log: options.log });
        return { ...judge(list, hashes, options), checked: items.length };
    };
}
function judge(items, hashes, options) {
    const wrong = [];
    const kept = [];
    items.forEach((item, index) => {
        const found = hashes[index];
        if (found?.sha256 === item.file.sha256)
            return;
        const source = options.source.get(item.remotePath);
        if (found && !options.overwriteNewer && source && found.mtime > source.mtime)
            kept.push(item);
        else
            wrong.push(item);
    });
    return { wrong, kept, checked: items.length };
}
function describeWrong(result) {
    return `${result.wrong.length} of ${result.checked} file(s) missing or different in the target: ${listNames(result.wrong)}`;
}

;// CONCATENATED MODULE: ./src/cocalc/copy.ts




async function requestCopies(client, targets, options, concurrency, log) {
    return mapLimit(targets, concurrency, async (target) => {
        try {
            const copyId = await client.copyPath({ ...options, targetProjectId: target.projectId, targetPath: target.path });
            if (copyId === '') {
                log.info(`Copy of ${options.path} to project ${target.projectId} (${target.path}) requested: the server gave no copy id, so only the target can tell`);
            }
            else
                log.info(`Copy of ${options.path} to project ${target.projectId} (${target.path}) queued: copy id ${copyId}`);
            return { target, copyId, status: 'running' };
        }
        catch (error) {
            if (!(error instanceof errors/* ActionError */.lZ))
                throw error;
            log.info(`Copy to project ${target.projectId} could not be requested: ${(0,errors/* errorMessage */.gJ)(error)}`);
            return { target, copyId: '', status: 'failed', error: (0,errors/* errorMessage */.gJ)(error) };
        }
    });
}
function nextPollDelay(previousMs) {
    if (previousMs === undefined)
        return 700;
    return Math.min(Math.round(previousMs * 1.5), 5000);
}
async function waitForCopies(client, copies, options) {
    const now = options.now ?? Date.now;
    const running = copies.filter((copy) => copy.status === 'running');
    if (running.length === 0)
        return copies;
    const started = now();
    const ticker = setInterval(() => {
        const left = running.filter((copy) => copy.status === 'running').length;
        options.log.info(`Still waiting for ${left} cop${left === 1 ? 'y' : 'ies'} (${Math.round((now() - started) / 1000)} s)`);
    }, 10_000);
    try {
        await mapLimit(running, running.length, async (copy) => {
            const outcome = await settleCopy(client, copy, { ...options, now });
            copy.status = outcome.status;
            copy.error = outcome.error;
            const where = `project ${copy.target.projectId} (${copy.target.path})`;
            if (outcome.status === 'copied')
                options.log.info(`Copy to ${where} finished${options.check ? ' and its files hash right there' : ''}`);
            else if (outcome.status === 'queued' || outcome.status === 'unverified')
                options.log.warning(`Copy to ${where}: ${outcome.error}`);
            else if (outcome.status !== 'running')
                options.log.info(`Copy to ${where} ${outcome.status === 'timeout' ? 'timed out' : 'failed'}: ${outcome.error}`);
        });
    }
    finally {
        clearInterval(ticker);
    }
    return copies;
}
async function settleCopy(client, copy, options) {
    const wait = options.wait ?? true;
    const check = options.check;
    if (copy.copyId !== '') {
        if (!wait)
            return { status: 'running' };
        const outcome = await waitForCopy(client, copy.copyId, options);
        if (!check)
            return outcome;
        if (outcome.status === 'copied')
            return confirmInTarget(copy, check, options);
        if (outcome.status === 'queued')
            return pollTarget(copy, check, options);
        return outcome;
    }
    if (!check) {
        return {
            status: 'unverified',
            error: `the server gave no copy id and the files cannot be checked in the target (${options.wait === false ? 'wait: false' : 'verify: false, or nothing was uploaded'}), so nothing shows the copy arrived: check the target project`
        };
    }
    if (!wait) {
        const result = await checkOnce(check, copy, options);
        return result !== 'deadline' && !(result instanceof Error) && result.wrong.length === 0
            ? copied(result.kept, copy, options)
            : { status: 'running' };
    }
    return pollTarget(copy, check, options);
}
async function confirmInTarget(copy, check, options) {
    const sleep = options.sleep ?? ((ms) => concurrency_sleep(ms));
    const kept = [];
    let only;
    for (let look = 1;; look++) {
        const result = await checkOnce(check, copy, options, only);
        if (result === 'deadline')
            return { status: 'timeout', error: 'the copy finished, but the time ran out while its files were checked in the target' };
        if (result instanceof Error)
            return { status: 'failed', error: `the copy finished, but its files could not be checked in the target: ${result.message}` };
        kept.push(...result.kept);
        if (result.wrong.length === 0)
            return copied(kept, copy, options);
        if (look === 2)
            return { status: 'failed', error: `the copy finished, but ${describeWrong(result)}` };
        only = result.wrong;
        await sleep(1000);
    }
}
async function pollTarget(copy, check, options) {
    const sleep = options.sleep ?? ((ms) => concurrency_sleep(ms));
    const maxFailures = options.maxFailedPolls ?? 3;
    let delay;
    let failures = 0;
    let last;
    const kept = [];
    for (;;) {
        if (delay !== undefined) {
            const remaining = options.deadline - options.now();
            if (remaining <= 0)
                break;
            await sleep(Math.min(delay, remaining));
        }
        delay = nextPollDelay(delay);
        const result = await checkOnce(check, copy, options, last?.wrong);
        if (result === 'deadline')
            break;
        if (result instanceof Error) {
            if (options.now() >= options.deadline)
                break;
            if (++failures >= maxFailures)
                return { status: 'failed', error: `the target could not be checked ${failures} times in a row: ${result.message}` };
            continue;
        }
        failures = 0;
        last = result;
        kept.push(...result.kept);
        if (result.wrong.length === 0)
            return copied(kept, copy, options);
    }
    const seen = last ? describeWrong(last) : 'the target could not be checked';
    return { status: 'timeout', error: `the files did not all arrive in the target before the timeout ran out (${seen})` };
}
async function checkOnce(check, copy, options, only) {
    const budget = Math.max(1000, options.deadline - options.now() + 1000);
    try {
        return await beforeDeadline(check(copy.target.projectId, copy.target.path, only), budget);
    }
    catch (error) {
        if (!(error instanceof errors/* ActionError */.lZ))
            throw error;
        return options.now() >= options.deadline ? 'deadline' : error;
    }
}
function copied(kept, copy, options) {
    if (kept.length > 0) {
        options.log.info(`${kept.length} file(s) in project ${copy.target.projectId} were kept as they were, being newer there ('overwrite-newer' is false): ${listNames(kept)}`);
    }
    return { status: 'copied' };
}
async function waitForCopy(client, copyId, options) {
    const now = options.now ?? Date.now;
    const sleep = options.sleep ?? ((ms) => concurrency_sleep(ms));
    const maxFailures = options.maxFailedPolls ?? 3;
    let delay = nextPollDelay();
    let failures = 0;
    const timedOut = () => ({ status: 'timeout', error: `still not finished when the timeout ran out (copy id ${copyId})` });
    for (;;) {
        const remaining = options.deadline - now();
        if (remaining <= 0)
            return timedOut();
        await sleep(Math.min(delay, remaining));
        delay = nextPollDelay(delay);
        let state;
        try {
            const budget = Math.max(1000, options.deadline - now() + 1000);
            state = await beforeDeadline(client.copyStatus(copyId, Math.min(30_000, budget)), budget);
        }
        catch (error) {
            if (!(error instanceof errors/* ActionError */.lZ))
                throw error;
            if (now() >= options.deadline)
                return timedOut();
            failures++;
            if (failures >= maxFailures) {
                return { status: 'failed', error: `its status could not be read ${failures} times in a row (copy id ${copyId}): ${(0,errors/* errorMessage */.gJ)(error)}` };
            }
            options.log?.debug(`Copy ${copyId}: status poll failed (${failures} in a row): ${(0,errors/* errorMessage */.gJ)(error)}`);
            continue;
        }
        failures = 0;
        if (state === 'deadline')
            return timedOut();
        switch (state.state) {
            case 'finished':
                return { status: 'copied' };
            case 'failed':
                return { status: 'failed', error: state.error };
            case 'unsupported':
                return {
                    status: 'queued',
                    error: `this CoCalc server cannot report copy status (it has no projects/copy-path-status), so the copy (id ${copyId}) is reported as queued: check the target project`
                };
            case 'running':
                break;
        }
    }
}
async function beforeDeadline(promise, ms) {
    promise.catch(() => undefined);
    let timer;
    const deadline = new Promise((resolve) => {
        timer = setTimeout(() => resolve('deadline'), ms);
    });
    try {
        return await Promise.race([promise, deadline]);
    }
    finally {
        clearTimeout(timer);
    }
}

;// CONCATENATED MODULE: ./src/cocalc/deadline.ts

const DOING = {
    'changed files': "listing the pull request's changed files on GitHub",
    start: 'starting the project',
    upload: 'uploading the files',
    verify: 'verifying the files inside the project',
    copy: 'requesting the copies',
    wait: 'waiting for the copies',
    share: 'sharing the folder'
};
class StepTimeout extends errors/* ServiceError */._7 {
    name = 'StepTimeout';
}
class StepDeadline {
    seconds;
    endsAt;
    controller = new AbortController();
    timer;
    current = 'start';
    constructor(seconds, now = Date.now) {
        this.seconds = seconds;
        this.endsAt = now() + seconds * 1000;
        this.timer = setTimeout(() => this.controller.abort(this.error()), seconds * 1000);
        this.timer.unref();
    }
    get signal() {
        return this.controller.signal;
    }
    get phase() {
        return this.current;
    }
    async run(phase, work) {
        this.current = phase;
        if (this.signal.aborted)
            throw this.error();
        let onAbort;
        const stopped = new Promise((_, reject) => {
            onAbort = () => reject(this.error());
            this.signal.addEventListener('abort', onAbort, { once: true });
        });
        const running = work();
        running.catch(() => undefined);
        stopped.catch(() => undefined);
        try {
            return await Promise.race([running, stopped]);
        }
        catch (error) {
            throw this.signal.aborted ? this.error() : error;
        }
        finally {
            if (onAbort)
                this.signal.removeEventListener('abort', onAbort);
        }
    }
    enter(phase) {
        this.current = phase;
    }
    dispose() {
        clearTimeout(this.timer);
    }
    error() {
        const slow = this.current === 'changed files' ? 'GitHub responds' : 'CoCalc and the project respond';
        return new StepTimeout(`The cocalc step did not finish within its ${this.seconds} s 'timeout' (phase: ${this.current}, ${DOING[this.current]}): raise 'timeout', or check that ${slow}`);
    }
}

;// CONCATENATED MODULE: ./src/cocalc/plan.ts





async function planRequests(client, inputs, items, chunkBytes) {
    const base = inputs.cocalcUrl;
    const lines = ["All requests (Authorization: Basic, from 'cocalc-api-key')"];
    if (inputs.copyOnly) {
        lines.push(`Nothing uploaded ('files' is empty): the existing ${inputs.path}/ of project ${inputs.projectId} is copied`);
        if (inputs.api === 'v2')
            lines.push(`POST ${base}/api/v2/projects/start ${JSON.stringify({ project_id: inputs.projectId })}`);
    }
    else {
        lines.push(...(await uploadPlan(client, inputs, items, chunkBytes)));
    }
    for (const projectId of inputs.targetProjectIds) {
        const request = client.copyRequest({
            targetProjectId: projectId,
            path: inputs.path,
            targetPath: inputs.targetPath,
            overwriteNewer: inputs.overwriteNewer,
            deleteMissing: inputs.deleteMissing,
            backup: inputs.backup,
            exclude: inputs.exclude
        });
        lines.push(`POST ${base}${request.path} ${JSON.stringify(request.body)}`);
    }
    if (inputs.targetProjectIds.length > 0 && inputs.wait) {
        const status = inputs.api === 'v2' ? `${base}/api/v2/projects/copy-path-status {"copy_id":…}` : `${base}/api/v1/copy_path_status {"copy_path_id":…}`;
        lines.push(`POST ${status} for each queued copy, until it finishes (the whole step: at most ${inputs.timeoutSeconds} s)`);
    }
    if (inputs.targetProjectIds.length > 0 && inputs.verify && !inputs.copyOnly) {
        const exec = inputs.api === 'v2' ? `${base}/api/v2/exec` : `${base}/api/v1/project_exec`;
        const hashBatches = hashBatchCount(client, items);
        lines.push(`POST ${exec} in each target project: sha256 of the copied files (${hashBatches} request(s) per look), after the copy finished, or until they match when the server gave no copy id`);
    }
    return lines;
}
async function uploadPlan(client, inputs, items, chunkBytes) {
    const base = inputs.cocalcUrl;
    const exec = inputs.api === 'v2' ? `${base}/api/v2/exec` : `${base}/api/v1/project_exec`;
    const hashBatches = hashBatchCount(client, items);
    const { batches, single } = planArchives(items, inputs.path);
    const ways = await Promise.all(single.map((item) => client.planUpload(item.remotePath, item.file)));
    const count = (via) => ways.reduce((sum, way, i) => way.via === via ? { files: sum.files + 1, requests: sum.requests + way.requests, bytes: sum.bytes + single[i].file.size } : sum, { files: 0, requests: 0, bytes: 0 });
    const lines = [];
    if (inputs.api === 'v2')
        lines.push(`POST ${base}/api/v2/projects/start ${JSON.stringify({ project_id: inputs.projectId })}`);
    lines.push(`POST ${exec}: sha256 of the ${items.length} destination path(s) under ${inputs.path}/ (${hashBatches} request(s)), to send only what differs`);
    lines.push(...archivePlan(inputs, batches, chunkBytes));
    if (single.length === 0)
        return lines;
    if (inputs.api === 'v2') {
        const chunked = count('upload');
        const empty = count('write-text-file');
        lines.push(`POST ${base}/upload?project_id=${inputs.projectId}&compute_server_id=0&path=<folder>: multipart upload of each other file that differs: at most ${single.length} file(s), ${formatBytes(chunked.bytes + empty.bytes)}, in at most ${chunked.requests} request(s) of up to ${formatBytes(chunkBytes)}`);
        if (empty.files > 0)
            lines.push(`POST ${base}/api/v2/projects/write-text-file: ${empty.files} empty file(s) (the upload endpoint refuses empty files)`);
    }
    else {
        const text = count('text');
        const pieces = count('pieces');
        if (text.files > 0)
            lines.push(`POST ${base}/api/v1/write_text_file_to_project: each other text file that differs (at most ${text.files})`);
        if (pieces.files > 0) {
            lines.push(`POST ${base}/api/v1/write_text_file_to_project + project_exec: ${pieces.files} binary or large file(s) as at most ${pieces.requests} base64 piece(s), decoded inside the project`);
        }
    }
    if (inputs.verify)
        lines.push(`POST ${exec}: sha256 of those files again (verify), re-uploading any mismatch once`);
    return lines;
}
function archivePlan(inputs, batches, chunkBytes) {
    if (batches.length === 0)
        return [];
    const base = inputs.cocalcUrl;
    const files = batches.flat();
    const what = `the small files that differ packed into ${batches.length} archive(s) (at most ${files.length} file(s), ${formatBytes(sizeOf(files))})`;
    if (inputs.api === 'v1') {
        const pieces = batches.reduce((sum, batch) => sum + chunkCount(tarBytes(batch), V1_PIECE_BYTES), 0);
        return [
            `POST ${base}/api/v1/write_text_file_to_project + project_exec: ${what} as at most ${pieces} base64 piece(s), then unpacked into ${inputs.path}/ with every file hashed where it lands (this verifies them)`
        ];
    }
    const chunks = batches.reduce((sum, batch) => sum + chunkCount(tarBytes(batch), chunkBytes), 0);
    return [
        `POST ${base}/upload?project_id=${inputs.projectId}&compute_server_id=0&path=${V1_PIECES_ROOT}/<id>: ${what}, in at most ${chunks} request(s) of up to ${formatBytes(chunkBytes)}`,
        `POST ${base}/api/v2/exec: unpack each archive into ${inputs.path}/ and hash every file where it lands (this verifies them)`
    ];
}
function sizeOf(items) {
    return items.reduce((sum, item) => sum + item.file.size, 0);
}
function tarBytes(items) {
    return items.reduce((sum, item) => sum + 1536 + Math.ceil(item.file.size / 512) * 512, 1024);
}
function hashBatchCount(client, items) {
    return batchPaths(items.map((item) => item.remotePath), items.map((item) => item.file.size), client.hashBatchLimits).length;
}

;// CONCATENATED MODULE: ./src/cocalc/share.ts




const FLAGS = {
    public: { unlisted: false, authenticated: false },
    unlisted: { unlisted: true, authenticated: false },
    authenticated: { unlisted: false, authenticated: true }
};
function shareId(projectId, folder) {
    return (0,external_node_crypto_.createHash)('sha1').update(`${projectId}${folder}`, 'utf8').digest('hex');
}
function shareUrl(baseUrl, projectId, folder) {
    return `${baseUrl.replace(/\/+$/, '')}/share/public_paths/${shareId(projectId, folder)}`;
}
function shareRow(projectId, folder, mode, description) {
    return { project_id: projectId, path: folder, description, disabled: false, ...FLAGS[mode] };
}
function shareRequest(api, row) {
    return { path: api === 'v2' ? '/api/v2/user-query' : '/api/v1/query', body: { query: { public_paths: row } } };
}
function readBackRequest(api, row) {
    const fields = {
        id: shareId(row.project_id, row.path),
        project_id: row.project_id,
        path: null,
        disabled: null,
        unlisted: null,
        authenticated: null
    };
    return { path: api === 'v2' ? '/api/v2/user-query' : '/api/v1/query', body: { query: { public_paths: fields } } };
}
const SHARE_SERVER_REQUEST = { path: '/api/v2/customize', body: { fields: ['shareServer'] } };
const AUDIENCE = {
    unlisted: 'anyone with this link can read; not listed',
    public: 'anyone with this link can read; listed on the share server',
    authenticated: 'anyone signed in to CoCalc with this link can read'
};
class CocalcShares {
    options;
    constructor(options) {
        this.options = options;
    }
    get mode() {
        return this.options.mode;
    }
    async checkServer() {
        const { http } = this.options;
        const label = 'customize (is public sharing allowed?)';
        const response = await this.post(SHARE_SERVER_REQUEST);
        if (response.status === 404) {
            this.options.log.info(`CoCalc at ${http.baseUrl} does not say whether it allows public sharing (no /api/v2/customize): sharing anyway`);
            return;
        }
        if (response.status !== 200)
            throw httpFailure(http, label, response);
        const body = http.parseJson(response, label);
        const error = envelopeError(body);
        if (error !== undefined)
            throw refusals_refusal(http, label, error);
        if (body.shareServer === false) {
            throw new errors/* ServiceError */._7(`CoCalc at ${http.baseUrl} does not allow public sharing (its admin setting "Allow public file sharing" is off), so 'share: ${this.options.mode}' cannot work: ask the server's admin to turn it on, or set 'share: none'`);
        }
        if (body.shareServer !== true)
            this.options.log.info(`CoCalc at ${http.baseUrl} does not say whether it allows public sharing: sharing anyway`);
    }
    async share(projectId, folder) {
        const { http, api, mode, description } = this.options;
        const row = shareRow(projectId, folder, mode, description);
        const what = `the share of ${folder}/ in project ${projectId}`;
        this.answer(what, projectId, await this.post(shareRequest(api, row)));
        const stored = this.answer(`reading back ${what}`, projectId, await this.post(readBackRequest(api, row)));
        const found = stored.public_paths;
        if (found === null || typeof found !== 'object' || Array.isArray(found)) {
            throw new errors/* ServiceError */._7(`CoCalc acknowledged ${what}, but reading it back found no such share: nothing is reported as shared`);
        }
        const fields = found;
        const same = fields.path === folder && !fields.disabled && !!fields.unlisted === row.unlisted && !!fields.authenticated === row.authenticated;
        if (!same) {
            const seen = http.serverText(JSON.stringify(fields), 300);
            throw new errors/* ServiceError */._7(`CoCalc acknowledged ${what}, but reading it back shows other settings (${seen}): nothing is reported as shared`);
        }
        const url = shareUrl(http.baseUrl, projectId, folder);
        this.options.log.info(`Shared ${folder}/ of project ${projectId} (${mode}): ${url}`);
        return url;
    }
    async close(pending) {
        await this.options.http.close(pending);
    }
    post(request) {
        return this.options.http.request({
            path: request.path,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(request.body),
            retry: 'idempotent'
        });
    }
    answer(what, projectId, response) {
        const { http, api } = this.options;
        const label = api === 'v2' ? 'user-query' : 'query';
        if (response.status === 400 && api === 'v1') {
            const error = safeJson(http, response, label);
            if (error && envelopeError(error) !== undefined)
                throw this.refused(what, projectId, envelopeError(error));
        }
        if (response.status !== 200)
            throw httpFailure(http, label, response);
        const body = http.parseJson(response, label);
        const error = envelopeError(body);
        if (error !== undefined || body.event === 'error')
            throw this.refused(what, projectId, error ?? '(no message)');
        if (api === 'v1' && body.event !== 'query')
            throw unexpectedAnswer(http, label, response, "event 'query'");
        const query = body.query;
        if (query === null || typeof query !== 'object' || Array.isArray(query))
            throw unexpectedAnswer(http, label, response, 'a query');
        return query;
    }
    refused(what, projectId, message) {
        const { http } = this.options;
        const said = typeof message === 'string' ? message : JSON.stringify(message);
        const quoted = http.serverText(said, 200);
        if (/must be an admin/i.test(said)) {
            return new errors/* ServiceError */._7(`CoCalc refused ${what} (${quoted}): only an owner or collaborator of project ${projectId} may share its files, so the API key must belong to such an account (a project's own API key cannot share)`);
        }
        if (/no anonymous set queries/i.test(said))
            return refusals_refusal(http, what, 'not signed in: the API key was not accepted');
        if (/unknown project_id/i.test(said))
            return new errors/* ServiceError */._7(`CoCalc refused ${what}: ${quoted}: check 'project-id' and 'target-project-id'`);
        if (/unknown message event type 'query'/i.test(said)) {
            return new errors/* ServiceError */._7(`CoCalc refused ${what} (${quoted}): this API v1 server no longer has the query call CoCalc removed in 2025; use 'cocalc-api: v2'`);
        }
        return refusals_refusal(http, what, said);
    }
}
function planShares(inputs, description) {
    if (inputs.share === 'none')
        return [];
    const base = inputs.cocalcUrl;
    const folders = inputs.targetProjectIds.length > 0
        ? inputs.targetProjectIds.map((projectId) => ({ projectId, path: inputs.targetPath }))
        : [{ projectId: inputs.projectId, path: inputs.path }];
    const lines = [
        `POST ${base}${SHARE_SERVER_REQUEST.path} ${JSON.stringify(SHARE_SERVER_REQUEST.body)}: is public sharing allowed? (first; refused when not)`
    ];
    for (const folder of folders) {
        const row = shareRow(folder.projectId, folder.path, inputs.share, description);
        const write = shareRequest(inputs.api, row);
        lines.push(`POST ${base}${write.path} ${JSON.stringify(write.body)} → ${shareUrl(base, folder.projectId, folder.path)}`);
        lines.push(`POST ${base}${write.path} (read the row back to check it)`);
    }
    return lines;
}
async function sharePublished(shares, result, source) {
    const copies = [...(result.copies ?? [])];
    let shareUrl = '';
    try {
        if (copies.length === 0)
            shareUrl = await shares.share(source.projectId, source.path);
        for (const [index, copy] of copies.entries()) {
            if (copy.status === 'failed' || copy.status === 'timeout')
                continue;
            copies[index] = { ...copy, share_url: await shares.share(copy.project_id, copy.path) };
        }
        return { ...result, copies, shareUrl: copies.length > 0 ? copies[0].share_url : shareUrl, shareAudience: AUDIENCE[shares.mode] };
    }
    catch (error) {
        if (!(error instanceof errors/* ServiceError */._7))
            throw error;
        const failure = [result.failure, error.message].filter(Boolean).join('; ');
        const partial = copies.length > 0 ? copies[0].share_url : '';
        return { ...result, copies, shareUrl: partial, ...(partial ? { shareAudience: AUDIENCE[shares.mode] } : {}), failure };
    }
}
function safeJson(http, response, label) {
    try {
        return http.parseJson(response, label);
    }
    catch {
        return undefined;
    }
}

;// CONCATENATED MODULE: ./src/cocalc/publish.ts















async function publishCocalc(inputs, collection, context, tuning, deadline = new StepDeadline(inputs.timeoutSeconds)) {
    const items = collection.files.map((file) => ({ file, remotePath: remotePathOf(inputs.path, file.name) }));
    const base = baseResult(inputs, collection);
    const log = actionsLogger;
    if (inputs.dryRun) {
        deadline.dispose();
        return planDryRun(inputs, context, items, base, clientOptionsOf(inputs, tuning, log));
    }
    for (const form of connection_credentialForms(inputs.apiKey))
        core/* setSecret */.Pq(form);
    const clientOptions = clientOptionsOf(inputs, tuning, log, deadline.signal);
    const client = createCocalcClient(inputs.api, clientOptions);
    const shares = inputs.share === 'none'
        ? undefined
        : new CocalcShares({
            http: createCocalcHttp(clientOptions),
            api: inputs.api,
            mode: inputs.share,
            description: shareDescription(inputs, context),
            log
        });
    let pending = 'abandon';
    try {
        const result = await publishPhases({ client, shares, inputs, items, base, log, deadline, archives: tuning.cocalcArchives });
        pending = 'finish';
        return result;
    }
    finally {
        deadline.dispose();
        core/* debug */.Yz(`CoCalc: ${client.requestCount} HTTP request(s) sent`);
        await Promise.all([client.close(pending), shares?.close(pending)]);
    }
}
function baseResult(inputs, collection) {
    const projectUrl = projectFolderUrl(inputs.cocalcUrl, inputs.projectId, inputs.path);
    const firstTarget = inputs.targetProjectIds[0];
    return {
        mode: 'cocalc',
        status: 'uploaded',
        files: collection.files.map(({ name, size }) => ({ name, size })),
        skipped: collection.skipped,
        projectUrl,
        embedUrl: kioskUrl(firstTarget ? projectFolderUrl(inputs.cocalcUrl, firstTarget, inputs.targetPath) : projectUrl),
        copies: [],
        ...(inputs.copyOnly ? { copyOnly: true } : {})
    };
}
function clientOptionsOf(inputs, tuning, log, signal) {
    return {
        baseUrl: inputs.cocalcUrl,
        apiKey: inputs.apiKey,
        projectId: inputs.projectId,
        concurrency: inputs.concurrency,
        chunkBytes: tuning.cocalcChunkBytes,
        log,
        ...(signal ? { signal } : {})
    };
}
async function planDryRun(inputs, context, items, base, options) {
    const client = createCocalcClient(inputs.api, options);
    try {
        const plannedRequests = [
            ...(await planRequests(client, inputs, items, options.chunkBytes)),
            ...planShares(inputs, shareDescription(inputs, context))
        ];
        await core/* group */.Os('Planned requests (dry run: nothing is sent)', async () => {
            for (const line of plannedRequests)
                core/* info */.pq(line);
        });
        return { ...base, status: 'dry-run', plannedRequests };
    }
    finally {
        await client.close();
    }
}
async function publishPhases(job) {
    const { client, shares, inputs, items, base, log, deadline, archives } = job;
    if (shares)
        await core/* group */.Os('Check that the server allows sharing', () => deadline.run('share', () => shares.checkServer()));
    const syncOptions = {
        concurrency: inputs.concurrency,
        verify: inputs.verify,
        log,
        sleep: (ms) => concurrency_sleep(ms, deadline.signal),
        archiveFolder: archives ? inputs.path : undefined
    };
    const upload = await uploadPhases(client, inputs, items, syncOptions, deadline);
    const result = inputs.copyOnly ? base : { ...base, uploadedCount: upload.sent.length };
    const share = (published) => shares ? core/* group */.Os('Share', () => deadline.run('share', () => sharePublished(shares, published, inputs))) : Promise.resolve(published);
    const targets = inputs.targetProjectIds.map((projectId) => ({ projectId, path: inputs.targetPath }));
    if (targets.length === 0)
        return share(result);
    const uploaded = inputs.copyOnly ? undefined : { items, source: upload.remote };
    const copies = await copyPhases(client, inputs, targets, uploaded, log, deadline);
    return share(finishResult(result, copies, inputs));
}
async function copyPhases(client, inputs, targets, uploaded, log, deadline) {
    const copies = await core/* group */.Os('Copy', () => deadline.run('copy', () => requestCopies(client, targets, {
        path: inputs.path,
        overwriteNewer: inputs.overwriteNewer,
        deleteMissing: inputs.deleteMissing,
        backup: inputs.backup,
        exclude: inputs.exclude
    }, inputs.concurrency, log)));
    const check = inputs.verify && uploaded
        ? targetCheck(client, {
            items: uploaded.items,
            source: uploaded.source,
            overwriteNewer: inputs.overwriteNewer,
            exclude: inputs.exclude,
            concurrency: inputs.concurrency,
            log
        })
        : undefined;
    await core/* group */.Os(inputs.wait ? 'Wait' : 'Check the copies', async () => {
        deadline.enter('wait');
        const running = copies.filter((copy) => copy.status === 'running').length;
        if (running > 0 && inputs.wait) {
            core/* info */.pq(`Waiting up to ${Math.max(0, Math.round((deadline.endsAt - Date.now()) / 1000))} s for ${running} cop${running === 1 ? 'y' : 'ies'} to finish`);
        }
        await waitForCopies(client, copies, { deadline: deadline.endsAt, log, check, wait: inputs.wait });
    });
    return copies;
}
async function uploadPhases(client, inputs, items, options, deadline) {
    const copyOnly = inputs.copyOnly;
    const bytes = items.reduce((sum, item) => sum + item.file.size, 0);
    const upload = await core/* group */.Os(copyOnly ? 'Start the project' : 'Upload', async () => {
        if (copyOnly)
            core/* info */.pq(`Nothing to upload: copying the existing ${inputs.path}/ of project ${inputs.projectId} (CoCalc API ${inputs.api})`);
        else {
            core/* info */.pq(`Publishing ${items.length} file(s), ${formatBytes(bytes)}, to ${inputs.path}/ in project ${inputs.projectId} (CoCalc API ${inputs.api})`);
        }
        await deadline.run('start', () => client.startProject());
        if (copyOnly)
            return { sent: [], unverified: [], remote: new Map() };
        return deadline.run('upload', () => uploadChanged(client, items, options));
    });
    if (inputs.verify && !copyOnly) {
        await core/* group */.Os('Verify', () => deadline.run('verify', async () => {
            if (upload.sent.length === 0)
                core/* info */.pq(`Verified: all ${items.length} file(s) were already byte-identical in the project`);
            else if (upload.unverified.length === 0)
                core/* info */.pq(`Verified: all ${upload.sent.length} uploaded file(s) are byte-identical in the project`);
            else
                await verifyUploads(client, upload.unverified, options, upload.remote);
        }));
    }
    return upload;
}
function shareDescription(inputs, context) {
    return inputs.shareDescription ?? [...defaultDescription(context, inputs.path)].slice(0, SHARE_DESCRIPTION_MAX).join('');
}
function finishResult(result, copies, inputs) {
    const outcomes = copies.map((copy) => {
        const url = projectFolderUrl(inputs.cocalcUrl, copy.target.projectId, copy.target.path);
        const outcome = {
            project_id: copy.target.projectId,
            path: copy.target.path,
            copy_id: copy.copyId,
            url,
            embed_url: kioskUrl(url),
            share_url: '',
            status: copy.status === 'running' ? 'queued' : copy.status
        };
        if (copy.error)
            outcome.error = copy.error;
        return outcome;
    });
    const failure = copyFailure(outcomes, inputs.timeoutSeconds);
    return { ...result, status: overallStatus(outcomes), copies: outcomes, ...(failure ? { failure } : {}) };
}
function overallStatus(copies) {
    if (copies.length === 0)
        return 'uploaded';
    if (copies.some((copy) => copy.status === 'failed' || copy.status === 'timeout'))
        return 'uploaded';
    if (copies.some((copy) => copy.status === 'queued'))
        return 'queued';
    if (copies.some((copy) => copy.status === 'unverified'))
        return 'unverified';
    return 'copied';
}
function copyFailure(copies, timeoutSeconds) {
    const bad = copies.filter((copy) => copy.status === 'failed' || copy.status === 'timeout');
    if (bad.length === 0)
        return undefined;
    const parts = bad.map((copy) => copy.status === 'timeout'
        ? `the copy to project ${copy.project_id} (${copy.path}) did not finish within the ${timeoutSeconds} s timeout${copy.copy_id === '' && copy.error ? `: ${copy.error}` : ''}`
        : `the copy to project ${copy.project_id} (${copy.path}) failed: ${copy.error ?? 'no reason given'}`);
    const copied = copies.filter((copy) => copy.status === 'copied').length;
    const queued = copies.filter((copy) => copy.status === 'queued').length;
    const others = [copied > 0 ? `${copied} copied` : '', queued > 0 ? `${queued} queued` : ''].filter(Boolean).join(', ');
    return `${bad.length} of ${copies.length} cop${copies.length === 1 ? 'y' : 'ies'} did not complete: ${parts.join('; ')}${others ? ` (others: ${others})` : ''}`;
}

;// CONCATENATED MODULE: ./src/report/outputs.ts


function outputsOf(result) {
    const outputs = {
        status: result.status,
        'file-count': String(sentCount(result))
    };
    if (result.mode === 'cocode') {
        outputs['session-url'] = result.sessionUrl ?? '';
        return outputs;
    }
    const copies = result.copies ?? [];
    outputs['project-url'] = result.projectUrl ?? '';
    outputs['embed-url'] = result.embedUrl ?? '';
    outputs['share-url'] = result.shareUrl ?? '';
    outputs['copy-id'] = copies[0]?.copy_id ?? '';
    outputs.copies = JSON.stringify(copies);
    return outputs;
}
function sentCount(result) {
    if (result.status === 'skipped' || result.copyOnly)
        return 0;
    return result.uploadedCount ?? result.files.length;
}
function commentOutputs(comment) {
    return { 'comment-id': String(comment.id), 'comment-url': normaliseHttpUrl(comment.htmlUrl) ?? '' };
}
function setOutputs(outputs) {
    for (const [name, value] of Object.entries(outputs))
        core/* setOutput */.uH(name, value);
}

;// CONCATENATED MODULE: ./src/report/markdown.ts

const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
const NAMED_ESCAPES = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
function visible(value) {
    return value.replace(INVISIBLE, (char) => NAMED_ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
function code(value, options = {}) {
    let content = visible(truncate(value, options.max ?? 1000));
    if (content === '')
        return '*(empty)*';
    if (options.inTable)
        content = content.replace(/(\\*)\|/g, (_match, slashes) => `${slashes}${slashes}\\|`);
    let longestRun = 0;
    for (const run of content.matchAll(/`+/g))
        longestRun = Math.max(longestRun, run[0].length);
    const fence = '`'.repeat(longestRun + 1);
    const pad = /^[ `]|[ `]$/.test(content) ? ' ' : '';
    return `${fence}${pad}${content}${pad}${fence}`;
}
function prose(value, max = 2000) {
    return visible(truncate(value.replace(/\r\n|\r|\n/g, ' '), max))
        .replace(/[\\`*_[\]()!|~#$]/g, '\\$&')
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;');
}
function safeUrl(value) {
    if (!value)
        return undefined;
    return normaliseHttpUrl(value.trim())?.replace(/[*_]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}
function markdown_link(label, url, options = {}) {
    const safe = safeUrl(url);
    if (safe)
        return `[${label}](${safe})`;
    return url ? code(url, { max: 300, ...options }) : '—';
}
function urlLink(url, options = {}) {
    const safe = safeUrl(url);
    if (!safe)
        return url ? code(url, { max: 300, ...options }) : '—';
    const shown = normaliseHttpUrl((url ?? '').trim()) ?? safe;
    return `[${code(shown, { max: 120, ...options })}](${safe})`;
}
function markdown_sizeOf(markdown) {
    return Buffer.byteLength(markdown, 'utf8');
}
function fitLines(count, line, budget, more) {
    const lines = [];
    const reserve = markdown_sizeOf(more(count)) + 1;
    let used = 0;
    for (let index = 0; index < count; index++) {
        const next = line(index);
        const size = markdown_sizeOf(next) + 1;
        const isLast = index === count - 1;
        if (used + size + (isLast ? 0 : reserve) > budget) {
            lines.push(more(count - index));
            return lines;
        }
        lines.push(next);
        used += size;
    }
    return lines;
}

;// CONCATENATED MODULE: ./src/changed-files.ts


const GITHUB_PR_FILES_CAP = 3000;
const PRESENT_IN_HEAD = new Set(['added', 'modified', 'renamed', 'copied', 'changed']);
function planChanges(changes, folders) {
    const prefix = toPosix(external_node_path_.relative(external_node_path_.resolve(folders.repositoryRoot), external_node_path_.resolve(folders.workingDirectory)));
    const local = (filename) => {
        if (prefix === '')
            return filename;
        return filename.startsWith(`${prefix}/`) ? filename.slice(prefix.length + 1) : undefined;
    };
    const sendable = new Set();
    const renamedFrom = new Map();
    const removed = [];
    for (const file of changes.files) {
        const name = local(file.filename);
        if (name === undefined)
            continue;
        if (file.status === 'removed')
            removed.push(name);
        else if (PRESENT_IN_HEAD.has(file.status)) {
            sendable.add(name);
            if (file.status === 'renamed' && file.previous_filename)
                renamedFrom.set(name, file.previous_filename);
        }
    }
    const listed = changes.files.length;
    const capped = changes.total !== undefined ? changes.total > listed : listed >= GITHUB_PR_FILES_CAP;
    return { pullRequest: changes.pullRequest, sendable, renamedFrom, removed, listed, total: changes.total, capped };
}
function changeReport(plan, sentNames) {
    const sent = new Set(sentNames);
    const renamedFrom = Object.fromEntries([...plan.renamedFrom].filter(([name]) => sent.has(name)));
    const notSent = [...plan.sendable].filter((name) => !sent.has(name)).length;
    return { pullRequest: plan.pullRequest, listed: plan.listed, total: plan.total, capped: plan.capped, removed: plan.removed, renamedFrom, notSent };
}
function capNotice(report) {
    const changed = report.total !== undefined && report.total > report.listed ? `${report.total.toLocaleString('en-US')}` : 'at least 3,000';
    return `GitHub lists at most ${GITHUB_PR_FILES_CAP.toLocaleString('en-US')} files of a pull request, and PR #${report.pullRequest} changes ${changed}: only the ${report.listed.toLocaleString('en-US')} listed were considered; files beyond them were not sent`;
}

;// CONCATENATED MODULE: ./src/report/render.ts




const COMMENT_LIMIT = 65_536;
const SUMMARY_LIMIT = 512 * 1024;
const FOLD_AFTER = 10;
function renderReport(result, context = {}, options = {}) {
    const limit = options.limit ?? COMMENT_LIMIT;
    const head = [...(options.preamble ? [options.preamble] : []), heading(result), '', ...problems(result), ...facts(result, context)];
    const tail = options.notes && options.notes.length > 0 ? ['', ...options.notes] : [];
    let budget = limit - markdown_sizeOf(head.join('\n')) - markdown_sizeOf(tail.join('\n')) - 64;
    const take = (section, share) => {
        const lines = section(Math.floor(budget * share));
        budget -= markdown_sizeOf(lines.join('\n')) + 2;
        return lines;
    };
    const copies = take((b) => copiesSection(result.copies ?? [], b), 0.5);
    const planned = take((b) => plannedSection(result.plannedRequests ?? [], b), 0.25);
    const skipped = take((b) => skippedSection(result.skipped, b), 0.25);
    const removed = take((b) => removedSection(result.changes, b), 0.25);
    const files = take((b) => filesSection(result, b), 1);
    const sections = [copies, files, removed, skipped, planned].filter((lines) => lines.length > 0).map((lines) => lines.join('\n'));
    return [head.join('\n'), ...sections].join('\n\n') + (tail.length > 0 ? `\n${tail.join('\n')}` : '') + '\n';
}
function heading(result) {
    const failed = result.failure !== undefined;
    const icon = failed
        ? '❌'
        : { created: '✅', uploaded: '✅', copied: '✅', unverified: '⚠️', queued: '⏳', 'dry-run': '🧪', skipped: '⏭️' }[result.status];
    return `### ${icon} ${title(result)}${failed ? ' — failed' : ''}`;
}
function title(result) {
    if (result.mode === 'cocode') {
        if (result.status === 'dry-run')
            return 'cocode session: dry run, nothing sent';
        if (result.status === 'skipped')
            return 'cocode session: nothing published';
        return 'cocode session created';
    }
    const targets = result.copies?.length ?? 0;
    switch (result.status) {
        case 'dry-run':
            return 'CoCalc: dry run, nothing sent';
        case 'skipped':
            return 'CoCalc: nothing published';
        case 'copied':
            return result.copyOnly
                ? `CoCalc folder copied to ${plural(targets, 'project')}`
                : `Published to CoCalc and copied to ${plural(targets, 'project')}`;
        case 'queued':
            return `${result.copyOnly ? 'CoCalc folder copy' : 'Published to CoCalc; copies'} to ${plural(targets, 'project')} still running`;
        case 'unverified':
            return `${result.copyOnly ? 'CoCalc folder copy' : 'Published to CoCalc; copies'} to ${plural(targets, 'project')} requested, not verified`;
        default:
            return result.copyOnly ? 'CoCalc folder copy' : 'Published to CoCalc';
    }
}
function problems(result) {
    const lines = [];
    if (result.failure)
        lines.push(`**Failed:** ${code(result.failure, { max: 2000 })}`, '');
    if (result.status === 'skipped' && result.skipReason)
        lines.push(`**Why:** ${prose(result.skipReason)}`, '');
    if (result.changes?.capped)
        lines.push(`**⚠️ Not every change was considered:** ${prose(capNotice(result.changes))}.`, '');
    return lines;
}
function facts(result, context) {
    const lines = [];
    if (result.mode === 'cocode' && result.sessionUrl !== undefined)
        lines.push(`- **Session:** ${urlLink(result.sessionUrl)}`);
    if (result.shareUrl)
        lines.push(`- **Share link** (${prose(result.shareAudience ?? 'anyone with this link can read')}): ${urlLink(result.shareUrl)}`);
    if (result.mode === 'cocalc' && result.projectUrl !== undefined) {
        const embed = ` · ${markdown_link('kiosk view', kioskUrl(result.projectUrl))}`;
        lines.push(`- **Project folder${result.shareUrl ? ' (collaborators)' : ''}:** ${urlLink(result.projectUrl)}${embed}`);
    }
    lines.push(`- **Files:** ${fileCount(result)}`);
    if (result.changes)
        lines.push(`- **Changed files only:** ${changesLine(result.changes)}`);
    const commit = commitLink(context);
    if (commit)
        lines.push(`- **Commit:** ${commit}`);
    if (context.runUrl)
        lines.push(`- **Workflow run:** ${markdown_link('logs and job summary', context.runUrl)}`);
    return lines;
}
function fileCount(result) {
    if (result.status === 'skipped')
        return '0';
    if (result.copyOnly)
        return "none uploaded ('files' is empty): the folder already in the project was copied";
    const count = result.files.length;
    const bytes = formatBytes(result.files.reduce((sum, file) => sum + file.size, 0));
    if (result.status === 'dry-run')
        return `${count} (${bytes}) would be sent`;
    const unchanged = result.uploadedCount !== undefined ? count - result.uploadedCount : 0;
    const detail = result.uploadedCount !== undefined && unchanged > 0 ? `; ${result.uploadedCount} uploaded, ${unchanged} already up to date` : '';
    return `${count} (${bytes}${detail})`;
}
function commitLink(context) {
    const sha = context.sha;
    if (!sha)
        return undefined;
    if (!/^[0-9a-f]{7,64}$/i.test(sha))
        return code(sha, { max: 80 });
    const short = `\`${sha.slice(0, 7)}\``;
    if (!context.repository || !/^[\w.-]+\/[\w.-]+$/.test(context.repository))
        return short;
    const base = safeUrl(context.serverUrl ?? 'https://github.com');
    return base ? `[${short}](${base.replace(/\/+$/, '')}/${context.repository}/commit/${sha})` : short;
}
function copiesSection(copies, budget) {
    if (copies.length === 0)
        return [];
    const header = ['| Target project | Folder | Status | Copy id | Open |', '|---|---|---|---|---|'];
    const row = (copy) => {
        const cell = { inTable: true, max: 200 };
        const share = copy.share_url ? ` · ${markdown_link('share', copy.share_url, cell)}` : '';
        const open = `${markdown_link('files', copy.url, cell)} · ${markdown_link('kiosk', copy.embed_url, cell)}${share}`;
        return `| ${code(copy.project_id, cell)} | ${code(copy.path, cell)} | ${copyStatus(copy.status)} | ${copy.copy_id ? code(copy.copy_id, cell) : '—'} | ${open} |`;
    };
    const failures = copies.filter((copy) => copy.error);
    const failureBudget = failures.length > 0 ? Math.floor(budget / 3) : 0;
    const failureLines = failures.length > 0
        ? [
            '',
            '**Copy problems:**',
            ...fitLines(failures.length, (i) => `- ${code(failures[i].project_id)}: ${code(failures[i].error ?? '', { max: 1000 })}`, failureBudget - 30, (left) => `- … and ${left} more`)
        ]
        : [];
    const tableBudget = budget - markdown_sizeOf(header.join('\n')) - markdown_sizeOf(failureLines.join('\n')) - 2;
    const rows = fitLines(copies.length, (i) => row(copies[i]), tableBudget, (left) => `| … and ${left} more | | | | |`);
    return [...header, ...rows, ...failureLines];
}
function copyStatus(status) {
    return { copied: '✅ copied', unverified: '⚠️ not verified', queued: '⏳ queued', failed: '❌ failed', timeout: '⌛ timed out' }[status];
}
function changesLine(changes) {
    const parts = [`${plural(changes.listed, 'file')} changed in PR #${changes.pullRequest}`];
    if (changes.removed.length > 0)
        parts.push(`${changes.removed.length} removed (listed below, not sent)`);
    if (changes.notSent > 0)
        parts.push(`${changes.notSent} not sent (not matching \`files\`, hidden or left out)`);
    return parts.join('; ');
}
function removedSection(changes, budget) {
    const removed = changes?.removed ?? [];
    return foldedList(`${plural(removed.length, 'file')} removed by the pull request (not sent)`, removed.length, (i) => `- ${code(removed[i])}`, budget);
}
function filesSection(result, budget) {
    const files = result.status === 'skipped' ? [] : result.files;
    const renamed = result.changes?.renamedFrom ?? {};
    const line = (file) => `- ${code(file.name)} (${formatBytes(file.size)}${Object.hasOwn(renamed, file.name) ? `, renamed from ${code(renamed[file.name])}` : ''})`;
    const allSent = result.uploadedCount === undefined || result.uploadedCount === files.length;
    const noun = result.status === 'dry-run' ? 'to send' : allSent ? 'sent' : 'published';
    return foldedList(`${plural(files.length, 'file')} ${noun}`, files.length, (i) => line(files[i]), budget);
}
function skippedSection(skipped, budget) {
    const line = (file) => `- ${code(file.name)} ${prose(file.reason, 300)}`;
    return foldedList(`${plural(skipped.length, 'file')} left out`, skipped.length, (i) => line(skipped[i]), budget);
}
function plannedSection(planned, budget) {
    if (planned.length === 0)
        return [];
    const lines = fitLines(planned.length, (i) => `- ${code(planned[i], { max: 500 })}`, budget - 40, (left) => `- … and ${left} more`);
    return ['**Planned requests** (none was sent):', '', ...lines];
}
function foldedList(caption, count, line, budget) {
    if (count === 0)
        return [];
    const more = (left) => `- … and ${left} more`;
    if (count <= FOLD_AFTER) {
        const open = [`**${caption}:**`, ''];
        return [...open, ...fitLines(count, line, budget - markdown_sizeOf(open.join('\n')) - 2, more)];
    }
    const top = [`<details><summary>${caption}</summary>`, ''];
    const bottom = ['', '</details>'];
    const room = budget - markdown_sizeOf(top.join('\n')) - markdown_sizeOf(bottom.join('\n')) - 2;
    return [...top, ...fitLines(count, line, room, more), ...bottom];
}
function plural(count, noun) {
    return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
function renderCommentNote(outcome, tag) {
    switch (outcome.kind) {
        case 'written':
            return `**PR comment:** ${markdown_link(outcome.action, outcome.comment.htmlUrl)} on #${outcome.pullRequest} (tag ${code(tag)}).`;
        case 'planned':
            return outcome.target
                ? `**PR comment:** none in a dry run; a real run would write the comment tagged ${code(tag)} on ${prose(outcome.target)}.`
                : `**PR comment:** none in a dry run; a real run would write none: ${prose(outcome.reason ?? 'no pull request found')}.`;
        case 'skipped':
            return `**PR comment:** none: ${prose(outcome.reason)}.`;
        case 'failed':
            return '**PR comment:** not written; the warning in the log says why.';
    }
}
function renderFailure(mode, message, context = {}) {
    const lines = [`### ❌ ${mode === 'cocode' ? 'cocode session' : 'CoCalc publish'} failed`, '', `**Error:** ${code(message, { max: 2000 })}`, ''];
    const commit = commitLink(context);
    if (commit)
        lines.push(`- **Commit:** ${commit}`);
    if (context.runUrl)
        lines.push(`- **Workflow run:** ${markdown_link('logs', context.runUrl)}`);
    lines.push('', 'Nothing was reported as published; the PR comment, if any, still shows the last successful run.');
    return `${lines.join('\n')}\n`;
}

;// CONCATENATED MODULE: ./src/report/comment.ts
const MARKER_PREFIX = 'publish-to-collaborative-editors';
const TAG_CHARACTERS = /[^\w .:/@+=-]/g;
function commentTag(inputs) {
    if (inputs.commentTag)
        return inputs.commentTag;
    const derived = inputs.mode === 'cocode' ? 'cocode' : `cocalc:${inputs.projectId}:${inputs.path}`;
    return derived.replace(TAG_CHARACTERS, '_').slice(0, 200);
}
function commentMarker(tag) {
    return `<!-- ${MARKER_PREFIX}:${tag.replace(TAG_CHARACTERS, '_')} -->`;
}
function isWrittenBy(comment, identity) {
    const author = comment.author.toLowerCase();
    if ('anyBot' in identity)
        return comment.authorType === 'Bot' || author.endsWith('[bot]');
    const own = identity.login.toLowerCase();
    if (author === own)
        return true;
    return !own.endsWith('[bot]') && author === `${own}[bot]` && comment.authorType === 'Bot';
}
function hasMarker(comment, marker) {
    const end = comment.body.indexOf('\n');
    const first = end < 0 ? comment.body : comment.body.slice(0, end);
    return first.replace(/\r$/, '') === marker;
}
function findOwnComment(comments, marker, identity) {
    return comments.find((comment) => hasMarker(comment, marker) && isWrittenBy(comment, identity));
}
async function upsertComment(api, issue, marker, body, log) {
    const comments = await api.listComments(issue);
    log.debug(`PR #${issue} has ${comments.length} comment(s)`);
    const marked = comments.filter((comment) => hasMarker(comment, marker));
    if (marked.length > 0) {
        const identity = await tokenIdentity(api, log);
        const existing = findOwnComment(marked, marker, identity);
        const others = marked.filter((comment) => comment !== existing && !isWrittenBy(comment, identity)).length;
        const who = 'login' in identity ? identity.login : 'a bot';
        if (others > 0)
            log.info(`Leaving alone ${others} comment(s) with the same tag written by someone other than ${who}`);
        if (existing) {
            const updated = await api.updateComment(existing.id, body);
            return { action: 'updated', comment: updated };
        }
    }
    return { action: 'created', comment: await api.createComment(issue, body) };
}
async function tokenIdentity(api, log) {
    const reasons = [];
    for (const [how, ask] of [
        ['GraphQL viewer', () => api.viewerLogin()],
        ['GET /user', () => api.userLogin()]
    ]) {
        try {
            const login = await ask();
            log.debug(`The token writes as ${login}`);
            return { login };
        }
        catch (error) {
            reasons.push(`${how}: ${error instanceof Error ? error.message : String(error)}`);
        }
    }
    log.debug(`Could not ask GitHub whose token this is (${reasons.join('; ')}); matching the marker on comments by any bot`);
    return { anyBot: true };
}

;// CONCATENATED MODULE: ./src/report/pull-request.ts

const ZERO_SHA = /^0+$/;
function pullRequestSource(prNumber, context) {
    if (prNumber !== undefined)
        return { kind: 'number', number: prNumber, from: "the 'pr-number' input" };
    const event = context.eventName ?? 'unknown';
    if (context.pullRequest)
        return { kind: 'number', number: context.pullRequest.number, from: `the ${event} event` };
    if (event === 'workflow_run')
        return workflowRunSource(context);
    if (event === 'push') {
        const payload = context.payload;
        if (payload.deleted === true)
            return { kind: 'none', reason: 'the push deleted a branch' };
        const sha = typeof payload.after === 'string' && !ZERO_SHA.test(payload.after) ? payload.after : context.sha;
        if (!sha)
            return { kind: 'none', reason: 'the push event names no commit' };
        const ref = typeof payload.ref === 'string' ? payload.ref : undefined;
        if (ref && !ref.startsWith('refs/heads/'))
            return { kind: 'none', reason: `the push was of ${ref}, not of a branch` };
        return { kind: 'commit', sha, branch: ref?.slice('refs/heads/'.length), from: 'the pushed commit' };
    }
    return { kind: 'none', reason: `the ${event} event carries no pull request` };
}
function workflowRunSource(context) {
    const run = isRecord(context.payload.workflow_run) ? context.payload.workflow_run : {};
    const pulls = Array.isArray(run.pull_requests) ? run.pull_requests.filter(isRecord) : [];
    const ours = pulls.find((pr) => typeof pr.number === 'number' && basedHere(pr, context));
    if (ours && typeof ours.number === 'number')
        return { kind: 'number', number: ours.number, from: 'the workflow_run event' };
    const sha = typeof run.head_sha === 'string' ? run.head_sha : undefined;
    if (!sha)
        return { kind: 'none', reason: 'the workflow_run event names no pull request nor commit' };
    const branch = typeof run.head_branch === 'string' ? run.head_branch : undefined;
    return { kind: 'commit', sha, branch, from: "the triggering run's commit" };
}
function basedHere(pr, context) {
    const base = isRecord(pr.base) ? pr.base : undefined;
    const repo = base && isRecord(base.repo) ? base.repo : undefined;
    if (!repo || typeof repo.url !== 'string' || !context.repository)
        return true;
    return repo.url.toLowerCase().endsWith(`/repos/${context.repository.toLowerCase()}`);
}
function choosePullRequest(pulls, branch) {
    const open = pulls.filter((pr) => pr.state === 'open');
    const time = (pr) => Date.parse(pr.updatedAt) || 0;
    const byRecency = [...open].sort((a, b) => time(b) - time(a));
    return byRecency.find((pr) => branch !== undefined && pr.headRef === branch) ?? byRecency[0];
}
async function findPullRequest(source, api) {
    if (source.kind === 'number')
        return { number: source.number, from: source.from };
    if (source.kind === 'none')
        return { number: undefined, reason: source.reason };
    const pulls = await (await api()).pullRequestsOfCommit(source.sha);
    const chosen = choosePullRequest(pulls, source.branch);
    if (!chosen)
        return { number: undefined, reason: `no open pull request contains commit ${source.sha.slice(0, 7)}` };
    return { number: chosen.number, from: `${source.from} ${source.sha.slice(0, 7)}` };
}

;// CONCATENATED MODULE: ./src/report/summary.ts


async function writeSummary(markdown, env = process.env) {
    if (!env.GITHUB_STEP_SUMMARY) {
        core/* debug */.Yz('GITHUB_STEP_SUMMARY is not set: no job summary written');
        return false;
    }
    try {
        await core/* summary */.z.addRaw(markdown, true).write();
        return true;
    }
    catch (error) {
        core/* warning */.$e(`Could not write the job summary: ${(0,errors/* errorMessage */.gJ)(error)}`);
        return false;
    }
    finally {
        core/* summary */.z.emptyBuffer();
    }
}

;// CONCATENATED MODULE: ./src/report/guarded-fetch.ts
function guardedFetch(base, allowedUrls, timeoutMs, maxRedirects = 5) {
    const allowed = new Set(allowedUrls.map((url) => new URL(url).origin));
    const refuse = (origin) => Promise.reject(new Error(`refused to send the token to ${origin}, which is not the GitHub API`));
    const guarded = async (input, init, hops) => {
        const target = new URL(input instanceof Request ? input.url : String(input));
        if (!allowed.has(target.origin))
            return refuse(target.origin);
        const timeout = AbortSignal.timeout(timeoutMs);
        const response = await base(input, { ...init, redirect: 'manual', signal: init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout });
        const location = response.headers.get('location');
        if (![301, 302, 303, 307, 308].includes(response.status) || location === null)
            return response;
        const next = new URL(location, target);
        if (!allowed.has(next.origin)) {
            await response.body?.cancel();
            return Promise.reject(new Error(`GitHub redirected to ${next.origin}: refused to send the token to a host that is not the GitHub API`));
        }
        if (hops >= maxRedirects)
            return response;
        await response.body?.cancel();
        const asGet = response.status === 303 || ((response.status === 301 || response.status === 302) && init?.method === 'POST');
        return guarded(next.toString(), asGet ? { ...init, method: 'GET', body: undefined } : init, hops + 1);
    };
    return (input, init) => guarded(input, init, 0);
}

;// CONCATENATED MODULE: ./src/report/github.ts


const MAX_RATE_RETRIES = 2;
const MAX_RATE_WAIT_S = 30;
const MAX_COMMENT_PAGES = 1000;
function graphqlUrlOf(env, apiUrl) {
    return (env.GITHUB_GRAPHQL_URL || `${apiUrl}/graphql`).replace(/\/+$/, '');
}
async function createOctokit(options) {
    await (0,undici_on_demand/* loadUndici */.b7)();
    const [{ getOctokit }, { defaults }, { retry }, { throttling }] = await Promise.all([
        Promise.all(/* import() */[__webpack_require__.e(555), __webpack_require__.e(351)]).then(__webpack_require__.bind(__webpack_require__, 1351)),
        __webpack_require__.e(/* import() */ 555).then(__webpack_require__.bind(__webpack_require__, 5555)),
        Promise.all(/* import() */[__webpack_require__.e(251), __webpack_require__.e(735)]).then(__webpack_require__.bind(__webpack_require__, 9735)),
        Promise.all(/* import() */[__webpack_require__.e(251), __webpack_require__.e(856)]).then(__webpack_require__.bind(__webpack_require__, 6856))
    ]);
    const { log } = options;
    const baseFetch = defaults.request?.fetch ?? fetch;
    const onLimit = (kind) => (retryAfter, request, _octokit, retryCount) => {
        const again = retryCount < MAX_RATE_RETRIES && retryAfter <= MAX_RATE_WAIT_S;
        log.info(`GitHub's ${kind} answered ${request.method} ${request.url}: ${again ? `retrying in ${retryAfter} s` : `not waiting ${retryAfter} s`}`);
        return again;
    };
    return getOctokit(options.token, {
        baseUrl: options.apiUrl,
        request: { ...defaults.request, fetch: guardedFetch(baseFetch, [options.apiUrl, options.graphqlUrl], options.timeoutMs ?? 20_000) },
        log: { debug: log.debug, info: log.debug, warn: log.debug, error: log.debug },
        retry: { retries: 2, retryAfterBaseValue: 250, doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] },
        throttle: { onRateLimit: onLimit('rate limit'), onSecondaryRateLimit: onLimit('secondary rate limit'), fallbackSecondaryRateRetryAfter: 60 }
    }, retry, throttling);
}
async function createGitHubApi(options) {
    const { owner, repo } = options;
    const octokit = await createOctokit(options);
    return {
        async viewerLogin() {
            const response = await octokit.request(`POST ${options.graphqlUrl}`, { query: 'query { viewer { login } }' });
            const data = response.data;
            const login = data?.data?.viewer?.login;
            if (typeof login !== 'string' || login === '')
                throw new Error('GraphQL answered no viewer login');
            return login;
        },
        async userLogin() {
            if (isInstallationToken(options.token))
                throw new Error('not asked: an installation token cannot read GET /user');
            const response = await octokit.request('GET /user');
            const login = response.data.login;
            if (typeof login !== 'string' || login === '')
                throw new Error('GET /user answered no login');
            return login;
        },
        async listComments(issue) {
            const comments = [];
            let pages = 0;
            const route = 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments';
            for await (const page of octokit.paginate.iterator(route, { owner, repo, issue_number: issue, per_page: 100 })) {
                for (const raw of page.data)
                    comments.push(toComment(raw));
                if (++pages >= MAX_COMMENT_PAGES)
                    break;
            }
            return comments;
        },
        async createComment(issue, body) {
            const response = await octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
                owner,
                repo,
                issue_number: issue,
                body,
                request: { retries: 0 }
            });
            return toComment(response.data);
        },
        async updateComment(id, body) {
            const response = await octokit.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', { owner, repo, comment_id: id, body });
            return toComment(response.data);
        },
        async pullRequestsOfCommit(sha) {
            const response = await octokit.request('GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls', { owner, repo, commit_sha: sha, per_page: 100 });
            return response.data.map((pr) => ({
                number: pr.number,
                state: pr.state,
                updatedAt: pr.updated_at,
                headRef: pr.head?.ref,
                headSha: pr.head?.sha
            }));
        }
    };
}
function isInstallationToken(token) {
    return token.startsWith('ghs_') || token.startsWith('v1.');
}
function toComment(raw) {
    return { id: Number(raw.id), body: raw.body ?? '', htmlUrl: raw.html_url, author: raw.user?.login ?? '', authorType: raw.user?.type };
}

;// CONCATENATED MODULE: ./src/report/comment-failure.ts


function explainCommentFailure(error, situation) {
    const { context } = situation;
    const repository = context.repository ?? 'the repository';
    const status = statusOf(error);
    const said = serverText(serverMessage(error), new Scrubber([situation.token]), 200);
    const end = ' The outputs and the job summary are set; the step goes on.';
    const prefix = `Could not ${situation.doing}:`;
    if (status === undefined || isTransportError(error)) {
        const proxy = proxyFailure(error);
        if (proxy)
            return `${prefix} the proxy (HTTPS_PROXY / HTTP_PROXY) ${proxy} to the GitHub API at ${context.apiUrl}.${end}`;
        return `${prefix} the GitHub API at ${context.apiUrl} could not be reached (${said}).${end}`;
    }
    const answered = `GitHub answered HTTP ${status}${said ? ` "${said}"` : ''}`;
    if ((status === 403 || status === 429) && isRateLimit(error, said)) {
        return `${prefix} ${answered}: the token's rate limit is spent, and waiting was not worth it. The next run updates the comment.${end}`;
    }
    if (status === 403 && /not accessible by integration/i.test(said)) {
        const why = context.pullRequest?.fromFork
            ? "GitHub gives pull requests from forks a read-only token. To comment on them, run this step in a 'workflow_run' workflow triggered by this one (pass the PR number as 'pr-number') or on 'pull_request_target'; both get a write token, so never check out and run the PR's code there while secrets are available."
            : "the token may not write comments here: give the job 'permissions: pull-requests: write' (or pass a 'github-token' that may). On pull requests from forks the token is always read-only: use a 'workflow_run' follow-up or 'pull_request_target' (never running the PR's code with secrets).";
        return `${prefix} ${answered}: ${why}${end}`;
    }
    switch (status) {
        case 401:
            return `${prefix} ${answered}: the token was refused; check the 'github-token' input.${end}`;
        case 403:
            return `${prefix} ${answered}: the token may not do this; give the job 'permissions: pull-requests: write'.${end}`;
        case 404:
            return `${prefix} ${answered}: check the pull request number ('pr-number') and that the token can see ${repository}.${end}`;
        case 422:
            return `${prefix} ${answered}: GitHub refused the request as invalid.${end}`;
        default:
            return `${prefix} ${answered}.${end}`;
    }
}
function statusOf(error) {
    const status = error && typeof error === 'object' ? error.status : undefined;
    return typeof status === 'number' ? status : undefined;
}
function proxyFailure(error) {
    const refused = (0,errors/* proxyRefusal */.vd)(error);
    if (refused === 407)
        return 'refused its credentials (HTTP 407) on the way';
    if (refused !== undefined)
        return `answered HTTP ${refused} instead of opening a connection`;
    const tunnel = (0,errors/* proxyTunnelFailure */.vP)(error);
    return tunnel === undefined ? undefined : `${tunnel.replace(/^the proxy /, '')} on the way`;
}
function isTransportError(error) {
    if (!error || typeof error !== 'object')
        return true;
    const { response, name } = error;
    return response === undefined || name === 'AbortError' || name === 'TimeoutError';
}
function isRateLimit(error, said) {
    const headers = error.response?.headers ?? {};
    return headers['x-ratelimit-remaining'] === '0' || headers['retry-after'] !== undefined || /rate limit/i.test(said);
}
function serverMessage(error) {
    const data = error?.response?.data;
    const message = data && typeof data === 'object' && typeof data.message === 'string'
        ? data.message
        : error instanceof Error
            ? error.message
            : String(error);
    return looksLikeHtml(message) ? htmlToText(message) : message;
}

;// CONCATENATED MODULE: ./src/report/index.ts










async function report(result, inputs, context) {
    setOutputs(outputsOf(result));
    const renderContext = { repository: context.repository, sha: context.sha, runUrl: context.runUrl, serverUrl: context.serverUrl };
    const tag = commentTag(inputs);
    const outcome = await core/* group */.Os('Comment on the pull request', () => commentOnPullRequest(result, inputs, context, renderContext, tag));
    if (outcome.kind === 'written')
        setOutputs(commentOutputs(outcome.comment));
    await writeSummary(renderReport(result, renderContext, { limit: SUMMARY_LIMIT, notes: [renderCommentNote(outcome, tag)] }));
}
async function reportFailure(mode, message, context) {
    await writeSummary(renderFailure(mode, message, { repository: context.repository, sha: context.sha, runUrl: context.runUrl, serverUrl: context.serverUrl }));
}
async function commentOnPullRequest(result, inputs, context, renderContext, tag) {
    const source = pullRequestSource(inputs.prNumber, context);
    if (inputs.comment && inputs.dryRun)
        return plannedComment(source, tag);
    const reason = whyNoComment(result, inputs, context, source);
    const { owner, repo } = context;
    if (reason || !owner || !repo)
        return skipComment(reason ?? 'GITHUB_REPOSITORY is not set');
    return writeComment({ result, inputs, context, owner, repo, source, renderContext, tag });
}
function skipComment(reason) {
    core/* info */.pq(`No PR comment: ${reason}.`);
    return { kind: 'skipped', reason };
}
function plannedComment(source, tag) {
    const reason = source.kind === 'none' ? source.reason : undefined;
    const target = source.kind === 'number'
        ? `PR #${source.number}`
        : source.kind === 'commit'
            ? `the open pull request of commit ${source.sha.slice(0, 7)}`
            : undefined;
    core/* info */.pq(`Dry run: no PR comment. A real run would ${target ? `write the comment tagged '${tag}' on ${target}` : `write none: ${reason}`}.`);
    return { kind: 'planned', target, reason };
}
function whyNoComment(result, inputs, context, source) {
    if (!inputs.comment)
        return "the 'comment' input is false";
    if (result.skippedFor === 'no-secrets') {
        return 'nothing was published because this run has no secrets (a pull request from a fork or from Dependabot), and its token cannot write comments';
    }
    if (!context.owner || !context.repo)
        return 'GITHUB_REPOSITORY is not set';
    if (!inputs.githubToken)
        return "the 'github-token' input is empty";
    if (source.kind === 'none')
        return `${source.reason}; set 'pr-number' to comment on a pull request`;
    return undefined;
}
async function writeComment(job) {
    const { result, inputs, context, owner, repo, source, renderContext, tag } = job;
    const log = actionsLogger;
    let api;
    const connect = async () => {
        api ??= await createGitHubApi({
            token: inputs.githubToken,
            apiUrl: context.apiUrl,
            graphqlUrl: graphqlUrlOf(process.env, context.apiUrl),
            owner,
            repo,
            log
        });
        return api;
    };
    let doing = source.kind === 'commit' ? `find the pull request of commit ${source.sha.slice(0, 7)} in ${owner}/${repo}` : '';
    try {
        const found = await findPullRequest(source, connect);
        if (found.number === undefined)
            return skipComment(`${found.reason}; set 'pr-number' to comment on a pull request`);
        doing = `write the comment on PR #${found.number} of ${owner}/${repo}`;
        core/* info */.pq(`Commenting on PR #${found.number} (found from ${found.from}) with tag '${tag}'`);
        const marker = commentMarker(tag);
        const body = renderReport(result, renderContext, { preamble: marker, limit: COMMENT_LIMIT });
        const { action, comment } = await upsertComment(await connect(), found.number, marker, body, log);
        core/* info */.pq(`${action === 'created' ? 'Created' : 'Updated'} the PR comment ${inert(comment.htmlUrl)}`);
        return { kind: 'written', action, pullRequest: found.number, comment };
    }
    catch (error) {
        core/* warning */.$e(explainCommentFailure(error, { doing, context, token: inputs.githubToken }));
        if (error instanceof Error && error.stack)
            core/* debug */.Yz(new Scrubber(secretsOf(inputs)).scrub(error.stack));
        return { kind: 'failed' };
    }
}
function secretsOf(inputs) {
    return [inputs.githubToken, ...(inputs.mode === 'cocode' ? [inputs.username, inputs.password] : [inputs.apiKey])];
}

// EXTERNAL MODULE: ./src/tuning.ts
var src_tuning = __webpack_require__(2982);
;// CONCATENATED MODULE: ./src/pull-request-files.ts







const PER_PAGE = 100;
const MAX_PAGES = GITHUB_PR_FILES_CAP / PER_PAGE + 1;
function changesPullRequest(inputs, context) {
    return inputs.prNumber ?? context.pullRequest?.number;
}
function checkChangesReadable(inputs, context, pullRequest) {
    if (!inputs.githubToken) {
        throw new errors/* InputError */.dz(Input.GithubToken, `is empty, but 'changed-files-only' needs it to ask GitHub for the files of PR #${pullRequest}`);
    }
    if (!context.owner || !context.repo) {
        throw new errors/* ActionError */.lZ(`'changed-files-only' needs GITHUB_REPOSITORY (owner/name) to ask GitHub for the files of PR #${pullRequest}`);
    }
}
async function readPullRequestChanges(inputs, context, pullRequest, signal) {
    checkChangesReadable(inputs, context, pullRequest);
    const owner = context.owner ?? '';
    const repo = context.repo ?? '';
    const octokit = await createOctokit({
        token: inputs.githubToken,
        apiUrl: context.apiUrl,
        graphqlUrl: graphqlUrlOf(process.env, context.apiUrl),
        log: actionsLogger
    });
    const files = [];
    let doing = `list the files of PR #${pullRequest} in ${owner}/${repo}`;
    try {
        let pages = 0;
        const route = 'GET /repos/{owner}/{repo}/pulls/{pull_number}/files';
        const request = signal ? { signal } : {};
        const params = { owner, repo, pull_number: pullRequest, per_page: PER_PAGE, request };
        for await (const page of octokit.paginate.iterator(route, params)) {
            for (const raw of page.data)
                files.push(toFile(raw));
            if (++pages >= MAX_PAGES)
                break;
        }
        let total = eventChangedFiles(context, pullRequest);
        if (total === undefined && files.length >= GITHUB_PR_FILES_CAP) {
            doing = `read PR #${pullRequest} of ${owner}/${repo}`;
            const { data } = await octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', { owner, repo, pull_number: pullRequest, request });
            total = typeof data.changed_files === 'number' ? data.changed_files : undefined;
        }
        return { pullRequest, files, total };
    }
    catch (error) {
        if (error instanceof errors/* ActionError */.lZ)
            throw error;
        throw new errors/* ActionError */.lZ(`Could not ${doing} for 'changed-files-only': ${explain(error, inputs.githubToken)}; nothing was sent`);
    }
}
function eventChangedFiles(context, pullRequest) {
    const pr = context.payload.pull_request;
    if (!isRecord(pr) || pr.number !== pullRequest)
        return undefined;
    return typeof pr.changed_files === 'number' ? pr.changed_files : undefined;
}
function toFile(raw) {
    if (!isRecord(raw) || typeof raw.filename !== 'string' || typeof raw.status !== 'string') {
        throw new errors/* ActionError */.lZ("GitHub answered the pull request's files without a filename and status for each: nothing was sent");
    }
    const file = { filename: raw.filename, status: raw.status };
    if (typeof raw.previous_filename === 'string')
        file.previous_filename = raw.previous_filename;
    return file;
}
function explain(error, token) {
    const status = isRecord(error) && typeof error.status === 'number' ? error.status : undefined;
    const response = isRecord(error) && isRecord(error.response) ? error.response : undefined;
    const data = response && isRecord(response.data) ? response.data : undefined;
    const clean = serverText(typeof data?.message === 'string' ? data.message : (0,errors/* errorMessage */.gJ)(error), new Scrubber([token]), 200);
    if (status === undefined || response === undefined)
        return `the GitHub API could not be reached (${clean})`;
    const advice = status === 401
        ? ": check the 'github-token' input"
        : status === 403 || status === 404
            ? ": check 'pr-number' and that the token may read this repository's pull requests (permissions: pull-requests: read)"
            : '';
    return `GitHub answered HTTP ${status} "${clean}"${advice}`;
}

;// CONCATENATED MODULE: ./src/main.ts















async function run(tuning = src_tuning.DEFAULT_TUNING) {
    const secrets = [];
    let started;
    try {
        const inputs = readInputs({
            maskSecret: (secret) => {
                for (const form of secretForms(secret))
                    core/* setSecret */.Pq(form);
                secrets.push(secret);
            }
        });
        const warning = cleartextWarning(inputs);
        if (warning)
            core/* warning */.$e(warning);
        const context = readRunContext();
        started = { inputs, context };
        const result = await publish(inputs, context, tuning);
        await report(result, inputs, context);
        if (result.failure)
            core/* setFailed */.C1(result.failure);
    }
    catch (error) {
        const scrubber = new Scrubber(secrets);
        if (!(error instanceof errors/* ActionError */.lZ) && error instanceof Error && error.stack)
            core/* debug */.Yz(scrubber.scrub(error.stack));
        const message = scrubber.scrub((0,errors/* errorMessage */.gJ)(error));
        if (started)
            await reportFailure(started.inputs.mode, message, started.context);
        core/* setFailed */.C1(message);
    }
}
async function publish(inputs, context, tuning) {
    const skippedForCredentials = checkCredentials(inputs, context);
    if (skippedForCredentials)
        return skippedForCredentials;
    if (inputs.mode === 'cocalc' && inputs.copyOnly) {
        if (inputs.changedFilesOnly)
            core/* notice */.lm("'changed-files-only' has no effect: 'files' is empty, so nothing is uploaded");
        core/* info */.pq(`'files' is empty: nothing is uploaded; the existing '${inputs.path}' folder of project ${inputs.projectId} is copied`);
        return publishCocalc(inputs, { files: [], skipped: [] }, context, tuning);
    }
    const folders = await checkWorkingDirectory(inputs.workingDirectory, trustedRootsOf());
    const deadline = inputs.mode === 'cocalc' ? new StepDeadline(inputs.timeoutSeconds) : undefined;
    try {
        const changes = inputs.changedFilesOnly
            ? await core/* group */.Os("List the pull request's changed files", () => listChanges(inputs, context, folders, deadline))
            : undefined;
        const collection = await core/* group */.Os('Collect files', () => collect(inputs, changes));
        const result = await publishCollection(inputs, context, collection, changes, tuning, deadline);
        return changes ? { ...result, changes: changeReport(changes, result.status === 'skipped' ? [] : result.files.map((file) => file.name)) } : result;
    }
    finally {
        deadline?.dispose();
    }
}
function listChanges(inputs, context, folders, deadline) {
    return deadline
        ? deadline.run('changed files', () => changedFiles(inputs, context, folders, deadline.signal))
        : changedFiles(inputs, context, folders);
}
async function publishCollection(inputs, context, collection, changes, tuning, deadline) {
    if (inputs.mode === 'cocode') {
        const plan = planSession(collection.files, inputs.description ?? defaultDescription(context, external_node_path_.basename(inputs.workingDirectory)), collection.skipped);
        for (const binary of plan.binaries)
            core/* warning */.$e(`Left out of the cocode session: ${binary.name} ${binary.reason}`);
        const empty = noFiles(inputs, plan.files.length, 'cocode', [...collection.skipped, ...plan.binaries], changes);
        if (empty)
            return empty;
        return core/* group */.Os('Create the cocode session', () => publishCocode(inputs, plan));
    }
    const empty = noFiles(inputs, collection.files.length, 'cocalc', collection.skipped, changes);
    if (empty)
        return empty;
    return publishCocalc(inputs, collection, context, tuning, deadline);
}
async function changedFiles(inputs, context, folders, signal) {
    const pullRequest = changesPullRequest(inputs, context);
    if (pullRequest === undefined) {
        core/* notice */.lm(`'changed-files-only' has no effect: this ${context.eventName ?? 'run'} event carries no pull request (set 'pr-number' to name one), so every file matching 'files' is sent`);
        return undefined;
    }
    checkChangesReadable(inputs, context, pullRequest);
    const plan = planChanges(await readPullRequestChanges(inputs, context, pullRequest, signal), {
        repositoryRoot: folders.workspace,
        workingDirectory: folders.workingDirectory
    });
    core/* info */.pq(`PR #${pullRequest}: GitHub lists ${plan.listed} changed file(s); ${plan.sendable.size} added, modified or renamed and ${plan.removed.length} removed in ${inputs.workingDirectory}`);
    if (plan.capped)
        core/* warning */.$e(capNotice(plan));
    for (const name of plan.removed)
        core/* info */.pq(`Removed by the PR, not sent: ${inert(/[\u0000-\u001f\u007f]/.test(name) ? JSON.stringify(name) : name)}`);
    return plan;
}
async function collect(inputs, changes) {
    const collection = await collectFiles({
        patterns: inputs.patterns,
        baseDir: inputs.workingDirectory,
        includeHiddenFiles: inputs.includeHiddenFiles,
        maxFileSize: inputs.maxFileSize,
        concurrency: inputs.concurrency,
        only: changes?.sendable
    });
    for (const skipped of collection.skipped)
        core/* warning */.$e(`Skipped ${skipped.name}: it ${skipped.reason}`);
    const bytes = collection.files.reduce((sum, file) => sum + file.size, 0);
    core/* info */.pq(`Found ${collection.files.length} file(s), ${formatBytes(bytes)}, in ${inputs.workingDirectory}`);
    return collection;
}
function checkCredentials(inputs, context) {
    const missing = inputs.missingCredentials;
    if (missing.length === 0 || inputs.dryRun)
        return undefined;
    const empty = `${missing.map((m) => `'${m}'`).join(' and ')} ${missing.length === 1 ? 'is' : 'are'} empty`;
    if (context.pullRequest?.fromFork) {
        const reason = `GitHub passes no secrets to workflows run from forks, so ${empty}`;
        core/* warning */.$e(`Nothing published: ${reason}. Maintainers can publish from a 'workflow_run' or 'pull_request_target' workflow (only after reviewing the PR's code).`);
        return { mode: inputs.mode, status: 'skipped', files: [], skipped: [], skipReason: reason, skippedFor: 'no-secrets' };
    }
    if (isDependabotPullRequest(context)) {
        const reason = `GitHub passes no Actions secrets to workflows run by Dependabot, so ${empty}`;
        core/* warning */.$e(`Nothing published: ${reason}. To publish Dependabot's pull requests too, add the same secrets as Dependabot secrets (Settings → Secrets and variables → Dependabot).`);
        return { mode: inputs.mode, status: 'skipped', files: [], skipped: [], skipReason: reason, skippedFor: 'no-secrets' };
    }
    throw new errors/* InputError */.dz(missing[0], 'is required: pass it from a repository or organisation secret, e.g. ${{ secrets.NAME }}');
}
function noFiles(inputs, count, mode, skipped, changes) {
    if (count > 0)
        return undefined;
    const text = mode === 'cocode' ? ' that is text' : '';
    const message = changes
        ? `No files to publish: of the ${changes.sendable.size} file(s) PR #${changes.pullRequest} adds, modifies or renames in ${inputs.workingDirectory}, the 'files' patterns matched nothing${text}`
        : `No files to publish: the 'files' patterns matched nothing${text} in ${inputs.workingDirectory}`;
    if (inputs.ifNoFilesFound === 'error')
        throw new errors/* ActionError */.lZ(`${message} (set 'if-no-files-found' to 'warn' or 'ignore' to allow this)`);
    if (inputs.ifNoFilesFound === 'warn')
        core/* warning */.$e(message);
    else
        core/* info */.pq(message);
    return { mode, status: 'skipped', files: [], skipped, skipReason: message, skippedFor: 'no-files' };
}


/***/ }),

/***/ 2982:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   ARCHIVES_ENV: () => (/* binding */ ARCHIVES_ENV),
/* harmony export */   CHUNK_BYTES_ENV: () => (/* binding */ CHUNK_BYTES_ENV),
/* harmony export */   DEFAULT_CHUNK_BYTES: () => (/* binding */ DEFAULT_CHUNK_BYTES),
/* harmony export */   DEFAULT_TUNING: () => (/* binding */ DEFAULT_TUNING),
/* harmony export */   chunkBytesFrom: () => (/* binding */ chunkBytesFrom),
/* harmony export */   tuningFromEnv: () => (/* binding */ tuningFromEnv)
/* harmony export */ });
const DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024;
const DEFAULT_TUNING = { cocalcChunkBytes: DEFAULT_CHUNK_BYTES, cocalcArchives: true };
const CHUNK_BYTES_ENV = 'PUBLISH_COCALC_CHUNK_BYTES';
const ARCHIVES_ENV = 'PUBLISH_COCALC_ARCHIVES';
function tuningFromEnv(env) {
    return { cocalcChunkBytes: chunkBytesFrom(env), cocalcArchives: env[ARCHIVES_ENV] !== 'off' };
}
function chunkBytesFrom(env) {
    const text = env[CHUNK_BYTES_ENV];
    if (!text || !/^\d+$/.test(text))
        return DEFAULT_CHUNK_BYTES;
    const value = Number(text);
    return value >= 1024 && value <= 64 * 1024 * 1024 ? value : DEFAULT_CHUNK_BYTES;
}


/***/ }),

/***/ 3113:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   b7: () => (/* binding */ loadUndici),
/* harmony export */   hd: () => (/* binding */ fetch),
/* harmony export */   kT: () => (/* binding */ ProxyAgent)
/* harmony export */ });
let loaded;
async function loadUndici() {
    loaded ??= await Promise.all(/* import() */[__webpack_require__.e(541), __webpack_require__.e(107)]).then(__webpack_require__.bind(__webpack_require__, 6107));
    return loaded;
}
function undici() {
    if (!loaded)
        throw new Error('undici was used before loadUndici() had loaded it');
    return loaded;
}
class ProxyAgent {
    constructor(options) {
        return undici().createProxyAgent({ connectTimeoutMs: 10_000, ...options });
    }
}
function fetch(...args) {
    return globalThis.fetch(...args);
}


/***/ })

};

//# sourceMappingURL=797.index.js.map