/**
 * Reads a collected file piece by piece, never holding more than one piece in memory, and proves
 * the bytes are those that were collected: the SHA-256 of everything read is checked before the
 * last piece is handed out, so a file that changed since collection is never completed remotely.
 */
import { createHash } from 'node:crypto'
import { open } from 'node:fs/promises'
import type { LocalFile } from '../files.js'
import { FileError, errorMessage } from '../errors.js'

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
  const hash = createHash('sha256')
  let handle
  try {
    handle = await open(file.absolutePath, 'r')
  } catch (error) {
    throw new FileError(`${file.name} cannot be read: ${errorMessage(error)}`)
  }
  try {
    for (let index = 0; index < count; index++) {
      const offset = index * chunkBytes
      const length = Math.min(chunkBytes, file.size - offset)
      const content = Buffer.alloc(length)
      let filled = 0
      while (filled < length) {
        const { bytesRead } = await handle.read(content, filled, length - filled, offset + filled)
        if (bytesRead === 0) throw new FileError(`${file.name} changed while the action ran (it became shorter): publish it once it is stable`)
        filled += bytesRead
      }
      hash.update(content)
      if (index === count - 1) {
        const { bytesRead } = await handle.read(Buffer.alloc(1), 0, 1, file.size)
        if (bytesRead !== 0 || hash.digest('hex') !== file.sha256) {
          throw new FileError(`${file.name} changed while the action ran: publish it once it is stable`)
        }
      }
      yield { index, count, offset, content }
    }
  } finally {
    await handle.close()
  }
}

/** The whole file (for small files), checked against its collected hash. */
export async function readWhole(file: LocalFile): Promise<Buffer> {
  for await (const chunk of readChunks(file, Math.max(1, file.size))) return chunk.content
  throw new FileError(`${file.name} cannot be read`)
}
