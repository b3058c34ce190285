/**
 * Every input of the action, read and validated into one typed object before anything runs.
 * Credentials are masked the moment they are read. Bad values throw an InputError naming the
 * input, so an invalid configuration never sends a request.
 */
import * as path from 'node:path'
import { InputError } from './errors.js'
import { isUuid } from './text.js'

/** Input names, exactly as declared in action.yml. */
export const Input = {
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
} as const
export type InputName = (typeof Input)[keyof typeof Input]

export const MODES = ['cocode', 'cocalc'] as const
export type Mode = (typeof MODES)[number]
export type IfNoFilesFound = 'error' | 'warn' | 'ignore'
export type CocalcApi = 'v1' | 'v2'
/** `share`: how the published folder is shown on CoCalc's share server (`none`: not shared). */
export const SHARE_MODES = ['none', 'unlisted', 'public', 'authenticated'] as const
export type ShareMode = (typeof SHARE_MODES)[number]
/** CoCalc shows a share's description as Markdown of at most this many characters (public-paths.ts). */
export const SHARE_DESCRIPTION_MAX = 1024

export interface CommonInputs {
  /** Glob patterns, one per entry, relative to workingDirectory. */
  patterns: string[]
  /** Absolute path of the folder the patterns and the names sent are relative to. */
  workingDirectory: string
  includeHiddenFiles: boolean
  ifNoFilesFound: IfNoFilesFound
  maxFileSize: number
  dryRun: boolean
  comment: boolean
  /** Explicit comment tag; when undefined the reporter derives one from mode and destination. */
  commentTag: string | undefined
  prNumber: number | undefined
  githubToken: string
  /** Parallel requests while uploading and polling. */
  concurrency: number
  /** Send only the files the pull request adds, modifies or renames (changed-files.ts). */
  changedFilesOnly: boolean
  /** Names of credential inputs that were left empty (decided on in main: fork PR or failure). */
  missingCredentials: InputName[]
}

export interface CocodeInputs extends CommonInputs {
  mode: 'cocode'
  cocodeUrl: string
  username: string
  password: string
  description: string | undefined
  /** Seconds to wait for the server's answer to the session request. */
  requestTimeoutSeconds: number
}

export interface CocalcInputs extends CommonInputs {
  mode: 'cocalc'
  cocalcUrl: string
  apiKey: string
  api: CocalcApi
  projectId: string
  /** Folder in projectId, relative to the project's home, POSIX, no leading/trailing slash. */
  path: string
  targetProjectIds: string[]
  targetPath: string
  /** Empty `files` (only allowed with targets): nothing is uploaded, the folder already at `path` is copied. */
  copyOnly: boolean
  overwriteNewer: boolean
  deleteMissing: boolean
  backup: boolean
  exclude: string[]
  wait: boolean
  timeoutSeconds: number
  verify: boolean
  share: ShareMode
  /** Explicit share description; when undefined the run's description is used. */
  shareDescription: string | undefined
}

export type Inputs = CocodeInputs | CocalcInputs

/** Reads one raw input; the default reads INPUT_* variables the way @actions/core does. */
export type InputReader = (name: InputName) => string
/** Called with every credential as it is read, before anything can print it. */
export type SecretMasker = (secret: string) => void

export interface ReadInputsOptions {
  read?: InputReader
  maskSecret?: SecretMasker
  env?: NodeJS.ProcessEnv
}

