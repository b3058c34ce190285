/**
 * The CoCalc emulator is as strict as the real hub (its source: see the emulator's header): these
 * tests send raw requests and show the hub's behaviours that a client must survive.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { randomUUID } from 'node:crypto'
import { multipartBody, multipartContentType } from '../../src/cocalc/multipart.js'
import { DEFAULT_API_KEY, htmlPage, startCocalcEmulator } from './cocalc.js'

let emulator: Awaited<ReturnType<typeof startCocalcEmulator>>
beforeAll(async () => {
  emulator = await startCocalcEmulator({ copyDelayMs: 10 })
})
afterEach(() => emulator.faults.clear())
afterAll(() => emulator.close())

const auth = { authorization: `Bearer ${DEFAULT_API_KEY}` }

/** One `/upload` request: chunk `index` of `count` of a file part named `formName`. */
async function chunk(project: string, formName: string, fullPath: string, index: number, count: number, content: string): Promise<[number, string]> {
  const boundary = `b-${randomUUID()}`
  const fields: [string, string][] = [
    ['dzuuid', randomUUID()],
    ['dzchunkindex', String(index)],
    ['dztotalchunkcount', String(count)],
    ['fullPath', fullPath]
  ]
  const body = Buffer.concat(multipartBody(boundary, fields, { field: 'file', filename: formName, content: Buffer.from(content) }))
  const response = await fetch(`${emulator.url}/upload?project_id=${project}&compute_server_id=0&path=up`, {
    method: 'POST',
    headers: { ...auth, 'content-type': multipartContentType(boundary) },
    body
  })
  return [response.status, await response.text()]
}

async function post(path: string, body: object): Promise<Record<string, unknown>> {
  const response = await fetch(`${emulator.url}${path}`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify(body)
  })
  return (await response.json()) as Record<string, unknown>
}

/** Waits (bounded) until `condition` holds. */
async function eventually(condition: () => boolean, ms = 3000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if (condition()) return true
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return condition()
}

describe('the emulated /upload (hub: src/packages/hub/servers/app/upload.ts)', () => {
  it('keys chunks by (path, file name), ignoring dzuuid: a restart under the same name writes into the stale stream and the file ends up empty', async () => {
    const project = randomUUID()
    expect(await chunk(project, 'same.bin', 'f.bin', 0, 2, 'AAAA')).toEqual([200, '{"status":"ok"}'])
    // Chunk 1 never reached the hub (a proxy refused it); the client starts over, same name.
    expect(await chunk(project, 'same.bin', 'f.bin', 0, 2, 'AAAA')).toEqual([200, '{"status":"ok"}'])
    expect(await chunk(project, 'same.bin', 'f.bin', 1, 2, 'BBBB')).toEqual([200, '{"status":"ok"}'])
    expect(emulator.readFile(project, 'up/f.bin')?.length).toBe(0)
    expect(emulator.state.uploadAnomalies.at(-1)).toMatch(/stale stream/)
  })

  it('a fresh name per attempt lands the file whole', async () => {
    const project = randomUUID()
    await chunk(project, 'try1.bin', 'g.bin', 0, 2, 'AAAA')
    await chunk(project, 'try2.bin', 'g.bin', 0, 2, 'AAAA')
    await chunk(project, 'try2.bin', 'g.bin', 1, 2, 'BBBB')
    expect(emulator.readFile(project, 'up/g.bin')?.toString()).toBe('AAAABBBB')
  })

  it('answers 500 "Upload failed." for a stopped project: on the only chunk, or on the chunk after chunk 0', async () => {
    const project = randomUUID()
    emulator.stopProject(project)
    expect(await chunk(project, 'one.bin', 'one.bin', 0, 1, 'x')).toEqual([500, 'Upload failed.'])
    expect(await chunk(project, 'two.bin', 'two.bin', 0, 2, 'x')).toEqual([200, '{"status":"ok"}'])
    expect(await chunk(project, 'two.bin', 'two.bin', 1, 2, 'y')).toEqual([500, 'Upload failed.'])
    expect(emulator.listFiles(project)).toEqual([])
  })

  it('answers 500 "upload failed" for a last chunk with no upload state (another hub process)', async () => {
    expect(await chunk(randomUUID(), 'lost.bin', 'lost.bin', 1, 2, 'y')).toEqual([500, 'upload failed'])
  })

  it('acknowledges before the file is visible (visibilityDelayMs)', async () => {
    const project = randomUUID()
    emulator.faults.visibilityDelayMs = 300
    expect((await chunk(project, 'late.txt', 'late.txt', 0, 1, 'late'))[0]).toBe(200)
    expect(emulator.readFile(project, 'up/late.txt')).toBeUndefined()
    expect(await eventually(() => emulator.readFile(project, 'up/late.txt')?.toString() === 'late')).toBe(true)
  })
})

describe('the emulated exec: real bash in a folder mirroring the project', () => {
  it('runs the command given, sees the project files, and what it writes becomes project files', async () => {
    const project = randomUUID()
    emulator.writeFile(project, 'in/a.txt', 'hello')
    const answer = await post('/api/v2/exec', {
      project_id: project,
      command: 'bash',
      args: ['-c', 'cat in/a.txt; mkdir -p out && printf "%s" "$1" > out/b.txt', 'name', 'written by bash'],
      err_on_exit: false
    })
    expect(answer).toMatchObject({ type: 'blocking', stdout: 'hello', exit_code: 0 })
    expect(emulator.readFile(project, 'out/b.txt')?.toString()).toBe('written by bash')
  })

  it('caps a blocking exec like the hub: {"error":"undefined"} (v2), {"event":"error","error":"timeout"} (v1)', async () => {
    emulator.faults.execCapMs = 100
    const project = randomUUID()
    expect(await post('/api/v2/exec', { project_id: project, command: 'sleep', args: ['1'] })).toEqual({ error: 'undefined' })
    expect(await post('/api/v1/project_exec', { project_id: project, command: 'sleep', args: ['1'] })).toMatchObject({
      event: 'error',
      error: 'timeout'
    })
  })

  it('reports a process killed at its timeout with exit code 0 and its partial output', async () => {
    const answer = await post('/api/v2/exec', { project_id: randomUUID(), command: 'bash', args: ['-c', 'echo partial; sleep 5'], timeout: 0.3 })
    expect(answer).toMatchObject({ stdout: 'partial\n', exit_code: 0 })
  })
})

describe('the emulated copies and proxies', () => {
  it('API v1 on a self-hosted server: copy_path_id "" at once, rsync detached, its failure dropped', async () => {
    emulator.faults.v1Detached = true
    const [source, target] = [randomUUID(), randomUUID()]
    emulator.writeFile(source, 'c/a.txt', 'a')
    emulator.faults.copyFails.set(target, 'rsync: failed')
    const answer = await post('/api/v1/copy_path_between_projects', { src_project_id: source, src_path: 'c', target_project_id: target })
    expect(answer).toMatchObject({ event: 'copy_path_between_projects_response', copy_path_id: '' })
    const job = [...emulator.state.copies.values()].find((copy) => copy.target === target)
    expect(await eventually(() => job?.finished !== null)).toBe(true)
    expect(job?.error).toBeNull()
    expect(emulator.listFiles(target)).toEqual([])
  })

  it("serves Cloudflare's 52x pages", () => {
    expect(htmlPage(522)).toMatch(/Connection timed out.*Error code 522/s)
    expect(htmlPage(524)).toMatch(/A timeout occurred/)
  })
})
