import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { code, fitLines, link, prose, safeUrl, sizeOf, visible } from '../../src/report/markdown.js'
import { truncate } from '../../src/text.js'
import { COMMENT_LIMIT, SUMMARY_LIMIT, renderCommentNote, renderReport } from '../../src/report/render.js'
import type { CopyOutcome, PublishResult } from '../../src/report/result.js'

/**
 * Reads one inline code span the way CommonMark does: an opening run of n backticks, closed by
 * the next run of exactly n; one space stripped from each side when both are spaces. Throws when
 * the text is not exactly one span, so a test fails on any stray markup.
 */
function readCodeSpan(markdown: string): string {
  const open = /^`+/.exec(markdown)?.[0]
  if (!open) throw new Error(`not a code span: ${markdown}`)
  const n = open.length
  if (!markdown.endsWith(open) || markdown[markdown.length - n - 1] === '`' || markdown.length < 2 * n + 1) throw new Error(`unclosed: ${markdown}`)
  const inner = markdown.slice(n, -n)
  for (const run of inner.matchAll(/`+/g)) if (run[0].length === n) throw new Error(`closed early: ${markdown}`)
  return /^ [\s\S]* $/.test(inner) && inner.trim() !== '' ? inner.slice(1, -1) : inner
}

/** The text outside CommonMark code spans (a run of n backticks closed by the next run of exactly n). */
function outsideCodeSpans(markdown: string): string {
  let outside = ''
  let i = 0
  while (i < markdown.length) {
    const run = /^`+/.exec(markdown.slice(i))?.[0]
    if (!run) {
      outside += markdown[i++]
      continue
    }
    const close = new RegExp(`(?<!\`)${run}(?!\`)`, 'g')
    close.lastIndex = i + run.length
    const end = close.exec(markdown)
    if (!end) {
      outside += run
      i += run.length
      continue
    }
    outside += ' '
    i = end.index + run.length
  }
  return outside
}

/** GFM table cell splitting (cmark-gfm): `\` + ASCII punctuation is one escaped pair; any other `|` ends the cell. */
function gfmCell(markdown: string): string {
  for (let i = 0; i < markdown.length; i++) {
    if (markdown[i] === '\\' && /[!-/:-@[-`{-~]/.test(markdown[i + 1] ?? '')) i++
    else if (markdown[i] === '|') throw new Error(`the cell ends early: ${markdown}`)
  }
  return markdown.replace(/\\\|/g, '|')
}

const HOSTILE_NAMES = [
  '<img src=x onerror=alert(1)>.txt',
  '](evil)',
  '[click](https://evil.example)',
  '![x](https://evil.example/x.png)',
  '**bold** _em_ ~~strike~~',
  'back`tick.txt',
  '``double``.txt',
  '`leading',
  'trailing`',
  ' spaced ',
  'pipe|name|x',
  'slash\\|pipe',
  'line\nbreak.txt',
  'carriage\rreturn',
  'tab\there',
  'rtl\u202egnp.exe',
  'zero\u200bwidth',
  '@everyone and #1',
  'https://evil.example/autolink',
  '<!-- publish-to-collaborative-editors:cocode -->',
  '</details><script>alert(1)</script>',
  '&amp; &lt;entity&gt;',
  '# heading',
  '- list',
  '\\',
  '日本語 ✓ 🎉.ipynb'
]

function cocodeResult(names: string[], extra: Partial<PublishResult> = {}): PublishResult {
  return {
    mode: 'cocode',
    status: 'created',
    files: names.map((name, i) => ({ name, size: 100 + i })),
    skipped: [],
    sessionUrl: 'https://cocode.example/s/abc',
    ...extra
  }
}

function copy(index: number, extra: Partial<CopyOutcome> = {}): CopyOutcome {
  const id = `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`
  return {
    project_id: id,
    path: 'course/week1',
    copy_id: `copy-${index}`,
    url: `https://cocalc.example/projects/${id}/files/course/week1/`,
    embed_url: `https://cocalc.example/projects/${id}/files/course/week1/?fullscreen=kiosk`,
    share_url: '',
    status: 'copied',
    ...extra
  }
}

describe('code', () => {
  it.each(HOSTILE_NAMES)('shows %j literally in one code span', (name) => {
    const rendered = code(name)
    expect(readCodeSpan(rendered)).toBe(visible(name))
    expect(rendered).not.toMatch(/[\n\r\u202e\u200b]/)
  })

  it.each(HOSTILE_NAMES)('keeps %j inside its table cell', (name) => {
    const rendered = code(name, { inTable: true })
    const cell = gfmCell(rendered)
    const content = readCodeSpan(cell)
    // Only a backslash right before a pipe is shown doubled; everything else is exact.
    expect(content.replace(/\\+\|/g, (m) => m.slice((m.length - 1) / 2))).toBe(visible(name))
  })

  it('holds for any text (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (name) => {
        const rendered = code(name)
        if (visible(name) === '') return rendered === '*(empty)*'
        return readCodeSpan(rendered) === visible(name) && readCodeSpan(gfmCell(code(name, { inTable: true }))).length > 0
      })
    )
  })

  it('truncates very long text without splitting a surrogate pair', () => {
    const rendered = code('🎉'.repeat(1000), { max: 11 })
    expect(readCodeSpan(rendered)).toBe(`${'🎉'.repeat(5)}…`)
    expect(truncate('abc', 3)).toBe('abc')
  })

  it('makes invisible and line-breaking characters visible', () => {
    expect(visible('a\nb\r\tc\u0000\u202e\u2028')).toBe('a\\nb\\r\\tc\\u0000\\u202e\\u2028')
  })
})

describe('prose', () => {
  it('leaves no markup or HTML in a sentence', () => {
    const escaped = prose('matched nothing in /tmp/<img src=x>/**bold**/[a](b) $x$ `c` ~s~ a|b\nnext line')
    expect(escaped).toBe('matched nothing in /tmp/&lt;img src=x&gt;/\\*\\*bold\\*\\*/\\[a\\]\\(b\\) \\$x\\$ \\`c\\` \\~s\\~ a\\|b next line')
  })
})

describe('safeUrl and link', () => {
  it.each(['javascript:alert(1)', 'data:text/html,<b>x</b>', 'ftp://host/file', 'https://user:pass@host/', 'not a url', ''])(
    'refuses %j as a link',
    (url) => {
      expect(safeUrl(url)).toBeUndefined()
      const rendered = link('open', url)
      expect(rendered).not.toContain('](')
    }
  )

  it('percent-encodes what could end or bend a destination', () => {
    expect(safeUrl('https://host/a)b](c"d"<e>`f`*g*_h_|i|\\j')).toBe('https://host/a%29b%5D%28c%22d%22%3Ce%3E%60f%60%2Ag%2A%5Fh%5F%7Ci%7C/j')
    // White space inside is no URL a server should send: shown as code instead.
    expect(safeUrl('https://host/a b')).toBeUndefined()
    expect(link('open', 'https://host/x')).toBe('[open](https://host/x)')
  })
})

describe('fitLines', () => {
  it('stops with "… and N more" inside the budget', () => {
    const lines = fitLines(
      100,
      (i) => `line ${i}`,
      50,
      (left) => `… and ${left} more`
    )
    expect(lines.at(-1)).toMatch(/^… and \d+ more$/)
    expect(sizeOf(lines.join('\n'))).toBeLessThanOrEqual(50)
    const shown = lines.length - 1
    expect(lines.at(-1)).toBe(`… and ${100 - shown} more`)
  })

  it('lists everything when it fits', () => {
    expect(
      fitLines(
        3,
        (i) => `${i}`,
        100,
        () => 'more'
      )
    ).toEqual(['0', '1', '2'])
  })
})

describe('renderReport', () => {
  const context = {
    repository: 'octo-org/notebooks',
    sha: 'abc1234def5678901234567890abcdef12345678',
    runUrl: 'https://github.com/octo-org/notebooks/actions/runs/42',
    serverUrl: 'https://github.com'
  }

  it('reports a cocode session with its link, count, commit and run', () => {
    const markdown = renderReport(cocodeResult(['a.txt', 'b/c.py']), context)
    expect(markdown).toContain('### ✅ cocode session created')
    expect(markdown).toContain('- **Session:** [`https://cocode.example/s/abc`](https://cocode.example/s/abc)')
    expect(markdown).toContain('- **Files:** 2 (201 B)')
    expect(markdown).toContain('- **Commit:** [`abc1234`](https://github.com/octo-org/notebooks/commit/abc1234def5678901234567890abcdef12345678)')
    expect(markdown).toContain('- **Workflow run:** [logs and job summary](https://github.com/octo-org/notebooks/actions/runs/42)')
    expect(markdown).toContain('- `a.txt` (100 B)\n- `b/c.py` (101 B)')
    expect(markdown).not.toContain('<details>')
  })

  it('renders every hostile file name as literal text', () => {
    const markdown = renderReport(cocodeResult(HOSTILE_NAMES), context)
    const items = markdown.split('\n').filter((line) => line.startsWith('- `') || line.startsWith('- ``'))
    expect(items).toHaveLength(HOSTILE_NAMES.length)
    items.forEach((item, i) => {
      const span = item.slice(2, item.lastIndexOf(' ('))
      expect(readCodeSpan(span)).toBe(visible(HOSTILE_NAMES[i]))
    })
    expect(markdown).toContain('<details><summary>26 files sent</summary>')
    // Outside the code spans: no HTML, links, images or mentions from the names, and each item
    // stays on its own line (the 26 names give 26 items, each ending in its size).
    const outside = outsideCodeSpans(markdown)
    for (const hostile of ['evil.example', '<img', '<script', '![', '@everyone', '<!--', '**bold**', '\u202e']) {
      expect(outside).not.toContain(hostile)
    }
    for (const item of items) expect(outsideCodeSpans(item)).toMatch(/^- {3}\(\d+ B\)$/)
  })

  it('never links a URL a server answered unless it is http(s)', () => {
    const markdown = renderReport(cocodeResult(['a'], { sessionUrl: 'javascript:alert(document.cookie)' }), context)
    expect(markdown).toContain('- **Session:** `javascript:alert(document.cookie)`')
    const bent = renderReport(cocodeResult(['a'], { sessionUrl: 'https://cocode.example/s/x)](https://evil.example' }), context)
    expect(bent).toContain('](https://cocode.example/s/x%29%5D%28https://evil.example)')
  })

  it('reports CoCalc targets in a table with links, copy ids, outcomes and failures', () => {
    const result: PublishResult = {
      mode: 'cocalc',
      status: 'copied',
      files: [{ name: 'nb.ipynb', size: 2048 }],
      skipped: [],
      projectUrl: 'https://cocalc.example/projects/p/files/course/',
      embedUrl: 'https://cocalc.example/projects/p/files/course/?fullscreen=kiosk',
      uploadedCount: 1,
      copies: [
        copy(1),
        copy(2, { status: 'failed', copy_id: 'x|y`z', error: 'rsync failed: <b>disk full</b>\nsecond line' }),
        copy(3, { copy_id: '', status: 'queued' })
      ],
      failure: 'The copy to 00000000-0000-4000-8000-000000000002 failed'
    }
    const markdown = renderReport(result, context)
    expect(markdown).toContain('### ❌ Published to CoCalc and copied to 3 projects — failed')
    expect(markdown).toContain('**Failed:** `The copy to 00000000-0000-4000-8000-000000000002 failed`')
    expect(markdown).toContain(
      '- **Project folder:** [`https://cocalc.example/projects/p/files/course/`](https://cocalc.example/projects/p/files/course/) · [kiosk view](https://cocalc.example/projects/p/files/course/?fullscreen=kiosk)'
    )
    expect(markdown).toContain('| Target project | Folder | Status | Copy id | Open |')
    // embedUrl is the first target's kiosk link: the source folder's line links its own.
    const targetKiosk = renderReport({ ...result, embedUrl: result.copies![0].embed_url }, context)
    expect(targetKiosk).toContain(
      '- **Project folder:** [`https://cocalc.example/projects/p/files/course/`](https://cocalc.example/projects/p/files/course/) · [kiosk view](https://cocalc.example/projects/p/files/course/?fullscreen=kiosk)'
    )
    expect(markdown).toContain(
      '| `00000000-0000-4000-8000-000000000001` | `course/week1` | ✅ copied | `copy-1` | [files](https://cocalc.example/projects/00000000-0000-4000-8000-000000000001/files/course/week1/) · [kiosk](https://cocalc.example/projects/00000000-0000-4000-8000-000000000001/files/course/week1/?fullscreen=kiosk) |'
    )
    const failedRow = markdown.split('\n').find((line) => line.includes('000000000002') && line.startsWith('|'))!
    expect(failedRow).toContain('❌ failed | ``x\\|y`z`` |')
    expect(markdown).toContain('| ⏳ queued | — |')
    expect(markdown).toContain('- `00000000-0000-4000-8000-000000000002`: `rsync failed: <b>disk full</b>\\nsecond line`')
  })

  it('says what a dry run would send, and that nothing was sent', () => {
    const markdown = renderReport(
      cocodeResult(['a.txt'], {
        status: 'dry-run',
        sessionUrl: undefined,
        plannedRequests: ['POST https://cocode.io/api/session (Basic auth) with 1 file(s)']
      }),
      context
    )
    expect(markdown).toContain('### 🧪 cocode session: dry run, nothing sent')
    expect(markdown).toContain('**Planned requests** (none was sent):\n\n- `POST https://cocode.io/api/session (Basic auth) with 1 file(s)`')
    expect(markdown).toContain('- **Files:** 1 (100 B) would be sent')
    expect(markdown).toContain('**1 file to send:**')
  })

  it('explains a skipped run and lists skipped files with their reasons', () => {
    const markdown = renderReport(
      cocodeResult([], {
        status: 'skipped',
        sessionUrl: undefined,
        skipReason: "GitHub passes no secrets to workflows run from forks, so 'cocode-password' is empty",
        skipped: [{ name: '<img src=x>.png', reason: 'is binary; a cocode session holds text only' }]
      }),
      context
    )
    expect(markdown).toContain('### ⏭️ cocode session: nothing published')
    expect(markdown).toContain("**Why:** GitHub passes no secrets to workflows run from forks, so 'cocode-password' is empty")
    expect(markdown).toContain('- **Files:** 0')
    expect(markdown).toContain('- `<img src=x>.png` is binary; a cocode session holds text only')
  })

  it('stays under 65,536 characters with 50,000 long names, and says how many are left out', () => {
    const names = Array.from({ length: 50_000 }, (_, i) => `notebooks/${'very-long-folder-name/'.repeat(8)}lesson-${i}-${'x'.repeat(80)}.ipynb`)
    const markdown = renderReport(cocodeResult(names), context, { preamble: '<!-- publish-to-collaborative-editors:cocode -->' })
    expect(markdown.length).toBeLessThanOrEqual(COMMENT_LIMIT)
    expect(sizeOf(markdown)).toBeLessThanOrEqual(COMMENT_LIMIT)
    expect(sizeOf(markdown)).toBeGreaterThan(COMMENT_LIMIT * 0.9)
    const shown = markdown.split('\n').filter((line) => line.startsWith('- `notebooks/')).length
    expect(markdown).toContain(`- … and ${50_000 - shown} more`)
    expect(markdown).toContain('<details><summary>50000 files sent</summary>')
    expect(markdown.trimEnd().endsWith('</details>')).toBe(true)
  })

  it('stays under the limit when every list is huge and names are multi-byte', () => {
    const names = Array.from({ length: 50_000 }, (_, i) => `データ/${'🎉'.repeat(50)}-${i}.csv`)
    const result: PublishResult = {
      mode: 'cocalc',
      status: 'copied',
      files: names.map((name) => ({ name, size: 1 })),
      skipped: names.map((name) => ({ name, reason: 'is outside the working directory' })),
      copies: Array.from({ length: 5_000 }, (_, i) => copy(i, { status: 'failed', error: 'e'.repeat(5000) })),
      projectUrl: 'https://cocalc.example/projects/p/files/x/',
      failure: 'f'.repeat(100_000),
      plannedRequests: names
    }
    const markdown = renderReport(result, context)
    expect(sizeOf(markdown)).toBeLessThanOrEqual(COMMENT_LIMIT)
    expect(markdown).toMatch(/\| … and \d+ more \| \| \| \| \|/)
    expect(markdown).toMatch(/<details><summary>50000 files sent<\/summary>[\s\S]*- … and \d+ more/)
    expect(markdown).toMatch(/<details><summary>50000 files left out<\/summary>[\s\S]*- … and \d+ more/)
    const summary = renderReport(result, context, { limit: SUMMARY_LIMIT, notes: ['**PR comment:** none.'] })
    expect(sizeOf(summary)).toBeLessThanOrEqual(SUMMARY_LIMIT)
    expect(summary.trimEnd().endsWith('**PR comment:** none.')).toBe(true)
  })
})

describe('renderCommentNote', () => {
  it('links the comment written', () => {
    const note = renderCommentNote(
      {
        kind: 'written',
        action: 'updated',
        pullRequest: 7,
        comment: { id: 1, body: '', author: 'x', htmlUrl: 'https://github.com/o/r/pull/7#issuecomment-1' }
      },
      'cocode'
    )
    expect(note).toBe('**PR comment:** [updated](https://github.com/o/r/pull/7#issuecomment-1) on #7 (tag `cocode`).')
  })

  it('says where a dry run would comment, or why nowhere', () => {
    expect(renderCommentNote({ kind: 'planned', target: 'PR #7' }, 'cocode')).toBe(
      '**PR comment:** none in a dry run; a real run would write the comment tagged `cocode` on PR \\#7.'
    )
    expect(renderCommentNote({ kind: 'planned', target: undefined, reason: 'the release event carries no pull request' }, 't')).toContain(
      'would write none: the release event carries no pull request.'
    )
    expect(renderCommentNote({ kind: 'failed' }, 't')).toContain('not written')
  })
})

describe('renderReport: files sent and files already in place', () => {
  const files = [
    { name: 'a.md', size: 1 },
    { name: 'b.md', size: 2 }
  ]
  const base: PublishResult = { mode: 'cocalc', status: 'uploaded', files, skipped: [], projectUrl: 'https://cocalc.example/projects/p/files/c/' }

  it('lists the files as sent when every one was uploaded', () => {
    const markdown = renderReport({ ...base, uploadedCount: 2 })
    expect(markdown).toContain('**2 files sent:**')
    expect(markdown).toContain('- **Files:** 2 (3 B)')
  })

  it('does not call files sent when they were already identical in the project', () => {
    const markdown = renderReport({ ...base, uploadedCount: 0 })
    expect(markdown).toContain('**2 files published:**')
    expect(markdown).not.toContain('files sent')
    expect(markdown).toContain('- **Files:** 2 (3 B; 0 uploaded, 2 already up to date)')
  })
})