export function envInputReader(env: NodeJS.ProcessEnv = process.env): InputReader {
  return (name) => (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim()
}

const DEFAULT_MAX_FILE_SIZE = 10 * 1024 ** 2

export function readInputs(options: ReadInputsOptions = {}): Inputs {
  const source = inputSource(options)
  const mode = readMode(source.read)
  const common = readCommonInputs(source)
  return mode === 'cocode' ? readCocodeInputs(source, common) : readCocalcInputs(source, common)
}

/** Where inputs come from, and what happens to a credential as it is read. */
interface InputSource {
  read: InputReader
  mask: SecretMasker
  env: NodeJS.ProcessEnv
  /** Reads a credential: masked at once when given, else noted in `missingCredentials`. */
  secret(name: InputName): string
  missingCredentials: InputName[]
}

function inputSource(options: ReadInputsOptions): InputSource {
  const env = options.env ?? process.env
  const read = options.read ?? envInputReader(env)
  const mask = options.maskSecret ?? (() => undefined)
  const missingCredentials: InputName[] = []
  const secret = (name: InputName): string => {
    const value = read(name)
    if (value) mask(value)
    else missingCredentials.push(name)
    return value
  }
  return { read, mask, env, secret, missingCredentials }
}

function readMode(read: InputReader): Mode {
  const modeText = read(Input.Mode).toLowerCase()
  if (!modeText) throw new InputError(Input.Mode, `is required: use ${listOf(MODES)}`)
  if (!isMode(modeText)) throw new InputError(Input.Mode, `'${read(Input.Mode)}' is not a mode: use ${listOf(MODES)}`)
  return modeText
}

/** The inputs both modes share. */
function readCommonInputs({ read, mask, env, missingCredentials }: InputSource): CommonInputs {
  const githubToken = read(Input.GithubToken)
  if (githubToken) mask(githubToken)
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
  }
}

function readCocodeInputs({ read, mask, secret }: InputSource, common: CommonInputs): CocodeInputs {
  if (common.patterns.length === 0) {
    throw new InputError(Input.Files, 'is required in cocode mode: give one glob pattern per line')
  }
  if (parseChoice(Input.Share, read(Input.Share), SHARE_MODES, 'none') !== 'none') {
    throw new InputError(Input.Share, "publishes on CoCalc's share server: it works in cocalc mode only (use 'none' or leave it empty)")
  }
  const description = read(Input.Description)
  const username = secret(Input.CocodeUsername)
  const password = secret(Input.CocodePassword)
  // The Authorization header carries both as base64: a server echoing it must not reveal them.
  if (username || password) mask(Buffer.from(`${username}:${password}`).toString('base64'))
  return {
    ...common,
    mode: 'cocode',
    cocodeUrl: parseServiceUrl(Input.CocodeUrl, read(Input.CocodeUrl), 'https://cocode.io', mask),
    username,
    password,
    description: description || undefined,
    requestTimeoutSeconds: parseOptionalInteger(Input.RequestTimeout, read(Input.RequestTimeout), 1, 3600) ?? 120
  }
}

function readCocalcInputs({ read, mask, env, secret }: InputSource, common: CommonInputs): CocalcInputs {
  const apiKey = secret(Input.CocalcApiKey)
  // The Authorization header carries the key as base64 (key as user name): mask that form too.
  if (apiKey) mask(Buffer.from(`${apiKey}:`).toString('base64'))
  const api = parseChoice(Input.CocalcApi, read(Input.CocalcApi).toLowerCase(), ['v1', 'v2'], 'v2')
  const projectIdText = read(Input.ProjectId)
  if (!projectIdText) throw new InputError(Input.ProjectId, 'is required in cocalc mode: the UUID of the project to upload to')
  const projectId = parseUuid(Input.ProjectId, projectIdText)
  const projectPath = parseProjectPath(Input.Path, read(Input.Path) || defaultPath(env))
  const targetPathText = read(Input.TargetPath)
  const targetPath = targetPathText ? parseProjectPath(Input.TargetPath, targetPathText) : projectPath
  const targetProjectIds = parseTargets(read(Input.TargetProjectId))
  if (targetProjectIds.some((id) => id === projectId) && targetPath === projectPath) {
    throw new InputError(Input.TargetProjectId, `copies '${projectPath}' of project ${projectId} onto itself: set a different 'target-path'`)
  }
  const exclude = parseLines(read(Input.Exclude))
  if (exclude.length > 0 && api === 'v2') {
    throw new InputError(Input.Exclude, "is supported by CoCalc's API v1 only: remove it, or set 'cocalc-api: v1' for an older server")
  }

  const cocalc: CocalcInputs = {
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
  }
  // No patterns means "copy what is already in the project": that needs somewhere to copy to.
  if (cocalc.copyOnly && cocalc.targetProjectIds.length === 0) {
    throw new InputError(
      Input.Files,
      `is empty and so is 'target-project-id': nothing to do. Give glob patterns to upload, or target projects to copy the existing '${projectPath}' folder to`
    )
  }
  return cocalc
}

