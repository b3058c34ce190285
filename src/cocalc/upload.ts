/**
 * Incremental, verified upload: ask the project for the hashes of what is already there, send
 * only what differs, then hash again to prove every byte arrived (CoCalc may acknowledge a write
 * it lost). A file that still differs after one more upload fails the step by name.
 */
import type { LocalFile } from '../files.js'
import { formatBytes } from '../text.js'
import { mapLimit } from '../concurrency.js'
import { ActionError, FileError, ServiceError, errorMessage } from '../errors.js'
import type { CocalcClient } from './client.js'
import { Progress } from './progress.js'
import { batchPaths } from './scripts.js'

export interface UploadItem {
  file: LocalFile
  /** Where it goes, relative to the project's home. */
  remotePath: string
}

export interface Logger {
  info: (line: string) => void
  warning: (line: string) => void
  debug: (line: string) => void
}

export interface SyncOptions {
  concurrency: number
  verify: boolean
  log: Logger
  now?: () => number
}

/** Hashes `paths` in as few exec calls as the server's limits allow, in parallel batches. */
export async function remoteHashes(client: CocalcClient, items: readonly UploadItem[], concurrency: number): Promise<(string | undefined)[]> {
  const batches = batchPaths(
    items.map((item) => item.remotePath),
    items.map((item) => item.file.size),
    client.hashBatchLimits
  )
  const answers = await mapLimit(batches, concurrency, (batch) => client.hashFiles(batch.map((index) => items[index].remotePath)))
  const hashes = new Array<string | undefined>(items.length)
  batches.forEach((batch, b) => batch.forEach((index, i) => (hashes[index] = answers[b][i])))
  return hashes
}

/** Pure: the items whose remote hash is not the local one. */
export function differing(items: readonly UploadItem[], hashes: readonly (string | undefined)[]): UploadItem[] {
  return items.filter((item, index) => hashes[index] !== item.file.sha256)
}

/** Runs the upload phase (hash, upload what differs). Verification is a separate phase: see verifyUploads. */
export async function uploadChanged(
  client: CocalcClient,
  items: readonly UploadItem[],
  options: SyncOptions
): Promise<{ sent: UploadItem[]; bytes: number; knownIdentical: boolean }> {
  let before: (string | undefined)[] | undefined
  try {
    before = await remoteHashes(client, items, options.concurrency)
  } catch (error) {
    // Without hashes nothing can be verified either; with verify off, fall back to sending everything.
    if (options.verify || !(error instanceof ServiceError) || /cocalc-api-key|collaborator/.test(error.message)) throw error
    options.log.warning(`Could not ask the project which files are already there (${errorMessage(error)}): uploading every file`)
  }
  const changed = before ? differing(items, before) : [...items]
  const unchanged = items.length - changed.length
  if (unchanged > 0) options.log.info(`${unchanged} file(s) are already identical in the project and are not sent again`)
  const bytes = await uploadAll(client, changed, options, 'Uploaded')
  return { sent: changed, bytes, knownIdentical: before !== undefined && changed.length === 0 }
}

/**
 * Hashes the sent files again; re-uploads mismatches once; fails naming what still differs.
 * Resolves with how many files needed the second upload.
 */
export async function verifyUploads(client: CocalcClient, sent: readonly UploadItem[], options: SyncOptions): Promise<number> {
  if (sent.length === 0) return 0
  const after = await remoteHashes(client, sent, options.concurrency)
  const mismatched = differing(sent, after)
  if (mismatched.length === 0) {
    options.log.info(`Verified: all ${sent.length} uploaded file(s) are byte-identical in the project`)
    return 0
  }
  options.log.warning(
    `${mismatched.length} file(s) did not arrive intact although CoCalc acknowledged them (${listNames(mismatched)}): uploading them once more`
  )
  await uploadAll(client, mismatched, options, 'Re-uploaded')
  const again = await remoteHashes(client, mismatched, options.concurrency)
  const still = differing(mismatched, again)
  if (still.length > 0) {
    const arrived = sent.length - still.length
    throw new ServiceError(
      `${still.length} file(s) still differ in the project after a second upload: ${listNames(still)} (CoCalc acknowledged the writes but did not store them; ${arrived} of ${sent.length} uploaded file(s) were verified)`
    )
  }
  options.log.info(`Verified after the second upload: all ${sent.length} uploaded file(s) are byte-identical in the project`)
  return mismatched.length
}

async function uploadAll(client: CocalcClient, items: readonly UploadItem[], options: SyncOptions, verb: string): Promise<number> {
  if (items.length === 0) return 0
  const totalBytes = items.reduce((sum, item) => sum + item.file.size, 0)
  options.log.info(`${verb === 'Uploaded' ? 'Uploading' : 'Re-uploading'} ${items.length} file(s), ${formatBytes(totalBytes)}`)
  const progress = new Progress(verb, items.length, totalBytes, options.log.info, options.now)
  const done: string[] = []
  try {
    await mapLimit(items, options.concurrency, async (item) => {
      await client.uploadFile(item.remotePath, item.file, (bytes) => progress.add(0, bytes))
      progress.add(1, 0)
      done.push(item.file.name)
    })
  } catch (error) {
    if (!(error instanceof ActionError)) throw error
    // Say what did and did not arrive, so a partial push is never mistaken for a complete one.
    const message = `${errorMessage(error)} (${done.length} of ${items.length} file(s) were uploaded before this failure; the other ${items.length - done.length} were not, or not completely)`
    throw error instanceof FileError ? new FileError(message) : new ServiceError(message, error instanceof ServiceError ? error.status : undefined)
  }
  return totalBytes
}

/** The first few names, then a count: messages stay one readable line. */
export function listNames(items: readonly UploadItem[], max = 5): string {
  const names = items.slice(0, max).map((item) => item.file.name)
  return items.length > max ? `${names.join(', ')} and ${items.length - max} more` : names.join(', ')
}
