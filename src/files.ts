/**
 * File collection: glob patterns in, a sorted list of files (with their size, SHA-256 and whether
 * they are text) out. Nothing outside the base folder is ever collected: a match that resolves
 * outside it, through `..` or a symbolic link, is skipped with a reason the caller reports.
 */
import { createHash } from 'node:crypto'
import { lstatSync, type Stats } from 'node:fs'
import * as fs from 'node:fs/promises'
import * as path from 'node:path'
import { isUtf8 } from 'node:buffer'
import * as glob from '@actions/glob'
import { createLimiter, mapLimit } from './concurrency.js'
import { SMALL_FILE_BYTES, readInPieces, readSmallFile } from './fileio.js'
import { FileError, errorMessage } from './errors.js'
import { describeSize } from './text.js'

export interface LocalFile {
  /** POSIX path relative to the base folder: the name the file is published under. */
  name: string
  /** Where to read it (a symbolic link inside the base is read through). */
  absolutePath: string
  size: number
  /** Hex SHA-256 of the content as read. */
  sha256: string
  /** Valid UTF-8 without NUL bytes: can travel as a JSON string. */
  isText: boolean
}

export interface SkippedFile {
  name: string
  reason: string
}

export interface CollectOptions {
  patterns: string[]
  baseDir: string
  includeHiddenFiles: boolean
  maxFileSize: number
  /** Parallel file reads while hashing. */
  concurrency?: number
  /** When given, only these names are collected (changed-files-only): others are never read. */
  only?: ReadonlySet<string>
}

export interface Collection {
  files: LocalFile[]
  skipped: SkippedFile[]
}

export async function collectFiles(options: CollectOptions): Promise<Collection> {
  const baseDir = path.resolve(options.baseDir)
  const realBase = await realBaseDir(baseDir)
  const skipped: SkippedFile[] = []
  const rooted: string[] = []
  for (const pattern of options.patterns) {
    // Globbed under the real folder: the globber does not enter a base that is a symbolic link.
    const result = rootPattern(pattern, baseDir, realBase)
    if ('refused' in result) skipped.push({ name: `pattern ${pattern}`, reason: result.refused })
    else if (result.pattern !== undefined) rooted.push(result.pattern)
  }
  const found = rooted.some((pattern) => !pattern.startsWith('!')) ? await findCandidates(rooted, realBase, options, skipped) : []

  const accepted: { name: string; absolutePath: string; size: number }[] = []
  for (const { name, match, checked } of found) {
    const reason = 'reason' in checked ? checked.reason : hiddenTargetProblem(checked.real, options.includeHiddenFiles)
    if (reason !== undefined) skipped.push({ name, reason })
    else if ('size' in checked) accepted.push({ name, absolutePath: match, size: checked.size })
  }
  accepted.sort((a, b) => compareNames(a.name, b.name))
  refuseTooLarge(accepted, options.maxFileSize)

  const files = await mapLimit(accepted, options.concurrency ?? 8, async (file) => {
    const { sha256, isText } = await inspectFile(file.absolutePath, file.name, file.size)
    return { ...file, sha256, isText }
  })
  return { files, skipped }
}

/**
 * Walks the rooted patterns and checks each match while the walk goes on (their file-system
 * round trips overlap). Names that must not even be candidates (outside, hidden, `.git/`, not in
 * `only`, odd) are left out here; why they were, when worth saying, goes into `skipped`.
 */
