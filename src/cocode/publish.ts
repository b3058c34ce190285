/**
 * The cocode mode: text files in, one collaborative session out.
 */
import * as core from '@actions/core'
import type { CocodeInputs } from '../inputs.js'
import type { LocalFile, SkippedFile } from '../files.js'
import { createHash } from 'node:crypto'
import { FileError, errorMessage } from '../errors.js'
import { closeFile, openForReading, readFully } from '../fileio.js'
import { buildSessionBody, createCocodeHttp, createSession } from './client.js'
import type { PublishResult } from '../report/result.js'
import { inert } from '../text.js'

export interface CocodePlan {
  description: string
  /** Text files that go into the session. */
  files: LocalFile[]
  /** Binary files left out: a code editor session holds text only. */
  binaries: SkippedFile[]
  /** Matches left out while collecting (outside the folder, odd names...), reported with the result. */
  skipped: SkippedFile[]
}

/** Pure: which files go into the session and which are left out. */
export function planSession(files: LocalFile[], description: string, skipped: SkippedFile[] = []): CocodePlan {
  return {
    description,
    files: files.filter((file) => file.isText),
    binaries: files.filter((file) => !file.isText).map((file) => ({ name: file.name, reason: 'is binary; a cocode session holds text only' })),
    skipped
  }
}

export async function publishCocode(inputs: CocodeInputs, plan: CocodePlan): Promise<PublishResult> {
  const result: PublishResult = {
    mode: 'cocode',
    status: 'created',
    files: plan.files.map(({ name, size }) => ({ name, size })),
    skipped: [...plan.skipped, ...plan.binaries]
  }
  const bytes = plan.files.reduce((sum, file) => sum + file.size, 0)
  if (inputs.dryRun) {
    const plannedRequests = [`POST ${inputs.cocodeUrl}/api/session (Basic auth) with ${plan.files.length} file(s), ${bytes} bytes of content`]
    for (const request of plannedRequests) core.info(`Dry run, not sent: ${request}`)
    return { ...result, status: 'dry-run', plannedRequests }
  }
  const http = createCocodeHttp(inputs.cocodeUrl, inputs, { log: (line) => core.info(inert(line)), timeoutMs: inputs.requestTimeoutSeconds * 1000 })
  try {
    const body = await buildSessionBody(
      plan.description,
      plan.files.map((file) => ({ name: file.name, read: () => verifiedPieces(file) }))
    )
    core.info(`Creating a cocode session with ${plan.files.length} file(s) (${bytes} bytes of content)`)
    const sessionUrl = await createSession(http, body)
    core.info(`Session created: ${sessionUrl}`)
    return { ...result, sessionUrl }
  } finally {
    await http.close()
  }
}

/** Bytes read at a time while measuring and sending the session. */
const READ_BYTES = 256 * 1024

/**
 * A file's bytes in pieces read into one reused buffer (memory stays flat however large the
 * session), checked against the collected size and SHA-256 once the last piece is read: a file
 * that changed since collection fails the measuring pass, before anything is sent.
 */
export async function* verifiedPieces(file: LocalFile): AsyncGenerator<Uint8Array> {
  let fd: number
  try {
    fd = await openForReading(file.absolutePath)
  } catch (error) {
    throw new FileError(`${file.name} cannot be read: ${errorMessage(error)}`)
  }
  const hash = createHash('sha256')
  let size = 0
  try {
    const buffer = Buffer.allocUnsafe(READ_BYTES)
    for (let bytesRead = buffer.length; bytesRead === buffer.length && size <= file.size;) {
      bytesRead = await readFully(fd, buffer, buffer.length, size)
      const piece = buffer.subarray(0, bytesRead)
      hash.update(piece)
      size += bytesRead
      if (bytesRead > 0) yield piece
    }
  } finally {
    await closeFile(fd)
  }
  if (size !== file.size || hash.digest('hex') !== file.sha256)
    throw new FileError(`${file.name} changed while the action ran: publish it once it is stable`)
}
