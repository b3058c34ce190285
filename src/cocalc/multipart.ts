/**
 * multipart/form-data bodies for CoCalc's `/upload` endpoint, built by hand so that the bytes sent
 * are exactly the file's bytes (no re-encoding) and no library buffers the whole body again.
 */
import { randomBytes } from 'node:crypto'

export interface MultipartFile {
  /** Form field name of the file part (`file` for CoCalc). */
  field: string
  /** Value of the part's `filename` parameter: header-safe ASCII (the client sends `<uuid>.upload`). */
  filename: string
  content: Buffer
}

/**
 * The body as three buffers (head, content, tail) to send back to back. Field values must not
 * contain CR or LF (file names with control characters are refused at collection).
 */
export function multipartBody(boundary: string, fields: ReadonlyArray<readonly [string, string]>, file: MultipartFile): Buffer[] {
  let head = ''
  for (const [name, value] of fields) {
    head += `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`
  }
  head += `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.filename}"\r\n`
  head += 'Content-Type: application/octet-stream\r\n\r\n'
  return [Buffer.from(head, 'utf8'), file.content, Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8')]
}

export function multipartContentType(boundary: string): string {
  return `multipart/form-data; boundary=${boundary}`
}

/**
 * A boundary that occurs nowhere in the content or the field values (RFC 2046 requires it; with
 * 128 random bits a clash is practically impossible, but checking costs one scan).
 */
export function chooseBoundary(content: Buffer, fieldValues: readonly string[], random: () => string = random128): string {
  for (let attempt = 0; attempt < 16; attempt++) {
    const boundary = `----PublishBoundary${random()}`
    if (!content.includes(boundary) && !fieldValues.some((value) => value.includes(boundary))) return boundary
  }
  throw new Error('could not find a multipart boundary absent from the content')
}

/** Draws of 16 bytes per randomBytes call: one call per uploaded file showed in profiles. */
const POOL_DRAWS = 256
let pool = Buffer.alloc(0)
let drawn = POOL_DRAWS

/** 128 random bits as hex. */
function random128(): string {
  if (drawn >= POOL_DRAWS) {
    pool = randomBytes(16 * POOL_DRAWS)
    drawn = 0
  }
  drawn++
  return pool.toString('hex', 16 * (drawn - 1), 16 * drawn)
}
