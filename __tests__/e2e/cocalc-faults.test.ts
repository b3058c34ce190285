/**
 * The cocalc mode through the built action against a misbehaving CoCalc: stopped projects,
 * gateways answering HTML, broken or wrong-shape answers, refused rights. Each run ends in a
 * clear outcome (recovered, or one error line naming what failed), never a false success, and
 * never shows a credential.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { Answers } from '../emulators/cocalc.js'
import {
  API_KEY,
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
    emulator.faults.uploadNotReady = 1
    const files = sampleFiles()
    const result = await runCocalc(emulator, files, { inputs: { 'project-id': source } })
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/the project may not be ready; starting it/)
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

  it('reports queued, with a warning, when the server has no copy-path-status and verify is off', async () => {
    const { source, t1 } = projectIds()
    emulator.faults.next('projects/copy-path-status', Answers.html(404))
    const result = await runCocalc(
      emulator,
      { 'notebooks/a.ipynb': '{}' },
      { inputs: { 'project-id': source, 'target-project-id': t1, verify: 'false' } }
    )
    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('queued')
    expect(result.warnings.join('\n')).toMatch(/cannot report copy status/)
  })

  it('with verify on, a server without copy-path-status is answered by the target: its files are hashed there', async () => {
    const { source, t1 } = projectIds()
    emulator.faults.next('projects/copy-path-status', Answers.html(404))
    const result = await runCocalc(emulator, { 'notebooks/a.ipynb': '{}' }, { inputs: { 'project-id': source, 'target-project-id': t1 } })
    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('copied')
    expect(emulator.requestsTo('exec').some((r) => r.body?.project_id === t1)).toBe(true)
    expect(emulator.readFile(t1, 'course/notebooks/a.ipynb')?.toString()).toBe('{}')
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

const V1_V2 = ['v1', 'v2'] as const
/** The endpoint names of each API generation, for faults that apply to both. */
const ENDPOINT = {
  v1: { exec: 'project_exec', write: 'write_text_file_to_project', copy: 'copy_path_between_projects', status: 'copy_path_status' },
  v2: { exec: 'exec', write: 'upload', copy: 'projects/copy-path', status: 'projects/copy-path-status' }
} as const
const html = (status: number, headers: Record<string, string> = {}) => ({
  ...Answers.html(status),
  headers: { 'content-type': 'text/html', ...headers }
})
const copiesTo = (target: string) => [...emulator.state.copies.values()].filter((copy) => copy.target === target)

