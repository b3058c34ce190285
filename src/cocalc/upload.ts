/**
 * Incremental, verified upload: ask the project for the hashes of what is already there, send
 * only what differs, then hash again to prove every byte arrived (CoCalc may acknowledge a write
 * it lost). A file that still differs after one more upload fails the step by name.
 */
import type { LocalFile } from '../files.js'
import { formatBytes } from '../text.js'
import { mapLimit, sleep as defaultSleep } from '../concurrency.js'
import { ActionError, FileError, ServiceError, errorMessage } from '../errors.js'
import type { CocalcClient } from './client.js'
import type { Logger } from '../logger.js'
import { Progress } from './progress.js'
import { hashRemote } from './hashing.js'
import { planArchives, sendArchive } from './bulk.js'
import type { RemoteFile } from './scripts.js'

export interface UploadItem {
  file: LocalFile
  /** Where it goes, relative to the project's home. */
  remotePath: string
}

export interface SyncOptions {
  concurrency: number
  verify: boolean
  log: Logger
  now?: () => number
  sleep?: (ms: number) => Promise<void>
  /** The folder all items go to: files under it may travel in archives (./bulk.ts). */
  archiveFolder?: string
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
  log?: Logger
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

/**
 * Runs the upload phase (hash, upload what differs). Files sent in an archive come back verified
 * (the unpacking hashes them); the others are verified in a separate phase: see verifyUploads.
 */
export async function uploadChanged(
  client: CocalcClient,
  items: readonly UploadItem[],
  options: SyncOptions
): Promise<{ sent: UploadItem[]; unverified: UploadItem[]; bytes: number; knownIdentical: boolean; remote: Map<string, RemoteFile> }> {
  let before: (RemoteFile | undefined)[] | undefined
  try {
    before = await remoteHashes(client, items, options.concurrency, undefined, options.log)
  } catch (error) {
    // Without hashes nothing can be verified either; with verify off, fall back to sending everything.
    if (options.verify || !(error instanceof ServiceError) || /cocalc-api-key|collaborator/.test(error.message)) throw error
    options.log.warning(`Could not ask the project which files are already there (${errorMessage(error)}): uploading every file`)
  }
  const changed = before ? differing(items, before) : [...items]
  const unchanged = items.length - changed.length
  if (unchanged > 0) options.log.info(`${unchanged} file(s) are already identical in the project and are not sent again`)
  // What is known to be in place (the unchanged files, then the verified ones), for the checks after a copy.
  const remote = new Map<string, RemoteFile>()
  items.forEach((item, index) => {
    const found = before?.[index]
    if (found && found.sha256 === item.file.sha256) remote.set(item.remotePath, found)
  })
  const unverified = await sendChanged(client, changed, options, remote)
  const bytes = changed.reduce((sum, item) => sum + item.file.size, 0)
  return { sent: changed, unverified, bytes, knownIdentical: before !== undefined && changed.length === 0, remote }
}

/**
 * Sends `changed`: in archives where that pays, the rest (and any archived file that hashes
 * wrong after unpacking) one request per file. Resolves with the files still to verify.
 */
async function sendChanged(
  client: CocalcClient,
  changed: readonly UploadItem[],
  options: SyncOptions,
  remote: Map<string, RemoteFile>
): Promise<UploadItem[]> {
  const folder = options.archiveFolder
  const plan = folder === undefined ? { batches: [], single: [...changed] } : planArchives(changed, folder)
  const unverified = [...plan.single]
  let arrived = 0
  for (const batch of plan.batches) {
    let found: RemoteFile[] | undefined
    try {
      found = await sendArchive(client, batch, { folder: folder as string, log: options.log.info })
    } catch (error) {
      throw partialFailure(error, arrived, changed.length)
    }
    if (!found) {
      options.log.warning(`The archive of ${batch.length} file(s) did not arrive intact twice: sending the files one by one`)
      unverified.push(...batch)
      continue
    }
    const wrong = batch.filter((item, index) => found[index]?.sha256 !== item.file.sha256)
    batch.forEach((item, index) => {
      if (found[index]?.sha256 === item.file.sha256) remote.set(item.remotePath, found[index])
    })
    arrived += batch.length - wrong.length
    if (wrong.length === 0) {
      options.log.info(`Verified: all ${batch.length} file(s) of the archive are byte-identical where they were unpacked`)
      continue
    }
    options.log.warning(`${wrong.length} file(s) of the archive hash wrong after unpacking (${listNames(wrong)}): sending them one by one`)
    unverified.push(...wrong)
  }
  await uploadAll(client, unverified, options, 'Uploaded', { arrived, total: changed.length })
  return unverified
}

/**
 * The error of a push that failed part-way, saying what did and did not arrive, so a partial push
 * is never mistaken for a complete one. Errors that are not the action's own pass unchanged.
 */
function partialFailure(error: unknown, done: number, total: number): unknown {
  if (!(error instanceof ActionError)) return error
  const message = `${errorMessage(error)} (${done} of ${total} file(s) were uploaded before this failure; the other ${total - done} were not, or not completely)`
  return error instanceof FileError ? new FileError(message) : new ServiceError(message, error instanceof ServiceError ? error.status : undefined)
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
  const hashes = await remoteHashes(client, items, options.concurrency, projectId, options.log)
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
      options.log
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

async function uploadAll(
  client: CocalcClient,
  items: readonly UploadItem[],
  options: SyncOptions,
  verb: string,
  earlier: { arrived: number; total: number } = { arrived: 0, total: items.length }
): Promise<number> {
  if (items.length === 0) return 0
  const totalBytes = items.reduce((sum, item) => sum + item.file.size, 0)
  options.log.info(`${verb === 'Uploaded' ? 'Uploading' : 'Re-uploading'} ${items.length} file(s), ${formatBytes(totalBytes)}`)
  const progress = new Progress(verb, items.length, totalBytes, options.log.info, options.now)
  let done = 0
  try {
    await mapLimit(items, options.concurrency, async (item) => {
      await client.uploadFile(item.remotePath, item.file, (bytes) => progress.add(0, bytes))
      progress.add(1, 0)
      done++
    })
  } catch (error) {
    throw partialFailure(error, earlier.arrived + done, earlier.total)
  }
  return totalBytes
}

/** The first few names, then a count: messages stay one readable line. */
export function listNames(items: readonly UploadItem[], max = 5): string {
  const names = items.slice(0, max).map((item) => item.file.name)
  return items.length > max ? `${names.join(', ')} and ${items.length - max} more` : names.join(', ')
}
