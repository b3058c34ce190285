/**
 * The cocalc mode through the built action against a misbehaving CoCalc: stopped projects,
 * gateways answering HTML, broken or wrong-shape answers, refused rights. Each run ends in a
 * clear outcome (recovered, or one error line naming what failed), never a false success, and
 * never shows a credential.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { Answers } from '../emulators/cocalc.js'
import {
  LIMITED_KEY,
  copiesOutput,
  expectFolderHolds,
  failureLine,
  projectIds,
  runCocalc,
  sampleFiles,
  startEmulator,
  type Emulator
} from './cocalc-helpers.js'

const limited = projectIds()
let emulator: Emulator
beforeAll(async () => {
  emulator = await startEmulator([limited.source, limited.t1])
})
afterAll(() => emulator.close())
afterEach(() => emulator.faults.clear())

describe('cocalc mode against a misbehaving server', () => {
  it('starts a stopped project before uploading (API v2)', async () => {
    const { source } = projectIds()
    emulator.stopProject(source)
    const files = sampleFiles()
    const result = await runCocalc(emulator, files, { inputs: { 'project-id': source } })
    expect(result.code).toBe(0)
    expectFolderHolds(emulator, source, 'course', files)
    const endpoints = emulator.state.requests.filter((r) => r.body?.project_id === source || r.url.includes(source)).map((r) => r.endpoint)
    expect(endpoints[0]).toBe('projects/start')
  })

  it('starts the project again and retries when the upload service goes down mid-push (API v2)', async () => {
    const { source } = projectIds()
    emulator.faults.uploadServiceDown = 1
    const files = sampleFiles()
    const result = await runCocalc(emulator, files, { inputs: { 'project-id': source } })
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/upload service is not running in the project: starting it/)
    expect(emulator.requestsTo('projects/start').filter((r) => r.body.project_id === source).length).toBe(2)
    expectFolderHolds(emulator, source, 'course', files)
  })

  it('retries an idempotent call that a gateway answered with an HTML 502, and says so in one line', async () => {
    const { source } = projectIds()
    emulator.faults.next('exec', Answers.html(502))
    const files = sampleFiles()
    const result = await runCocalc(emulator, files, { inputs: { 'project-id': source } })
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/CoCalc: POST \/api\/v2\/exec answered HTTP 502; retrying/)
    expectFolderHolds(emulator, source, 'course', files)
  })

  it('does not repeat a copy a gateway answered with an HTML 504 (it may have happened), and reports a short excerpt', async () => {
    const { source, t1 } = projectIds()
    emulator.faults.next('projects/copy-path', Answers.html(504), 10)
    const result = await runCocalc(emulator, { 'notebooks/a.ipynb': '{}' }, { inputs: { 'project-id': source, 'target-project-id': t1 } })
    expect(result.code).toBe(1)
    expect(failureLine(result)).toMatch(/copy to project .* failed: CoCalc answered projects\/copy-path with HTTP 504: 504 Gateway Time-out/)
    expect(failureLine(result)).not.toMatch(/<|html/i)
    expect(failureLine(result).length).toBeLessThan(500)
    expect(emulator.requestsTo('projects/copy-path').filter((r) => r.body.target_project_id === t1)).toHaveLength(1)
  })

  it('fails a target whose copy answer has the wrong shape, still copying and reporting the others', async () => {
    const { source, t1, t2 } = projectIds()
    emulator.faults.next('projects/copy-path', Answers.json({ copy_id: { id: 1 } }))
    const result = await runCocalc(
      emulator,
      { 'notebooks/a.ipynb': '{}' },
      { inputs: { 'project-id': source, 'target-project-id': `${t1}\n${t2}`, concurrency: '1' } }
    )
    expect(result.code).toBe(1)
    expect(failureLine(result)).toContain(
      `the copy to project ${t1} (course) failed: CoCalc answered projects/copy-path with a copy_id that is not a string`
    )
    expect(copiesOutput(result).map((c) => c.status)).toEqual(['failed', 'copied'])
    expect(result.outputs.status).toBe('uploaded')
  })

  it('fails a copy whose status cannot be read three times in a row (truncated JSON), naming the reason', async () => {
    const { source, t1 } = projectIds()
    emulator.faults.copyNeverFinishes.add(t1)
    emulator.faults.next('projects/copy-path-status', Answers.truncatedJson(), 3)
    const result = await runCocalc(emulator, { 'notebooks/a.ipynb': '{}' }, { inputs: { 'project-id': source, 'target-project-id': t1 } })
    expect(result.code).toBe(1)
    expect(failureLine(result)).toMatch(/failed: its status could not be read 3 times in a row .*not JSON/)
    expect(copiesOutput(result)[0].status).toBe('failed')
  })

  it('reports queued, with a warning, when the server has no copy-path-status', async () => {
    const { source, t1 } = projectIds()
    emulator.faults.next('projects/copy-path-status', Answers.html(404))
    const result = await runCocalc(emulator, { 'notebooks/a.ipynb': '{}' }, { inputs: { 'project-id': source, 'target-project-id': t1 } })
    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('queued')
    expect(result.warnings.join('\n')).toMatch(/cannot report copy status/)
  })

  it('names the input to fix when the key may not use a target project', async () => {
    const { t2 } = projectIds()
    const result = await runCocalc(
      emulator,
      { 'notebooks/a.ipynb': '{}' },
      {
        inputs: { 'project-id': limited.source, 'target-project-id': `${limited.t1}\n${t2}`, 'cocalc-api-key': LIMITED_KEY },
        secrets: [LIMITED_KEY]
      }
    )
    expect(result.code).toBe(1)
    expect(failureLine(result)).toMatch(new RegExp(`copy to project ${t2} .*collaborator on target project.*'target-project-id'`))
    expect(copiesOutput(result).map((c) => c.status)).toEqual(['copied', 'failed'])
  })

  it('names the input to fix when the key may not use the source project', async () => {
    const { source } = projectIds()
    const result = await runCocalc(
      emulator,
      { 'notebooks/a.ipynb': '{}' },
      {
        inputs: { 'project-id': source, 'cocalc-api-key': LIMITED_KEY, 'cocalc-api': 'v1' },
        secrets: [LIMITED_KEY]
      }
    )
    expect(result.code).toBe(1)
    expect(failureLine(result)).toMatch(/CoCalc refused project_exec: user must be a collaborator on the project: .*'project-id'/)
  })

  it('never reports success when uploads are answered with an error envelope (API v1)', async () => {
    const { source } = projectIds()
    emulator.faults.next('write_text_file_to_project', Answers.v1Error('project is archived'), 100)
    const result = await runCocalc(emulator, { 'a.txt': 'a', 'b.txt': 'b' }, { inputs: { 'project-id': source, 'cocalc-api': 'v1', files: '*.txt' } })
    expect(result.code).toBe(1)
    expect(failureLine(result)).toMatch(
      /CoCalc refused write_text_file_to_project: project is archived \(0 of 2 file\(s\) were uploaded before this failure/
    )
    expect(result.outputs.status ?? '').not.toMatch(/uploaded|copied/)
  })
})
