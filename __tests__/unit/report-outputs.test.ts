import { describe, expect, it } from '@jest/globals'
import { commentOutputs, outputsOf } from '../../src/report/outputs.js'
import type { PublishResult } from '../../src/report/result.js'

describe('outputs', () => {
  it('gives comment-id and comment-url of the comment written', () => {
    expect(commentOutputs({ id: 42, htmlUrl: 'https://github.com/o/r/pull/1#issuecomment-42' })).toEqual({
      'comment-id': '42',
      'comment-url': 'https://github.com/o/r/pull/1#issuecomment-42'
    })
  })

  it('counts no files when skipped', () => {
    expect(outputsOf({ mode: 'cocode', status: 'skipped', files: [{ name: 'a', size: 1 }], skipped: [] })).toEqual({
      status: 'skipped',
      'file-count': '0',
      'session-url': ''
    })
  })

  const files = [
    { name: 'a', size: 1 },
    { name: 'b', size: 2 }
  ]
  it.each([
    ['a cocode session', { mode: 'cocode', status: 'created', files, skipped: [] }, '2'],
    ['a dry run (it does not ask which files are identical)', { mode: 'cocalc', status: 'dry-run', files, skipped: [] }, '2'],
    ['a CoCalc run that uploaded everything', { mode: 'cocalc', status: 'uploaded', files, skipped: [], uploadedCount: 2 }, '2'],
    ['a CoCalc run where one file was already identical', { mode: 'cocalc', status: 'uploaded', files, skipped: [], uploadedCount: 1 }, '1'],
    ['a CoCalc re-run where every file was already identical', { mode: 'cocalc', status: 'copied', files, skipped: [], uploadedCount: 0 }, '0'],
    ['a copy-only run', { mode: 'cocalc', status: 'copied', files: [], skipped: [], copyOnly: true }, '0']
  ] as [string, PublishResult, string][])('counts the files sent in %s', (_name, result, count) => {
    expect(outputsOf(result)['file-count']).toBe(count)
  })
})