function isMode(value: string): value is Mode {
  return (MODES as readonly string[]).includes(value)
}

function listOf(values: readonly string[]): string {
  return values.map((v) => `'${v}'`).join(' or ')
}

/** Non-empty, trimmed lines. */
export function parseLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
}

/** Glob patterns: one per line; comment lines (#) are dropped here so "no pattern" is detectable. */
export function parsePatterns(text: string): string[] {
  return parseLines(text).filter((line) => !line.startsWith('#'))
}

export function parseBoolean(name: InputName, text: string, fallback: boolean): boolean {
  if (text === '') return fallback
  const value = text.toLowerCase()
  if (['true', 'yes', 'on', '1'].includes(value)) return true
  if (['false', 'no', 'off', '0'].includes(value)) return false
  throw new InputError(name, `'${text}' is not a boolean: use 'true' or 'false'`)
}

export function parseChoice<T extends string>(name: InputName, text: string, choices: readonly T[], fallback: T): T {
  if (text === '') return fallback
  const value = text.toLowerCase()
  const found = choices.find((choice) => choice === value)
  if (found === undefined) throw new InputError(name, `'${text}' is not one of ${choices.map((c) => `'${c}'`).join(', ')}`)
  return found
}

const SIZE_UNITS: Record<string, number> = {
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
}

/** A size in bytes: `1048576`, `512KiB`, `10MiB`, `1.5 GiB`, `2MB` (decimal units are 1000-based). */
export function parseSize(name: InputName, text: string, fallback: number): number {
  if (text === '') return fallback
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text)
  const unit = match ? SIZE_UNITS[match[2].toLowerCase()] : undefined
  if (!match || unit === undefined) {
    throw new InputError(name, `'${text}' is not a size: use bytes or a number with KiB, MiB or GiB (e.g. 10MiB)`)
  }
  const bytes = Math.floor(Number(match[1]) * unit)
  if (bytes < 1) throw new InputError(name, `'${text}' is less than 1 byte`)
  if (!Number.isSafeInteger(bytes)) throw new InputError(name, `'${text}' is too large`)
  return bytes
}

export function parseOptionalInteger(name: InputName, text: string, min: number, max: number): number | undefined {
  if (text === '') return undefined
  const cleaned = text.startsWith('#') ? text.slice(1) : text
  if (!/^\d+$/.test(cleaned)) throw new InputError(name, `'${text}' is not a whole number`)
  const value = Number(cleaned)
  if (value < min || value > max) throw new InputError(name, `${value} is out of range: use ${min} to ${max}`)
  return value
}

export function parseUuid(name: InputName, text: string): string {
  if (!isUuid(text)) throw new InputError(name, `'${text}' is not a project UUID (like 0b2e6b5f-2c2f-4b86-9a7e-1f0f3c1f5a10)`)
  return text.toLowerCase()
}

/** Target UUIDs separated by newlines and/or commas; duplicates dropped, order kept. */
export function parseTargets(text: string): string[] {
  const ids = text
    .split(/[\n,]/)
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => parseUuid(Input.TargetProjectId, part))
  return [...new Set(ids)]
}

/**
 * A folder inside a CoCalc project, relative to its home. Absolute paths, `..`, `~` and control
 * characters are refused: the action must never write outside the folder the author named.
 */
export function parseProjectPath(name: InputName, text: string): string {
  if (/[\u0000-\u001f\u007f]/.test(text)) throw new InputError(name, 'contains a control character')
  if (text.includes('\\')) throw new InputError(name, `'${text}' contains a backslash: use '/' between folders`)
  if (text.startsWith('/') || text.startsWith('~')) {
    throw new InputError(name, `'${text}' is absolute: give a folder relative to the project's home`)
  }
  const segments = text.split('/').filter((segment) => segment !== '' && segment !== '.')
  if (segments.includes('..')) throw new InputError(name, `'${text}' contains '..': give a folder inside the project's home`)
  if (segments.length === 0) throw new InputError(name, `'${text}' names the project's home itself: give a folder inside it`)
  // Checked after normalising: './~/x' would otherwise become '~/x', which a shell expands.
  if (segments[0].startsWith('~')) throw new InputError(name, `'${text}' starts with '~': give a folder relative to the project's home`)
  return segments.join('/')
}

