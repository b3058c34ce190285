/**
 * The archive writer and the unpack script, run with this machine's real bash, GNU tar and
 * coreutils on real archives, including hostile ones.
 */
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { pipeline } from 'node:stream/promises'
import tar from 'tar-stream'

type TarHeader = Partial<tar.Header> & { name: string }
import type { LocalFile } from '../../src/files.js'
import { compressionPays, gzipPays, listingOf, orderMembers, sha256Hex, writeArchive, type ArchiveMember } from '../../src/cocalc/archive.js'
import { ARCHIVE_MAX_BYTES, ARCHIVE_MEMBER_MAX_BYTES, planArchives } from '../../src/cocalc/bulk.js'
import type { UploadItem } from '../../src/cocalc/upload.js'
import { UNPACK_CORRUPT, UNPACK_MISSING, UNPACK_REFUSED, parseUnpackOutput, unpackCommand, type UnpackRequest } from '../../src/cocalc/unpack.js'

const sha = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex')

async function withTempDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cocalc-archive-'))
  try {
    return await body(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** Writes `files` under `dir/src` and returns them as collected files (members named by their path). */
async function collected(dir: string, files: Record<string, Buffer>): Promise<ArchiveMember[]> {
  const members: ArchiveMember[] = []
  for (const [name, content] of Object.entries(files)) {
    const absolutePath = path.join(dir, 'src', name)
    await mkdir(path.dirname(absolutePath), { recursive: true })
    await writeFile(absolutePath, content)
    const file: LocalFile = { name, absolutePath, size: content.length, sha256: sha(content), isText: !content.includes(0) }
    members.push({ name, file })
  }
  return orderMembers(members)
}

/** Runs a command the way CoCalc's exec does (no shell around it), in the project's home. */
function exec(home: string, command: { command: string; args: string[] }): { stdout: string; stderr: string; status: number | null } {
  const result = spawnSync(command.command, command.args, { cwd: home, encoding: 'utf8', timeout: 30_000 })
  return { stdout: result.stdout, stderr: result.stderr, status: result.status }
}

interface Prepared {
  home: string
  request: UnpackRequest
}

/** Packs `members` into the project's work folder, as the upload would have left it. */
async function prepare(dir: string, members: ArchiveMember[], gzip: boolean, id = 'a1'): Promise<Prepared> {
  const home = path.join(dir, 'home')
  const work = `.cache/publish/${id}`
  await mkdir(path.join(home, work), { recursive: true })
  const archive = `${work}/archive.tar${gzip ? '.gz' : ''}`
  const written = await writeArchive(members, path.join(home, archive), gzip)
  const request: UnpackRequest = {
    dest: 'published',
    work,
    archive,
    size: written.size,
    sha256: written.sha256,
    gzip,
    count: members.length,
    listingSha256: sha256Hex(listingOf(members)),
    waitTenths: 3
  }
  return { home, request }
}

const FILES: Record<string, Buffer> = {
  'README.md': Buffer.from('# hello\n'),
  'week-01/notebook.ipynb': Buffer.from('{"cells": []}\n'),
  'week-01/data.bin': Buffer.concat([Buffer.from([0, 1, 2, 255]), randomBytes(3000)]),
  // Longer than the 100 bytes a plain ustar name holds, in a folder over 155 bytes: PAX only.
  [`${'deep-folder-name/'.repeat(10)}${'a-rather-long-file-name-'.repeat(6)}.py`]: Buffer.from('print(1)\n'),
  'ünïcødé/数据 "quoted" \'single\' $HOME `x`.csv': Buffer.from('a,b\n1,2\n'),
  '-starts-with-dash.txt': Buffer.from('dash\n'),
  'back\\slash.txt': Buffer.from('backslash\n'),
  'empty.txt': Buffer.alloc(0)
}

describe('writeArchive + UNPACK_SCRIPT (real bash and GNU tar)', () => {
  for (const gzip of [true, false]) {
    it(`round-trips every name and byte (${gzip ? 'gzip' : 'plain tar'}) and prints each written file's SHA-256 in member order`, async () => {
      await withTempDir(async (dir) => {
        const members = await collected(dir, FILES)
        const { home, request } = await prepare(dir, members, gzip)
        const result = exec(home, unpackCommand(request))
        expect(result.stderr).toBe('')
        expect(result.status).toBe(0)
        const found = parseUnpackOutput(result.stdout, members.length)
        expect('problem' in found ? found : found.map((file) => file.sha256)).toEqual(members.map((member) => member.file.sha256))
        for (const member of members) {
          expect(sha(await readFile(path.join(home, 'published', member.name)))).toBe(member.file.sha256)
        }
        // The private folder (archive, listing, staging) is gone.
        expect(await readdir(path.join(home, '.cache/publish'))).toEqual([])
      })
    })
  }

  it('replaces existing files by rename (a new inode: readers never see half a file) and leaves other files alone', async () => {
    await withTempDir(async (dir) => {
      const members = await collected(dir, { 'a/one.txt': Buffer.from('new one\n'), 'two.txt': Buffer.from('new two\n') })
      const { home, request } = await prepare(dir, members, false)
      await mkdir(path.join(home, 'published/a'), { recursive: true })
      await writeFile(path.join(home, 'published/a/one.txt'), 'old one\n')
      await writeFile(path.join(home, 'published/keep.txt'), 'keep\n')
      const before = await stat(path.join(home, 'published/a/one.txt'))
      const result = exec(home, unpackCommand(request))
      expect(result.status).toBe(0)
      expect(await readFile(path.join(home, 'published/a/one.txt'), 'utf8')).toBe('new one\n')
      expect((await stat(path.join(home, 'published/a/one.txt'))).ino).not.toBe(before.ino)
      expect(await readFile(path.join(home, 'published/keep.txt'), 'utf8')).toBe('keep\n')
    })
  })

  it('moves a folder the destination lacks in one rename, and files into folders already there one by one', async () => {
    await withTempDir(async (dir) => {
      const files = {
        'top.txt': Buffer.from('top\n'),
        'a/one.txt': Buffer.from('new one\n'),
        'a/new/deep/x.txt': Buffer.from('x\n'),
        'a/new/y.txt': Buffer.from('y\n'),
        'b/c/z.txt': Buffer.from('z\n'),
        'b/w.txt': Buffer.from('w\n')
      }
      const members = await collected(dir, files)
      const { home, request } = await prepare(dir, members, false)
      await mkdir(path.join(home, 'published/a'), { recursive: true })
      await writeFile(path.join(home, 'published/a/one.txt'), 'old one\n')
      await writeFile(path.join(home, 'published/a/keep.txt'), 'keep\n')
      const result = exec(home, unpackCommand(request))
      expect(result.stderr).toBe('')
      expect(result.status).toBe(0)
      const found = parseUnpackOutput(result.stdout, members.length)
      expect('problem' in found ? found : found.map((file) => file.sha256)).toEqual(members.map((member) => member.file.sha256))
      for (const [name, content] of Object.entries({ ...files, 'a/keep.txt': Buffer.from('keep\n') })) {
        expect(await readFile(path.join(home, 'published', name))).toEqual(content)
      }
      expect((await readdir(path.join(home, 'published'), { recursive: true })).sort()).toEqual(
        [
          'a',
          'a/keep.txt',
          'a/new',
          'a/new/deep',
          'a/new/deep/x.txt',
          'a/new/y.txt',
          'a/one.txt',
          'b',
          'b/c',
          'b/c/z.txt',
          'b/w.txt',
          'top.txt'
        ].sort()
      )
    })
  })

  it('creates a destination several folders deep that does not exist yet, whatever its name holds', async () => {
    await withTempDir(async (dir) => {
      const members = await collected(dir, { 'r.txt': Buffer.from('r\n'), 's/t.txt': Buffer.from('t\n') })
      const { home, request } = await prepare(dir, members, false)
      // '&' is the match in a bash 5.2 replacement, '*' a glob, '\\' an escape.
      const dest = 'course/R&D 2026/pub*\\lished'
      const result = exec(home, unpackCommand({ ...request, dest }))
      expect(result.stderr).toBe('')
      expect(result.status).toBe(0)
      const found = parseUnpackOutput(result.stdout, members.length)
      expect('problem' in found ? found : found.map((file) => file.sha256)).toEqual(members.map((member) => member.file.sha256))
      expect(await readFile(path.join(home, dest, 'r.txt'), 'utf8')).toBe('r\n')
      expect(await readFile(path.join(home, dest, 's/t.txt'), 'utf8')).toBe('t\n')
    })
  })

  it('falls back to moving file by file when another run makes the folder between the check and the rename', async () => {
    await withTempDir(async (dir) => {
      const files = { 'a/x.txt': Buffer.from('x\n'), 'a/deep/y.txt': Buffer.from('y\n'), 'top.txt': Buffer.from('top\n') }
      const members = await collected(dir, files)
      const { home, request } = await prepare(dir, members, false)
      // A `mv` first on PATH that, before each `mv -T`, makes the target folder with another
      // run's file in it: the race of two runs publishing to the same new folder, every time.
      const bin = path.join(dir, 'bin')
      await mkdir(bin)
      await writeFile(
        path.join(bin, 'mv'),
        '#!/bin/bash\nif [ "$1" = -T ]; then mkdir -p -- "${@: -1}" && echo other > "${@: -1}/other-run.txt"; fi\nexec /bin/mv "$@"\n',
        { mode: 0o755 }
      )
      const result = spawnSync('bash', unpackCommand(request).args, {
        cwd: home,
        encoding: 'utf8',
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }
      })
      expect(result.stderr).toBe('')
      expect(result.status).toBe(0)
      for (const [name, content] of Object.entries(files)) expect(await readFile(path.join(home, 'published', name))).toEqual(content)
      expect(await readFile(path.join(home, 'published/other-run.txt'), 'utf8')).toBe('other\n')
    })
  })

  it('fails (not 0) when a file stands where a folder goes, and says so', async () => {
    await withTempDir(async (dir) => {
      const members = await collected(dir, { 'b/c.txt': Buffer.from('c\n') })
      const { home, request } = await prepare(dir, members, false)
      await mkdir(path.join(home, 'published'), { recursive: true })
      await writeFile(path.join(home, 'published/b'), 'a file\n')
      const result = exec(home, unpackCommand(request))
      expect(result.status).not.toBe(0)
      expect(result.stderr).toMatch(/published\/b/)
      expect(await readFile(path.join(home, 'published/b'), 'utf8')).toBe('a file\n')
    })
  })

  it('fails (not 0) when a folder stands where a file goes, and says so', async () => {
    await withTempDir(async (dir) => {
      const members = await collected(dir, { 'x.txt': Buffer.from('x\n') })
      const { home, request } = await prepare(dir, members, false)
      await mkdir(path.join(home, 'published/x.txt/inside'), { recursive: true })
      const result = exec(home, unpackCommand(request))
      expect(result.status).not.toBe(0)
      expect(result.stderr).toMatch(/x\.txt/)
    })
  })

  it('waits for an archive that is not there yet, and exits 3 when it never comes', async () => {
    await withTempDir(async (dir) => {
      const members = await collected(dir, { 'x.txt': Buffer.from('x\n') })
      const { home, request } = await prepare(dir, members, true)
      await rm(path.join(home, request.archive))
      const result = exec(home, unpackCommand(request))
      expect(result.status).toBe(UNPACK_MISSING)
      expect(result.stderr).toMatch(/did not arrive/)
      await expect(stat(path.join(home, 'published'))).rejects.toThrow()
    })
  })

  it('exits 4 on a corrupted or truncated archive, before writing anything', async () => {
    await withTempDir(async (dir) => {
      const members = await collected(dir, FILES)
      for (const damage of ['flip', 'truncate'] as const) {
        const { home, request } = await prepare(dir, members, true, damage)
        const file = path.join(home, request.archive)
        const bytes = await readFile(file)
        if (damage === 'flip') bytes[Math.floor(bytes.length / 2)] ^= 0xff
        await writeFile(file, damage === 'flip' ? bytes : bytes.subarray(0, bytes.length - 10))
        const result = exec(home, unpackCommand(request))
        expect(result.status).toBe(UNPACK_CORRUPT)
        await expect(stat(path.join(home, 'published'))).rejects.toThrow()
      }
    })
  })

  it('decodes base64 pieces first (API v1), and exits 3 when a piece is missing', async () => {
    await withTempDir(async (dir) => {
      const members = await collected(dir, FILES)
      for (const lose of [false, true]) {
        const { home, request } = await prepare(dir, members, true, lose ? 'lost' : 'pieces')
        const archivePath = path.join(home, request.archive)
        const bytes = await readFile(archivePath)
        await rm(archivePath)
        const piecesDir = `${request.work}/pieces`
        await mkdir(path.join(home, piecesDir))
        const pieceBytes = 999
        let count = 0
        for (let offset = 0; offset < bytes.length; offset += pieceBytes, count++) {
          if (lose && count === 1) continue
          const name = `${String(count).padStart(6, '0')}.b64`
          await writeFile(path.join(home, piecesDir, name), bytes.subarray(offset, offset + pieceBytes).toString('base64'))
        }
        const result = exec(home, unpackCommand({ ...request, pieces: { dir: piecesDir, count } }))
        if (lose) {
          expect(result.status).toBe(UNPACK_MISSING)
          expect(result.stderr).toMatch(/piece/)
        } else {
          expect(result.status).toBe(0)
          const found = parseUnpackOutput(result.stdout, members.length)
          expect('problem' in found ? found : found.map((file) => file.sha256)).toEqual(members.map((member) => member.file.sha256))
        }
      }
    })
  })
})

/** A hand-made archive (names and types exactly as given, nothing sanitised), written like an upload. */
async function hostileArchive(home: string, work: string, entries: TarHeader[]): Promise<UnpackRequest> {
  await mkdir(path.join(home, work), { recursive: true })
  const archive = `${work}/archive.tar`
  const pack = tar.pack()
  const done = pipeline(pack as unknown as NodeJS.ReadableStream, createWriteStream(path.join(home, archive)))
  for (const entry of entries) pack.entry(entry, entry.type === 'file' ? 'owned\n' : '')
  pack.finalize()
  await done
  const bytes = await readFile(path.join(home, archive))
  const names = entries.map((entry) => entry.name)
  return {
    dest: 'published',
    work,
    archive,
    size: bytes.length,
    sha256: sha(bytes),
    gzip: false,
    count: names.length,
    listingSha256: sha256Hex(names.map((name) => `${name}\n`).join('')),
    waitTenths: 3
  }
}

describe('UNPACK_SCRIPT refuses hostile archives before extracting anything', () => {
  const file = (name: string): TarHeader => ({ name, type: 'file', size: 6, mode: 0o644 })
  const NAME = /absolute name or '\.\.'/
  const TYPE = /not a regular file/
  const cases: [string, TarHeader[], RegExp][] = [
    ['a member with ..', [file('ok.txt'), file('../escaped.txt')], NAME],
    ['a member with .. inside', [file('a/../../escaped.txt')], NAME],
    ['an absolute member', [file('/tmp/absolute-escape.txt')], NAME],
    ['a symbolic link', [{ name: 'link', type: 'symlink', linkname: '/etc' }, file('link/passwd')], TYPE],
    ['a hard link', [file('ok.txt'), { name: 'hard', type: 'link', linkname: 'ok.txt' }], TYPE],
    ['a folder', [{ name: 'sub', type: 'directory' }, file('sub/x.txt')], TYPE]
  ]
  for (const [label, entries, reason] of cases) {
    it(`refuses ${label} (exit 5), writing nothing`, async () => {
      await withTempDir(async (dir) => {
        const home = path.join(dir, 'deep/home')
        const request = await hostileArchive(home, '.cache/publish/h', entries)
        const result = exec(home, unpackCommand(request))
        expect(result.status).toBe(UNPACK_REFUSED)
        expect(result.stderr).toMatch(reason)
        await expect(stat(path.join(home, 'published'))).rejects.toThrow()
        await expect(stat(path.join(dir, 'deep/escaped.txt'))).rejects.toThrow()
        await expect(stat(path.join(dir, 'escaped.txt'))).rejects.toThrow()
      })
    })
  }

  it('refuses members that are not the files sent (the listing differs), even harmless ones', async () => {
    await withTempDir(async (dir) => {
      const home = path.join(dir, 'home')
      const request = await hostileArchive(home, '.cache/publish/x', [file('a.txt'), file('extra.txt')])
      const result = exec(home, unpackCommand({ ...request, listingSha256: sha256Hex('a.txt\n'), count: 1 }))
      expect(result.status).toBe(UNPACK_REFUSED)
      expect(result.stderr).toMatch(/not the files sent/)
      await expect(stat(path.join(home, 'published'))).rejects.toThrow()
    })
  })
})

describe('archive helpers', () => {
  const member = (name: string, size = 10, isText = true): ArchiveMember => ({
    name,
    file: { name, absolutePath: `/x/${name}`, size, sha256: '0'.repeat(64), isText }
  })

  it('orders members folder by folder, so each folder is one run', () => {
    const names = orderMembers([member('a/b/c'), member('a/b.txt'), member('z'), member('a/b/a'), member('a/a')]).map((m) => m.name)
    expect(names).toEqual(['z', 'a/a', 'a/b.txt', 'a/b/a', 'a/b/c'])
  })

  it('gzips when most bytes are text and there are enough of them', () => {
    expect(gzipPays([member('a', 100_000)])).toBe(true)
    expect(gzipPays([member('a', 100)])).toBe(false)
    expect(gzipPays([member('a.png', 100_000, false), member('b', 10_000)])).toBe(false)
  })

  it('parses the output strictly: every member there, with its SHA-256 and mtime', () => {
    const hash = 'a'.repeat(64)
    expect(parseUnpackOutput(`missing:\n${hash}  x\n${hash}  y\nmtimes:\n1\n2\n`, 2)).toEqual([
      { sha256: hash, mtime: 1 },
      { sha256: hash, mtime: 2 }
    ])
    expect(parseUnpackOutput(`missing: 2\n${hash}  x\nmtimes:\n1\n`, 2)).toEqual({ problem: expect.stringMatching(/member 2/) })
    expect('problem' in parseUnpackOutput(`missing:\n${hash}  x\n`, 2)).toBe(true)
  })
})

describe('planArchives (which files travel in an archive)', () => {
  const item = (name: string, size = 100): UploadItem => ({
    remotePath: `course/${name}`,
    file: { name, absolutePath: `/x/${name}`, size, sha256: '0'.repeat(64), isText: true }
  })

  it('archives small files, and leaves a large one (a binary, say) to the per-file path', () => {
    const big = item('video.bin', ARCHIVE_MEMBER_MAX_BYTES + 1)
    const plan = planArchives([item('a'), big, item('b')], 'course')
    expect(plan.batches.map((batch) => batch.map((i) => i.file.name))).toEqual([['a', 'b']])
    expect(plan.single).toEqual([big])
  })

  it('sends a lone small file on its own: an archive would save no round trip', () => {
    const plan = planArchives([item('a'), item('big', ARCHIVE_MEMBER_MAX_BYTES + 1)], 'course')
    expect(plan.batches).toEqual([])
    expect(plan.single.map((i) => i.file.name)).toEqual(['a', 'big'])
  })

  it('splits archives by content, so one unpack stays far inside the exec limit', () => {
    const count = Math.floor(ARCHIVE_MAX_BYTES / ARCHIVE_MEMBER_MAX_BYTES) + 1
    const plan = planArchives(
      Array.from({ length: count }, (_, i) => item(`f${i}`, ARCHIVE_MEMBER_MAX_BYTES)),
      'course'
    )
    expect(plan.batches).toHaveLength(2)
    expect(plan.batches.flat()).toHaveLength(count)
    for (const batch of plan.batches) expect(batch.reduce((sum, i) => sum + i.file.size, 0)).toBeLessThanOrEqual(ARCHIVE_MAX_BYTES)
  })

  it('never archives a file outside the folder the archive is unpacked into', () => {
    const outside: UploadItem = { ...item('a'), remotePath: 'elsewhere/a' }
    const plan = planArchives([outside, item('b'), item('c')], 'course')
    expect(plan.single).toEqual([outside])
  })
})

describe('compressionPays (a trial on a sample decides)', () => {
  it('says yes for code and text, no for random or encoded data', async () => {
    await withTempDir(async (dir) => {
      const code = await collected(dir, { 'a.py': Buffer.from('def f(x):\n    return x + 1\n'.repeat(2000)) })
      expect(await compressionPays(code)).toBe(true)
      const encoded = await collected(dir, { 'b.txt': Buffer.from(randomBytes(40_000).toString('base64')) })
      expect(await compressionPays(encoded)).toBe(false)
    })
  })
})
