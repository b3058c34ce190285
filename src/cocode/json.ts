/**
 * JSON string literals written straight from UTF-8 bytes: the same bytes as
 * `Buffer.from(JSON.stringify(bytes.toString('utf8')))`, without the two or three string copies
 * of a file that route takes (a large session would otherwise need several times its size).
 */
import { isUtf8 } from 'node:buffer'

/** Extra output bytes per input byte: `"` and `\` take one more, control characters one or five. */
const EXTRA = new Uint8Array(256)
/** The short escapes JSON.stringify uses (\b \t \n \f \r \" \\, as bytes); other control characters become \u00xx. */
const SHORT: Partial<Record<number, number>> = { 0x08: 0x62, 0x09: 0x74, 0x0a: 0x6e, 0x0c: 0x66, 0x0d: 0x72, 0x22: 0x22, 0x5c: 0x5c }
for (let byte = 0; byte < 0x20; byte++) EXTRA[byte] = byte in SHORT ? 1 : 5
EXTRA[0x22] = 1
EXTRA[0x5c] = 1

/** Bytes the JSON string literal of `bytes` takes, quotes included. */
export function jsonStringLength(bytes: Uint8Array): number {
  let extra = 0
  for (let i = 0; i < bytes.length; i++) extra += EXTRA[bytes[i]]
  return bytes.length + extra + 2
}

/**
 * Writes the JSON string literal of the UTF-8 `bytes` into `target` at `offset` (which must have
 * jsonStringLength(bytes) bytes free); returns the offset after it. Bytes of 0x80 and above
 * pass through: in valid UTF-8 they only form characters JSON.stringify leaves as they are.
 */
export function writeJsonString(bytes: Buffer, target: Buffer, offset: number): number {
  target[offset] = 0x22
  const at = writeJsonChars(bytes, bytes.length, target, offset + 1)
  target[at] = 0x22
  return at + 1
}

/** Writes the escaped form of `bytes[0, end)` (no quotes) into `target` at `offset`; returns the offset after it. */
function writeJsonChars(bytes: Uint8Array, end: number, target: Buffer, offset: number): number {
  let at = offset
  for (let i = 0; i < end; i++) {
    const byte = bytes[i]
    // Byte by byte: runs between escapes are short in code, where a copy() call per run costs more.
    if (EXTRA[byte] === 0) {
      target[at++] = byte
      continue
    }
    target[at++] = 0x5c
    const short = SHORT[byte]
    if (short !== undefined) target[at++] = short
    else at += target.write(`u00${byte.toString(16).padStart(2, '0')}`, at, 'latin1')
  }
  return at
}

/**
 * `before` + the JSON string literal of `content` + `after`, as one buffer. Content that is not
 * valid UTF-8 (never the case for collected text) takes the string route, which replaces what
 * cannot be decoded exactly as toString does.
 */
export function jsonStringBetween(before: string, content: Buffer, after: string): Buffer {
  if (!isUtf8(content)) return Buffer.from(before + JSON.stringify(content.toString('utf8')) + after)
  const head = Buffer.byteLength(before)
  const target = Buffer.allocUnsafe(head + jsonStringLength(content) + Buffer.byteLength(after))
  target.write(before, 0)
  const end = writeJsonString(content, target, head)
  target.write(after, end)
  return target
}

/**
 * The inside of the JSON string literal of UTF-8 bytes that arrive in pieces, as strings of
 * about one piece each: the same text JSON.stringify makes. Strings, not buffers: they live on
 * V8's young heap and are collected within milliseconds, where a buffer per piece is external
 * memory that V8 lets pile up to tens of MiB before collecting it. A character cut between two
 * pieces is carried into the next. Pieces may be reused by their producer once the next is asked
 * for. The input must be valid UTF-8 (collected text is).
 */
export async function* jsonTextPieces(pieces: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  let out = Buffer.alloc(0)
  let carry = Buffer.alloc(0)
  for await (const piece of pieces) {
    const bytes = carry.length > 0 ? Buffer.concat([carry, piece]) : Buffer.from(piece.buffer, piece.byteOffset, piece.length)
    const end = completeCharacters(bytes)
    if (out.length < end * 6) out = Buffer.allocUnsafe(Math.max(64 * 1024, end * 6))
    const length = writeJsonChars(bytes, end, out, 0)
    carry = Buffer.from(bytes.subarray(end))
    if (length > 0) yield out.toString('utf8', 0, length)
  }
  if (carry.length > 0) yield JSON.stringify(carry.toString('utf8')).slice(1, -1)
}

/** Bytes of the JSON text jsonTextPieces makes for `bytes` (no quotes). */
export function jsonTextLength(bytes: Uint8Array): number {
  return jsonStringLength(bytes) - 2
}

/** How many leading bytes of `bytes` form whole UTF-8 characters (a cut one at the end is left out). */
function completeCharacters(bytes: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back]
    if (byte < 0x80) return bytes.length
    if (byte >= 0xc0) {
      const size = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2
      return size > back ? bytes.length - back : bytes.length
    }
  }
  return bytes.length
}
