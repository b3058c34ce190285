import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import type { LocalFile } from '../../src/files.js'
import type { CopyOutcome, PublishResult } from '../../src/report/result.js'
import { chunkCount, readChunks } from '../../src/cocalc/chunks.js'
import { kioskUrl, projectFolderUrl, remotePathOf } from '../../src/cocalc/links.js'
import { planRequests } from '../../src/cocalc/plan.js'
import { Progress } from '../../src/cocalc/progress.js'
import { copyFailure, finishResult, overallStatus } from '../../src/cocalc/publish.js'
import { CHUNK_BYTES_ENV, DEFAULT_CHUNK_BYTES, chunkBytesFrom } from '../../src/tuning.js'
import { createCocalcClient } from '../../src/cocalc/client.js'
import { silentLogger } from '../../src/logger.js'
import { differing, listNames, type UploadItem } from '../../src/cocalc/upload.js'

const P = '0b2e6b5f-2c2f-4b86-9a7e-1f0f3c1f5a10'
const T1 = '7d1c0e9a-5b7e-4c3a-9f2d-2a6b8c4e1f00'
const T2 = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d'

function file(name: string, size = 10, isText = true): LocalFile {
  return { name, absolutePath: `/nowhere/${name}`, size, sha256: createHash('sha256').update(name).digest('hex'), isText }
}

describe('links', () => {
  it('builds folder URLs with encoded segments and a kiosk form', () => {
    expect(projectFolderUrl('https://cocalc.com/', P, 'course')).toBe(`https://cocalc.com/projects/${P}/files/course/`)
    expect(projectFolderUrl('https://host/sub', P, 'a b/#1?')).toBe(`https://host/sub/projects/${P}/files/a%20b/%231%3F/`)
    expect(kioskUrl('https://h/x/')).toBe('https://h/x/?fullscreen=kiosk')
    expect(kioskUrl('https://h/x/?a=1')).toBe('https://h/x/?a=1&fullscreen=kiosk')
    expect(remotePathOf('course', 'nb/a.ipynb')).toBe('course/nb/a.ipynb')
  })
})

describe('results', () => {
  const outcome = (status: CopyOutcome['status'], project_id = T1, error?: string): CopyOutcome => ({
    project_id,
    path: 'p',
    copy_id: '',
    url: '',
    embed_url: '',
    share_url: '',
    status,
    ...(error ? { error } : {})
  })

  it('is copied only when every copy is confirmed', () => {
    expect(overallStatus([])).toBe('uploaded')
    expect(overallStatus([outcome('copied'), outcome('copied')])).toBe('copied')
    expect(overallStatus([outcome('copied'), outcome('queued')])).toBe('queued')
    expect(overallStatus([outcome('copied'), outcome('failed')])).toBe('uploaded')
    expect(overallStatus([outcome('queued'), outcome('timeout')])).toBe('uploaded')
  })

  it('names every failed or timed-out target and why, in one line', () => {
    expect(copyFailure([outcome('copied')], 600)).toBeUndefined()
    const message = copyFailure([outcome('failed', T1, 'rsync: disk full'), outcome('copied', T2), outcome('timeout', T2)], 2)
    expect(message).toBe(
      `2 of 3 copies did not complete: the copy to project ${T1} (p) failed: rsync: disk full; the copy to project ${T2} (p) did not finish within the 2 s timeout (others: 1 copied)`
    )
    expect(message).not.toContain('\n')
  })

  it('fills one outcome per target in input order, with links, and queued for copies not waited for', () => {
    const base: PublishResult = { mode: 'cocalc', status: 'uploaded', files: [], skipped: [] }
    const result = finishResult(
      base,
      [
        { target: { projectId: T2, path: 'dst' }, copyId: 'c2', status: 'running' },
        { target: { projectId: T1, path: 'dst' }, copyId: '', status: 'copied' }
      ],
      { cocalcUrl: 'https://cc.example', timeoutSeconds: 60 }
    )
    expect(result.status).toBe('queued')
    expect(result.failure).toBeUndefined()
    expect(result.copies).toEqual([
      {
        project_id: T2,
        path: 'dst',
        copy_id: 'c2',
        url: `https://cc.example/projects/${T2}/files/dst/`,
        embed_url: `https://cc.example/projects/${T2}/files/dst/?fullscreen=kiosk`,
        share_url: '',
        status: 'queued'
      },
      {
        project_id: T1,
        path: 'dst',
        copy_id: '',
        url: `https://cc.example/projects/${T1}/files/dst/`,
        embed_url: `https://cc.example/projects/${T1}/files/dst/?fullscreen=kiosk`,
        share_url: '',
        status: 'copied'
      }
    ])
  })
})

