import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { HASH_SCRIPT, batchPaths, decodeCommand, hashCommand, parseHashOutput } from '../../src/cocalc/scripts.js'

const sha = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex')

/** Runs a command the way CoCalc's exec does with bash: false (no shell around it), in `cwd`. */
function execLikeCocalc(cwd: string, command: { command: string; args: string[] }): { stdout: string; stderr: string; status: number | null } {
  const result = spawnSync(command.command, command.args, { cwd, encoding: 'utf8', timeout: 20_000 })
  return { stdout: result.stdout, stderr: result.stderr, status: result.status }
}

async function withTempDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cocalc-scripts-'))
  try {
    return await body(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

describe('HASH_SCRIPT run by the local bash', () => {
  it('hashes every path with one sha256sum, in order; missing, unreadable or folders are undefined', async () => {
    await withTempDir(async (home) => {
      const files: Record<string, Buffer> = {
        'plain.txt': Buffer.from('hello\n'),
        'with space/and "quotes" \'single\'.ipynb': Buffer.from('{"cells": []}'),
        'ünïcødé/数据.csv': Buffer.from('a,b\n1,2\n'),
        '-leading-dash': Buffer.from('dash'),
        'back\\slash.txt': Buffer.from('backslash name'),
        'new\nline.txt': Buffer.from('a newline in the name'),
        'both\\n\n.txt': Buffer.from('an escaped-looking name'),
        'carriage\rreturn.txt': Buffer.from('cr'),
        '$(touch pwned).txt': Buffer.from('no shell expansion'),
        'binary.bin': randomBytes(70_000),
        'empty.txt': Buffer.alloc(0)
      }
      for (const [name, content] of Object.entries(files)) {
        await mkdir(path.dirname(path.join(home, name)), { recursive: true })
        await writeFile(path.join(home, name), content)
      }
      await mkdir(path.join(home, 'a-folder'))
      const paths = [...Object.keys(files), 'missing.txt', 'a-folder', 'with space/missing too']
      const result = execLikeCocalc(home, hashCommand(paths))
      expect(result.status).toBe(0)
      const parsed = parseHashOutput(result.stdout, paths.length)
      if ('problem' in parsed) throw new Error(parsed.problem)
      expect(parsed.map((entry) => entry?.sha256)).toEqual([...Object.values(files).map((content) => sha(content)), undefined, undefined, undefined])
      expect(parsed.every((entry) => entry === undefined || Math.abs(entry.mtime - Date.now() / 1000) < 600)).toBe(true)
      expect(await readdir(home)).not.toContain('pwned')
    })
  })

  it('starts one sha256sum for the whole batch, never one per file', () => {
    expect(HASH_SCRIPT.match(/sha256sum/g)).toHaveLength(1)
    expect(HASH_SCRIPT).not.toMatch(/for f in "\$@"; do[^]*sha256sum[^]*done/)
  })

  it('handles thousands of paths in one call', async () => {
    await withTempDir(async (home) => {
      const paths = Array.from({ length: 300 }, (_, i) => `f${i}.txt`)
      for (const name of paths.slice(0, 150)) await writeFile(path.join(home, name), name)
      const parsed = parseHashOutput(execLikeCocalc(home, hashCommand(paths)).stdout, paths.length)
      if ('problem' in parsed) throw new Error(parsed.problem)
      expect(parsed.map((entry) => entry?.sha256)).toEqual(paths.map((name, i) => (i < 150 ? sha(name) : undefined)))
    })
  })
})

describe('DECODE_SCRIPT run by the local bash', () => {
  async function writePieces(home: string, dir: string, content: Buffer, pieceBytes: number): Promise<number> {
    await mkdir(path.join(home, dir), { recursive: true })
    let count = 0
    for (let offset = 0; offset < content.length || count === 0; offset += pieceBytes) {
      const piece = content.subarray(offset, offset + pieceBytes).toString('base64')
      await writeFile(path.join(home, dir, `${String(count).padStart(6, '0')}.b64`), piece)
      count++
    }
    return count
  }

  it('joins the pieces in order, decodes them into a new folder, moves the result into place and cleans up', async () => {
    await withTempDir(async (home) => {
      const content = randomBytes(200_003)
      const count = await writePieces(home, '.cache/p/abc', content, 12_000)
      expect(count).toBeGreaterThan(10)
      const dest = 'course/data set/-weird "name".bin'
      const result = execLikeCocalc(home, decodeCommand(dest, `${dest}.tmp1`, '.cache/p/abc', count))
      expect(result.stderr).toBe('')
      expect(result.status).toBe(0)
      expect(sha(await readFile(path.join(home, dest)))).toBe(sha(content))
      expect(await readdir(path.join(home, 'course/data set'))).toEqual(['-weird "name".bin'])
      expect(await readdir(path.join(home, '.cache/p'))).toEqual([])
    })
  })

  it('replaces an existing file', async () => {
    await withTempDir(async (home) => {
      await writeFile(path.join(home, 'old.bin'), 'old content')
      const content = randomBytes(1000)
      const count = await writePieces(home, 'pieces', content, 400)
      expect(execLikeCocalc(home, decodeCommand('old.bin', 'old.bin.tmp', 'pieces', count)).status).toBe(0)
      expect((await readFile(path.join(home, 'old.bin'))).equals(content)).toBe(true)
    })
  })

  it('exits 3 and leaves the destination alone when a piece is missing', async () => {
    await withTempDir(async (home) => {
      await writeFile(path.join(home, 'keep.bin'), 'previous')
      const count = await writePieces(home, 'pieces', randomBytes(1000), 400)
      await rm(path.join(home, 'pieces', '000001.b64'))
      const result = execLikeCocalc(home, decodeCommand('keep.bin', 'keep.bin.tmp', 'pieces', count))
      expect(result.status).toBe(3)
      expect(result.stderr).toMatch(/expected 3 piece\(s\)/)
      expect(await readFile(path.join(home, 'keep.bin'), 'utf8')).toBe('previous')
      expect(await readdir(home)).not.toContain('keep.bin.tmp')
    })
  })
})

describe('parseHashOutput', () => {
  const a = 'a'.repeat(64)
  const b = 'b'.repeat(64)
  it('reads the missing list, one sha256sum line and one mtime per present path', () => {
    expect(parseHashOutput(`missing: 2\n${a}  x\nmtimes:\n1700000000\n`, 2)).toEqual([{ sha256: a, mtime: 1700000000 }, undefined])
    expect(parseHashOutput('missing:\nmtimes:\n', 0)).toEqual([])
    expect(parseHashOutput('missing: 1 2\nmtimes:\n', 2)).toEqual([undefined, undefined])
    // sha256sum escapes a name with a newline or backslash: the line starts with a backslash.
    expect(parseHashOutput(`missing:\n\\${b}  new\\nline\nmtimes:\n5\n`, 1)).toEqual([{ sha256: b, mtime: 5 }])
  })
  it('refuses an answer cut short or malformed instead of reading it as missing files', () => {
    expect(parseHashOutput(`missing:\n${a}  x\n`, 2)).toHaveProperty('problem')
    expect(parseHashOutput(`missing:\n${a}  x\nmtimes:\n1\n`, 2)).toHaveProperty('problem')
    expect(parseHashOutput('', 1)).toHaveProperty('problem')
    expect(parseHashOutput(`${a}  x\n`, 1)).toHaveProperty('problem')
    expect(parseHashOutput(`missing: 3\n${a}  x\nmtimes:\n1\n`, 2)).toHaveProperty('problem')
    expect(parseHashOutput(`missing:\nsha256sum: x: Permission denied\nmtimes:\n1\n`, 1)).toHaveProperty('problem')
    expect(parseHashOutput(`missing:\n${a.toUpperCase()}  x\nmtimes:\n1\n`, 1)).toHaveProperty('problem')
  })
})

describe('batchPaths', () => {
  const limits = { maxArgumentBytes: 100, maxPaths: 3, maxContentBytes: 1000 }
  it('keeps order and respects every limit', () => {
    const paths = Array.from({ length: 10 }, (_, i) => `p${i}`)
    const batches = batchPaths(
      paths,
      paths.map(() => 1),
      limits
    )
    expect(batches).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]])
  })
  it('splits by JSON-encoded argument bytes (escapes and UTF-8 count)', () => {
    const paths = ['"'.repeat(40), 'ü'.repeat(20), 'x']
    // 40 quotes encode as 80 escaped bytes + 2; 20 ü are 40 bytes + 2.
    expect(batchPaths(paths, [0, 0, 0], limits)).toEqual([[0], [1, 2]])
  })
  it('splits by content size, but a lone large file still forms a batch', () => {
    expect(batchPaths(['a', 'b', 'c'], [600, 600, 5000], limits)).toEqual([[0], [1], [2]])
  })
  it('stays under the v1 body limit for thousands of long names', () => {
    const paths = Array.from({ length: 5000 }, (_, i) => `course/week-${i % 52}/a rather long notebook name number ${i}.ipynb`)
    const batches = batchPaths(
      paths,
      paths.map(() => 2000),
      { maxArgumentBytes: 64 * 1024, maxPaths: 2000, maxContentBytes: 2 ** 31 }
    )
    expect(batches.flat()).toEqual(paths.map((_, i) => i))
    for (const batch of batches) {
      const body = JSON.stringify({ project_id: 'x'.repeat(36), ...hashCommand(batch.map((i) => paths[i])), timeout: 55 })
      expect(Buffer.byteLength(body)).toBeLessThan(96 * 1024)
    }
  })
})

