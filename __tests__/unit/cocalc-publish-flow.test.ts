/**
 * The cocalc mode's publish function in process (the loopback CoCalc emulator is the service),
 * and the incremental, verified upload phases through a fake client: what is sent, what is
 * reported, and that a dry run sends nothing and shows no credential.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { createHash, randomUUID } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import type { CocalcClient } from '../../src/cocalc/client.js'
import type { LocalFile } from '../../src/files.js'
import type { CocalcInputs } from '../../src/inputs.js'
import { mockCore } from '../helpers/core-mock.js'
import { DEFAULT_API_KEY, startCocalcEmulator } from '../emulators/cocalc.js'

const core = mockCore()
const { publishCocalc } = await import('../../src/cocalc/publish.js')
const { uploadChanged, verifyUploads } = await import('../../src/cocalc/upload.js')
const { readInputs } = await import('../../src/inputs.js')
const { collectFiles } = await import('../../src/files.js')
const { readRunContext } = await import('../../src/context.js')
const { DEFAULT_TUNING } = await import('../../src/tuning.js')

const BASIC = Buffer.from(`${DEFAULT_API_KEY}:`).toString('base64')
let emulator: Awaited<ReturnType<typeof startCocalcEmulator>>
let workspace: string

beforeAll(async () => {
  emulator = await startCocalcEmulator({ copyDelayMs: 5 })
  workspace = await mkdtemp(path.join(os.tmpdir(), 'publish-flow-'))
  await writeFile(path.join(workspace, 'a.md'), '# a\n')
  await writeFile(path.join(workspace, 'b.bin'), Buffer.from([0, 1, 2, 255]))
})
afterAll(async () => {
  await emulator.close()
  await rm(workspace, { recursive: true, force: true })
})
beforeEach(() => core.reset())

function inputs(extra: Record<string, string> = {}): CocalcInputs {
  const values: Record<string, string> = {
    mode: 'cocalc',
    files: 'a.md\nb.bin',
    'working-directory': workspace,
    'cocalc-url': emulator.url,
    'cocalc-api-key': DEFAULT_API_KEY,
    'project-id': randomUUID(),
    path: 'course',
    concurrency: '4',
    ...extra
  }
  const parsed = readInputs({ read: (name) => values[name] ?? '' })
  if (parsed.mode !== 'cocalc') throw new Error('not cocalc')
  return parsed
}

async function publish(settings: CocalcInputs): ReturnType<typeof publishCocalc> {
  const collection = settings.copyOnly
    ? { files: [], skipped: [] }
    : await collectFiles({ patterns: settings.patterns, baseDir: workspace, includeHiddenFiles: false, maxFileSize: 1024 ** 2 })
  return publishCocalc(settings, collection, readRunContext({}), DEFAULT_TUNING)
}

describe('publishCocalc', () => {
  it('uploads, verifies, copies and waits; a second run sends nothing and says so', async () => {
    const target = randomUUID()
    const settings = inputs({ 'target-project-id': target, 'target-path': 'handout' })
    const first = await publish(settings)
    expect(first).toMatchObject({ mode: 'cocalc', status: 'copied', uploadedCount: 2, files: [{ name: 'a.md' }, { name: 'b.bin' }] })
    expect(first.copies).toEqual([expect.objectContaining({ project_id: target, path: 'handout', status: 'copied' })])
    expect(emulator.readFile(settings.projectId, 'course/b.bin')).toEqual(Buffer.from([0, 1, 2, 255]))
    expect(emulator.readFile(target, 'handout/a.md')?.toString()).toBe('# a\n')

    const before = emulator.state.requestCount
    const second = await publish(settings)
    expect(second).toMatchObject({ status: 'copied', uploadedCount: 0 })
    expect(emulator.state.requests.slice(before).some((r) => r.endpoint === 'upload')).toBe(false)
    expect(core.everything()).not.toContain(DEFAULT_API_KEY)
  })

  it('plans without sending in a dry run, and neither the plan nor the log holds the key', async () => {
    const before = emulator.state.requestCount
    const result = await publish(inputs({ 'dry-run': 'true', 'target-project-id': randomUUID() }))
    expect(emulator.state.requestCount).toBe(before)
    expect(result.status).toBe('dry-run')
    expect(result.plannedRequests?.length).toBeGreaterThan(0)
    const text = JSON.stringify(result) + core.everything()
    for (const form of [DEFAULT_API_KEY, BASIC]) expect(text).not.toContain(form)
  })

  it('copies the existing folder without uploading when files is empty', async () => {
    const settings = inputs({ files: '', 'target-project-id': randomUUID() })
    emulator.writeFile(settings.projectId, 'course/old.md', 'already there')
    const before = emulator.state.requestCount
    const result = await publish(settings)
    expect(result).toMatchObject({ status: 'copied', copyOnly: true, files: [] })
    expect(result.uploadedCount).toBeUndefined()
    expect(emulator.state.requests.slice(before).some((r) => /upload|write|exec/.test(r.endpoint))).toBe(false)
    expect(emulator.readFile(settings.targetProjectIds[0], 'course/old.md')?.toString()).toBe('already there')
  })

  it('reports copies as queued with wait: false', async () => {
    const result = await publish(inputs({ 'target-project-id': randomUUID(), wait: 'false' }))
    expect(result.status).toBe('queued')
    expect(result.copies?.map((copy) => copy.status)).toEqual(['queued'])
  })
})

/** A project in memory: hashes what it stores; `lose` names paths whose next writes are lost. */
function fakeProject(options: { lose?: Map<string, number>; hashFails?: boolean } = {}) {
  const stored = new Map<string, { sha256: string; mtime: number }>()
  const uploads: string[] = []
  const client = {
    api: 'v2',
    hashBatchLimits: { maxArgumentBytes: 1024 * 1024, maxPaths: 100, maxContentBytes: 1024 ** 3 },
    async hashFiles(paths: readonly string[]) {
      if (options.hashFails) throw new (await import('../../src/errors.js')).ServiceError('exec failed: project stopped')
      return paths.map((p) => stored.get(p))
    },
    async uploadFile(remotePath: string, file: LocalFile) {
      uploads.push(remotePath)
      const lost = options.lose?.get(remotePath) ?? 0
      if (lost > 0) return void options.lose?.set(remotePath, lost - 1)
      stored.set(remotePath, { sha256: file.sha256, mtime: 1 })
    }
  }
  return { client: client as unknown as CocalcClient, stored, uploads }
}

