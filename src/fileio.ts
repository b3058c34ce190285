/**
 * Positional file reads with little per-call overhead: node:fs callbacks wrapped in promises.
 * fs/promises' FileHandle and read streams cost several times more CPU per small file, which
 * shows when thousands of files are hashed and sent (and, with parallel uploads, delays every
 * request in flight).
 */
import * as fs from 'node:fs'

export function openForReading(path: string): Promise<number> {
  return new Promise((resolve, reject) => fs.open(path, 'r', (error, fd) => (error ? reject(error) : resolve(fd))))
}

export function closeFile(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.close(fd, (error) => (error ? reject(error) : resolve())))
}

/** Reads up to `length` bytes at `position` into `buffer` at `offset`; resolves with the count read (0 at the end). */
export function readAt(fd: number, buffer: Buffer, offset: number, length: number, position: number): Promise<number> {
  return new Promise((resolve, reject) =>
    fs.read(fd, buffer, offset, length, position, (error, bytesRead) => (error ? reject(error) : resolve(bytesRead)))
  )
}

/**
 * Fills `buffer[0, length)` from `position`, reading again after short reads. Resolves with the
 * bytes read: less than `length` only when the file ended first.
 */
export async function readFully(fd: number, buffer: Buffer, length: number, position: number): Promise<number> {
  let filled = 0
  while (filled < length) {
    const bytesRead = await readAt(fd, buffer, filled, length - filled, position + filled)
    if (bytesRead === 0) break
    filled += bytesRead
  }
  return filled
}

/** Runs `use` with the file open, closing it whatever happens. */
export async function withOpenFile<T>(path: string, use: (fd: number) => Promise<T>): Promise<T> {
  const fd = await openForReading(path)
  try {
    return await use(fd)
  } finally {
    await closeFile(fd)
  }
}

/** Files up to this size are read in one synchronous call: cheaper than the thread pool's round trips. */
export const SMALL_FILE_BYTES = 64 * 1024

/**
 * Reads a small file whole, asking for one byte more than `expectedSize` (so a file that grew is
 * noticed): a handful of microseconds that would otherwise be several thread-pool hand-offs.
 * Resolves with the bytes read; the caller compares the length.
 */
export function readSmallFile(path: string, expectedSize: number): Buffer {
  // Non-blocking: a file swapped for a named pipe since it was checked must not freeze the event loop.
  const fd = fs.openSync(path, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0))
  try {
    const buffer = Buffer.allocUnsafe(expectedSize + 1)
    let filled = 0
    while (filled < buffer.length) {
      const bytesRead = fs.readSync(fd, buffer, filled, buffer.length - filled, filled)
      if (bytesRead === 0) break
      filled += bytesRead
    }
    return buffer.subarray(0, filled)
  } finally {
    fs.closeSync(fd)
  }
}

/** Reads a file to its end in pieces of `pieceBytes` (one buffer, reused: `onPiece` must not keep it). */
export async function readInPieces(path: string, pieceBytes: number, onPiece: (piece: Buffer) => void): Promise<void> {
  await withOpenFile(path, async (fd) => {
    const buffer = Buffer.allocUnsafe(pieceBytes)
    for (let position = 0; ;) {
      const bytesRead = await readFully(fd, buffer, buffer.length, position)
      if (bytesRead > 0) onPiece(buffer.subarray(0, bytesRead))
      position += bytesRead
      if (bytesRead < buffer.length) return
    }
  })
}
