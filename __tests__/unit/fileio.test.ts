import { afterAll, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { writeFile } from 'node:fs/promises'
import * as path from 'node:path'
import { TextDecoder } from 'node:util'
import { readInPieces, readSmallFile } from '../../src/fileio.js'
import { Utf8Check, incompleteTail } from '../../src/files.js'
import { makeWorkspace, removeWorkspace } from '../helpers/action.js'

const created: string[] = []
afterAll(async () => {
  for (const folder of created) await removeWorkspace(folder)
})

/** The reference: what a strict decoder says, plus "no NUL byte". */
function isTextByDecoder(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes)
    return true
  } catch {
    return false
  }
}

function checkInPieces(bytes: Buffer, cuts: number[]): boolean {
  const check = new Utf8Check()
  let start = 0
  for (const cut of [...new Set(cuts.map((c) => Math.min(c, bytes.length)))].sort((a, b) => a - b)) {
    // Copied, as readInPieces reuses its buffer: the check must not keep a reference.
    check.push(Buffer.from(bytes.subarray(start, cut)))
    start = cut
  }
  check.push(Buffer.from(bytes.subarray(start)))
  return check.end()
}

describe('Utf8Check', () => {
  it('agrees with a strict decoder however the bytes are cut into pieces', () => {
    const texty = fc.oneof(
      fc.string({ unit: 'binary' }).map((s) => Buffer.from(s)),
      fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)),
      fc
        .tuple(fc.string({ unit: 'binary' }), fc.uint8Array({ maxLength: 3 }), fc.string({ unit: 'binary' }))
        .map(([a, junk, b]) => Buffer.concat([Buffer.from(a), junk, Buffer.from(b)]))
    )
    fc.assert(
      fc.property(texty, fc.array(fc.nat({ max: 60 }), { maxLength: 6 }), (bytes, cuts) => {
        expect(checkInPieces(bytes, cuts)).toBe(isTextByDecoder(bytes))
      }),
      { numRuns: 2000 }
    )
  })

  it('keeps a character cut at every position as text, and a character cut by the end as binary', () => {
    for (const char of ['é', '€', '🎉']) {
      const bytes = Buffer.from(`a${char}b`)
      for (let cut = 0; cut <= bytes.length; cut++) expect(checkInPieces(bytes, [cut])).toBe(true)
      for (let cut = 2; cut < bytes.length - 1; cut++) expect(checkInPieces(bytes.subarray(0, cut), [1])).toBe(false)
    }
    expect(checkInPieces(Buffer.from('🎉'), [1, 2, 3])).toBe(true)
  })

  it('finds the start of a character that a piece does not finish', () => {
    expect(incompleteTail(Buffer.from('abc'))).toBe(0)
    expect(incompleteTail(Buffer.from('aé'))).toBe(0)
    expect(incompleteTail(Buffer.from('aé').subarray(0, 2))).toBe(1)
    expect(incompleteTail(Buffer.from('🎉').subarray(0, 3))).toBe(3)
    expect(incompleteTail(Buffer.from('🎉'))).toBe(0)
    expect(incompleteTail(Buffer.alloc(0))).toBe(0)
  })
})

describe('reading files', () => {
  it('reads a small file whole with one byte more than expected when it grew', async () => {
    const ws = await makeWorkspace({ 'a.txt': 'hello' })
    created.push(ws)
    expect(readSmallFile(path.join(ws, 'a.txt'), 5).toString()).toBe('hello')
    expect(readSmallFile(path.join(ws, 'a.txt'), 3).toString()).toBe('hell')
    expect(readSmallFile(path.join(ws, 'a.txt'), 9).toString()).toBe('hello')
  })

  it('reads a file to its end in pieces', async () => {
    const ws = await makeWorkspace({})
    created.push(ws)
    const content = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251))
    for (const size of [0, 1, 99, 100, 101, 1000]) {
      await writeFile(path.join(ws, 'f'), content.subarray(0, size))
      const pieces: Buffer[] = []
      await readInPieces(path.join(ws, 'f'), 100, (piece) => pieces.push(Buffer.from(piece)))
      expect(Buffer.concat(pieces)).toEqual(content.subarray(0, size))
      expect(pieces.every((piece) => piece.length > 0 && piece.length <= 100)).toBe(true)
    }
  })
})

describe('reading a named pipe', () => {
  const posix = process.platform !== 'win32'
  ;(posix ? it : it.skip)('readSmallFile fails at once instead of waiting for a writer', async () => {
    const { execFileSync } = await import('node:child_process')
    const ws = await makeWorkspace({})
    created.push(ws)
    const fifo = path.join(ws, 'pipe')
    execFileSync('mkfifo', [fifo])
    // Positional reads fail on a pipe (ESPIPE): the caller reports the file as unreadable.
    expect(() => readSmallFile(fifo, 10)).toThrow(/ESPIPE/)
  })
})
