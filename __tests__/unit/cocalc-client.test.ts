/**
 * Both CoCalc clients against the loopback emulator, in process: what arrives, byte for byte, and
 * how every kind of refusal or broken answer becomes a clear error (never a success).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import type { LocalFile } from '../../src/files.js'
import type { CocalcClient, CocalcClientOptions } from '../../src/cocalc/client.js'
import { basicAuthorization } from '../../src/cocalc/connection.js'
import { CocalcV1Client } from '../../src/cocalc/v1.js'
import { CocalcV2Client } from '../../src/cocalc/v2.js'
import { Answers, DEFAULT_API_KEY, sha256, startCocalcEmulator } from '../emulators/cocalc.js'

const PROJECT = '0b2e6b5f-2c2f-4b86-9a7e-1f0f3c1f5a10'
const TARGET = '7d1c0e9a-5b7e-4c3a-9f2d-2a6b8c4e1f00'
/** A copy of folder c to TARGET with every option off. */
const PLAIN_COPY = { targetProjectId: TARGET, path: 'c', targetPath: 'c', overwriteNewer: false, deleteMissing: false, backup: false, exclude: [] }

let emulator: Awaited<ReturnType<typeof startCocalcEmulator>>
let scratch: string
const clients: CocalcClient[] = []
const logs: string[] = []

beforeAll(async () => {
  emulator = await startCocalcEmulator({ copyDelayMs: 5 })
  scratch = await mkdtemp(path.join(os.tmpdir(), 'cocalc-client-'))
})
afterEach(async () => {
  emulator.faults.clear()
  while (clients.length > 0) await clients.pop()?.close()
  logs.length = 0
})
afterAll(async () => {
  await emulator.close()
  await rm(scratch, { recursive: true, force: true })
})

function options(extra: Partial<CocalcClientOptions> = {}): CocalcClientOptions {
  return {
    baseUrl: emulator.url,
    apiKey: DEFAULT_API_KEY,
    projectId: PROJECT,
    concurrency: 4,
    chunkBytes: 8 * 1024 * 1024,
    log: { info: (line) => logs.push(line), warning: (line) => logs.push(`warning: ${line}`), debug: () => undefined },
    http: { backoffMs: 1, maxRetries: 2 },
    sleep: async () => undefined,
    ...extra
  }
}

function v2(extra: Partial<CocalcClientOptions> = {}): CocalcV2Client {
  const client = new CocalcV2Client(options(extra))
  clients.push(client)
  return client
}

function v1(extra: Partial<CocalcClientOptions> = {}): CocalcV1Client {
  const client = new CocalcV1Client(options(extra))
  clients.push(client)
  return client
}

let fileCounter = 0
async function localFile(name: string, content: Buffer | string, isText = typeof content === 'string'): Promise<LocalFile> {
  const bytes = Buffer.from(content)
  const absolutePath = path.join(scratch, `f${fileCounter++}`)
  await writeFile(absolutePath, bytes)
  return { name, absolutePath, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), isText }
}

