/**
 * The archive transfer end to end (the built dist/index.js against the emulator, whose exec runs
 * the real bash and tar): many files in one upload and one exec, only what changed travels, and
 * an archive that is lost or damaged on the way is caught and sent again.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { type Emulator, expectFolderHolds, projectIds, runCocalc, startEmulator } from './cocalc-helpers.js'

let emulator: Emulator
beforeAll(async () => {
  emulator = await startEmulator()
})
afterAll(() => emulator.close())
afterEach(() => emulator.faults.clear())

/** `count` small text files in 20 folders, each different. */
function manyFiles(count: number): Record<string, string> {
  const files: Record<string, string> = {}
  for (let i = 0; i < count; i++)
    files[`week-${String(i % 20).padStart(2, '0')}/cell-${String(i).padStart(4, '0')}.py`] = `x = ${i}\n${'# line\n'.repeat(i % 50)}`
  return files
}

const requestsSince = (start: number) => emulator.state.requests.slice(start)

describe.each(['v2', 'v1'] as const)('cocalc mode, API %s: archive transfer', (api) => {
  const exec = api === 'v2' ? 'exec' : 'project_exec'

  it('sends 1,000 files in a handful of requests, then only the one file that changed', async () => {
    const { source } = projectIds()
    const files = manyFiles(1000)
    const inputs = { 'cocalc-api': api, 'project-id': source, files: '**' }
    let start = emulator.state.requests.length
    const first = await runCocalc(emulator, files, { inputs })
    expect(first.errors).toEqual([])
    expect(first.code).toBe(0)
    expect(first.outputs['file-count']).toBe('1000')
    expectFolderHolds(emulator, source, 'course', files)
    const firstRequests = requestsSince(start)
    // v2: start, hash, the archive in one upload, unpack. v1: hash, base64 pieces, unpack.
    if (api === 'v2') expect(firstRequests.length).toBeLessThanOrEqual(10)
    expect(firstRequests.filter((r) => r.endpoint === exec)).toHaveLength(2)
    expect(first.stdout).toMatch(/Verified: all 1000 file\(s\) of the archive are byte-identical where they were unpacked/)

    const changed = { ...files, 'week-07/cell-0007.py': 'x = "changed"\n' }
    start = emulator.state.requests.length
    const second = await runCocalc(emulator, changed, { inputs })
    expect(second.code).toBe(0)
    expect(second.stdout).toMatch(/999 file\(s\) are already identical in the project and are not sent again/)
    const writes = requestsSince(start).filter((r) => r.endpoint === 'upload' || r.endpoint.startsWith('write_text_file'))
    expect(writes).toHaveLength(1)
    if (api === 'v2') expect(writes[0].fileSize).toBe(Buffer.byteLength(changed['week-07/cell-0007.py']))
    else expect(writes[0].body.content).toBe(changed['week-07/cell-0007.py'])
    expectFolderHolds(emulator, source, 'course', changed)
  })

  it('catches an archive damaged on the way (its SHA-256 differs) and sends it again', async () => {
    const { source } = projectIds()
    const files = manyFiles(30)
    let damaged = 0
    emulator.faults.onRequest = (request) => {
      // The unpack program's arguments: ... WORK ARCHIVE PIECES ...: damage what was staged, once.
      const args: unknown = request.body?.args
      if (request.endpoint !== exec || !Array.isArray(args) || args[2] !== 'unpack' || damaged > 0) return
      damaged++
      const pieces = String(args[6])
      const path = pieces === '' ? String(args[5]) : `${pieces}/000000.b64`
      const bytes = emulator.readFile(source, path) as Buffer
      const copy = Buffer.from(bytes)
      copy[Math.floor(copy.length / 2)] ^= pieces === '' ? 0xff : 0x01
      emulator.writeFile(source, path, copy)
    }
    const result = await runCocalc(emulator, files, { inputs: { 'cocalc-api': api, 'project-id': source, files: '**' } })
    expect(damaged).toBe(1)
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/The archive did not arrive intact in the project \(.*(SHA-256|base64|bytes).*\): sending it again/)
    expectFolderHolds(emulator, source, 'course', files)
  })

  it('catches an archive that never arrives (a dropped write) and sends it again', async () => {
    const { source } = projectIds()
    const files = manyFiles(30)
    emulator.faults.dropWrites = 1
    const result = await runCocalc(emulator, files, { inputs: { 'cocalc-api': api, 'project-id': source, files: '**' } })
    expect(result.code).toBe(0)
    expect(emulator.state.droppedWrites.length).toBeGreaterThan(0)
    expect(result.stdout).toMatch(/The archive did not arrive intact in the project \(.*\): sending it again/)
    expectFolderHolds(emulator, source, 'course', files)
  })
})
