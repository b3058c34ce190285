/**
 * Many files as one archive: the files that need sending are packed into one tar stream (gzip
 * where it pays) and written to a temporary file on the runner, so the upload can send it in
 * chunks and the project unpacks it with one exec (./unpack.ts). tar-stream writes the headers:
 * names longer than 100 bytes and non-ASCII names get PAX records, which GNU tar reads back.
 */
import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { Transform, type TransformCallback } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { once } from 'node:events'
import type { Pack } from 'tar-stream'
import type { LocalFile } from '../files.js'
import { SMALL_FILE_BYTES } from '../fileio.js'
import { readChunks, readWhole } from './chunks.js'

export interface ArchiveMember {
  /** The member's name: the file's path relative to the folder the archive is unpacked into. */
  name: string
  file: LocalFile
}

export interface WrittenArchive {
  path: string
  /** Bytes of the archive file (after gzip, when used). */
  size: number
  sha256: string
  gzip: boolean
}

/** Bytes read from a large member at a time while packing. */
const PACK_READ_BYTES = 1024 * 1024
/** Fast compression: most of level 6's gain on code and text at a third of its time. */
const GZIP_LEVEL = 1
/** Bytes of the files compressed as a trial before choosing gzip. */
const GZIP_SAMPLE_BYTES = 64 * 1024
/** Below this, gzip saves too little to be worth a pass on either side. */
const GZIP_MIN_BYTES = 16 * 1024

/**
 * Pure: members folder by folder, names sorted within a folder, so the unpack script moves each
 * folder's files into place with one `mv`.
 */
export function orderMembers(members: readonly ArchiveMember[]): ArchiveMember[] {
  const key = (name: string): [string, string] => {
    const slash = name.lastIndexOf('/')
    return slash < 0 ? ['', name] : [name.slice(0, slash), name.slice(slash + 1)]
  }
  return [...members].sort((a, b) => {
    const [folderA, baseA] = key(a.name)
    const [folderB, baseB] = key(b.name)
    return compare(folderA, folderB) || compare(baseA, baseB)
  })
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * Pure: gzip pays when most of the bytes are text; images, zips and notebooks' embedded PNGs are
 * compressed already, and compressing them again costs time on both sides for nothing.
 */
export function gzipPays(members: readonly ArchiveMember[]): boolean {
  let total = 0
  let text = 0
  for (const { file } of members) {
    total += file.size
    if (file.isText) text += file.size
  }
  return total >= GZIP_MIN_BYTES && text * 2 >= total
}

/**
 * Whether gzip pays for these members: most bytes are text (gzipPays) and a sample of them, up to
 * 64 KiB from the first members, shrinks by 30% or more at the level used. Code and prose do
 * (to a third or less); base64 or random data saves 20% at most, less than compressing and
 * decompressing cost on a fast link.
 */
export async function compressionPays(members: readonly ArchiveMember[]): Promise<boolean> {
  if (!gzipPays(members)) return false
  const { deflateRawSync } = await import('node:zlib')
  const sample: Buffer[] = []
  let bytes = 0
  for (const { file } of members) {
    if (bytes >= GZIP_SAMPLE_BYTES) break
    if (!file.isText || file.size > SMALL_FILE_BYTES) continue
    const content = await readWhole(file)
    sample.push(content)
    bytes += content.length
  }
  if (bytes === 0) return true
  const joined = Buffer.concat(sample, bytes)
  return deflateRawSync(joined, { level: GZIP_LEVEL }).length <= joined.length * 0.7
}

/** Pure: what `tar --list` prints for the archive (one name a line): the unpack script checks it. */
export function listingOf(members: readonly ArchiveMember[]): string {
  return members.map((member) => `${member.name}\n`).join('')
}

/** SHA-256 (hex) of a string's UTF-8 bytes. */
export function sha256Hex(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex')
}

/**
 * Writes the archive of `members` (in the given order) to `path`: regular files, mode 0644,
 * owned by nobody in particular. Every file is checked against its collected SHA-256 as it is
 * read (readChunks), so a file that changed since collection fails here, not in the project.
 */
export async function writeArchive(members: readonly ArchiveMember[], path: string, gzip: boolean): Promise<WrittenArchive> {
  // Loaded here, not at start: a run that sends no archive (a dry run, cocode) never needs them.
  const [{ default: tar }, { createGzip }] = await Promise.all([import('tar-stream'), import('node:zlib')])
  const pack = tar.pack()
  const tap = new HashingCounter()
  const stages: NodeJS.ReadWriteStream[] = gzip ? [createGzip({ level: GZIP_LEVEL }), tap] : [tap]
  const written = pipeline([pack as unknown as NodeJS.ReadableStream, ...stages, createWriteStream(path)])
  // The pipeline's failure (a full disk) must not go unhandled while entries are still added.
  written.catch(() => undefined)
  try {
    const mtime = new Date()
    for (const [index, member] of members.entries()) {
      await addMember(pack, member, mtime)
      // Small members go in without waiting: let the compressor and the file catch up now and then.
      if (index % 256 === 255) await new Promise((resolve) => setImmediate(resolve))
    }
    pack.finalize()
  } catch (error) {
    pack.destroy(error as Error)
    throw error
  }
  await written
  return { path, size: tap.bytes, sha256: tap.digest(), gzip }
}

async function addMember(pack: Pack, member: ArchiveMember, mtime: Date): Promise<void> {
  const header = { name: member.name, size: member.file.size, mode: 0o644, mtime, type: 'file' as const, uid: 0, gid: 0 }
  if (member.file.size <= SMALL_FILE_BYTES) {
    pack.entry(header, await readWhole(member.file))
    return
  }
  const entry = pack.entry(header)
  const done = new Promise<void>((resolve, reject) => {
    entry.once('finish', () => resolve())
    entry.once('error', reject)
    entry.once('close', () => resolve())
  })
  for await (const chunk of readChunks(member.file, PACK_READ_BYTES)) {
    if (!entry.write(chunk.content)) await once(entry, 'drain')
  }
  entry.end(null)
  await done
}

/** Passes bytes through, counting them and hashing them on the way. */
class HashingCounter extends Transform {
  bytes = 0
  private readonly hash = createHash('sha256')

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length
    this.hash.update(chunk)
    callback(null, chunk)
  }

  digest(): string {
    return this.hash.digest('hex')
  }
}
