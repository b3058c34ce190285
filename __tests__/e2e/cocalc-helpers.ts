/**
 * Shared pieces of the cocalc end-to-end tests: one emulator per test file, a run helper that
 * checks every run for leaked credentials, and byte-exact comparisons of what landed in projects.
 */
import { expect } from '@jest/globals'
import { randomBytes, randomUUID } from 'node:crypto'
import { startCocalcEmulator } from '../emulators/cocalc.js'
import { makeWorkspace, removeWorkspace, runAction, type ActionResult, type ActionRun } from '../helpers/action.js'
import { expectNoSecrets } from '../helpers/secrets.js'

export const API_KEY = 'sk-e2eCocalcKey-4f9a1c77b2d0e3f5a6b7'
/** A second key, allowed only in the projects a test lists. */
export const LIMITED_KEY = 'sk-e2eLimitedKey-0c1d2e3f4a5b6c7d8e9f'
export const SECRETS = [API_KEY, `Basic ${Buffer.from(`${API_KEY}:`).toString('base64')}`, Buffer.from(`${API_KEY}:`).toString('base64')]

export type Emulator = Awaited<ReturnType<typeof startCocalcEmulator>>

export function startEmulator(limitedProjects: string[] = []): Promise<Emulator> {
  return startCocalcEmulator({ apiKeys: { [API_KEY]: '*', [LIMITED_KEY]: limitedProjects }, copyDelayMs: 30 })
}

/** Fresh project ids per test, so tests sharing an emulator never see each other's files. */
export function projectIds(): { source: string; t1: string; t2: string; t3: string } {
  return { source: randomUUID(), t1: randomUUID(), t2: randomUUID(), t3: randomUUID() }
}

/** A workspace with text (odd names, unicode, empty) and binary files; the binary spans chunks. */
export function sampleFiles(): Record<string, Buffer> {
  return {
    'notebooks/intro.ipynb': Buffer.from(
      JSON.stringify({ cells: [{ cell_type: 'markdown', source: ['# Intro "quoted" \\ back'] }], nbformat: 4 }, null, 1)
    ),
    'notebooks/with space & "quotes".md': Buffer.from('# Title\r\nline\twith tab\n'),
    'data/ünïcode-数据.csv': Buffer.from('a,b\n1,2\n'),
    'data/image.png': randomBytes(200_000),
    'data/empty.txt': Buffer.alloc(0),
    '-leading-dash.txt': Buffer.from('dash')
  }
}

export const FILES_INPUT = 'notebooks/**\ndata/**\n-leading-dash.txt'

export interface CocalcRun {
  inputs?: Record<string, string>
  env?: ActionRun['env']
  /** Extra secrets to look for. */
  secrets?: string[]
  eventName?: ActionRun['eventName']
  payload?: ActionRun['payload']
}

/** Runs the action in cocalc mode against `emulator` on a fresh workspace; checks no secret leaked. */
export async function runCocalc(emulator: Emulator, files: Record<string, Buffer | string>, run: CocalcRun = {}): Promise<ActionResult> {
  const workspace = await makeWorkspace(files)
  try {
    const result = await runAction({
      workspace,
      inputs: {
        mode: 'cocalc',
        files: FILES_INPUT,
        'cocalc-url': emulator.url,
        'cocalc-api-key': API_KEY,
        path: 'course',
        // The PR comment is another step's business (GITHUB_API_URL is a closed port here).
        comment: 'false',
        ...run.inputs
      },
      // Small chunks, so a 200 kB file goes through the multi-chunk path of /upload.
      env: { PUBLISH_COCALC_CHUNK_BYTES: String(64 * 1024), ...run.env },
      eventName: run.eventName,
      payload: run.payload,
      timeoutMs: 45_000
    })
    expectNoSecrets(result, [...SECRETS, ...(run.secrets ?? [])])
    return result
  } finally {
    await removeWorkspace(workspace)
  }
}

/** Every file landed under `folder` in `project`, byte for byte, and nothing else is there. */
export function expectFolderHolds(emulator: Emulator, project: string, folder: string, files: Record<string, Buffer | string>): void {
  const expected = Object.keys(files)
    .map((name) => `${folder}/${name}`)
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
  expect(emulator.listFiles(project, folder)).toEqual(expected)
  for (const [name, content] of Object.entries(files)) {
    const stored = emulator.readFile(project, `${folder}/${name}`)
    expect({ name, equal: stored !== undefined && stored.equals(Buffer.from(content)) }).toEqual({ name, equal: true })
  }
}

export function copiesOutput(result: ActionResult): Array<Record<string, string>> {
  return JSON.parse(result.outputs.copies ?? '[]') as Array<Record<string, string>>
}

/** The last `::error::` line (the step's failure message). */
export function failureLine(result: ActionResult): string {
  return result.errors.at(-1) ?? ''
}