describe('chunk size knob', () => {
  it('defaults to 8 MiB and accepts only sane values', () => {
    expect(chunkBytesFrom({})).toBe(DEFAULT_CHUNK_BYTES)
    expect(chunkBytesFrom({ [CHUNK_BYTES_ENV]: '4096' })).toBe(4096)
    expect(chunkBytesFrom({ [CHUNK_BYTES_ENV]: '12' })).toBe(DEFAULT_CHUNK_BYTES)
    expect(chunkBytesFrom({ [CHUNK_BYTES_ENV]: 'lots' })).toBe(DEFAULT_CHUNK_BYTES)
  })
})

describe('planRequests (dry run)', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'plan-'))
    await writeFile(path.join(dir, 'a.ipynb'), 'x'.repeat(100))
    await writeFile(path.join(dir, 'empty.txt'), '')
    // 90 KiB of quotes: under the v1 body limit as bytes, over it once JSON-escaped.
    await writeFile(path.join(dir, 'quotes.md'), '"'.repeat(90 * 1024))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))
  const real = (name: string, size: number): LocalFile => {
    const absolutePath = path.join(dir, name)
    return { ...file(name, size), absolutePath, sha256: createHash('sha256').update(readFileSync(absolutePath)).digest('hex') }
  }
  /** The plan from the client a real run would use (constructing one sends nothing). */
  async function plan(settings: Parameters<typeof planRequests>[1], items: UploadItem[], chunkBytes = 8 * 1024 * 1024): Promise<string> {
    const client = createCocalcClient(settings.api, {
      baseUrl: settings.cocalcUrl,
      apiKey: 'sk-unused',
      projectId: settings.projectId,
      concurrency: 2,
      chunkBytes,
      log: silentLogger
    })
    try {
      return (await planRequests(client, settings, items, chunkBytes)).join('\n')
    } finally {
      await client.close()
    }
  }
  const inputs: Parameters<typeof planRequests>[1] = {
    api: 'v2',
    copyOnly: false,
    cocalcUrl: 'https://cocalc.example',
    projectId: P,
    path: 'course',
    targetProjectIds: [T1, T2],
    targetPath: 'handout',
    overwriteNewer: true,
    deleteMissing: false,
    backup: true,
    exclude: [],
    wait: true,
    timeoutSeconds: 300,
    verify: true
  }
  const items = (): UploadItem[] => [
    { file: real('a.ipynb', 100), remotePath: 'course/a.ipynb' },
    { file: file('big.bin', 20 * 1024 * 1024, false), remotePath: 'course/big.bin' },
    { file: real('empty.txt', 0), remotePath: 'course/empty.txt' }
  ]

  it('lists every call of API v2, with copy bodies', async () => {
    const text = await plan(inputs, items())
    expect(text).toContain(`POST https://cocalc.example/api/v2/projects/start {"project_id":"${P}"}`)
    expect(text).toMatch(/api\/v2\/exec: sha256 of the 3 destination path/)
    // The two small files go as one archive, unpacked and hashed by one exec; the large one alone.
    expect(text).toMatch(/\/upload\?project_id=.*packed into 1 archive\(s\) \(at most 2 file\(s\), 100 B\), in at most 1 request\(s\)/)
    expect(text).toMatch(/api\/v2\/exec: unpack each archive into course\/ and hash every file where it lands/)
    expect(text).toMatch(/\/upload\?project_id=.*each other file that differs: at most 1 file\(s\), 20 MiB, in at most 3 request\(s\)/)
    expect(text).toContain(
      `POST https://cocalc.example/api/v2/projects/copy-path {"src_project_id":"${P}","path":"course","target_project_id":"${T2}","target_path":"handout","overwrite_newer":true,"delete_missing":false,"backup":true,"wait_until_done":false}`
    )
    expect(text).toMatch(/copy-path-status .*\(the whole step: at most 300 s\)/)
    expect(text).toMatch(/api\/v2\/exec in each target project: sha256 of the copied files/)
  })

  it('lists the v1 events, with exclude', async () => {
    const text = await plan({ ...inputs, api: 'v1', exclude: ['*.log'], wait: false, verify: false }, items())
    expect(text).toContain('/api/v1/project_exec')
    expect(text).toMatch(/write_text_file_to_project \+ project_exec: 1 binary or large file\(s\) as at most 427 base64 piece/)
    expect(text).toMatch(/the small files that differ packed into 1 archive\(s\) \(at most 2 file\(s\), 100 B\) as at most 1 base64 piece/)
    expect(text).toContain('"src_path":"course"')
    expect(text).toContain('"exclude":["*.log"]')
    expect(text).not.toContain('copy_path_status')
    expect(text).not.toContain('verify')
  })

  it('counts a text file as pieces when its JSON-escaped body is over the v1 limit, as the upload does', async () => {
    const text = await plan({ ...inputs, api: 'v1' }, [{ file: real('quotes.md', 90 * 1024), remotePath: 'course/quotes.md' }])
    expect(text).not.toMatch(/each (other )?text file that differs/)
    expect(text).toMatch(/1 binary or large file\(s\) as at most 2 base64 piece/)
  })

  it("plans only the copies when 'files' is empty", async () => {
    for (const api of ['v1', 'v2'] as const) {
      const text = await plan({ ...inputs, api, copyOnly: true }, [])
      expect(text).toContain("Nothing uploaded ('files' is empty): the existing course/ of project")
      expect(text).not.toMatch(/\/upload\?|\/exec|project_exec|write_text|write-text/)
      expect(text).toContain(api === 'v2' ? 'projects/copy-path {' : 'copy_path_between_projects {')
    }
  })
})

