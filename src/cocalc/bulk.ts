/**
 * Archive transfer: many files in one upload and one exec instead of a request per file. The
 * files that need sending are packed into one tar (./archive.ts), staged in the project (v2: the
 * `/upload` endpoint in chunks; v1: base64 pieces), and unpacked by one exec (./unpack.ts) that
 * also hashes every file where it was written: uploading and verifying are one round trip. An
 * archive that did not arrive, or arrived damaged, is sent once more; a file that hashes wrong
 * after unpacking is left to the per-file path, which sends and verifies it again.
 */
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import type { LocalFile } from '../files.js'
import { formatBytes } from '../text.js'
import { ServiceError } from '../errors.js'
import type { CocalcClient } from './client.js'
import { V1_PIECES_ROOT } from './v1.js'
import { compressionPays, listingOf, orderMembers, sha256Hex, writeArchive, type ArchiveMember } from './archive.js'
import { UNPACK_CORRUPT, UNPACK_MISSING, parseUnpackOutput, unpackCommand } from './unpack.js'
import type { RemoteFile } from './scripts.js'
import type { UploadItem } from './upload.js'

/**
 * Files above this go on their own: they fill upload chunks by themselves, so batching gains
 * nothing (a large binary is rarely compressible either).
 */
export const ARCHIVE_MEMBER_MAX_BYTES = 4 * 1024 * 1024
/** Fewer files than this go on their own: an archive saves no round trip for them. */
export const ARCHIVE_MIN_FILES = 2
/** One archive's content at most, so its unpacking stays far inside exec's 60 s cap. */
export const ARCHIVE_MAX_BYTES = 128 * 1024 * 1024
/** One archive's members at most (the unpack program's arguments and loops stay small). */
export const ARCHIVE_MAX_MEMBERS = 20_000
/** Tenths of a second the unpack program waits for an archive the hub has not put in place yet. */
const ARCHIVE_WAIT_TENTHS = 50

/** Pure: which items travel in archives (in batches) and which on their own. */
export function planArchives(items: readonly UploadItem[], folder: string): { batches: UploadItem[][]; single: UploadItem[] } {
  const prefix = `${folder}/`
  const fits = (item: UploadItem): boolean =>
    item.file.size <= ARCHIVE_MEMBER_MAX_BYTES && item.remotePath.startsWith(prefix) && item.remotePath.length > prefix.length
  const archived = items.filter(fits)
  if (archived.length < ARCHIVE_MIN_FILES) return { batches: [], single: [...items] }
  const batches: UploadItem[][] = []
  let current: UploadItem[] = []
  let bytes = 0
  for (const item of archived) {
    if (current.length > 0 && (current.length >= ARCHIVE_MAX_MEMBERS || bytes + item.file.size > ARCHIVE_MAX_BYTES)) {
      batches.push(current)
      current = []
      bytes = 0
    }
    current.push(item)
    bytes += item.file.size
  }
  batches.push(current)
  return { batches, single: items.filter((item) => !fits(item)) }
}

export interface ArchiveSendOptions {
  /** The folder the members are unpacked into (their remote paths start with it). */
  folder: string
  log: (line: string) => void
  /** Where the archive is written on the runner (default: the system's temporary folder). */
  tempDir?: string
}

/**
 * Sends `items` as one archive and resolves with what the project holds at each item's path
 * after unpacking (in `items` order), or undefined when the archive did not arrive intact twice
 * (the caller then sends the files one by one). Throws when the project refuses or fails.
 */
export async function sendArchive(
  client: CocalcClient,
  items: readonly UploadItem[],
  options: ArchiveSendOptions
): Promise<RemoteFile[] | undefined> {
  const byName = new Map<string, UploadItem>()
  for (const item of items) byName.set(item.remotePath.slice(options.folder.length + 1), item)
  const members: ArchiveMember[] = orderMembers([...byName].map(([name, item]) => ({ name, file: item.file })))
  const scratch = await mkdtemp(path.join(options.tempDir ?? os.tmpdir(), 'publish-archive-'))
  try {
    const gzip = await compressionPays(members)
    const written = await writeArchive(members, path.join(scratch, gzip ? 'files.tar.gz' : 'files.tar'), gzip)
    const content = members.reduce((sum, member) => sum + member.file.size, 0)
    options.log(`Sending ${members.length} file(s), ${formatBytes(content)}, as one archive of ${formatBytes(written.size)}${gzip ? ' (gzip)' : ''}`)
    const archive: LocalFile = {
      name: `the archive of ${members.length} file(s)`,
      absolutePath: written.path,
      size: written.size,
      sha256: written.sha256,
      isText: false
    }
    const found = await deliver(client, archive, members, gzip, options)
    if (!found) return undefined
    const byMember = new Map(members.map((member, index) => [member.name, found[index]]))
    return items.map((item) => byMember.get(item.remotePath.slice(options.folder.length + 1)) as RemoteFile)
  } finally {
    await rm(scratch, { recursive: true, force: true })
  }
}

/** Stages and unpacks the archive; a second attempt (fresh names) when it went missing or arrived damaged. */
const ARCHIVE_ATTEMPTS = 2

async function deliver(
  client: CocalcClient,
  archive: LocalFile,
  members: readonly ArchiveMember[],
  gzip: boolean,
  options: ArchiveSendOptions
): Promise<RemoteFile[] | undefined> {
  const label = client.api === 'v1' ? 'project_exec (unpack the archive)' : 'exec (unpack the archive)'
  const listingSha256 = sha256Hex(listingOf(members))
  for (let attempt = 1; ; attempt++) {
    const work = `${V1_PIECES_ROOT}/${randomUUID()}`
    const staged = await client.stageArchive(archive, work)
    const result = await client.execProgram(
      unpackCommand({
        dest: options.folder,
        work,
        archive: staged.archive,
        pieces: staged.pieces,
        size: archive.size,
        sha256: archive.sha256,
        gzip,
        count: members.length,
        listingSha256,
        waitTenths: ARCHIVE_WAIT_TENTHS
      }),
      label
    )
    const reason = result.stderr
    if (result.exitCode === 0) {
      const found = parseUnpackOutput(result.stdout, members.length)
      if (!('problem' in found)) return found
      throw new ServiceError(`CoCalc answered ${label} with unusable output (${found.problem})`)
    }
    if (result.exitCode === UNPACK_MISSING || result.exitCode === UNPACK_CORRUPT) {
      if (attempt === ARCHIVE_ATTEMPTS) return undefined
      options.log(`The archive did not arrive intact in the project (${reason}): sending it again`)
      continue
    }
    throw new ServiceError(`unpacking ${archive.name} inside the project failed (exit code ${result.exitCode}): ${reason}`)
  }
}
