/**
 * File collection: glob patterns in, a sorted list of files (with their size, SHA-256 and whether
 * they are text) out. Nothing outside the base folder is ever collected: a match that resolves
 * outside it, through `..` or a symbolic link, is skipped with a reason the caller reports.
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import * as fs from 'node:fs/promises'
import * as path from 'node:path'
import { TextDecoder } from 'node:util'
import * as glob from '@actions/glob'
import { mapLimit } from './concurrency.js'
import { FileError, errorMessage } from './errors.js'

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
}

export interface Collection {
  files: LocalFile[]
  skipped: SkippedFile[]
}

export async function collectFiles(options: CollectOptions): Promise<Collection> {
  const baseDir = path.resolve(options.baseDir)
  const realBase = await realBaseDir(baseDir)
  const globber = await glob.create(rootPatterns(options.patterns, baseDir).join('\n'), {
    followSymbolicLinks: false,
    implicitDescendants: true,
    matchDirectories: false,
    omitBrokenSymbolicLinks: true,
    excludeHiddenFiles: !options.includeHiddenFiles
  })

  const candidates = new Map<string, string>()
  const skipped: SkippedFile[] = []
  for await (const match of globber.globGenerator()) {
    const relative = path.relative(baseDir, match)
    const name = toPosix(relative)
    if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
      skipped.push({ name: match, reason: 'is outside the working directory' })
      continue
    }
    const problem = nameProblem(name)
    if (problem) {
      skipped.push({ name: JSON.stringify(name), reason: problem })
      continue
    }
    if (!candidates.has(name)) candidates.set(name, match)
  }

  const accepted: { name: string; absolutePath: string; size: number }[] = []
  for (const [name, match] of candidates) {
    const checked = await checkCandidate(match, realBase)
    if ('reason' in checked) skipped.push({ name, reason: checked.reason })
    else accepted.push({ name, absolutePath: match, size: checked.size })
  }
  accepted.sort((a, b) => compareNames(a.name, b.name))

  const tooLarge = accepted.filter((file) => file.size > options.maxFileSize)
  if (tooLarge.length > 0) {
    const listed = tooLarge.slice(0, 5).map((f) => `${f.name} (${formatBytes(f.size)})`)
    const more = tooLarge.length > 5 ? ` and ${tooLarge.length - 5} more` : ''
    throw new FileError(`${listed.join(', ')}${more} exceed${tooLarge.length === 1 ? 's' : ''} max-file-size (${formatBytes(options.maxFileSize)})`)
  }

  const files = await mapLimit(accepted, options.concurrency ?? 8, async (file) => {
    const { sha256, isText } = await inspectFile(file.absolutePath, file.name, file.size)
    return { ...file, sha256, isText }
  })
  return { files, skipped }
}

/** Turns each pattern into an absolute one under baseDir, keeping `!` excludes and comments. */
export function rootPatterns(patterns: string[], baseDir: string): string[] {
  return patterns.map((pattern) => {
    if (pattern.startsWith('#')) return pattern
    const negation = /^!*/.exec(pattern)?.[0] ?? ''
    const body = pattern.slice(negation.length).trim()
    const rooted = path.isAbsolute(body) ? body : path.join(baseDir, body)
    // path.join drops a trailing slash; glob treats "dir/" and "dir" alike (implicit descendants).
    return negation + rooted
  })
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

async function checkCandidate(match: string, realBase: string): Promise<{ size: number } | { reason: string }> {
  let real: string
  try {
    real = await fs.realpath(match)
  } catch {
    return { reason: 'is a broken symbolic link' }
  }
  if (!isInside(real, realBase)) return { reason: 'resolves outside the working directory (symbolic link)' }
  const stats = await fs.stat(real)
  if (stats.isDirectory()) return { reason: 'is a symbolic link to a folder, which is not followed' }
  if (!stats.isFile()) return { reason: 'is not a regular file' }
  return { size: stats.size }
}

function isInside(candidate: string, folder: string): boolean {
  const relative = path.relative(folder, candidate)
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative)
}

/**
 * One streaming pass: SHA-256, and whether the bytes are UTF-8 text (a NUL byte or an invalid
 * sequence makes a file binary). A size that differs from the one stat saw means the file
 * changed while being read: publishing it would send something nobody committed.
 */
export async function inspectFile(absolutePath: string, name: string, expectedSize: number): Promise<{ sha256: string; isText: boolean }> {
  const hash = createHash('sha256')
  const decoder = new TextDecoder('utf-8', { fatal: true })
  let isText = true
  let size = 0
  try {
    for await (const chunk of createReadStream(absolutePath, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
      hash.update(chunk)
      size += chunk.length
      if (isText) isText = isTextChunk(decoder, chunk)
    }
    if (isText) isText = isTextChunk(decoder, undefined)
  } catch (error) {
    throw new FileError(`${name} cannot be read: ${errorMessage(error)}`)
  }
  if (size !== expectedSize)
    throw new FileError(`${name} changed while being read (${expectedSize} bytes, then ${size}): publish it once it is stable`)
  return { sha256: hash.digest('hex'), isText }
}

function isTextChunk(decoder: TextDecoder, chunk: Buffer | undefined): boolean {
  if (chunk?.includes(0)) return false
  try {
    decoder.decode(chunk, { stream: chunk !== undefined })
    return true
  } catch {
    return false
  }
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

/** Code-point order, the same on every machine (localeCompare is not). */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

export function toPosix(relative: string): string {
  return relative.split(path.sep).join('/')
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(value >= 10 ? 0 : 1)} ${units[unit]}`
}
