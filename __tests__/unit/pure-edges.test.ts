/**
 * Edge cases of small pure helpers that mutation testing (npm run mutate) found unchecked:
 * slashes in folder links, the cocalc outputs, fork detection without full names, cutting text
 * before a surrogate pair, and run links without a repository.
 */
import { describe, expect, it } from '@jest/globals'
import { projectFolderUrl } from '../../src/cocalc/links.js'
import { isRecord, pullRequestOf, readRunContext } from '../../src/context.js'
import { truncate } from '../../src/text.js'
import { outputsOf } from '../../src/report/outputs.js'

describe('projectFolderUrl', () => {
  it('drops empty segments and every trailing slash of the base', () => {
    expect(projectFolderUrl('https://h//', 'p', '/a//b/')).toBe('https://h/projects/p/files/a/b/')
  })
})

describe('cocalc outputs', () => {
  it('sets project-url, embed-url, copy-id and copies, empty when unknown', () => {
    const copy = { project_id: 't', path: 'x', copy_id: 'c1', url: 'u', embed_url: 'e', share_url: '', status: 'copied' as const }
    expect(
      outputsOf({ mode: 'cocalc', status: 'copied', files: [], skipped: [], projectUrl: 'p', embedUrl: 'e', copies: [copy], uploadedCount: 0 })
    ).toEqual({
      status: 'copied',
      'file-count': '0',
      'project-url': 'p',
      'embed-url': 'e',
      'share-url': '',
      'copy-id': 'c1',
      copies: JSON.stringify([copy])
    })
    expect(outputsOf({ mode: 'cocalc', status: 'uploaded', files: [{ name: 'a', size: 1 }], skipped: [] })).toEqual({
      status: 'uploaded',
      'file-count': '1',
      'project-url': '',
      'embed-url': '',
      'share-url': '',
      'copy-id': '',
      copies: '[]'
    })
  })
})

describe('fork detection without full names', () => {
  const event = (headRepo: unknown, baseRepo: unknown) => ({
    pull_request: { number: 1, head: { sha: 'a'.repeat(40), repo: headRepo }, base: { repo: baseRepo } }
  })
  it.each([
    ['a head repository flagged as a fork, base unnamed', { fork: true }, {}, true],
    ['a head repository not flagged, base unnamed', { fork: false }, {}, false],
    ['a head repository flagged as a fork, base named', { fork: true }, { full_name: 'o/r' }, false],
    ['no head repository record', 'x', {}, false],
    ['names that differ only in case', { full_name: 'O/R' }, { full_name: 'o/r' }, false]
  ])('%s', (_name, head, base, fork) => {
    expect(pullRequestOf(event(head, base))?.fromFork).toBe(fork)
  })
})

describe('truncate', () => {
  it('never ends on the first half of a surrogate pair', () => {
    expect(truncate('ab😀cd', 4)).toBe('ab…')
    expect(truncate('abc😀d', 4)).toBe('abc…')
    expect(truncate('a\udbffbcd', 3)).toBe('a…')
    expect(truncate('a\ud7ffbcd', 3)).toBe('a\ud7ff…')
    expect(truncate('a\udc00bcd', 3)).toBe('a\udc00…')
  })
})

describe('run links', () => {
  it('builds the run URL only with a repository and a run id, and trims slashes of the server and API', () => {
    const base = { GITHUB_SERVER_URL: 'https://ghe.example//', GITHUB_API_URL: 'https://ghe.example/api/v3//', GITHUB_RUN_ID: '7' }
    expect(readRunContext({ ...base, GITHUB_REPOSITORY: 'o/r' })).toMatchObject({
      serverUrl: 'https://ghe.example',
      apiUrl: 'https://ghe.example/api/v3',
      runUrl: 'https://ghe.example/o/r/actions/runs/7',
      owner: 'o',
      repo: 'r'
    })
    expect(readRunContext(base)).toMatchObject({ runUrl: undefined, owner: undefined, repo: undefined })
    expect(readRunContext({ GITHUB_REPOSITORY: 'o/r' }).runUrl).toBeUndefined()
  })
})

describe('isRecord', () => {
  it('is true for plain objects only', () => {
    expect([{}, { a: 1 }].map(isRecord)).toEqual([true, true])
    expect([null, undefined, [], 'x', 1].map(isRecord)).toEqual([false, false, false, false, false])
  })
})
