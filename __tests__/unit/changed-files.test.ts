import { describe, expect, it } from '@jest/globals'
import { GITHUB_PR_FILES_CAP, capNotice, changeReport, planChanges, type PullRequestFile } from '../../src/changed-files.js'
import { readInputs, type Inputs } from '../../src/inputs.js'

const FILES: PullRequestFile[] = [
  { filename: 'course/a.ipynb', status: 'added' },
  { filename: 'course/b.ipynb', status: 'modified' },
  { filename: 'course/new.ipynb', status: 'renamed', previous_filename: 'course/old.ipynb' },
  { filename: 'course/c.ipynb', status: 'copied' },
  { filename: 'course/mode.sh', status: 'changed' },
  { filename: 'course/same.txt', status: 'unchanged' },
  { filename: 'course/gone.ipynb', status: 'removed' },
  { filename: 'other/x.ipynb', status: 'modified' },
  { filename: 'coursework/y.ipynb', status: 'modified' }
]

describe('planChanges', () => {
  it('keeps what exists in the head, named relative to the working directory; removed files are named, never sendable', () => {
    const plan = planChanges({ pullRequest: 3, files: FILES, total: undefined }, { repositoryRoot: '/ws', workingDirectory: '/ws/course' })
    expect([...plan.sendable].sort()).toEqual(['a.ipynb', 'b.ipynb', 'c.ipynb', 'mode.sh', 'new.ipynb'])
    expect(plan.removed).toEqual(['gone.ipynb'])
    expect([...plan.renamedFrom]).toEqual([['new.ipynb', 'course/old.ipynb']])
    expect(plan.listed).toBe(FILES.length)
    expect(plan.capped).toBe(false)
  })

  it('takes repository paths as they are when the working directory is the repository', () => {
    const plan = planChanges({ pullRequest: 3, files: FILES, total: 9 }, { repositoryRoot: '/ws/', workingDirectory: '/ws' })
    expect(plan.sendable.has('other/x.ipynb')).toBe(true)
    expect(plan.sendable.has('coursework/y.ipynb')).toBe(true)
    expect(plan.removed).toEqual(['course/gone.ipynb'])
  })

  it('knows the list was cut when the PR counts more files than GitHub listed, or when a list without count is full', () => {
    const full = Array.from({ length: GITHUB_PR_FILES_CAP }, (_, i) => ({ filename: `f${i}`, status: 'added' }))
    const folders = { repositoryRoot: '/ws', workingDirectory: '/ws' }
    expect(planChanges({ pullRequest: 1, files: full, total: undefined }, folders).capped).toBe(true)
    expect(planChanges({ pullRequest: 1, files: full, total: 3000 }, folders).capped).toBe(false)
    expect(planChanges({ pullRequest: 1, files: full.slice(0, 10), total: 12 }, folders).capped).toBe(true)
    expect(capNotice({ pullRequest: 1, listed: 3000, total: 4200 })).toContain('PR #1 changes 4,200: only the 3,000 listed were considered')
    expect(capNotice({ pullRequest: 1, listed: 3000, total: undefined })).toContain('changes at least 3,000')
  })
})

describe('changeReport', () => {
  it('keeps renames of the files sent only, counts the sendable files left out, and keeps odd names as names', () => {
    const files = [...FILES, { filename: '__proto__', status: 'renamed', previous_filename: 'x' }]
    const plan = planChanges({ pullRequest: 3, files, total: undefined }, { repositoryRoot: '/ws', workingDirectory: '/ws' })
    const report = changeReport(plan, ['course/new.ipynb', 'course/a.ipynb', '__proto__'])
    expect(Object.entries(report.renamedFrom).sort()).toEqual([
      ['__proto__', 'x'],
      ['course/new.ipynb', 'course/old.ipynb']
    ])
    expect(Object.hasOwn(report.renamedFrom, '__proto__')).toBe(true)
    expect(report.notSent).toBe(plan.sendable.size - 3)
    expect(report.removed).toEqual(['course/gone.ipynb'])
  })
})

describe('inputs', () => {
  const read = (values: Record<string, string>): Inputs =>
    readInputs({ read: (name) => values[name] ?? '', env: { GITHUB_WORKSPACE: '/ws', GITHUB_REPOSITORY: 'o/r' } })
  const cocalc = { mode: 'cocalc', files: '*', 'cocalc-api-key': 'sk-x', 'project-id': '0b2e6b5f-2c2f-4b86-9a7e-1f0f3c1f5a10' }

  it('reads changed-files-only in both modes, false by default', () => {
    expect(read({ ...cocalc }).changedFilesOnly).toBe(false)
    expect(read({ ...cocalc, 'changed-files-only': 'true' }).changedFilesOnly).toBe(true)
    expect(read({ mode: 'cocode', files: '*', 'changed-files-only': 'yes' }).changedFilesOnly).toBe(true)
    expect(() => read({ ...cocalc, 'changed-files-only': 'sometimes' })).toThrow("Input 'changed-files-only': 'sometimes' is not a boolean")
  })

  it('reads share and share-description in cocalc mode, and refuses bad values naming the input', () => {
    const inputs = read({ ...cocalc, share: 'Unlisted', 'share-description': 'Week 1' })
    expect(inputs.mode === 'cocalc' && [inputs.share, inputs.shareDescription]).toEqual(['unlisted', 'Week 1'])
    const plain = read({ ...cocalc })
    expect(plain.mode === 'cocalc' && [plain.share, plain.shareDescription]).toEqual(['none', undefined])
    expect(() => read({ ...cocalc, share: 'everyone' })).toThrow(
      "Input 'share': 'everyone' is not one of 'none', 'unlisted', 'public', 'authenticated'"
    )
    expect(() => read({ ...cocalc, 'share-description': 'x'.repeat(1025) })).toThrow("Input 'share-description': is 1025 characters long")
    expect(() => read({ mode: 'cocode', files: '*', share: 'public' })).toThrow("Input 'share': publishes on CoCalc's share server")
    expect(read({ mode: 'cocode', files: '*', share: 'none' }).mode).toBe('cocode')
  })
})