describe.each(V1_V2)('cocalc mode, API %s: retries, timeouts and answers that cannot be trusted', (api) => {
  const calls = ENDPOINT[api]

  it('retries a 429 with Retry-After and a copy answered 503 (nothing was done), making exactly one copy', async () => {
    const { source, t1 } = projectIds()
    emulator.faults.next(calls.exec, html(429, { 'retry-after': '1' }))
    emulator.faults.next(calls.copy, html(503, { 'retry-after': '0' }))
    const result = await runCocalc(
      emulator,
      { 'a.txt': 'a' },
      { inputs: { 'cocalc-api': api, 'project-id': source, 'target-project-id': t1, files: 'a.txt' } }
    )
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(`CoCalc: POST /api/${api}/${calls.exec} answered HTTP 429; retrying in 1.0 s (attempt 2 of 5)`)
    expect(result.stdout).toContain(`CoCalc: POST /api/${api}/${calls.copy} answered HTTP 503; retrying in 0.0 s (attempt 2 of 5)`)
    expect(emulator.requestsTo(calls.copy).filter((r) => r.body?.target_project_id === t1)).toHaveLength(2)
    expect(copiesTo(t1)).toHaveLength(1)
    expect(result.outputs.status).toBe('copied')
    expect(emulator.readFile(t1, 'course/a.txt')?.toString()).toBe('a')
  })

  it('gives up after 5 attempts when the gateway keeps answering 503, with one clear line', async () => {
    const { source } = projectIds()
    emulator.faults.next(calls.exec, html(503, { 'retry-after': '0' }), 10)
    const result = await runCocalc(emulator, { 'a.txt': 'a' }, { inputs: { 'cocalc-api': api, 'project-id': source, files: 'a.txt' } })
    expect(result.code).toBe(1)
    expect(result.errors).toHaveLength(1)
    expect(failureLine(result)).toMatch(new RegExp(`^CoCalc answered ${calls.exec} with HTTP 503: 503 Service Temporarily Unavailable nginx`))
    expect(emulator.requestsTo(calls.exec).filter((r) => r.body?.project_id === source)).toHaveLength(5)
    expect(emulator.listFiles(source)).toEqual([])
    expect(result.outputs.status).toBeUndefined()
  })

  it('does not repeat a copy request whose connection broke (the copy may exist), and names the target', async () => {
    const { source, t1 } = projectIds()
    emulator.faults.next(calls.copy, 'drop')
    const result = await runCocalc(
      emulator,
      { 'a.txt': 'a' },
      { inputs: { 'cocalc-api': api, 'project-id': source, 'target-project-id': t1, files: 'a.txt' } }
    )
    expect(result.code).toBe(1)
    expect(failureLine(result)).toMatch(
      new RegExp(`the copy to project ${t1} \\(course\\) failed: CoCalc POST /api/${api}/${calls.copy} failed: the connection was closed`)
    )
    expect(emulator.requestsTo(calls.copy).filter((r) => r.body?.target_project_id === t1)).toHaveLength(1)
    expect(copiesOutput(result)[0].status).toBe('failed')
  })

  it('bounds the wait by timeout when a status poll is accepted but never answered', async () => {
    const { source, t1 } = projectIds()
    // One hanging poll: the HTTP layer's retry of it (after its own timeout) would outlive the deadline otherwise.
    emulator.faults.next(calls.status, 'hang', 1)
    const result = await runCocalc(
      emulator,
      { 'a.txt': 'a' },
      { inputs: { 'cocalc-api': api, 'project-id': source, 'target-project-id': t1, files: 'a.txt', timeout: '5' } }
    )
    expect(result.code).toBe(1)
    expect(failureLine(result)).toBe(`1 of 1 copy did not complete: the copy to project ${t1} (course) did not finish within the 5 s timeout`)
    expect(copiesOutput(result)[0].status).toBe('timeout')
    expect(result.outputs.status).toBe('uploaded')
  })

  it('never sends the key to another origin named by a redirect', async () => {
    const other = await startEmulator()
    try {
      const { source } = projectIds()
      emulator.faults.next(calls.exec, { status: 307, body: 'Moved', headers: { location: `${other.url}/api/${api}/${calls.exec}` } })
      const result = await runCocalc(emulator, { 'a.txt': 'a' }, { inputs: { 'cocalc-api': api, 'project-id': source, files: 'a.txt' } })
      expect(result.code).toBe(1)
      expect(failureLine(result)).toBe(
        `CoCalc redirected ${calls.exec} to ${other.url}; redirects are not followed so credentials only go to ${emulator.url}: set the URL input to the final address`
      )
      expect(other.state.requests).toEqual([])
      expect(emulator.listFiles(source)).toEqual([])
    } finally {
      await other.close()
    }
  })

  it('cuts off a huge answer after 8 MiB and does not ask again', async () => {
    const { source } = projectIds()
    emulator.faults.next(calls.exec, { status: 200, body: Buffer.alloc(9 * 1024 * 1024, 'x'), headers: { 'content-type': 'application/json' } })
    const result = await runCocalc(emulator, { 'a.txt': 'a' }, { inputs: { 'cocalc-api': api, 'project-id': source, files: 'a.txt' } })
    expect(result.code).toBe(1)
    expect(failureLine(result)).toBe(`CoCalc answered POST /api/${api}/${calls.exec} with HTTP 200 and more than 8 MiB; refusing to read further`)
    expect(emulator.requestsTo(calls.exec).filter((r) => r.body?.project_id === source)).toHaveLength(1)
  })

  it('scrubs the key, in every form, from what the server says back', async () => {
    const { source } = projectIds()
    const basic = `Basic ${Buffer.from(`${API_KEY}:`).toString('base64')}`
    emulator.faults.next(
      calls.exec,
      api === 'v2'
        ? Answers.v2Error(`bad header "${basic}" for key ${API_KEY}`)
        : { status: 400, body: { error: `bad header "${basic}" for key ${API_KEY}` } }
    )
    const result = await runCocalc(emulator, { 'a.txt': 'a' }, { inputs: { 'cocalc-api': api, 'project-id': source, files: 'a.txt' } })
    expect(result.code).toBe(1)
    expect(failureLine(result)).toContain('bad header "***" for key ***')
  })

  it("scrubs the key from a failed copy's error (it reaches the log, summary, outputs and comment)", async () => {
    const { source, t1 } = projectIds()
    emulator.faults.copyFails.set(t1, `rsync: permission denied for ${API_KEY}`)
    const result = await runCocalc(
      emulator,
      { 'a.txt': 'a' },
      { inputs: { 'cocalc-api': api, 'project-id': source, 'target-project-id': t1, files: 'a.txt' } }
    )
    expect(result.code).toBe(1)
    expect(failureLine(result)).toContain('failed: rsync: permission denied for ***')
    expect(copiesOutput(result)[0]).toMatchObject({ status: 'failed', error: 'rsync: permission denied for ***' })
  })

  it('names what arrived and what did not when uploads fail part-way', async () => {
    const { source } = projectIds()
    const files = { 'a.txt': 'first', 'b.txt': 'second', 'c.txt': 'third', 'd.txt': 'fourth' }
    emulator.faults.next(
      calls.write,
      api === 'v2' ? { status: 500, body: 'Upload failed: disk quota exceeded' } : Answers.v1Error('disk quota exceeded'),
      1,
      2
    )
    const result = await runCocalc(emulator, files, {
      inputs: { 'cocalc-api': api, 'project-id': source, files: '*.txt', concurrency: '1' },
      env: { PUBLISH_COCALC_ARCHIVES: 'off' }
    })
    expect(result.code).toBe(1)
    expect(failureLine(result)).toMatch(
      /disk quota exceeded \(2 of 4 file\(s\) were uploaded before this failure; the other 2 were not, or not completely\)$/
    )
    expect(failureLine(result)).toContain(api === 'v2' ? 'the upload of c.txt' : 'write_text_file_to_project')
    expectFolderHolds(emulator, source, 'course', { 'a.txt': 'first', 'b.txt': 'second' })
    expect(result.summary).toContain('2 of 4 file(s) were uploaded before this failure')
    expect(result.outputs.status).toBeUndefined()
  })
})

