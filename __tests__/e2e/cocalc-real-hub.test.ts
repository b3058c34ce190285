/**
 * The cocalc mode through the built action against an emulator that behaves like the real hub
 * (PROTOCOLS.md §2.2-2.3, CoCalc's source): chunk state keyed by file name, `500 "Upload failed."`
 * from a project that is not ready, files that become visible after the 200, the 60 s exec cap,
 * v1 copies run detached, Cloudflare's 52x pages, and a `timeout` that bounds the whole step.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { Answers } from '../emulators/cocalc.js'
import { copiesOutput, expectFolderHolds, failureLine, projectIds, runCocalc, sampleFiles, startEmulator, type Emulator } from './cocalc-helpers.js'

let emulator: Emulator
beforeAll(async () => {
  emulator = await startEmulator()
})
afterAll(() => emulator.close())
afterEach(() => emulator.faults.clear())

const forProject = (project: string) => (r: { body?: { project_id?: string }; url: string }) =>
  r.body?.project_id === project || r.url.includes(project)

describe('uploads against the real hub', () => {
  it('a chunked file restarted after a failed chunk arrives byte-exact, even with verify off', async () => {
    const { source } = projectIds()
    const big = randomBytes(300_000)
    // The second chunk is refused by the proxy: the hub's stream for that file name stays open.
    emulator.faults.next('upload', Answers.html(502), 1, 1)
    const result = await runCocalc(emulator, { 'data/big.bin': big }, { inputs: { 'project-id': source, files: 'data/**', verify: 'false' } })
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/Sending data\/big\.bin again from its first chunk/)
    expect(emulator.readFile(source, 'course/data/big.bin')?.equals(big)).toBe(true)
    // Nothing went into a stale stream (the emulator does what the hub does if it did).
    expect(emulator.state.uploadAnomalies).toEqual([])
  })

  it('succeeds after three "Upload failed." answers from a project that is not ready, starting it each time', async () => {
    const { source } = projectIds()
    emulator.faults.uploadNotReady = 3
    const files = { 'a.txt': 'alpha' }
    const result = await runCocalc(emulator, files, { inputs: { 'project-id': source, files: 'a.txt' } })
    expect(result.code).toBe(0)
    expect(result.stdout.match(/\(the upload of a\.txt: HTTP 500 Upload failed\.\): the project may not be ready; starting it/g)).toHaveLength(3)
    expect(emulator.requestsTo('projects/start').filter(forProject(source)).length).toBe(4)
    expectFolderHolds(emulator, source, 'course', files)
    expect(result.outputs.status).toBe('uploaded')
  })

  it('gives up on a project that never gets ready after a bounded number of attempts, naming the file', async () => {
    const { source } = projectIds()
    emulator.faults.uploadNotReady = 100
    const result = await runCocalc(emulator, { 'a.txt': 'alpha' }, { inputs: { 'project-id': source, files: 'a.txt' } })
    expect(result.code).toBe(1)
    expect(failureLine(result)).toMatch(/^the upload of a\.txt: HTTP 500 Upload failed\. \(0 of 1 file\(s\) were uploaded before this failure/)
    expect(emulator.requestsTo('upload').filter(forProject(source))).toHaveLength(6)
  })

  it('verifies files that become visible 0.5 s after the hub acknowledged them, without uploading them again', async () => {
    const { source } = projectIds()
    emulator.faults.visibilityDelayMs = 500
    const files = sampleFiles()
    const result = await runCocalc(emulator, files, { inputs: { 'project-id': source } })
    expect(result.code).toBe(0)
    expect(result.stdout).not.toMatch(/uploading them once more/)
    expectFolderHolds(emulator, source, 'course', files)
  })
})

describe('hashing within the 60 s exec cap', () => {
  it('splits a hash batch the hub cut off ({"error":"undefined"}) and one with partial output, and asks again', async () => {
    const { source } = projectIds()
    emulator.faults.next('exec', Answers.v2Error('undefined'))
    emulator.faults.next('exec', Answers.json({ type: 'blocking', stdout: 'missing:\n', stderr: '', exit_code: 0 }))
    const files = sampleFiles()
    const result = await runCocalc(emulator, files, { inputs: { 'project-id': source } })
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(
      /CoCalc stopped waiting for exec \(sha256 of the uploaded files\) \(its 60 s limit\): asking again in two batches of 3 and 3 file\(s\)/
    )
    expect(result.stdout).toMatch(/unusable output .*: asking again in two batches/)
    expectFolderHolds(emulator, source, 'course', files)
  })

  it('hashes with one sha256sum per batch, run by a real bash in the project', async () => {
    const { source } = projectIds()
    const files = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`n/f${i}.txt`, `file ${i}`]))
    const result = await runCocalc(emulator, files, { inputs: { 'project-id': source, files: 'n/**' } })
    expect(result.code).toBe(0)
    const execs = emulator.requestsTo('exec').filter(forProject(source))
    // One exec before the upload (a single batch of 40 paths); one that unpacks the archive of
    // the 40 files and hashes them where they landed, with the same single sha256sum.
    expect(execs.map((r) => r.body.args[2])).toEqual(['hash', 'unpack'])
    expect(execs[0].body.args.length - 3).toBe(40)
    for (const exec of execs) expect(exec.body.args[1]).toMatch(/sha256sum -- "\$\{files\[@\]\}"/)
  })
})

describe('copies proven inside the target', () => {
  it('API v1, detached copy that fails silently: never copied; the step fails when the target stays empty', async () => {
    const { source, t1 } = projectIds()
    emulator.faults.v1Detached = true
    emulator.faults.copyFails.set(t1, 'rsync: connection unexpectedly closed')
    const result = await runCocalc(
      emulator,
      { 'a.txt': 'alpha' },
      { inputs: { 'cocalc-api': 'v1', 'project-id': source, 'target-project-id': t1, files: 'a.txt', timeout: '8' } }
    )
    expect(result.code).toBe(1)
    expect(copiesOutput(result)[0]).toMatchObject({ copy_id: '', status: 'timeout' })
    expect(result.outputs.status).toBe('uploaded')
    expect(failureLine(result)).toMatch(
      new RegExp(
        `the copy to project ${t1} \\(course\\) did not finish within the 8 s timeout: the files did not all arrive in the target .*1 of 1 file\\(s\\) missing or different in the target: a\\.txt`
      )
    )
  })

  it('API v1, detached copy that succeeds 0.3 s later: copied, and in the target when the step ends', async () => {
    const { source, t1 } = projectIds()
    emulator.faults.v1Detached = true
    emulator.faults.copyDelayMs = 300
    const files = sampleFiles()
    const result = await runCocalc(emulator, files, { inputs: { 'cocalc-api': 'v1', 'project-id': source, 'target-project-id': t1 } })
    emulator.faults.copyDelayMs = 30
    expect(result.code).toBe(0)
    expect(copiesOutput(result)[0]).toMatchObject({ copy_id: '', status: 'copied' })
    expect(result.outputs.status).toBe('copied')
    expectFolderHolds(emulator, t1, 'course', files)
    expect(emulator.requestsTo('project_exec').some(forProject(t1))).toBe(true)
  })

  it('API v1, detached copy with verify off: unverified, never copied, with a warning', async () => {
    const { source, t1 } = projectIds()
    emulator.faults.v1Detached = true
    const result = await runCocalc(
      emulator,
      { 'a.txt': 'alpha' },
      { inputs: { 'cocalc-api': 'v1', 'project-id': source, 'target-project-id': t1, files: 'a.txt', verify: 'false' } }
    )
    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('unverified')
    expect(copiesOutput(result)[0]).toMatchObject({ copy_id: '', status: 'unverified' })
    expect(result.warnings.join('\n')).toMatch(/gave no copy id .*nothing shows the copy arrived/)
  })

  it('a copy whose status says finished but whose files are not in the target is failed', async () => {
    const { source, t1 } = projectIds()
    // The copy reports finished, but its file is gone from the target by the time anyone looks.
    emulator.faults.onRequest = (request) => {
      if (request.endpoint === 'projects/copy-path-status') emulator.project(t1).files.delete('course/a.txt')
    }
    const result = await runCocalc(emulator, { 'a.txt': 'alpha' }, { inputs: { 'project-id': source, 'target-project-id': t1, files: 'a.txt' } })
    expect(result.code).toBe(1)
    expect(copiesOutput(result)[0].status).toBe('failed')
    expect(failureLine(result)).toMatch(/failed: the copy finished, but 1 of 1 file\(s\) missing or different in the target: a\.txt/)
  })

  it('keeps target files newer than the source (overwrite-newer false) and still reports copied', async () => {
    const { source, t1 } = projectIds()
    emulator.writeFile(t1, 'course/a.txt', 'edited by a student', Date.now() + 3_600_000)
    const result = await runCocalc(
      emulator,
      { 'a.txt': 'alpha', 'b.txt': 'beta' },
      { inputs: { 'project-id': source, 'target-project-id': t1, files: '*.txt' } }
    )
    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('copied')
    expect(result.stdout).toMatch(/1 file\(s\) in project .* were kept as they were, being newer there \('overwrite-newer' is false\): a\.txt/)
    expect(emulator.readFile(t1, 'course/a.txt')?.toString()).toBe('edited by a student')
  })
})

describe('Cloudflare and timeout', () => {
  it("retries Cloudflare's 520 and 522 on idempotent calls, but not a 524 on a copy (it may have been made)", async () => {
    const { source, t1 } = projectIds()
    emulator.faults.next('projects/start', Answers.html(520))
    emulator.faults.next('exec', Answers.html(522))
    emulator.faults.next('projects/copy-path', Answers.html(524))
    const result = await runCocalc(emulator, { 'a.txt': 'alpha' }, { inputs: { 'project-id': source, 'target-project-id': t1, files: 'a.txt' } })
    expect(result.stdout).toMatch(/POST \/api\/v2\/projects\/start answered HTTP 520; retrying/)
    expect(result.stdout).toMatch(/POST \/api\/v2\/exec answered HTTP 522; retrying/)
    expect(result.code).toBe(1)
    expect(failureLine(result)).toMatch(/failed: CoCalc answered projects\/copy-path with HTTP 524: A timeout occurred Error code 524/)
    expect(emulator.requestsTo('projects/copy-path').filter((r) => r.body?.target_project_id === t1)).toHaveLength(1)
    expect(emulator.readFile(source, 'course/a.txt')?.toString()).toBe('alpha')
  })

  it('names the verify phase when the project stops answering execs after the upload', async () => {
    const { source } = projectIds()
    // The hash before the upload is answered; every exec after it hangs.
    emulator.faults.next('exec', 'hang', 100, 1)
    const result = await runCocalc(emulator, { 'a.txt': 'alpha' }, { inputs: { 'project-id': source, files: 'a.txt', timeout: '8' } })
    expect(result.code).toBe(1)
    expect(failureLine(result)).toMatch(
      /^The cocalc step did not finish within its 8 s 'timeout' \(phase: verify, verifying the files inside the project\)/
    )
    expect(emulator.readFile(source, 'course/a.txt')?.toString()).toBe('alpha')
  })

  it('reports a copy whose check inside the target outlives the timeout as timed out, not failed', async () => {
    const { source, t1 } = projectIds()
    // The hash before the upload and the verification are answered; the check inside the target hangs.
    emulator.faults.next('exec', 'hang', 100, 2)
    const result = await runCocalc(
      emulator,
      { 'a.txt': 'alpha' },
      { inputs: { 'project-id': source, 'target-project-id': t1, files: 'a.txt', timeout: '8' } }
    )
    expect(result.code).toBe(1)
    expect(failureLine(result)).toBe(`1 of 1 copy did not complete: the copy to project ${t1} (course) did not finish within the 8 s timeout`)
    expect(result.outputs.status).toBe('uploaded')
    expect(JSON.parse(result.outputs.copies ?? '[]')[0]).toMatchObject({ project_id: t1, status: 'timeout' })
  })

  it('ends a hanging upload at the timeout (15 s), naming the upload phase', async () => {
    const { source } = projectIds()
    emulator.faults.next('upload', 'hang', 100)
    const started = Date.now()
    const result = await runCocalc(emulator, { 'a.txt': 'alpha' }, { inputs: { 'project-id': source, files: 'a.txt', timeout: '15' } })
    expect(result.code).toBe(1)
    expect(failureLine(result)).toBe(
      "The cocalc step did not finish within its 15 s 'timeout' (phase: upload, uploading the files): raise 'timeout', or check that CoCalc and the project respond"
    )
    // A generous bound that only proves it did not hang (the upload's own limit is 5 minutes).
    expect(Date.now() - started).toBeLessThan(40_000)
  })
})