async function findCandidates(
  rooted: string[],
  realBase: string,
  options: CollectOptions,
  skipped: SkippedFile[]
): Promise<{ name: string; match: string; checked: Checked }[]> {
  const candidates = new Map<string, Promise<{ name: string; match: string; checked: Checked }>>()
  const limit = createLimiter(options.concurrency ?? 8)
  const realFolders = new Map<string, Promise<string>>()
  const realFolder = (folder: string): Promise<string> => {
    let real = realFolders.get(folder)
    if (!real) realFolders.set(folder, (real = fs.realpath(folder)))
    return real
  }
  const globber = await glob.create(rooted.join('\n'), {
    followSymbolicLinks: false,
    implicitDescendants: true,
    matchDirectories: false,
    omitBrokenSymbolicLinks: true,
    // The globber tests the base folder's own name too: a base like `.notebooks` would hide
    // everything. Then hidden names are filtered below instead (slower: hidden folders are walked).
    excludeHiddenFiles: !options.includeHiddenFiles && !path.basename(realBase).startsWith('.')
  })
  let gitFiles = 0
  const unreadable: string[] = []
  await walkTolerantly(globber, unreadable, (match, seen) => {
    const relative = path.relative(realBase, match)
    if (!isInsideRelative(relative)) return void skipped.push({ name: match, reason: 'is outside the working directory' })
    const name = toPosix(relative)
    if (options.only && !options.only.has(name)) return
    if (isHiddenPath(name)) {
      // `.git/` is never sent; with include-hidden-files it is left out in one line, not one per file.
      if (options.includeHiddenFiles && isGitPath(name)) gitFiles++
      if (!options.includeHiddenFiles || isGitPath(name)) return
    }
    const problem = nameProblem(name)
    if (problem) return void skipped.push({ name: JSON.stringify(name), reason: problem })
    if (!candidates.has(name))
      candidates.set(
        name,
        limit(async () => ({ name, match, checked: await checkCandidate(match, realBase, realFolder, seen) }))
      )
  })
  skipped.push(...(await describeUnreadable(unreadable, realBase, options.includeHiddenFiles)))
  if (gitFiles > 0) skipped.push({ name: '.git/', reason: `is never published (${gitFiles} file(s) left out)` })
  return Promise.all(candidates.values())
}

/** A file over max-file-size fails the step, naming the first few with their sizes. */
function refuseTooLarge(files: readonly { name: string; size: number }[], maxFileSize: number): void {
  const tooLarge = files.filter((file) => file.size > maxFileSize)
  if (tooLarge.length === 0) return
  const listed = tooLarge.slice(0, 5).map((f) => `${f.name} (${describeSize(f.size)})`)
  const more = tooLarge.length > 5 ? ` and ${tooLarge.length - 5} more` : ''
  throw new FileError(
    `${listed.join(', ')}${more} ${tooLarge.length === 1 ? 'is' : 'are'} larger than max-file-size (${describeSize(maxFileSize)}): raise 'max-file-size' or exclude ${tooLarge.length === 1 ? 'it' : 'them'} with a '!' pattern`
  )
}

/**
 * Roots one pattern under `globBase` (the real path of baseDir, its own glob characters escaped),
 * keeping `!`. A pattern that reaches outside baseDir is refused: it could only match files that
 * must not be sent, and walking `..` or `/` would be slow. Such an exclude is dropped (it
 * excludes nothing inside). An absolute pattern inside baseDir is made relative first.
 */
export function rootPattern(pattern: string, baseDir: string, globBase = baseDir): { pattern: string | undefined } | { refused: string } {
  const negation = /^!*/.exec(pattern)?.[0] ?? ''
  let body = pattern.slice(negation.length).trim()
  const excludes = negation.length % 2 === 1
  if (body === '') return { pattern: undefined }
  if (path.isAbsolute(body)) {
    const relative = path.relative(baseDir, path.normalize(body))
    if (relative !== '' && !isInsideRelative(relative)) return excludes ? { pattern: undefined } : { refused: OUTSIDE_PATTERN }
    // path.relative drops a trailing separator, which means "folders only" to the globber.
    body = (relative || '.') + (/[\\/]$/.test(body) ? path.sep : '')
  }
  const normalized = path.normalize(body)
  if (normalized === '..' || normalized.startsWith(`..${path.sep}`)) return excludes ? { pattern: undefined } : { refused: OUTSIDE_PATTERN }
  const rooted = normalized === '.' || normalized === `.${path.sep}` ? globEscape(globBase) : path.join(globEscape(globBase), normalized)
  return { pattern: negation + rooted }
}

const OUTSIDE_PATTERN = 'reaches outside the working directory, so nothing it matches is published'

