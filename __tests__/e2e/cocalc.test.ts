/**
 * The cocalc mode through the built action (dist/index.js, or ACTION_ENTRY), for both API
 * generations, against the loopback CoCalc emulator: what lands in the source and target
 * projects, byte for byte, what was asked of the server, and what the workflow sees.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import {
  API_KEY,
  copiesOutput,
  expectFolderHolds,
  failureLine,
  projectIds,
  runCocalc,
  sampleFiles,
  startEmulator,
  type Emulator
} from './cocalc-helpers.js'

let emulator: Emulator
beforeAll(async () => {
  emulator = await startEmulator()
})
afterAll(() => emulator.close())
afterEach(() => emulator.faults.clear())

describe.each(['v1', 'v2'] as const)('cocalc mode, API %s', (api) => {
  it('uploads text and binary files byte for byte, copies them to three targets in parallel and waits for each', async () => {
    const { source, t1, t2, t3 } = projectIds()
    const files = sampleFiles()
    // T1 holds an older layout: a stale file, and a notebook edited there later than the source.
    const future = Date.now() + 3600_000
    emulator.writeFile(t1, 'handout/stale.txt', 'left over')
    emulator.writeFile(t1, 'handout/notebooks/intro.ipynb', 'edited in the target', future)
    const before = emulator.state.requestCount
    const result = await runCocalc(emulator, files, {
      inputs: {
        'cocalc-api': api,
        'project-id': source,
        'target-project-id': `${t1}\n${t2}, ${t3}`,
        'target-path': 'handout',
        'overwrite-newer': 'true',
        'delete-missing': 'true',
        backup: 'true'
      }
    })
    expect(result.errors).toEqual([])
    expect(result.code).toBe(0)

    expectFolderHolds(emulator, source, 'course', files)
    expectFolderHolds(emulator, t2, 'handout', files)
    expectFolderHolds(emulator, t3, 'handout', files)
    // In T1 the options took effect: newer file overwritten (backed up), stale file deleted (backed up).
    for (const [name, content] of Object.entries(files)) expect(emulator.readFile(t1, `handout/${name}`)?.equals(content)).toBe(true)
    expect(emulator.readFile(t1, 'handout/stale.txt')).toBeUndefined()
    expect(emulator.readFile(t1, 'handout/stale.txt~')?.toString()).toBe('left over')
    expect(emulator.readFile(t1, 'handout/notebooks/intro.ipynb~')?.toString()).toBe('edited in the target')

    const requests = emulator.state.requests.slice(before)
    const copyRequests = requests.filter((r) => r.endpoint === (api === 'v2' ? 'projects/copy-path' : 'copy_path_between_projects'))
    expect(copyRequests.map((r) => r.body.target_project_id).sort()).toEqual([t1, t2, t3].sort())
    for (const request of copyRequests) {
      expect(request.body).toMatchObject({
        src_project_id: source,
        [api === 'v2' ? 'path' : 'src_path']: 'course',
        target_path: 'handout',
        overwrite_newer: true,
        delete_missing: true,
        backup: true,
        wait_until_done: false
      })
      expect(request.body).not.toHaveProperty('exclude')
    }
    const statusPolls = requests.filter((r) => r.endpoint === (api === 'v2' ? 'projects/copy-path-status' : 'copy_path_status'))
    expect(statusPolls.length).toBeGreaterThanOrEqual(3)
    if (api === 'v2') {
      // The six files travel as one archive (203 KiB), sent in 64 KiB chunks, strictly in order.
      const chunks = requests.filter((r) => r.endpoint === 'upload')
      expect(chunks.map((r) => [r.fields?.fullPath, r.fields?.dzchunkindex])).toEqual([0, 1, 2, 3].map((i) => ['archive', String(i)]))
      expect(requests.some((r) => r.endpoint === 'projects/start')).toBe(true)
    } else {
      expect(requests.some((r) => r.api === 'v2' || r.api === 'upload')).toBe(false)
    }

    expect(result.outputs.status).toBe('copied')
    expect(result.outputs['file-count']).toBe('6')
    expect(result.outputs['project-url']).toBe(`${emulator.url}/projects/${source}/files/course/`)
    expect(result.outputs['embed-url']).toBe(`${emulator.url}/projects/${t1}/files/handout/?fullscreen=kiosk`)
    const copies = copiesOutput(result)
    expect(copies.map((c) => [c.project_id, c.path, c.status])).toEqual([
      [t1, 'handout', 'copied'],
      [t2, 'handout', 'copied'],
      [t3, 'handout', 'copied']
    ])
    for (const copy of copies) {
      expect(copy.copy_id).toMatch(/^[0-9a-f-]{36}$/)
      expect(copy.url).toBe(`${emulator.url}/projects/${copy.project_id}/files/handout/`)
      expect(copy.embed_url).toBe(`${copy.url}?fullscreen=kiosk`)
    }
    expect(result.outputs['copy-id']).toBe(copies[0].copy_id)
    for (const id of [t1, t2, t3]) expect(result.summary).toContain(id)
    expect(result.stdout).toMatch(/::group::Upload[\s\S]*::group::Verify[\s\S]*::group::Copy[\s\S]*::group::Wait/)
  })

  it('keeps newer and extra target files with the default copy options', async () => {
    const { source, t1 } = projectIds()
    const future = Date.now() + 3600_000
    emulator.writeFile(t1, 'course/notebooks/intro.ipynb', 'edited in the target', future)
    emulator.writeFile(t1, 'course/extra.txt', 'student work')
    const files = { 'notebooks/intro.ipynb': Buffer.from('{"cells":[]}'), 'notebooks/b.md': Buffer.from('b') }
    const result = await runCocalc(emulator, files, { inputs: { 'cocalc-api': api, 'project-id': source, 'target-project-id': t1 } })
    expect(result.code).toBe(0)
    expect(emulator.readFile(t1, 'course/notebooks/intro.ipynb')?.toString()).toBe('edited in the target')
    expect(emulator.readFile(t1, 'course/extra.txt')?.toString()).toBe('student work')
    expect(emulator.readFile(t1, 'course/notebooks/b.md')?.toString()).toBe('b')
    const copy = emulator.state.requests.filter((r) => r.endpoint === (api === 'v2' ? 'projects/copy-path' : 'copy_path_between_projects')).at(-1)
    expect(copy?.body).toMatchObject({ target_path: 'course', overwrite_newer: false, delete_missing: false, backup: false })
  })

  it('uploads only what changed on a re-run, and an unchanged re-run takes at most 3 requests', async () => {
    const { source } = projectIds()
    const files: Record<string, Buffer> = sampleFiles()
    const inputs = { 'cocalc-api': api, 'project-id': source }
    const first = await runCocalc(emulator, files, { inputs })
    expect(first.code).toBe(0)
    expect(first.outputs.status).toBe('uploaded')

    let before = emulator.state.requestCount
    const unchanged = await runCocalc(emulator, files, { inputs })
    expect(unchanged.code).toBe(0)
    const requests = emulator.state.requests.slice(before)
    expect(requests.length).toBeLessThanOrEqual(3)
    expect(requests.some((r) => /upload|write/.test(r.endpoint))).toBe(false)
    expect(unchanged.stdout).toContain('6 file(s) are already identical in the project')
    expect(unchanged.outputs.status).toBe('uploaded')
    // file-count is the files sent: none, all six were already identical.
    expect(unchanged.outputs['file-count']).toBe('0')
    expect(unchanged.summary).toContain('6 (')
    expect(unchanged.summary).toContain('0 uploaded, 6 already up to date')

    files['notebooks/intro.ipynb'] = Buffer.from('{"cells": ["changed"]}')
    before = emulator.state.requestCount
    const changed = await runCocalc(emulator, files, { inputs })
    expect(changed.code).toBe(0)
    const writes = emulator.state.requests.slice(before).filter((r) => /upload|write/.test(r.endpoint))
    expect(writes).toHaveLength(1)
    expect(changed.outputs['file-count']).toBe('1')
    expectFolderHolds(emulator, source, 'course', files)
  })

  it('reports a failed copy naming the target and the reason, fails the step, and still reports every target', async () => {
    const { source, t1, t2, t3 } = projectIds()
    emulator.faults.copyFails.set(t2, 'rsync: write failed on "handout/data/image.png": Disk quota exceeded (122)')
    const result = await runCocalc(
      emulator,
      { 'notebooks/a.ipynb': '{}' },
      {
        inputs: { 'cocalc-api': api, 'project-id': source, 'target-project-id': `${t1},${t2},${t3}`, 'target-path': 'handout' }
      }
    )
    expect(result.code).toBe(1)
    expect(failureLine(result)).toContain(`the copy to project ${t2} (handout) failed: rsync: write failed`)
    expect(failureLine(result)).toContain('Disk quota exceeded')
    expect(result.outputs.status).toBe('uploaded')
    expect(copiesOutput(result).map((c) => [c.project_id, c.status])).toEqual([
      [t1, 'copied'],
      [t2, 'failed'],
      [t3, 'copied']
    ])
    expect(emulator.readFile(t1, 'handout/notebooks/a.ipynb')?.toString()).toBe('{}')
    expect(emulator.readFile(t2, 'handout/notebooks/a.ipynb')).toBeUndefined()
    expect(result.summary).toContain(t2)
  })

  it('times out on a copy that never finishes (timeout: 5: it bounds the whole step, upload included), failing the step after reporting', async () => {
    const { source, t1, t2 } = projectIds()
    emulator.faults.copyNeverFinishes.add(t2)
    const result = await runCocalc(
      emulator,
      { 'notebooks/a.ipynb': '{}' },
      {
        inputs: { 'cocalc-api': api, 'project-id': source, 'target-project-id': `${t1}\n${t2}`, timeout: '5' }
      }
    )
    expect(result.code).toBe(1)
    expect(failureLine(result)).toContain(`the copy to project ${t2} (course) did not finish within the 5 s timeout`)
    expect(copiesOutput(result).map((c) => c.status)).toEqual(['copied', 'timeout'])
    expect(copiesOutput(result)[1].copy_id).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('with wait: false, reports queued copies and does not poll', async () => {
    const { source, t1 } = projectIds()
    const before = emulator.state.requestCount
    const result = await runCocalc(
      emulator,
      { 'notebooks/a.ipynb': '{}' },
      {
        inputs: { 'cocalc-api': api, 'project-id': source, 'target-project-id': t1, wait: 'false' }
      }
    )
    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('queued')
    expect(copiesOutput(result)[0].status).toBe('queued')
    expect(result.outputs['copy-id']).toMatch(/^[0-9a-f-]{36}$/)
    expect(emulator.state.requests.slice(before).some((r) => /status/.test(r.endpoint))).toBe(false)
    expect(result.stdout).not.toContain('::group::Wait')
  })

  it('treats an old server that copies synchronously, without copy ids, as copied', async () => {
    const { source, t1 } = projectIds()
    emulator.faults.oldServer = true
    const result = await runCocalc(
      emulator,
      { 'notebooks/a.ipynb': '{}' },
      { inputs: { 'cocalc-api': api, 'project-id': source, 'target-project-id': t1 } }
    )
    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('copied')
    expect(result.outputs['copy-id']).toBe('')
    expect(copiesOutput(result)[0]).toMatchObject({ copy_id: '', status: 'copied' })
    expect(emulator.readFile(t1, 'course/notebooks/a.ipynb')?.toString()).toBe('{}')
  })

  it('fails with a clear message naming cocalc-api-key when the key is refused, without showing it', async () => {
    const { source } = projectIds()
    const wrongKey = 'sk-ThisKeyIsNotKnown-77aa88bb99cc'
    const result = await runCocalc(
      emulator,
      { 'notebooks/a.ipynb': '{}' },
      {
        inputs: { 'cocalc-api': api, 'project-id': source, 'cocalc-api-key': wrongKey },
        secrets: [wrongKey, Buffer.from(`${wrongKey}:`).toString('base64')]
      }
    )
    expect(result.code).toBe(1)
    expect(failureLine(result)).toMatch(/CoCalc refused the API key .*'cocalc-api-key'/)
    expect(result.errors).toHaveLength(1)
    expect(result.stderr).not.toMatch(/at .*\.js:\d+/)
    expect(emulator.listFiles(source)).toEqual([])
  })

  it('detects writes CoCalc acknowledged but lost, and repairs them with one more upload', async () => {
    const { source } = projectIds()
    const files = sampleFiles()
    emulator.faults.dropWrites = 2
    const result = await runCocalc(emulator, files, { inputs: { 'cocalc-api': api, 'project-id': source } })
    expect(result.code).toBe(0)
    expect(emulator.state.droppedWrites.length).toBeGreaterThan(0)
    expect(result.stdout).toMatch(/The archive did not arrive intact in the project \(.*\): sending it again/)
    // v2: both tries of the one-file archive are lost, so its files are sent one by one (and
    // repaired); v1: two of the first try's pieces are lost, and the second try arrives.
    if (api === 'v2') expect(result.stdout).toMatch(/did not arrive intact twice: sending the files one by one/)
    expectFolderHolds(emulator, source, 'course', files)
  })

  it('fails naming the file when a write is lost again after the second upload', async () => {
    const { source } = projectIds()
    emulator.faults.dropPaths.add('course/notebooks/with space & "quotes".md')
    // Per file: an archive's files are written by the project itself, where no write is dropped.
    const result = await runCocalc(emulator, sampleFiles(), {
      inputs: { 'cocalc-api': api, 'project-id': source },
      env: { PUBLISH_COCALC_ARCHIVES: 'off' }
    })
    expect(result.code).toBe(1)
    expect(failureLine(result)).toMatch(/1 file\(s\) still differ in the project after a second upload: notebooks\/with space & "quotes".md/)
    expect(emulator.readFile(source, 'course/notebooks/intro.ipynb')).toBeDefined()
  })

  it("with empty 'files', uploads nothing and copies the folder the project already holds", async () => {
    const { source, t1, t2 } = projectIds()
    const existing = { 'notebooks/intro.ipynb': Buffer.from('{"cells":[]}'), 'data/blob.bin': randomBytes(3000) }
    for (const [name, content] of Object.entries(existing)) emulator.writeFile(source, `course/${name}`, content)
    const before = emulator.state.requestCount
    const result = await runCocalc(
      emulator,
      { 'ignored.txt': 'not sent' },
      {
        inputs: { 'cocalc-api': api, 'project-id': source, 'target-project-id': `${t1},${t2}`, files: '' }
      }
    )
    expect(result.errors).toEqual([])
    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('copied')
    expect(result.outputs['file-count']).toBe('0')
    expect(copiesOutput(result).map((copy) => copy.status)).toEqual(['copied', 'copied'])
    expectFolderHolds(emulator, t1, 'course', existing)
    expectFolderHolds(emulator, t2, 'course', existing)
    expectFolderHolds(emulator, source, 'course', existing)
    const endpoints = emulator.state.requests.slice(before).map((r) => r.endpoint)
    expect(endpoints.filter((e) => /upload|write|exec/.test(e))).toEqual([])
    expect(result.summary).toContain('CoCalc folder copied to 2 projects')
  })

  it("refuses empty 'files' without 'target-project-id' before sending anything", async () => {
    const { source } = projectIds()
    const before = emulator.state.requestCount
    const result = await runCocalc(emulator, {}, { inputs: { 'cocalc-api': api, 'project-id': source, files: '' } })
    expect(result.code).toBe(1)
    expect(failureLine(result)).toMatch(/Input 'files': is empty and so is 'target-project-id': nothing to do/)
    expect(emulator.state.requestCount).toBe(before)
  })

  it('dry run: plans the requests, sets the outputs, sends nothing', async () => {
    const { source, t1 } = projectIds()
    const before = emulator.state.requestCount
    const result = await runCocalc(emulator, sampleFiles(), {
      inputs: { 'cocalc-api': api, 'project-id': source, 'target-project-id': t1, 'dry-run': 'true', exclude: api === 'v1' ? '*.log' : '' }
    })
    expect(result.code).toBe(0)
    expect(emulator.state.requestCount).toBe(before)
    expect(result.outputs.status).toBe('dry-run')
    expect(result.outputs['file-count']).toBe('6')
    expect(result.outputs['project-url']).toBe(`${emulator.url}/projects/${source}/files/course/`)
    const copyCall = api === 'v2' ? 'api/v2/projects/copy-path {' : 'api/v1/copy_path_between_projects {'
    expect(result.stdout).toContain(copyCall)
    expect(result.stdout).toContain("(Authorization: Basic, from 'cocalc-api-key')")
  })
})

describe('cocalc mode, API v2 only', () => {
  it('sends a file larger than 8 MiB in 8 MiB chunks, in order, reassembled byte for byte', async () => {
    const { source } = projectIds()
    const big = randomBytes(9 * 1024 * 1024 + 17)
    const before = emulator.state.requestCount
    const result = await runCocalc(
      emulator,
      { 'data/big.bin': big },
      { inputs: { 'project-id': source, files: 'data/**' }, env: { PUBLISH_COCALC_CHUNK_BYTES: undefined } }
    )
    expect(result.code).toBe(0)
    expect(emulator.readFile(source, 'course/data/big.bin')?.equals(big)).toBe(true)
    const chunks = emulator.state.requests.slice(before).filter((r) => r.endpoint === 'upload')
    expect(chunks.map((r) => [r.fields?.dzchunkindex, r.fields?.dztotalchunkcount, r.fileSize])).toEqual([
      ['0', '2', 8 * 1024 * 1024],
      ['1', '2', 1024 * 1024 + 17]
    ])
  })
})

describe('cocalc mode, API v1 only', () => {
  it('passes exclude patterns to the copy, which leaves excluded files out of the target', async () => {
    const { source, t1 } = projectIds()
    const files = { 'notebooks/a.ipynb': '{}', 'notebooks/.ipynb_checkpoints/a-checkpoint.ipynb': '{}', 'logs/run.log': 'log' }
    const result = await runCocalc(emulator, files, {
      inputs: {
        'cocalc-api': 'v1',
        'project-id': source,
        'target-project-id': t1,
        files: '**',
        'include-hidden-files': 'true',
        exclude: '*.log\n.ipynb_checkpoints/'
      }
    })
    expect(result.code).toBe(0)
    expect(emulator.requestsTo('copy_path_between_projects').at(-1)?.body.exclude).toEqual(['*.log', '.ipynb_checkpoints/'])
    expect(emulator.listFiles(source, 'course')).toHaveLength(3)
    expect(emulator.listFiles(t1, 'course')).toEqual(['course/notebooks/a.ipynb'])
  })

  it('excludes by rsync rules: a pattern with an inner slash also matches deeper, and the check does not wait for it', async () => {
    const { source, t1 } = projectIds()
    const files = { 'data/raw/a.csv': '1', 'week1/data/raw/b.csv': '2', 'week1/data/clean.csv': '3', 'raw/c.csv': '4' }
    const result = await runCocalc(emulator, files, {
      inputs: { 'cocalc-api': 'v1', 'project-id': source, 'target-project-id': t1, files: '**', exclude: 'data/raw', timeout: '30' }
    })
    expect(result.code).toBe(0)
    expect(copiesOutput(result).map((c) => [c.project_id, c.status])).toEqual([[t1, 'copied']])
    // rsync matches `data/raw` against the end of each path: week1/data/raw goes too, raw/ stays.
    expect(emulator.listFiles(t1, 'course')).toEqual(['course/raw/c.csv', 'course/week1/data/clean.csv'])
    expect(result.stdout).not.toMatch(/missing or different/)
  })

  it('refuses exclude with API v2 before sending anything', async () => {
    const { source } = projectIds()
    const before = emulator.state.requestCount
    const result = await runCocalc(
      emulator,
      { 'notebooks/a.ipynb': '{}' },
      { inputs: { 'cocalc-api': 'v2', 'project-id': source, exclude: '*.log' } }
    )
    expect(result.code).toBe(1)
    expect(failureLine(result)).toMatch(/Input 'exclude'.*API v1 only/)
    expect(emulator.state.requestCount).toBe(before)
  })
})

it.each(['v1', 'v2'])('sends the API key from the input on every request of a run (API %s)', async (api) => {
  const { source, t1 } = projectIds()
  const before = emulator.state.requestCount
  const result = await runCocalc(
    emulator,
    { 'a.md': 'a', 'b.bin': randomBytes(100) },
    {
      inputs: { 'cocalc-api': api, 'project-id': source, 'target-project-id': t1, files: '*' }
    }
  )
  expect(result.code).toBe(0)
  const requests = emulator.state.requests.slice(before)
  // Start (v2), hash, uploads, verify, copy, status: never fewer than five requests.
  expect(requests.length).toBeGreaterThanOrEqual(5)
  expect(requests.map((r) => r.key)).toEqual(requests.map(() => API_KEY))
})
