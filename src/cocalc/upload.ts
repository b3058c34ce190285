/**
 * Incremental, verified upload: ask the project for the hashes of what is already there, send
 * only what differs, then hash again to prove every byte arrived (CoCalc may acknowledge a write
 * it lost). A file that still differs after one more upload fails the step by name.
 */
import type { LocalFile } from '../files.js'
import { formatBytes } from '../files.js'
import { mapLimit, sleep as defaultSleep } from '../concurrency.js'
import { ActionError, FileError, ServiceError, errorMessage } from '../errors.js'
import type { CocalcClient } from './client.js'
import { Progress } from './progress.js'
import { hashRemote } from './hashing.js'
import type { RemoteFile } from './scripts.js'

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
  sleep?: (ms: number) => Promise<void>
}

/**
 * Pauses before a file that hashes wrong is called lost: the hub answers an upload before the
 * file is renamed into place (src/packages/conat/files/write.ts), so a hash taken at once may
 * still see the old content.
 */
export const SETTLE_PAUSES_MS = [1000, 2000] as const

/** What the project holds at each item's path (undefined: missing), in as few execs as the limits allow. */
export async function remoteHashes(
  client: CocalcClient,
  items: readonly UploadItem[],
  concurrency: number,
  projectId?: string,
  log?: (line: string) => void
): Promise<(RemoteFile | undefined)[]> {
  return hashRemote(
    client,
    items.map((item) => ({ remotePath: item.remotePath, size: item.file.size })),
    { concurrency, projectId, log }
  )
}

/** Pure: the items whose remote hash is not the local one. */
export function differing(items: readonly UploadItem[], hashes: readonly (RemoteFile | undefined)[]): UploadItem[] {
  return items.filter((item, index) => hashes[index]?.sha256 !== item.file.sha256)
}

/** Runs the upload phase (hash, upload what differs). Verification is a separate phase: see verifyUploads. */
export async function uploadChanged(
  client: CocalcClient,
  items: readonly UploadItem[],
  options: SyncOptions
): Promise<{ sent: UploadItem[]; bytes: number; knownIdentical: boolean; remote: Map<string, RemoteFile> }> {
  let before: (RemoteFile | undefined)[] | undefined
  try {
    before = await remoteHashes(client, items, options.concurrency, undefined, options.log.info)
  } catch (error) {
    // Without hashes nothing can be verified either; with verify off, fall back to sending everything.
    if (options.verify || !(error instanceof ServiceError) || /cocalc-api-key|collaborator/.test(error.message)) throw error
    options.log.warning(`Could not ask the project which files are already there (${errorMessage(error)}): uploading every file`)
  }
  const changed = before ? differing(items, before) : [...items]
  const unchanged = items.length - changed.length
  if (unchanged > 0) options.log.info(`${unchanged} file(s) are already identical in the project and are not sent again`)
  const bytes = await uploadAll(client, changed, options, 'Uploaded')
  // What is known to be in place already (the unchanged files), for the checks after a copy.
  const remote = new Map<string, RemoteFile>()
  items.forEach((item, index) => {
    const found = before?.[index]
    if (found && found.sha256 === item.file.sha256) remote.set(item.remotePath, found)
  })
  return { sent: changed, bytes, knownIdentical: before !== undefined && changed.length === 0, remote }
}

/**
 * Hashes `items` and, while some differ, pauses and hashes those again (SETTLE_PAUSES_MS), so a
 * write that is merely not visible yet is not taken for a lost one.
 */
export async function settledHashes(
  client: CocalcClient,
  items: readonly UploadItem[],
  options: SyncOptions,
  projectId?: string
): Promise<(RemoteFile | undefined)[]> {
  const sleep = options.sleep ?? ((ms: number) => defaultSleep(ms))
  const hashes = await remoteHashes(client, items, options.concurrency, projectId, options.log.info)
  for (const pause of SETTLE_PAUSES_MS) {
    const wrong = items.map((_item, index) => index).filter((index) => hashes[index]?.sha256 !== items[index].file.sha256)
    if (wrong.length === 0) break
    options.log.debug(`${wrong.length} file(s) do not hash right yet: looking again in ${pause / 1000} s`)
    await sleep(pause)
    const again = await remoteHashes(
      client,
      wrong.map((index) => items[index]),
      options.concurrency,
      projectId,
      options.log.info
    )
    wrong.forEach((index, i) => (hashes[index] = again[i]))
  }
  return hashes
}

/**
 * Hashes the sent files again; re-uploads mismatches once; fails naming what still differs.
 * Resolves with how many files needed the second upload.
 */
export async function verifyUploads(
  client: CocalcClient,
  sent: readonly UploadItem[],
  options: SyncOptions,
  remote: Map<string, RemoteFile> = new Map()
): Promise<number> {
  if (sent.length === 0) return 0
  const after = await settledHashes(client, sent, options)
  const mismatched = differing(sent, after)
  const record = (items: readonly UploadItem[], hashes: readonly (RemoteFile | undefined)[]): void =>
    items.forEach((item, index) => {
      const found = hashes[index]
      if (found && found.sha256 === item.file.sha256) remote.set(item.remotePath, found)
    })
  record(sent, after)
  if (mismatched.length === 0) {
    options.log.info(`Verified: all ${sent.length} uploaded file(s) are byte-identical in the project`)
    return 0
  }
  options.log.warning(
    `${mismatched.length} file(s) did not arrive intact although CoCalc acknowledged them (${listNames(mismatched)}): uploading them once more`
  )
  await uploadAll(client, mismatched, options, 'Re-uploaded')
  const again = await settledHashes(client, mismatched, options)
  record(mismatched, again)
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