/** @actions/glob's own escaping (Pattern.globEscape): the base folder is a literal, not a glob. */
export function globEscape(text: string): string {
  return (process.platform === 'win32' ? text : text.replace(/\\/g, '\\\\'))
    .replace(/(\[)(?=[^/]+\])/g, '[[]')
    .replace(/\?/g, '[?]')
    .replace(/\*/g, '[*]')
}

/** Why a name cannot be published as is, or undefined when it can. */
export function nameProblem(name: string): string | undefined {
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'has a control character (such as a newline) in its name'
  if (Buffer.byteLength(name) > 4096) return 'has a path longer than 4096 bytes'
  if (name.split('/').some((segment) => Buffer.byteLength(segment) > 255)) return 'has a file name longer than 255 bytes'
  return undefined
}

async function realBaseDir(baseDir: string): Promise<string> {
  try {
    const real = await fs.realpath(baseDir)
    if (!(await fs.stat(real)).isDirectory()) throw new FileError(`working-directory '${baseDir}' is not a folder`)
    return real
  } catch (error) {
    if (error instanceof FileError) throw error
    throw new FileError(`working-directory '${baseDir}' cannot be read: ${errorMessage(error)}`)
  }
}

/** A candidate's size and real path relative to the base (links resolved), or why it is skipped. */
type Checked = { size: number; real: string } | { reason: string }

/** Never rejects: a problem is a reason to skip the file. `seen`: the walk's own lstat of it, if any. */
async function checkCandidate(match: string, realBase: string, realFolder: (folder: string) => Promise<string>, seen?: Stats): Promise<Checked> {
  // A regular file's real path is its folder's real path and its name: one lstat per file and one
  // realpath per folder. (The folder still needs resolving: the globber starts a pattern's walk
  // at its literal part, which may pass through a linked folder.) Links take the long way.
  const own = seen ?? lstatOrUndefined(match)
  if (own?.isFile()) {
    const folder = await realFolder(path.dirname(match)).catch(() => undefined)
    const real = folder === undefined ? '' : path.relative(realBase, path.join(folder, path.basename(match)))
    if (isInsideRelative(real)) return { size: own.size, real: toPosix(real) }
  }
  let real: string
  try {
    real = await fs.realpath(match)
  } catch (error) {
    const isLink = await fs.lstat(match).then(
      (stats) => stats.isSymbolicLink(),
      () => false
    )
    return { reason: isLink ? 'is a broken symbolic link' : `cannot be read: ${errorMessage(error)}` }
  }
  const realRelative = path.relative(realBase, real)
  if (!isInsideRelative(realRelative)) return { reason: 'resolves outside the working directory (symbolic link)' }
  let stats: Stats
  try {
    stats = await fs.stat(real)
  } catch (error) {
    return { reason: `cannot be read: ${errorMessage(error)}` }
  }
  if (stats.isDirectory()) return { reason: 'is a symbolic link to a folder, which is not followed' }
  if (!stats.isFile()) return { reason: 'is not a regular file' }
  return { size: stats.size, real: toPosix(realRelative) }
}

/** lstat at once (microseconds from the kernel's cache; the thread pool's round trip costs more). */
function lstatOrUndefined(file: string): Stats | undefined {
  try {
    return lstatSync(file, { throwIfNoEntry: false })
  } catch {
    return undefined
  }
}

/** A POSIX path with a hidden segment (a dot-file or dot-folder). */
export function isHiddenPath(name: string): boolean {
  return name.split('/').some((segment) => segment.startsWith('.'))
}

/** A POSIX path inside a `.git` folder (or the folder itself), whatever its case. */
export function isGitPath(name: string): boolean {
  return name.split('/').some((segment) => segment.toLowerCase() === '.git')
}

/**
 * Why a file must not be published because of where it really is (its name passed already):
 * a link (or a path through a linked folder) into `.git/` never; into another hidden place only
 * with include-hidden-files. Hidden is judged on the resolved path, not only on the link's name.
 */
