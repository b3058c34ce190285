/**
 * Whole reports, compared exactly (snapshots in __snapshots__/, reviewed by hand when they
 * change): every line, blank line and separator of the summary and comment for each kind of
 * result. The other render tests check properties (escaping, budgets); these pin the layout.
 */
import { describe, expect, it } from '@jest/globals'
import { renderCommentNote, renderFailure, renderReport, type RenderContext } from '../../src/report/render.js'
import type { CopyOutcome, PublishResult } from '../../src/report/result.js'

const context: RenderContext = {
  repository: 'octo-org/notebooks',
  sha: 'abc1234def5678901234567890abcdef12345678',
  runUrl: 'https://github.com/octo-org/notebooks/actions/runs/42',
  serverUrl: 'https://github.example/'
}
const P = 'https://cocalc.example/projects/p/files/course/'
const files = [
  { name: 'a.md', size: 10 },
  { name: 'data/b.csv', size: 2048 }
]

function copy(n: number, extra: Omit<Partial<CopyOutcome>, 'share_url'> = {}): CopyOutcome {
  const url = `https://cocalc.example/projects/t${n}/files/handout/`
  return {
    project_id: `t${n}`,
    path: 'handout',
    copy_id: `copy-${n}`,
    url,
    embed_url: `${url}?fullscreen=kiosk`,
    share_url: '',
    status: 'copied',
    ...extra
  }
}

const cases: [string, PublishResult][] = [
  [
    'cocode session',
    { mode: 'cocode', status: 'created', files, skipped: [{ name: 'x.bin', reason: 'is binary' }], sessionUrl: 'https://cocode.example/s/1' }
  ],
  [
    'cocode dry run',
    { mode: 'cocode', status: 'dry-run', files, skipped: [], plannedRequests: ['POST https://cocode.example/api/session (Basic auth)'] }
  ],
  ['cocode skipped', { mode: 'cocode', status: 'skipped', files, skipped: [], skipReason: 'no secrets on a fork' }],
  [
    'cocalc upload, nothing changed',
    { mode: 'cocalc', status: 'uploaded', files, skipped: [], projectUrl: P, embedUrl: `${P}?fullscreen=kiosk`, uploadedCount: 0 }
  ],
  ['cocalc upload, one changed', { mode: 'cocalc', status: 'uploaded', files, skipped: [], projectUrl: P, uploadedCount: 1 }],
  [
    'cocalc copies, one failed',
    {
      mode: 'cocalc',
      status: 'uploaded',
      files,
      skipped: [],
      projectUrl: P,
      embedUrl: copy(1).embed_url,
      uploadedCount: 2,
      copies: [
        copy(1),
        copy(2, { status: 'failed', error: 'rsync: disk full' }),
        copy(3, { status: 'timeout', copy_id: '', error: 'still running' })
      ],
      failure: '2 of 3 copies did not complete'
    }
  ],
  [
    'cocalc copies queued',
    { mode: 'cocalc', status: 'queued', files, skipped: [], projectUrl: P, uploadedCount: 2, copies: [copy(1, { status: 'queued' })] }
  ],
  ['cocalc copy only', { mode: 'cocalc', status: 'copied', files: [], skipped: [], projectUrl: P, copyOnly: true, copies: [copy(1), copy(2)] }],
  [
    'cocalc copy only, queued',
    { mode: 'cocalc', status: 'queued', files: [], skipped: [], projectUrl: P, copyOnly: true, copies: [copy(1, { status: 'queued' })] }
  ],
  ['cocalc copy only, not waited', { mode: 'cocalc', status: 'uploaded', files: [], skipped: [], projectUrl: P, copyOnly: true }],
  [
    'cocalc dry run',
    { mode: 'cocalc', status: 'dry-run', files, skipped: [], projectUrl: P, plannedRequests: ['POST /api/v2/exec', 'POST /upload'] }
  ],
  [
    'cocalc skipped',
    { mode: 'cocalc', status: 'skipped', files: [], skipped: [], skipReason: "No files to publish: the 'files' patterns matched nothing" }
  ],
  [
    'many files',
    {
      mode: 'cocode',
      status: 'created',
      files: Array.from({ length: 12 }, (_, i) => ({ name: `f${i}.md`, size: i })),
      skipped: [],
      sessionUrl: 'https://cocode.example/s/2'
    }
  ]
]