describe('parseHashOutput: what each problem says', () => {
  const a = 'a'.repeat(64)
  it('names the line that is wrong, quoted and cut to 80 characters', () => {
    expect(parseHashOutput(`${'x'.repeat(100)}\n`, 1)).toEqual({ problem: `the first line is not the list of missing files: "${'x'.repeat(80)}"` })
    expect(parseHashOutput('', 1)).toEqual({ problem: 'the first line is not the list of missing files: ""' })
    expect(parseHashOutput(`missing: 3\n${a}  x\nmtimes:\n1\n`, 2)).toEqual({ problem: 'it names a missing file beyond the 2 asked for' })
    // toStrictEqual: one entry per path asked for, a missing one included as undefined.
    expect(parseHashOutput(`missing: 2\n${a}  x\nmtimes:\n1\n`, 2)).toStrictEqual([{ sha256: a, mtime: 1 }, undefined])
    expect(parseHashOutput(`missing: 1\nmtimes:\n`, 1)).toStrictEqual([undefined])
    expect(parseHashOutput(`missing:\n${a}  x\nmtimes\n1\n`, 1)).toEqual({
      problem: 'expected 1 hash(es) and 1 mtime(s) for 1 path(s), got 4 line(s)'
    })
    expect(parseHashOutput(`missing:\n${a}  x\nmtimes:\n1\n2\n`, 1)).toEqual({
      problem: 'expected 1 hash(es) and 1 mtime(s) for 1 path(s), got 5 line(s)'
    })
    expect(parseHashOutput(`missing:\n${'y'.repeat(100)}\nmtimes:\n1\n`, 1)).toEqual({
      problem: `the line for path 1 is neither a SHA-256 nor an mtime: "${'y'.repeat(80)}"`
    })
    expect(parseHashOutput(`missing:\n${a}  x\nmtimes:\nsoon\n`, 1)).toEqual({
      problem: `the line for path 1 is neither a SHA-256 nor an mtime: "${a}  x"`
    })
  })

  it('reads an answer without its last line break the same', () => {
    expect(parseHashOutput(`missing:\n${a}  x\nmtimes:\n7`, 1)).toEqual([{ sha256: a, mtime: 7 }])
  })
})