export function hiddenTargetProblem(real: string, includeHiddenFiles: boolean): string | undefined {
  if (isGitPath(real)) {
    return includeHiddenFiles
      ? 'leads into .git/, which is never published'
      : `leads into a hidden place (${real}), which is never published through a link`
  }
  if (!includeHiddenFiles && isHiddenPath(real)) return `leads into a hidden place (${real}), which is never published through a link`
  return undefined
}

/**
 * Runs the globber's walk, giving each match to `take` with the lstat the walk made of it. An entry the walk cannot even stat by
 * the name it read (a name that is not valid UTF-8 reads back with U+FFFD, so its lstat fails
 * with ENOENT; or a file deleted meanwhile) would end the whole walk: it is noted in
 * `unreadable` instead and the walk goes on. @actions/glob has no option for this, so its
 * globber's own stat is wrapped for the walk's duration (its class is reached through the
 * instance; if a version lacks it, the walk fails as before).
 */
async function walkTolerantly(globber: glob.Globber, unreadable: string[], take: (match: string, seen?: Stats) => void): Promise<void> {
  type Stat = (item: { path: string }, ...rest: unknown[]) => Promise<unknown>
  const walker = globber.constructor as unknown as { stat?: Stat }
  const original = walker.stat
  // The globber yields a file right after its stat: the candidate check need not lstat it again.
  let last: { path: string; stats: Stats } | undefined
  if (typeof original === 'function') {
    walker.stat = async (item, ...rest) => {
      try {
        // Where the globber would lstat (links not followed, as collectFiles asks), lstat at
        // once: its own awaited lstat goes through the thread pool one path after another,
        // 0.6 s for 10,000 files, where the kernel answers each in a few microseconds.
        if ((rest[0] as { followSymbolicLinks?: unknown } | undefined)?.followSymbolicLinks === false) {
          last = { path: item.path, stats: lstatSync(item.path) }
          return last.stats
        }
        return await original.call(walker, item, ...rest)
      } catch (error) {
        if ((error as { code?: unknown } | undefined)?.code !== 'ENOENT') throw error
        unreadable.push(item.path)
        return undefined
      }
    }
  }
  try {
    for await (const match of globber.globGenerator()) take(match, last?.path === match ? last.stats : undefined)
  } finally {
    if (typeof original === 'function') walker.stat = original
  }
}

/** Warnings for the entries a walk could not stat: names that are not UTF-8, or files that vanished. */
async function describeUnreadable(paths: readonly string[], realBase: string, includeHiddenFiles: boolean): Promise<SkippedFile[]> {
  const skipped: SkippedFile[] = []
  for (const unreadable of paths) {
    const relative = toPosix(path.relative(realBase, unreadable))
    if (!includeHiddenFiles && isHiddenPath(relative)) continue
    if (!relative.includes('\ufffd')) {
      skipped.push({ name: relative, reason: 'disappeared while the files were being collected' })
      continue
    }
    // The name on disk, byte for byte: the entries of its folder that are not UTF-8 and read back as it.
    const folder = path.dirname(unreadable)
    const entries = await fs.readdir(folder, { encoding: 'buffer' }).catch(() => [] as Buffer[])
    const raw = entries.filter((entry) => !isUtf8(entry) && entry.toString('utf8') === path.basename(unreadable))
    const parent = toPosix(path.relative(realBase, folder))
    for (const entry of raw.length > 0 ? raw : [Buffer.from(path.basename(unreadable))]) {
      const shown = (parent === '' ? '' : `${parent}/`) + escapeInvalidUtf8(entry)
      skipped.push({ name: `"${shown}"`, reason: 'has a name that is not valid UTF-8, so it cannot be published under its name' })
    }
  }
  return skipped
}

/** The bytes of a name as text, each byte that is not part of valid UTF-8 shown as `\xNN`. */
export function escapeInvalidUtf8(bytes: Buffer): string {
  let text = ''
  let at = 0
  while (at < bytes.length) {
    const length = sequenceLength(bytes[at])
    const piece = bytes.subarray(at, at + length)
    if (piece.length === length && isUtf8(piece) && (length > 1 || bytes[at] < 0x80)) {
      text += piece.toString('utf8')
      at += length
    } else {
      text += `\\x${bytes[at].toString(16).padStart(2, '0')}`
      at++
    }
  }
  return text
}