describe('cocalc mode: answers with missing fields or the wrong shape are never success', () => {
  it.each([
    ['v2', 'upload', Answers.json({}), /^CoCalc answered the upload of a\.txt without status 'ok': \{\}/],
    ['v2', 'exec', Answers.json({ type: 'blocking' }), /^CoCalc answered exec \(sha256 of the uploaded files\) without stdout and exit_code/],
    ['v2', 'projects/start', Answers.json([1, 2]), /^CoCalc answered projects\/start with JSON of an unexpected shape: \[1,2\]/],
    ['v2', 'exec', { status: 200, body: '<html><body>Sign in</body></html>', headers: { 'content-type': 'text/html' } }, /not JSON: Sign in$/],
    ['v1', 'project_exec', Answers.json({ event: 'project_exec_output', stdout: '' }), /^CoCalc answered project_exec without stdout and exit_code/],
    [
      'v1',
      'write_text_file_to_project',
      Answers.json({ event: 'pong' }),
      /^CoCalc answered write_text_file_to_project without event 'file_written_to_project'/
    ],
    ['v1', 'project_exec', Answers.truncatedJson(), /^CoCalc answered project_exec with HTTP 200 and a body that is not JSON/]
  ] as const)('API %s: %s answered %j', async (api, endpoint, answer, message) => {
    const { source } = projectIds()
    emulator.faults.next(endpoint, answer)
    const result = await runCocalc(emulator, { 'a.txt': 'a' }, { inputs: { 'cocalc-api': api, 'project-id': source, files: 'a.txt' } })
    expect(result.code).toBe(1)
    expect(result.errors).toHaveLength(1)
    expect(failureLine(result)).toMatch(message)
    expect(result.outputs.status).toBeUndefined()
    expect(result.stdout + result.stderr).not.toMatch(/^\s+at \S/m)
  })

  it.each([
    ['v2', 'projects/copy-path-status', Answers.json({}), /without started, finished or copy_error/],
    ['v1', 'copy_path_status', Answers.json({ event: 'copy_path_status_response' }), /without data about the copy/]
  ] as const)('API %s: a copy whose status answers %s %j is not counted as done', async (api, endpoint, answer, message) => {
    const { source, t1 } = projectIds()
    emulator.faults.next(endpoint, answer, 3)
    const result = await runCocalc(
      emulator,
      { 'a.txt': 'a' },
      { inputs: { 'cocalc-api': api, 'project-id': source, 'target-project-id': t1, files: 'a.txt' } }
    )
    expect(result.code).toBe(1)
    expect(failureLine(result)).toMatch(/its status could not be read 3 times in a row/)
    expect(failureLine(result)).toMatch(message)
    expect(copiesOutput(result)[0].status).toBe('failed')
    expect(result.outputs.status).toBe('uploaded')
  })
})

