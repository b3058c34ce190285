/**
 * run() in process, with @actions/core recorded and the loopback emulators as the services: the
 * order of outputs, summary and failure, the skip of a fork's pull request, and the scrubbing of
 * the final failure line (main.ts is the last guard against a secret a server echoed into an
 * error that no client scrubbed).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { mockCore } from '../helpers/core-mock.js'
import { Answers, DEFAULT_API_KEY, startCocalcEmulator } from '../emulators/cocalc.js'
import { startCocodeEmulator } from '../emulators/cocode.js'

const core = mockCore()
const { run } = await import('../../src/main.js')

const PROJECT = '0b2e6b5f-2c2f-4b86-9a7e-1f0f3c1f5a10'
const TARGET = '7d1c0e9a-5b7e-4c3a-9f2d-2a6b8c4e1f00'
const BASIC = Buffer.from(`${DEFAULT_API_KEY}:`).toString('base64')
const COCODE = { username: 'run-user', password: 'run-password-5c1d' }

let cocalc: Awaited<ReturnType<typeof startCocalcEmulator>>
let cocode: Awaited<ReturnType<typeof startCocodeEmulator>>
let workspace: string
let eventFile: string
const savedEnv = { ...process.env }

beforeAll(async () => {
  cocalc = await startCocalcEmulator({ projects: [PROJECT, TARGET], copyDelayMs: 5 })
  cocode = await startCocodeEmulator(COCODE)
  workspace = await mkdtemp(path.join(os.tmpdir(), 'run-'))
  await writeFile(path.join(workspace, 'a.md'), '# a\n')
  await writeFile(path.join(workspace, 'empty.txt'), '')
  eventFile = path.join(workspace, '..', `event-${path.basename(workspace)}.json`)
})
afterAll(async () => {
  await Promise.all([cocalc.close(), cocode.close()])
  await rm(workspace, { recursive: true, force: true })
  await rm(eventFile, { force: true })
})
beforeEach(() => core.reset())
afterEach(() => {
  cocalc.faults.clear()
  for (const name of Object.keys(process.env)) if (!(name in savedEnv)) delete process.env[name]
  Object.assign(process.env, savedEnv)
})

/** Sets inputs (INPUT_*) and a runner-like environment for one run. */
async function environment(inputs: Record<string, string>, event: Record<string, unknown> = {}, eventName = 'push'): Promise<void> {
  for (const name of Object.keys(process.env)) if (name.startsWith('INPUT_') || name.startsWith('GITHUB_')) delete process.env[name]
  await writeFile(eventFile, JSON.stringify(event))
  Object.assign(process.env, {
    GITHUB_WORKSPACE: workspace,
    GITHUB_REPOSITORY: 'octo-org/notebooks',
    GITHUB_SHA: 'abc1234def5678901234567890abcdef12345678',
    GITHUB_EVENT_NAME: eventName,
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_STEP_SUMMARY: path.join(workspace, 'unused-summary'),
    INPUT_COMMENT: 'false',
    INPUT_CONCURRENCY: '4'
  })
  for (const [name, value] of Object.entries(inputs)) process.env[`INPUT_${name.toUpperCase()}`] = value
}

const cocalcInputs = (extra: Record<string, string> = {}): Record<string, string> => ({
  mode: 'cocalc',
  files: 'a.md',
  'cocalc-url': cocalc.url,
  'cocalc-api-key': DEFAULT_API_KEY,
  'project-id': PROJECT,
  path: 'course',
  ...extra
})

describe('run()', () => {
  it('publishes, then sets the outputs, then writes the summary; never fails the step on success', async () => {
    await environment({
      mode: 'cocode',
      files: 'a.md',
      'cocode-url': cocode.url,
      'cocode-username': COCODE.username,
      'cocode-password': COCODE.password
    })
    await run()
    expect(core.failures).toEqual([])
    expect(core.outputs).toEqual({ status: 'created', 'file-count': '1', 'session-url': `${cocode.url}/s/1` })
    expect(core.secrets).toEqual(expect.arrayContaining([COCODE.username, COCODE.password]))
    const kinds = core.calls.map((call) => call[0])
    expect(kinds.lastIndexOf('setOutput')).toBeLessThan(kinds.indexOf('summary'))
    expect(core.summaries).toHaveLength(1)
    expect(core.summaries[0]).toContain('### ✅ cocode session created')
  })

  it('scrubs every form of the API key from the failure line and the failure summary', async () => {
    // An empty file goes through write-text-file, whose refusal v2.ts quotes from the body as is.
    cocalc.faults.next('projects/write-text-file', Answers.json({ status: 'no', echo: `key ${DEFAULT_API_KEY} header Basic ${BASIC}` }))
    await environment(cocalcInputs({ files: 'empty.txt' }))
    await run()
    expect(core.failures).toHaveLength(1)
    expect(core.failures[0]).toContain('without status')
    expect(core.failures[0]).toContain('key *** header ***')
    expect(core.everything()).not.toContain(DEFAULT_API_KEY)
    expect(core.everything()).not.toContain(BASIC)
    expect(core.summaries[0]).toContain('CoCalc publish failed')
  })

  it('reports a failed copy in the outputs and summary first, then fails the step naming the target', async () => {
    cocalc.faults.copyFails.set(TARGET, 'rsync: disk quota exceeded')
    await environment(cocalcInputs({ 'target-project-id': TARGET }))
    await run()
    expect(core.failures).toEqual([`1 of 1 copy did not complete: the copy to project ${TARGET} (course) failed: rsync: disk quota exceeded`])
    expect(core.outputs.status).toBe('uploaded')
    expect(JSON.parse(core.outputs.copies)).toEqual([expect.objectContaining({ project_id: TARGET, status: 'failed' })])
    const kinds = core.calls.map((call) => call[0])
    expect(kinds.indexOf('summary')).toBeLessThan(kinds.indexOf('setFailed'))
  })

  it('skips a pull request from a fork that has no secrets: a warning, status skipped, no failure', async () => {
    const repo = { full_name: 'octo-org/notebooks' }
    const fork = { full_name: 'stranger/notebooks' }
    await environment(
      cocalcInputs({ 'cocalc-api-key': '' }),
      {
        number: 3,
        pull_request: { number: 3, head: { sha: 'f'.repeat(40), ref: 'x', repo: fork }, base: { sha: '0'.repeat(40), ref: 'main', repo } }
      },
      'pull_request'
    )
    const before = cocalc.state.requestCount
    await run()
    expect(core.failures).toEqual([])
    expect(core.outputs).toMatchObject({ status: 'skipped', 'file-count': '0' })
    expect(core.warnings).toEqual([
      expect.stringContaining("Nothing published: GitHub passes no secrets to workflows run from forks, so 'cocalc-api-key' is empty")
    ])
    expect(cocalc.state.requestCount).toBe(before)
  })

  it('fails on a bad input with one line naming it, before any request and without a summary', async () => {
    await environment({ mode: 'dropbox' })
    await run()
    expect(core.failures).toEqual([expect.stringMatching(/^Input 'mode': 'dropbox' is not a mode/)])
    expect(core.summaries).toEqual([])
  })
})
