/**
 * Proof that a copy arrived: the copied files hashed inside the target project (one exec per
 * batch, as for the upload), compared with the local SHA-256. A copy keeps a target file that is
 * newer than the source unless `overwrite-newer` (rsync --update), and leaves out files matching
 * `exclude` by rsync's rules (./exclude.ts): those are not counted as missing.
 */
import type { Logger } from '../logger.js'
import type { CocalcClient } from './client.js'
import { excluder } from './exclude.js'
import { hashRemote } from './hashing.js'
import { remotePathOf } from './links.js'
import type { RemoteFile } from './scripts.js'
import { listNames, type UploadItem } from './upload.js'

export interface TargetCheckOptions {
  items: readonly UploadItem[]
  /** What the source project holds, by remote path (for the mtimes rsync compares). */
  source: ReadonlyMap<string, RemoteFile>
  overwriteNewer: boolean
  exclude: readonly string[]
  concurrency: number
  log?: Logger
}

export interface TargetCheckResult {
  /** Files missing or different in the target. */
  wrong: UploadItem[]
  /** Files that differ because the target's copy is newer and was kept (not overwritten). */
  kept: UploadItem[]
  checked: number
}

/**
 * Checks one target folder once: every file, or only `only` (files an earlier look found wrong:
 * a slow copy is watched without hashing what already arrived again). `checked` always counts
 * every file the copy must bring.
 */
export type TargetCheck = (projectId: string, folder: string, only?: readonly UploadItem[]) => Promise<TargetCheckResult>

export function targetCheck(client: CocalcClient, options: TargetCheckOptions): TargetCheck {
  const excluded = excluder(options.exclude)
  const items = options.items.filter((item) => !excluded(item.file.name))
  return async (projectId, folder, only) => {
    const list = only ?? items
    const hashes = await hashRemote(
      client,
      list.map((item) => ({ remotePath: remotePathOf(folder, item.file.name), size: item.file.size })),
      { concurrency: options.concurrency, projectId, log: options.log }
    )
    return { ...judge(list, hashes, options), checked: items.length }
  }
}

/** Pure: sorts the items into right, kept (newer in the target) and wrong. */
export function judge(
  items: readonly UploadItem[],
  hashes: readonly (RemoteFile | undefined)[],
  options: Pick<TargetCheckOptions, 'source' | 'overwriteNewer'>
): TargetCheckResult {
  const wrong: UploadItem[] = []
  const kept: UploadItem[] = []
  items.forEach((item, index) => {
    const found = hashes[index]
    if (found?.sha256 === item.file.sha256) return
    const source = options.source.get(item.remotePath)
    if (found && !options.overwriteNewer && source && found.mtime > source.mtime) kept.push(item)
    else wrong.push(item)
  })
  return { wrong, kept, checked: items.length }
}

/** One line about what a check found wrong. */
export function describeWrong(result: TargetCheckResult): string {
  return `${result.wrong.length} of ${result.checked} file(s) missing or different in the target: ${listNames(result.wrong)}`
}
