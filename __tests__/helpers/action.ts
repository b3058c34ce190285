/**
 * Runs the built action (dist/index.js) the way the GitHub runner does (see run-action.js): a
 * child process on this Node (24 under `npm test`). Set ACTION_ENTRY to run another build (e.g.
 * a private one while developing).
 */
import { expect } from '@jest/globals'
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { runActionProcess, type ActionProcessResult } from './run-action.js'

export { parseOutputFile } from './run-action.js'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
export const actionEntry = process.env.ACTION_ENTRY ? path.resolve(process.env.ACTION_ENTRY) : path.join(repoRoot, 'dist', 'index.js')

export interface ActionRun {
  inputs: Record<string, string>
  /** Folder with the repository's files (GITHUB_WORKSPACE). */
  workspace: string
  /** Extra or overriding environment variables (undefined removes one). */
  env?: Record<string, string | undefined>
  eventName?: string
  payload?: Record<string, unknown>
  /** Kill the child after this long (every test run is bounded). */
  timeoutMs?: number
  /** A command that runs `node dist/index.js` (given as its last arguments), e.g. setpriv. */
  commandPrefix?: string[]
}

export type ActionResult = ActionProcessResult

export function runAction(run: ActionRun): Promise<ActionResult> {
  return runActionProcess({ ...run, entry: actionEntry })
}

/** A temporary workspace holding `files` (name → content; a `{ link }` entry is a symbolic link). */
export async function makeWorkspace(files: Record<string, string | Buffer | { link: string }>): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'action-ws-'))
  for (const [name, content] of Object.entries(files)) {
    const target = path.join(root, name)
    await mkdir(path.dirname(target), { recursive: true })
    if (typeof content === 'object' && !Buffer.isBuffer(content)) await symlink(content.link, target)
    else await writeFile(target, content)
  }
  return root
}

export async function removeWorkspace(root: string): Promise<void> {
  await rm(root, { recursive: true, force: true })
}

/** The step failed with exactly one error line matching `message`, and no stack trace anywhere. */
export function expectOneLineFailure(result: ActionResult, message: string | RegExp): void {
  expect(result.code).toBe(1)
  expect(result.errors).toHaveLength(1)
  if (typeof message === 'string') expect(result.errors[0]).toBe(message)
  else expect(result.errors[0]).toMatch(message)
  for (const text of [result.stdout, result.stderr]) {
    expect(text).not.toMatch(/^\s+at \S/m)
    expect(text).not.toMatch(/%0A\s+at /)
  }
}