describe('API v2 client', () => {
  it('uploads a file in one multipart request with the Basic key header, byte for byte', async () => {
    const content = randomBytes(5000)
    const before = emulator.state.requestCount
    await v2().uploadFile('course/data/raw.bin', await localFile('data/raw.bin', content, false))
    expect(emulator.readFile(PROJECT, 'course/data/raw.bin')?.equals(content)).toBe(true)
    const uploads = emulator.state.requests.slice(before)
    expect(uploads).toHaveLength(1)
    expect(uploads[0].key).toBe(DEFAULT_API_KEY)
    expect(uploads[0].body.query).toEqual({ project_id: PROJECT, compute_server_id: '0', path: 'course/data' })
    expect(uploads[0].fields).toMatchObject({ dzchunkindex: '0', dztotalchunkcount: '1', fullPath: 'raw.bin' })
  })

  it('sends a large file in ordered chunks of one upload and reassembles it exactly', async () => {
    const content = randomBytes(10_000)
    const before = emulator.state.requestCount
    await v2({ chunkBytes: 1024 }).uploadFile('c/big "one".bin', await localFile('big "one".bin', content, false))
    expect(emulator.readFile(PROJECT, 'c/big "one".bin')?.equals(content)).toBe(true)
    const chunks = emulator.state.requests.slice(before)
    expect(chunks.map((r) => r.fields?.dzchunkindex)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
    expect(new Set(chunks.map((r) => r.fields?.dzuuid)).size).toBe(1)
    expect(chunks.every((r) => r.fields?.dztotalchunkcount === '10')).toBe(true)
  })

  it('never repeats a lone chunk: after a 502 or a dropped connection mid-file, the file starts over from chunk 0', async () => {
    const content = randomBytes(6000)
    emulator.faults.next('upload', Answers.html(502), 1, 3)
    emulator.faults.next('upload', 'drop', 1, 2)
    const before = emulator.state.requestCount
    await v2({ chunkBytes: 1024 }).uploadFile('c/restart.bin', await localFile('restart.bin', content, false))
    expect(emulator.readFile(PROJECT, 'c/restart.bin')?.equals(content)).toBe(true)
    const indexes = emulator.state.requests
      .slice(before)
      .map((r) => (r.status === 0 ? 'dropped' : r.status === 200 ? r.fields?.dzchunkindex : String(r.status)))
    expect(indexes).toEqual(['0', '1', '2', '502', '0', '1', 'dropped', '0', '1', '2', '3', '4', '5'])
    expect(logs.filter((line) => line.includes('again from its first chunk'))).toHaveLength(2)
    // Every attempt under a multipart file name of its own: the hub keys chunk state by that name.
    const names = emulator.state.requests.slice(before).map((r) => r.fileName)
    expect(new Set(names.filter(Boolean)).size).toBe(3)
    expect(emulator.state.uploadAnomalies).toEqual([])
  })

  it('retries a whole-file upload a gateway answered 504 under a new multipart name (the hub may hold the old one open)', async () => {
    const content = randomBytes(2000)
    emulator.faults.next('upload', Answers.html(504))
    const before = emulator.state.requestCount
    await v2().uploadFile('c/once.bin', await localFile('once.bin', content, false))
    expect(emulator.readFile(PROJECT, 'c/once.bin')?.equals(content)).toBe(true)
    const names = emulator.state.requests.slice(before).map((r) => r.fileName)
    expect(names).toHaveLength(2)
    expect(names.every((name) => /^[0-9a-f-]{36}\.upload$/.test(name ?? ''))).toBe(true)
    expect(new Set(names).size).toBe(2)
  })

  it("sends each file under a fresh multipart name (the real name in fullPath), so a restart never lands in an unfinished upload's stream", async () => {
    const content = randomBytes(3000)
    const before = emulator.state.requestCount
    await v2({ chunkBytes: 1024 }).uploadFile('c/fresh.bin', await localFile('fresh.bin', content, false))
    await v2({ chunkBytes: 1024 }).uploadFile('c/fresh.bin', await localFile('fresh.bin', content, false))
    const requests = emulator.state.requests.slice(before)
    expect(requests.every((r) => r.fields?.fullPath === 'fresh.bin' && /^[0-9a-f-]{36}\.upload$/.test(r.fileName ?? ''))).toBe(true)
    expect(new Set(requests.map((r) => r.fileName)).size).toBe(2)
  })

  it('starts a chunked file over at most twice: a third passing failure fails the upload', async () => {
    const content = randomBytes(3000)
    // Chunk 1 fails with a 502 in each of three attempts; only two fresh starts are allowed.
    for (let i = 0; i < 3; i++) emulator.faults.next('upload', Answers.html(502), 1, 1)
    const before = emulator.state.requestCount
    await expect(v2({ chunkBytes: 1024 }).uploadFile('c/thrice.bin', await localFile('thrice.bin', content, false))).rejects.toThrow(/502/)
    const indexes = emulator.state.requests.slice(before).map((r) => (r.status === 200 ? r.fields?.dzchunkindex : String(r.status)))
    expect(indexes).toEqual(['0', '502', '0', '502', '0', '502'])
    expect(logs.filter((line) => line.includes('again from its first chunk'))).toHaveLength(2)
  })

  it('writes an empty file as text (the upload endpoint refuses empty files)', async () => {
    await v2().uploadFile('c/empty.txt', await localFile('empty.txt', ''))
    expect(emulator.readFile(PROJECT, 'c/empty.txt')?.length).toBe(0)
    expect(emulator.requestsTo('projects/write-text-file').at(-1)?.body).toEqual({ project_id: PROJECT, path: 'c/empty.txt', content: '' })
  })

  it('hashes paths inside the project with one exec', async () => {
    emulator.writeFile(PROJECT, 'h/a.txt', 'a')
    const before = emulator.state.requestCount
    const hashes = await v2().hashFiles(['h/a.txt', 'h/missing.txt'])
    expect(hashes.map((entry) => entry?.sha256)).toEqual([sha256('a'), undefined])
    expect(emulator.state.requestCount - before).toBe(1)
    expect(emulator.requestsTo('exec').at(-1)?.body).toMatchObject({ project_id: PROJECT, command: 'bash', err_on_exit: false })
  })

  it('starts the project and sends the file again when the hub answers 500 "Upload failed." (project not ready)', async () => {
    emulator.stopProject(PROJECT)
    emulator.faults.uploadNotReady = 1
    const content = randomBytes(100)
    await v2().uploadFile('c/after-start.bin', await localFile('after-start.bin', content, false))
    expect(emulator.readFile(PROJECT, 'c/after-start.bin')?.equals(content)).toBe(true)
    expect(logs.join('\n')).toMatch(/Upload failed\.\): the project may not be ready; starting it/)
    expect(emulator.requestsTo('projects/start').length).toBeGreaterThan(0)
  })

  it('also knows the older hubs\' "upload service not running" answer', async () => {
    emulator.faults.next('upload', { status: 500, body: 'Upload failed: upload service not running.' })
    const content = randomBytes(100)
    await v2().uploadFile('c/older.bin', await localFile('older.bin', content, false))
    expect(emulator.readFile(PROJECT, 'c/older.bin')?.equals(content)).toBe(true)
  })

  it('falls back to smaller chunks when a proxy answers 413 to the first chunk', async () => {
    emulator.faults.next('upload', Answers.html(413))
    const content = randomBytes(600 * 1024)
    await v2({ chunkBytes: 2 * 1024 * 1024 }).uploadFile('c/proxy.bin', await localFile('proxy.bin', content, false))
    expect(emulator.readFile(PROJECT, 'c/proxy.bin')?.equals(content)).toBe(true)
    expect(logs.join('\n')).toMatch(/413.*chunks of 262144 bytes/)
  })

  it('refuses to complete a file that changed since it was collected', async () => {
    const file = await localFile('changing.bin', randomBytes(3000), false)
    await writeFile(file.absolutePath, randomBytes(3000))
    await expect(v2({ chunkBytes: 1024 }).uploadFile('c/changing.bin', file)).rejects.toThrow(/changed while the action ran/)
    expect(emulator.readFile(PROJECT, 'c/changing.bin')).toBeUndefined()
  })

  it('turns a refused key into advice naming cocalc-api-key, without the key', async () => {
    const key = 'sk-wrongwrongwrong123'
    const error = v2({ apiKey: key }).startProject()
    await expect(error).rejects.toThrow(/refused the API key .*must be signed in.*'cocalc-api-key'/)
    await expect(v2({ apiKey: key }).uploadFile('x/y.bin', await localFile('y.bin', 'y', false))).rejects.toThrow(/'cocalc-api-key'/)
    const message = await v2({ apiKey: key })
      .hashFiles(['a'])
      .catch((e: Error) => e.message)
    expect(message).not.toContain(key)
    expect(message).not.toContain(basicAuthorization(key).slice(6))
  })

  it('treats error envelopes, HTML pages, truncated and wrong-shape JSON as errors', async () => {
    const client = v2()
    emulator.faults.next('exec', Answers.v2Error('project is being deleted'))
    await expect(client.hashFiles(['a'])).rejects.toThrow('CoCalc refused exec: project is being deleted')
    emulator.faults.next('exec', Answers.html(502), 3)
    await expect(client.hashFiles(['a'])).rejects.toThrow(/HTTP 502: 502 Bad Gateway/)
    emulator.faults.next('projects/start', Answers.html(504), 3)
    const gateway = await client.startProject().then(
      () => 'resolved',
      (e: Error) => e.message
    )
    expect(gateway).toMatch(/HTTP 504: 504 Gateway Time-out/)
    expect(gateway.length).toBeLessThan(400)
    emulator.faults.next('exec', Answers.truncatedJson())
    await expect(client.hashFiles(['a'])).rejects.toThrow(/not JSON/)
    emulator.faults.next('exec', Answers.json(['ok']))
    await expect(client.hashFiles(['a'])).rejects.toThrow(/unexpected shape/)
    emulator.faults.next('exec', Answers.json({ type: 'blocking' }))
    await expect(client.hashFiles(['a'])).rejects.toThrow(/without stdout and exit_code/)
    emulator.faults.next('exec', Answers.json({ stdout: '', stderr: '', exit_code: 0 }))
    await expect(client.hashFiles(['a'])).rejects.toThrow(/unusable output \(the first line is not the list of missing files/)
    emulator.faults.next('exec', Answers.v2Error('undefined'))
    await expect(client.hashFiles(['a'])).rejects.toThrow(/stopped waiting for exec .*60 s limit/)
    emulator.faults.next('projects/write-text-file', Answers.json({}))
    await expect(client.uploadFile('c/lost.txt', await localFile('lost.txt', ''))).rejects.toThrow(/without status 'ok'/)
    emulator.faults.next('upload', Answers.json({ files: {} }))
    await expect(client.uploadFile('c/lost.bin', await localFile('lost.bin', 'x', false))).rejects.toThrow(/without status 'ok'/)
    emulator.faults.next('upload', Answers.html(413))
    emulator.faults.next('projects/copy-path', Answers.json({ copy_id: 42 }))
    await expect(client.copyPath(PLAIN_COPY)).rejects.toThrow(/not a string/)
    emulator.faults.next('projects/copy-path-status', Answers.json({}))
    await expect(client.copyStatus('3f1a2b3c-0000-4000-8000-000000000000')).rejects.toThrow(/without started, finished or copy_error/)
  })

  it('does not repeat a copy request after a 502 (it may have been done)', async () => {
    emulator.faults.next('projects/copy-path', Answers.html(502), 5)
    const before = emulator.requestsTo('projects/copy-path').length
    await expect(
      v2().copyPath({ targetProjectId: TARGET, path: 'c', targetPath: 'c', overwriteNewer: false, deleteMissing: false, backup: false, exclude: [] })
    ).rejects.toThrow(/502/)
    expect(emulator.requestsTo('projects/copy-path').length - before).toBe(1)
  })

  it('retries a status poll answered 503 or 429 only within the time the poll was given', async () => {
    emulator.writeFile(PROJECT, 'polled/a.txt', 'A')
    const copy = {
      targetProjectId: TARGET,
      path: 'polled',
      targetPath: 'polled',
      overwriteNewer: false,
      deleteMissing: false,
      backup: false,
      exclude: []
    }
    const busy = { status: 429, body: 'slow down', headers: { 'retry-after': '5' } }
    for (const [client, endpoint] of [
      [v2(), 'projects/copy-path-status'],
      [v1(), 'copy_path_status']
    ] as const) {
      const id = await client.copyPath(copy)
      emulator.faults.next(endpoint, Answers.html(503), 1)
      const before = emulator.requestsTo(endpoint).length
      expect(['running', 'finished']).toContain((await client.copyStatus(id, 10_000)).state)
      expect(emulator.requestsTo(endpoint).length - before).toBe(2)
      // A pause of 5 s does not fit in 1 s: one request, and the poll fails (the wait loop polls again).
      emulator.faults.next(endpoint, busy, 5)
      const beforeBusy = emulator.requestsTo(endpoint).length
      await expect(client.copyStatus(id, 1000)).rejects.toThrow(/429/)
      expect(emulator.requestsTo(endpoint).length - beforeBusy).toBe(1)
      emulator.faults.clear()
    }
    expect(logs.filter((line) => /no time left to retry/.test(line))).toHaveLength(2)
  })

  it('copies with wait_until_done false, polls status; an old server copies synchronously without status', async () => {
    emulator.writeFile(PROJECT, 'src/a.txt', 'A')
    const client = v2()
    const request = { targetProjectId: TARGET, path: 'src', targetPath: 'dst', overwriteNewer: true, deleteMissing: true, backup: true, exclude: [] }
    const id = await client.copyPath(request)
    expect(id).toMatch(/^[0-9a-f-]{36}$/)
    expect(emulator.requestsTo('projects/copy-path').at(-1)?.body).toEqual({
      src_project_id: PROJECT,
      path: 'src',
      target_project_id: TARGET,
      target_path: 'dst',
      overwrite_newer: true,
      delete_missing: true,
      backup: true,
      wait_until_done: false
    })
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(await client.copyStatus(id)).toEqual({ state: 'finished' })
    expect(emulator.readFile(TARGET, 'dst/a.txt')?.toString()).toBe('A')
    emulator.faults.oldServer = true
    expect(await client.copyPath(request)).toBe('')
    expect(await client.copyStatus(id)).toEqual({ state: 'unsupported' })
  })
})

describe('API v1 client', () => {
  it('writes small text with write_text_file_to_project, byte for byte', async () => {
    const text = 'línea 1\r\n\t"quoted" \\ back\u0001\n'
    await v1().uploadFile('v1/a.txt', await localFile('a.txt', text))
    expect(emulator.readFile(PROJECT, 'v1/a.txt')?.toString('utf8')).toBe(text)
    expect(emulator.requestsTo('write_text_file_to_project').at(-1)?.body).toEqual({ project_id: PROJECT, path: 'v1/a.txt', content: text })
  })

  it('sends binary and large text as base64 pieces decoded in the project, under the body limit', async () => {
    const binary = randomBytes(150_000)
    const bigText = 'x'.repeat(120_000)
    const quoted = '"'.repeat(60_000) // small file, but its JSON body would exceed the limit
    const client = v1()
    await client.uploadFile('v1/bin.dat', await localFile('bin.dat', binary, false))
    await client.uploadFile('v1/big.txt', await localFile('big.txt', bigText))
    await client.uploadFile('v1/quotes.txt', await localFile('quotes.txt', quoted))
    expect(emulator.readFile(PROJECT, 'v1/bin.dat')?.equals(binary)).toBe(true)
    expect(emulator.readFile(PROJECT, 'v1/big.txt')?.toString()).toBe(bigText)
    expect(emulator.readFile(PROJECT, 'v1/quotes.txt')?.toString()).toBe(quoted)
    expect(emulator.listFiles(PROJECT, '.cache/publish-to-collaborative-editors')).toEqual([])
    expect(emulator.state.requests.every((r) => r.api !== 'v1' || r.status !== 413)).toBe(true)
  })

  it('writes the pieces again when the decode finds one missing (a write CoCalc acknowledged but lost)', async () => {
    emulator.faults.dropWrites = 1
    const binary = randomBytes(100_000)
    await v1().uploadFile('v1/retry.bin', await localFile('retry.bin', binary, false))
    expect(emulator.readFile(PROJECT, 'v1/retry.bin')?.equals(binary)).toBe(true)
    expect(logs.join('\n')).toMatch(/did not arrive in the project.*writing them again/)
  })

  it('hashes with project_exec', async () => {
    emulator.writeFile(PROJECT, 'v1/h.txt', 'h')
    expect((await v1().hashFiles(['v1/h.txt', 'nope'])).map((entry) => entry?.sha256)).toEqual([sha256('h'), undefined])
  })

  it('turns 400 and {"event":"error"} answers into clear errors', async () => {
    await expect(v1({ apiKey: 'sk-not-a-key-at-all' }).hashFiles(['a'])).rejects.toThrow(/refused the API key .*No account found.*'cocalc-api-key'/)
    emulator.faults.next('project_exec', Answers.v1Error('project not running and could not start'))
    await expect(v1().hashFiles(['a'])).rejects.toThrow('CoCalc refused project_exec: project not running and could not start')
    emulator.faults.next('write_text_file_to_project', Answers.json({ event: 'pong' }))
    await expect(v1().uploadFile('v1/x.txt', await localFile('x.txt', 'x'))).rejects.toThrow(/without event 'file_written_to_project'/)
    emulator.faults.next('project_exec', Answers.html(413))
    await expect(v1().hashFiles(['a'])).rejects.toThrow(/HTTP 413: 413 Request Entity Too Large.*\(the request was larger/)
  })

  it('passes copy options and exclude, and reads copy_path_status', async () => {
    emulator.writeFile(PROJECT, 'v1src/keep.txt', 'k')
    emulator.writeFile(PROJECT, 'v1src/skip.log', 'l')
    const client = v1()
    const id = await client.copyPath({
      targetProjectId: TARGET,
      path: 'v1src',
      targetPath: 'v1dst',
      overwriteNewer: false,
      deleteMissing: true,
      backup: false,
      exclude: ['*.log']
    })
    expect(emulator.requestsTo('copy_path_between_projects').at(-1)?.body).toEqual({
      src_project_id: PROJECT,
      src_path: 'v1src',
      target_project_id: TARGET,
      target_path: 'v1dst',
      overwrite_newer: false,
      delete_missing: true,
      backup: false,
      wait_until_done: false,
      exclude: ['*.log']
    })
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(await client.copyStatus(id)).toEqual({ state: 'finished' })
    expect(emulator.listFiles(TARGET, 'v1dst')).toEqual(['v1dst/keep.txt'])
    emulator.faults.copyFails.set(TARGET, 'rsync: No space left on device')
    const failing = await client.copyPath({
      targetProjectId: TARGET,
      path: 'v1src',
      targetPath: 'v1dst',
      overwriteNewer: false,
      deleteMissing: false,
      backup: false,
      exclude: []
    })
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(await client.copyStatus(failing)).toEqual({ state: 'failed', error: 'rsync: No space left on device' })
    emulator.faults.copyFails.clear()
    emulator.faults.oldServer = true
    expect(
      await client.copyPath({
        targetProjectId: TARGET,
        path: 'v1src',
        targetPath: 'v1dst',
        overwriteNewer: false,
        deleteMissing: false,
        backup: false,
        exclude: []
      })
    ).toBe('')
  })
})

describe.each(['v1', 'v2'] as const)('API %s client: copy errors', (api) => {
  it('scrubs every form of the key from the reason a failed copy gives', async () => {
    const basic = basicAuthorization(DEFAULT_API_KEY)
    emulator.faults.copyFails.set(TARGET, `rsync: refused ${DEFAULT_API_KEY} (${basic}, ${basic.slice('Basic '.length)})`)
    const client = api === 'v1' ? v1() : v2()
    const id = await client.copyPath(PLAIN_COPY)
    let state = await client.copyStatus(id)
    for (let i = 0; i < 100 && state.state === 'running'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10))
      state = await client.copyStatus(id)
    }
    expect(state).toEqual({ state: 'failed', error: 'rsync: refused *** (***, ***)' })
    expect(client.requestCount).toBeGreaterThanOrEqual(2)
  })
})
