import { describe, expect, it } from '@jest/globals'
import { isExcluded } from '../../src/cocalc/exclude.js'
import { describeWrong, judge } from '../../src/cocalc/target-check.js'
import type { UploadItem } from '../../src/cocalc/upload.js'

const item = (name: string, sha256: string): UploadItem => ({
  file: { name, absolutePath: `/x/${name}`, size: 1, sha256, isText: true },
  remotePath: `course/${name}`
})
const a = 'a'.repeat(64)
const b = 'b'.repeat(64)

describe('judge (a copy proven inside its target)', () => {
  const items = [item('same.txt', a), item('newer.txt', a), item('older.txt', a), item('gone.txt', a)]
  const source = new Map(items.map((i) => [i.remotePath, { sha256: a, mtime: 1000 }]))
  const target = [{ sha256: a, mtime: 1 }, { sha256: b, mtime: 2000 }, { sha256: b, mtime: 500 }, undefined]

  it('accepts matching files; keeps a target file newer than the source unless overwrite-newer; the rest is wrong', () => {
    const result = judge(items, target, { source, overwriteNewer: false })
    expect(result.kept.map((i) => i.file.name)).toEqual(['newer.txt'])
    expect(result.wrong.map((i) => i.file.name)).toEqual(['older.txt', 'gone.txt'])
    expect(describeWrong(result)).toBe('2 of 4 file(s) missing or different in the target: older.txt, gone.txt')
  })

  it('with overwrite-newer, a newer target file should have been replaced: wrong', () => {
    expect(judge(items, target, { source, overwriteNewer: true }).wrong.map((i) => i.file.name)).toEqual(['newer.txt', 'older.txt', 'gone.txt'])
  })

  it('without the source mtime, a different file is never excused', () => {
    expect(judge(items, target, { source: new Map(), overwriteNewer: false }).kept).toEqual([])
  })
})

describe('isExcluded (rsync patterns, as the v1 copy applies them)', () => {
  it.each([
    ['a/b/c.ipynb', ['*.ipynb'], true],
    ['a/.ipynb_checkpoints/x', ['.ipynb_checkpoints/'], true],
    ['a/.ipynb_checkpoints', ['.ipynb_checkpoints/'], false],
    ['data/raw/x.csv', ['data/raw'], true],
    ['other/data/raw/x.csv', ['/data/raw'], false],
    ['a/b.txt', ['a/**'], true],
    ['ab.txt', ['a?.txt'], true],
    ['a.txt', ['*.md'], false]
  ] as const)('%s with %j: %s', (rel, patterns, expected) => {
    expect(isExcluded(rel, patterns)).toBe(expected)
  })
})
