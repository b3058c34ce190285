/**
 * Reads a collected file piece by piece, never holding more than one piece in memory, and proves
 * the bytes are those that were collected: the SHA-256 of everything read is checked before the
 * last piece is handed out, so a file that changed since collection is never completed remotely.
 */
import { createHash } from 'node:crypto'
import type { LocalFile } from '../files.js'
import { FileError, errorMessage } from '../errors.js'
import { SMALL_FILE_BYTES, closeFile, openForReading, readFully, readSmallFile } from '../fileio.js'

export interface FileChunk {
  index: number
  count: number
  /** Byte offset of this chunk in the file. */
  offset: number
  content: Buffer
}

/** Chunks needed for `size` bytes (an empty file is one empty chunk). */
export function chunkCount(size: number, chunkBytes: number): number {
  return Math.max(1, Math.ceil(size / chunkBytes))
}

export async function* readChunks(file: LocalFile, chunkBytes: number): AsyncGenerator<FileChunk> {
  const count = chunkCount(file.size, chunkBytes)
  if (count === 1 && file.size <= SMALL_FILE_BYTES) {
    yield { index: 0, count, offset: 0, content: readSmall(file) }
    return
  }
  const hash = createHash('sha256')
  let fd: number
  try {
    fd = await openForReading(file.absolutePath)
  } catch (error) {
    throw new FileError(`${file.name} cannot be read: ${errorMessage(error)}`)
  }
  try {
    for (let index = 0; index < count; index++) {
      const offset = index * chunkBytes
      const length = Math.min(chunkBytes, file.size - offset)
      const last = index === count - 1
      // The last read asks for one byte more than the file should hold: getting it means it grew.
      const buffer = Buffer.allocUnsafe(last ? length + 1 : length)
      const bytesRead = await readFully(fd, buffer, buffer.length, offset)
      if (bytesRead < length) throw new FileError(`${file.name} changed while the action ran (it became shorter): publish it once it is stable`)
      const content = buffer.subarray(0, length)
      hash.update(content)
      if (last && (bytesRead > length || hash.digest('hex') !== file.sha256)) {
        throw new FileError(`${file.name} changed while the action ran: publish it once it is stable`)
      }
      yield { index, count, offset, content }
    }
  } finally {
    await closeFile(fd)
  }
}

function readSmall(file: LocalFile): Buffer {
  let content: Buffer
  try {
    content = readSmallFile(file.absolutePath, file.size)
  } catch (error) {
    throw new FileError(`${file.name} cannot be read: ${errorMessage(error)}`)
  }
  if (content.length < file.size) throw new FileError(`${file.name} changed while the action ran (it became shorter): publish it once it is stable`)
  if (content.length > file.size || createHash('sha256').update(content).digest('hex') !== file.sha256) {
    throw new FileError(`${file.name} changed while the action ran: publish it once it is stable`)
  }
  return content
}

/** The whole file (for small files), checked against its collected hash. */
export async function readWhole(file: LocalFile): Promise<Buffer> {
  for await (const chunk of readChunks(file, Math.max(1, file.size))) return chunk.content
  throw new FileError(`${file.name} cannot be read`)
}
