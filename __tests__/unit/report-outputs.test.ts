import { describe, expect, it } from '@jest/globals'
import { commentOutputs, outputsOf } from '../../src/report/outputs.js'

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
})