function item(name: string) {
  const sha256 = createHash('sha256').update(name).digest('hex')
  return { file: { name, absolutePath: `/nowhere/${name}`, size: name.length, sha256, isText: true }, remotePath: `course/${name}` }
}

const quiet = { info: () => undefined, warning: (line: string) => core.warnings.push(line), debug: () => undefined }
/** Sync options without the real pauses before a mismatch is believed. */
const sync = (verify = true) => ({ concurrency: 2, verify, log: quiet, sleep: async () => undefined })

describe('uploadChanged and verifyUploads', () => {
  it('sends only what differs, then verifies what it sent', async () => {
    const project = fakeProject()
    const items = [item('a'), item('b'), item('c')]
    project.stored.set('course/b', { sha256: items[1].file.sha256, mtime: 1 })
    project.stored.set('course/c', { sha256: 'stale', mtime: 1 })
    const upload = await uploadChanged(project.client, items, sync())
    expect(upload.sent.map((i) => i.file.name)).toEqual(['a', 'c'])
    expect(project.uploads.sort()).toEqual(['course/a', 'course/c'])
    expect(await verifyUploads(project.client, upload.sent, sync())).toBe(0)
  })

  it('sends a lost write once more, and fails naming a file lost twice', async () => {
    const once = fakeProject({ lose: new Map([['course/a', 1]]) })
    const sent = (await uploadChanged(once.client, [item('a'), item('b')], sync())).sent
    expect(await verifyUploads(once.client, sent, sync())).toBe(1)
    expect(once.uploads.filter((p) => p === 'course/a')).toHaveLength(2)

    const twice = fakeProject({ lose: new Map([['course/b', 2]]) })
    const again = (await uploadChanged(twice.client, [item('a'), item('b')], sync())).sent
    await expect(verifyUploads(twice.client, again, sync())).rejects.toThrow(
      '1 file(s) still differ in the project after a second upload: b (CoCalc acknowledged the writes but did not store them; 1 of 2 uploaded file(s) were verified)'
    )
  })

  it('uploads everything with a warning when hashes cannot be read and verify is off; fails when verify is on', async () => {
    const off = fakeProject({ hashFails: true })
    const upload = await uploadChanged(off.client, [item('a'), item('b')], sync(false))
    expect(upload.sent).toHaveLength(2)
    expect(core.warnings).toEqual([expect.stringContaining('Could not ask the project which files are already there')])
    await expect(uploadChanged(fakeProject({ hashFails: true }).client, [item('a')], sync())).rejects.toThrow('exec failed')
  })
})