describe('Progress', () => {
  it('prints on each tenth (at most twice a second), every 2 s, and at the end', () => {
    let time = 0
    const lines: string[] = []
    const progress = new Progress(
      'Uploaded',
      100,
      1000,
      (line) => lines.push(line),
      () => time
    )
    for (let i = 0; i < 100; i++) {
      time += 100
      progress.add(1, 10)
    }
    expect(lines.length).toBeGreaterThanOrEqual(10)
    expect(lines.length).toBeLessThanOrEqual(21)
    expect(lines.at(-1)).toBe('Uploaded 100/100 file(s), 1000 B of 1000 B (100%)')
  })
  it('stays quiet on a fast small transfer but for the last line', () => {
    const lines: string[] = []
    const progress = new Progress(
      'Uploaded',
      3,
      30,
      (line) => lines.push(line),
      () => 0
    )
    for (let i = 0; i < 3; i++) progress.add(1, 10)
    expect(lines).toEqual(['Uploaded 3/3 file(s), 30 B of 30 B (100%)'])
  })
})

describe('differing and listNames', () => {
  it('keeps the files whose remote hash is not the local one', () => {
    const items = ['a', 'b', 'c'].map((name) => ({ file: file(name), remotePath: `p/${name}` }))
    const found = (sha256: string) => ({ sha256, mtime: 1 })
    expect(differing(items, [found(items[0].file.sha256), undefined, found('f'.repeat(64))]).map((i) => i.file.name)).toEqual(['b', 'c'])
  })
  it('lists a few names, then a count', () => {
    const items = Array.from({ length: 8 }, (_, i) => ({ file: file(`f${i}`), remotePath: '' }))
    expect(listNames(items)).toBe('f0, f1, f2, f3, f4 and 3 more')
  })
})

describe('readChunks', () => {
  it('reads a file in chunks and checks its hash before the last one', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'chunks-'))
    try {
      const content = Buffer.from('0123456789abcdefghij')
      const absolutePath = path.join(dir, 'f')
      await writeFile(absolutePath, content)
      const local: LocalFile = { name: 'f', absolutePath, size: 20, sha256: createHash('sha256').update(content).digest('hex'), isText: true }
      const chunks: Buffer[] = []
      for await (const chunk of readChunks(local, 8)) chunks.push(chunk.content)
      expect(chunks.map(String)).toEqual(['01234567', '89abcdef', 'ghij'])
      expect(chunkCount(20, 8)).toBe(3)
      expect(chunkCount(0, 8)).toBe(1)
      await writeFile(absolutePath, '0123456789abcdefghiJ')
      const seen: number[] = []
      await expect(
        (async () => {
          for await (const chunk of readChunks(local, 8)) seen.push(chunk.index)
        })()
      ).rejects.toThrow('f changed while the action ran')
      expect(seen).toEqual([0, 1])
      await writeFile(absolutePath, '0123456789abcdefghijKL')
      await expect(
        (async () => {
          for await (const chunk of readChunks(local, 100)) seen.push(chunk.index)
        })()
      ).rejects.toThrow('changed while the action ran')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