describe('batchPaths: the limits are inclusive', () => {
  it('fills a batch up to exactly each limit, and no further', () => {
    // "ab" costs 4 bytes as a JSON string plus 1 separator: 5 each.
    expect(batchPaths(['ab', 'cd'], [0, 0], { maxArgumentBytes: 10, maxPaths: 10, maxContentBytes: 10 })).toEqual([[0, 1]])
    expect(batchPaths(['ab', 'cd'], [0, 0], { maxArgumentBytes: 9, maxPaths: 10, maxContentBytes: 10 })).toEqual([[0], [1]])
    expect(batchPaths(['a', 'b'], [5, 5], { maxArgumentBytes: 100, maxPaths: 10, maxContentBytes: 10 })).toEqual([[0, 1]])
    expect(batchPaths(['a', 'b'], [5, 6], { maxArgumentBytes: 100, maxPaths: 10, maxContentBytes: 10 })).toEqual([[0], [1]])
    expect(batchPaths(['a', 'b', 'c'], [0, 0, 0], { maxArgumentBytes: 100, maxPaths: 2, maxContentBytes: 10 })).toEqual([[0, 1], [2]])
  })

  it('gives no batch for no paths, and a lone path over every limit a batch of its own', () => {
    expect(batchPaths([], [], { maxArgumentBytes: 1, maxPaths: 1, maxContentBytes: 1 })).toEqual([])
    expect(batchPaths(['long-name'], [99], { maxArgumentBytes: 1, maxPaths: 1, maxContentBytes: 1 })).toEqual([[0]])
  })
})