/** A relative path that stays strictly inside its folder (`..name` is a name, not a way up). */
function isInsideRelative(relative: string): boolean {
  return relative !== '' && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative)
}

/** Bytes read at a time while inspecting: memory stays flat whatever the file's size. */
const INSPECT_PIECE_BYTES = 256 * 1024

/**
 * One pass in pieces: SHA-256, and whether the bytes are UTF-8 text (a NUL byte or an invalid
 * sequence makes a file binary). A size that differs from the one stat saw means the file
 * changed while being read: publishing it would send something nobody committed.
 */
export async function inspectFile(absolutePath: string, name: string, expectedSize: number): Promise<{ sha256: string; isText: boolean }> {
  const hash = createHash('sha256')
  const text = new Utf8Check()
  let size = 0
  const take = (piece: Buffer): void => {
    hash.update(piece)
    text.push(piece)
    size += piece.length
  }
  try {
    // Read to the end either way: a size other than the one stat saw means the file changed.
    if (expectedSize <= SMALL_FILE_BYTES) take(readSmallFile(absolutePath, expectedSize))
    else await readInPieces(absolutePath, INSPECT_PIECE_BYTES, take)
  } catch (error) {
    throw new FileError(`${name} cannot be read: ${errorMessage(error)}`)
  }
  if (size !== expectedSize)
    throw new FileError(`${name} changed while being read (${expectedSize} bytes, then ${size}): publish it once it is stable`)
  return { sha256: hash.digest('hex'), isText: text.end() }
}

/**
 * Whether bytes pushed piece by piece are valid UTF-8 without NUL, with no string made of them.
 * A character cut by a piece boundary is completed from the next piece and checked on its own.
 */
export class Utf8Check {
  private valid = true
  /** The start of a character the previous piece cut (copied: pieces may reuse one buffer). */
  private carry: Buffer | undefined

  push(piece: Buffer): void {
    if (!this.valid) return
    let rest = piece
    if (this.carry) {
      const missing = sequenceLength(this.carry[0]) - this.carry.length
      const joined = Buffer.concat([this.carry, rest.subarray(0, missing)])
      rest = rest.subarray(missing)
      if (joined.length < sequenceLength(joined[0])) {
        this.carry = joined
        return
      }
      this.carry = undefined
      if (!isUtf8(joined)) return this.fail()
    }
    const tail = incompleteTail(rest)
    if (rest.includes(0) || !isUtf8(rest.subarray(0, rest.length - tail))) return this.fail()
    if (tail > 0) this.carry = Buffer.from(rest.subarray(rest.length - tail))
  }

  /** True when everything pushed was text (a character cut by the end is not). */
  end(): boolean {
    return this.valid && this.carry === undefined
  }

  private fail(): void {
    this.valid = false
    this.carry = undefined
  }
}

/** The length a UTF-8 sequence starting with `lead` claims (invalid leads are left to isUtf8). */
function sequenceLength(lead: number): number {
  return lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1
}

/** How many bytes at the end of `bytes` start a character that does not end there (0 to 3). */
export function incompleteTail(bytes: Buffer): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back]
    // The first byte that is not a continuation byte (10xxxxxx) starts the last character.
    if ((byte & 0xc0) !== 0x80) return sequenceLength(byte) > back ? back : 0
  }
  return 0
}

/** Reads a collected file, checking it still has the hash it was collected with. */
export async function readCollectedFile(file: LocalFile): Promise<Buffer> {
  let content: Buffer
  try {
    content = await fs.readFile(file.absolutePath)
  } catch (error) {
    throw new FileError(`${file.name} cannot be read: ${errorMessage(error)}`)
  }
  if (createHash('sha256').update(content).digest('hex') !== file.sha256) {
    throw new FileError(`${file.name} changed while the action ran: publish it once it is stable`)
  }
  return content
}

/** UTF-16 code-unit order: the same on every machine and locale (localeCompare is not). */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

export function toPosix(relative: string): string {
  return relative.split(path.sep).join('/')
}