describe('cocalc mode: connection and inputs', () => {
  it('retries a refused connection a bounded number of times, then fails naming the server', async () => {
    const { source } = projectIds()
    const result = await runCocalc(
      emulator,
      { 'a.txt': 'a' },
      { inputs: { 'project-id': source, files: 'a.txt', 'cocalc-url': 'http://127.0.0.1:9' } }
    )
    expect(result.code).toBe(1)
    expect(result.stdout.match(/CoCalc: POST \/api\/v2\/projects\/start failed \(connection refused\); retrying/g)).toHaveLength(4)
    expect(failureLine(result)).toBe('CoCalc POST /api/v2/projects/start failed after 5 attempts: connection refused')
  })

  it.each([
    ['path', '../escape', "Input 'path': '../escape' contains '..': give a folder inside the project's home"],
    ['path', 'course/../../home', "Input 'path': 'course/../../home' contains '..': give a folder inside the project's home"],
    ['path', '/etc', "Input 'path': '/etc' is absolute: give a folder relative to the project's home"],
    ['path', '~/x', "Input 'path': '~/x' is absolute: give a folder relative to the project's home"],
    ['path', './~root', "Input 'path': './~root' starts with '~': give a folder relative to the project's home"],
    ['target-path', 'a/../..', "Input 'target-path': 'a/../..' contains '..': give a folder inside the project's home"]
  ])('refuses %s %j before any request', async (input, value, message) => {
    const { source, t1 } = projectIds()
    const before = emulator.state.requestCount
    const result = await runCocalc(
      emulator,
      { 'a.txt': 'a' },
      { inputs: { 'project-id': source, 'target-project-id': t1, files: 'a.txt', [input]: value } }
    )
    expect(result.code).toBe(1)
    expect(result.errors).toEqual([message])
    expect(emulator.state.requestCount).toBe(before)
  })

  it.each([
    ['credentials', (url: string) => url.replace('http://', 'http://admin:hunter2-pw@'), 'hunter2-pw'],
    ['a token in the query', (url: string) => `${url}/?access_token=tok-5e6f7a8b9c`, 'tok-5e6f7a8b9c']
  ])('refuses a cocalc-url carrying %s before any request, masking it', async (_kind, makeUrl, secret) => {
    const { source } = projectIds()
    const before = emulator.state.requestCount
    const result = await runCocalc(
      emulator,
      { 'a.txt': 'a' },
      { inputs: { 'project-id': source, files: 'a.txt', 'cocalc-url': makeUrl(emulator.url) }, secrets: [secret] }
    )
    expect(result.code).toBe(1)
    expect(result.errors).toHaveLength(1)
    expect(failureLine(result)).toMatch(/^Input 'cocalc-url': /)
    expect(result.stdout).toContain(`::add-mask::${secret}`)
    expect(emulator.state.requestCount).toBe(before)
  })
})