/** Default CoCalc folder: the repository's name (owner/NAME), else "repository". */
function defaultPath(env: NodeJS.ProcessEnv): string {
  const repository = env.GITHUB_REPOSITORY ?? ''
  const name = repository.split('/')[1]
  return name || 'repository'
}

function parseWorkingDirectory(text: string, env: NodeJS.ProcessEnv): string {
  const workspace = env.GITHUB_WORKSPACE || process.cwd()
  return path.resolve(workspace, text || '.')
}

function parseShareDescription(text: string): string | undefined {
  if (text === '') return undefined
  const length = [...text].length
  if (length > SHARE_DESCRIPTION_MAX) {
    throw new InputError(Input.ShareDescription, `is ${length} characters long: CoCalc shows at most ${SHARE_DESCRIPTION_MAX}`)
  }
  return text
}

function parseCommentTag(text: string): string | undefined {
  if (text === '') return undefined
  // The tag is embedded in an HTML comment: keep it to characters that cannot close it.
  if (!/^[\w .:/@+=-]{1,100}$/.test(text)) {
    throw new InputError(Input.CommentTag, 'use up to 100 letters, digits, spaces and . _ : / @ + = -')
  }
  return text
}

/** An http(s) base URL without trailing slash. Credentials in it are masked and refused. */
export function parseServiceUrl(name: InputName, text: string, fallback: string, mask: SecretMasker): string {
  if (text === '') return fallback
  // A query or fragment may carry a token (?access_token=...): mask it, and never echo it.
  const hasQuery = maskQuery(text, mask)
  let url: URL
  try {
    url = new URL(text)
  } catch {
    // Not a URL, yet it may still carry credentials (user:password@host): never echo those.
    const userInfo = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)@/i.exec(text)?.[1]
    if (userInfo) {
      for (const part of userInfo.split(':')) if (part) mask(part)
      throw new InputError(name, 'is not a valid URL, and must not contain credentials: pass them in their own secret inputs')
    }
    if (hasQuery) throw new InputError(name, 'is not a valid URL, and must be a base URL without ?query or #fragment')
    throw new InputError(name, `'${text}' is not a URL`)
  }
  if (url.username || url.password) {
    for (const part of [url.username, url.password]) {
      if (!part) continue
      mask(part)
      const decoded = safeDecode(part)
      if (decoded !== part) mask(decoded)
    }
    throw new InputError(name, 'must not contain credentials: pass them in their own secret inputs')
  }
  if (hasQuery || url.search || url.hash) throw new InputError(name, 'must be a base URL without ?query or #fragment')
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(name, `'${text}' must start with https:// (or http:// for a local server)`)
  }
  return url.toString().replace(/\/+$/, '')
}

/** Host names that never leave the machine: plain http:// to them exposes nothing. */
function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(hostname) || hostname === '[::1]'
}

/** The warning for a service URL over plain http:// to another machine: the credential travels in clear text. */
export function cleartextWarning(inputs: Inputs): string | undefined {
  const [name, text] = inputs.mode === 'cocode' ? [Input.CocodeUrl, inputs.cocodeUrl] : [Input.CocalcUrl, inputs.cocalcUrl]
  const url = new URL(text)
  if (url.protocol !== 'http:' || isLoopback(url.hostname)) return undefined
  return `Input '${name}': ${text} is not https, so the credential travels in clear text: use https:// unless the network between the runner and the server is trusted`
}

/** Masks every value after the first `?` or `#` of a URL text; true when there was such a part. */
function maskQuery(text: string, mask: SecretMasker): boolean {
  const at = text.search(/[?#]/)
  if (at < 0) return false
  for (const pair of text.slice(at + 1).split(/[&#;]/)) {
    const value = pair.slice(pair.indexOf('=') + 1)
    for (const form of new Set([pair, value, safeDecode(value)])) if (form.length >= 3) mask(form)
  }
  return true
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}