describe('renderReport, whole', () => {
  it.each(cases)('%s', (_name, result) => {
    expect(renderReport(result, context)).toMatchSnapshot()
  })

  it('puts a preamble first and notes last, each separated as written', () => {
    const markdown = renderReport(cases[0][1], context, { preamble: '<!-- marker -->', notes: ['**PR comment:** one', 'two'] })
    expect(markdown.startsWith('<!-- marker -->\n### ✅ cocode session created\n\n')).toBe(true)
    expect(markdown.endsWith('\n\n**PR comment:** one\ntwo\n')).toBe(true)
    expect(renderReport(cases[0][1], context, { notes: [] }).endsWith('\n\n**1 file left out:**\n\n- `x.bin` is binary\n')).toBe(true)
  })

  it('links a commit only for a hex sha and an owner/name repository', () => {
    const commitLine = (extra: RenderContext) =>
      renderReport(cases[0][1], { ...context, ...extra })
        .split('\n')
        .find((line) => line.startsWith('- **Commit:**'))
    expect(commitLine({})).toBe(
      '- **Commit:** [`abc1234`](https://github.example/octo-org/notebooks/commit/abc1234def5678901234567890abcdef12345678)'
    )
    expect(commitLine({ sha: 'xabc1234' })).toBe('- **Commit:** `xabc1234`')
    expect(commitLine({ sha: 'abc1234x' })).toBe('- **Commit:** `abc1234x`')
    expect(commitLine({ repository: 'x octo/notebooks' })).toBe('- **Commit:** `abc1234`')
    expect(commitLine({ repository: 'octo/notebooks x' })).toBe('- **Commit:** `abc1234`')
    expect(commitLine({ repository: undefined })).toBe('- **Commit:** `abc1234`')
    expect(commitLine({ serverUrl: undefined })).toBe(
      '- **Commit:** [`abc1234`](https://github.com/octo-org/notebooks/commit/abc1234def5678901234567890abcdef12345678)'
    )
    expect(commitLine({ sha: undefined })).toBeUndefined()
    expect(renderReport(cases[0][1], { ...context, runUrl: undefined })).not.toContain('Workflow run')
  })
})

describe('renderFailure and renderCommentNote, whole', () => {
  it.each(['cocode', 'cocalc'] as const)('a %s run that failed before it had a result', (mode) => {
    expect(renderFailure(mode, 'CoCalc refused the API key', context)).toMatchSnapshot()
  })

  it('a failure without commit or run', () => {
    expect(renderFailure('cocalc', 'x', {})).toBe(
      '### ❌ CoCalc publish failed\n\n**Error:** `x`\n\n\nNothing was reported as published; the PR comment, if any, still shows the last successful run.\n'
    )
  })

  it('every note about the PR comment', () => {
    const comment = { id: 1, htmlUrl: 'https://github.com/o/r/pull/3#issuecomment-1', body: '', author: 'github-actions[bot]' }
    expect([
      renderCommentNote({ kind: 'written', action: 'updated', pullRequest: 3, comment }, 'cocode'),
      renderCommentNote({ kind: 'planned', target: 'PR #3' }, 'cocode'),
      renderCommentNote({ kind: 'planned', target: undefined }, 'cocode'),
      renderCommentNote({ kind: 'skipped', reason: "the 'comment' input is false" }, 'cocode'),
      renderCommentNote({ kind: 'failed' }, 'cocode')
    ]).toMatchSnapshot()
  })
})
