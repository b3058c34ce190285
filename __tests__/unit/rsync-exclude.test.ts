/**
 * Both exclude matchers against real rsync: the action's (src/cocalc/exclude.ts, a per-path test)
 * and the CoCalc emulator's (__tests__/emulators/rsync-filter.js, a top-down walk) must leave out
 * exactly the files rsync left out in __tests__/fixtures/rsync-exclude-cases.json, which
 * scripts/rsync-exclude-cases.mjs recorded by running rsync the way CoCalc's hub does.
 */
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { excluder, isExcluded } from '../../src/cocalc/exclude.js'
import { rsync } from '../emulators/cocalc.js'
import { rsyncSends } from '../emulators/rsync-filter.js'
import { repoRoot } from '../helpers/action.js'

interface Fixture {
  rsync: string
  tree: string[]
  cases: { patterns: string[]; excluded: string[] }[]
  targetOnly: string[]
  deleteCases: { patterns: string[]; kept: string[] }[]
}

const fixture = JSON.parse(readFileSync(path.join(repoRoot, '__tests__/fixtures/rsync-exclude-cases.json'), 'utf8')) as Fixture
const title = (patterns: string[]) => patterns.map((p) => JSON.stringify(p)).join(' ')

describe(`exclude patterns as ${fixture.rsync} applies them`, () => {
  it('the fixture covers many cases over a tricky tree', () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(100)
    expect(fixture.tree).toEqual(expect.arrayContaining(['café/naïve.md', 'with space/file name.txt', '[abc].txt', 'x/y/foo/bar']))
  })

  it.each(fixture.cases.map((c) => [title(c.patterns), c] as const))('the action: %s', (_, { patterns, excluded }) => {
    const test = excluder(patterns)
    expect(fixture.tree.filter((file) => test(file))).toEqual(excluded)
  })

  it.each(fixture.cases.map((c) => [title(c.patterns), c] as const))('the emulator: %s', (_, { patterns, excluded }) => {
    const sent = rsyncSends(fixture.tree, patterns)
    expect(fixture.tree.filter((file) => !sent.has(file))).toEqual(excluded)
  })

  it.each(fixture.deleteCases.map((c) => [title(c.patterns), c] as const))(
    "the emulator's copy with delete_missing keeps the target files rsync protected: %s",
    (_, { patterns, kept }) => {
      type Project = Parameters<typeof rsync>[0]
      const project = (files: string[]) =>
        ({ files: new Map(files.map((f) => [`course/${f}`, { content: Buffer.from(f), mtime: 1 }])) }) as unknown as Project
      const source = project(fixture.tree)
      const target = project(fixture.targetOnly)
      expect(
        rsync(source, 'course', target, 'course', { overwriteNewer: false, deleteMissing: true, backup: false, exclude: patterns })
      ).toBeUndefined()
      const left = new Set(target.files.keys())
      expect(fixture.targetOnly.filter((file) => left.has(`course/${file}`))).toEqual(kept)
    }
  )

  it('isExcluded is the same test, one path at a time', () => {
    expect(isExcluded('x/foo/bar', ['foo/bar'])).toBe(true)
    expect(isExcluded('foo/bar', ['/x/foo/bar'])).toBe(false)
  })
})
