/**
 * Hashing files inside a project in batches that fit CoCalc's limits: bounded by the request
 * body and by bytes (each exec far under the hub's 60 s cap), several batches in parallel, and
 * a batch the hub cut off (its 60 s limit, a gateway timeout, partial output) split in two and
 * asked again, down to single files.
 */
import type { Logger } from '../logger.js'
import { mapLimit } from '../concurrency.js'
import { ServiceError } from '../errors.js'
import type { CocalcClient } from './client.js'
import { HashBatchCutOff } from './refusals.js'
import { batchPaths, type RemoteFile } from './scripts.js'

export interface HashEntry {
  remotePath: string
  /** Expected size in bytes (batches are bounded by it). */
  size: number
}

export interface HashOptions {
  concurrency: number
  /** The project to look in (the source project when absent). */
  projectId?: string
  log?: Logger
}

/** One entry per path, in order: what the project holds there (undefined: no readable file). */
export async function hashRemote(client: CocalcClient, entries: readonly HashEntry[], options: HashOptions): Promise<(RemoteFile | undefined)[]> {
  const batches = batchPaths(
    entries.map((entry) => entry.remotePath),
    entries.map((entry) => entry.size),
    client.hashBatchLimits
  )
  const answers = await mapLimit(batches, options.concurrency, (batch) =>
    hashBatch(
      client,
      batch.map((index) => entries[index].remotePath),
      options
    )
  )
  const result = new Array<RemoteFile | undefined>(entries.length)
  batches.forEach((batch, b) => batch.forEach((index, i) => (result[index] = answers[b][i])))
  return result
}

async function hashBatch(client: CocalcClient, paths: readonly string[], options: HashOptions, retried = false): Promise<(RemoteFile | undefined)[]> {
  try {
    return await client.hashFiles(paths, options.projectId)
  } catch (error) {
    if (!(error instanceof HashBatchCutOff)) throw error
    if (paths.length === 1) {
      // One more try for a lone file (the cut-off may have been the project's bad moment).
      if (!retried) return hashBatch(client, paths, options, true)
      throw new ServiceError(`${error.message}; hashing ${paths[0]} alone did not succeed either`)
    }
    const half = Math.ceil(paths.length / 2)
    options.log?.info(`${error.message}: asking again in two batches of ${half} and ${paths.length - half} file(s)`)
    const first = await hashBatch(client, paths.slice(0, half), options)
    const second = await hashBatch(client, paths.slice(half), options)
    return [...first, ...second]
  }
}
