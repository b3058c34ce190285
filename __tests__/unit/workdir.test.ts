import { afterAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, realpath } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { InputError } from '../../src/errors.js'
import { checkWorkingDirectory } from '../../src/workdir.js'
import { makeWorkspace, removeWorkspace } from '../helpers/action.js'

const created: string[] = []
afterAll(async () => {
  for (const folder of created) await removeWorkspace(folder)
})

async function workspace(): Promise<string> {
  const root = await makeWorkspace({
    'course/a.md': 'a',
    '.git/config': 'x',
    '.cache/b.md': 'b',
    slides: { link: '.git' },
    notes: { link: 'course' },
    etc: { link: '/etc' }
  })
  created.push(root)
  return root
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as Error).message
  }
  throw new Error('expected an InputError')
}

describe('checkWorkingDirectory', () => {
  it('accepts the workspace, a folder in it, and a link to a folder in it (returning the real path)', async () => {
    const ws = await workspace()
    const roots = { workspace: ws, runnerTemp: undefined }
    expect(await checkWorkingDirectory(ws, roots, false)).toBe(await realpath(ws))
    expect(await checkWorkingDirectory(path.join(ws, 'notes'), roots, false)).toBe(await realpath(path.join(ws, 'course')))
  })

  it('refuses .git (also through a link), outside folders and hidden folders, naming the input', async () => {
    const ws = await workspace()
    const roots = { workspace: ws, runnerTemp: undefined }
    expect(await refusal(checkWorkingDirectory(path.join(ws, 'slides'), roots, true))).toMatch(/^Input 'working-directory': .* is inside \.git\//)
    expect(await refusal(checkWorkingDirectory(path.join(ws, 'etc'), roots, false))).toMatch(/is outside the workspace and RUNNER_TEMP/)
    expect(await refusal(checkWorkingDirectory(path.dirname(ws), roots, false))).toMatch(/is outside the workspace/)
    expect(await refusal(checkWorkingDirectory(path.join(ws, '.cache'), roots, false))).toMatch(/hidden folder .*include-hidden-files/)
    expect(await refusal(checkWorkingDirectory(path.join(ws, 'missing'), roots, false))).toMatch(/cannot be read/)
  })

  it('accepts a hidden folder other than .git with include-hidden-files, and folders under RUNNER_TEMP', async () => {
    const ws = await workspace()
    const temp = await mkdtemp(path.join(os.tmpdir(), 'workdir-temp-'))
    created.push(temp)
    expect(await checkWorkingDirectory(path.join(ws, '.cache'), { workspace: ws, runnerTemp: undefined }, true)).toBe(
      await realpath(path.join(ws, '.cache'))
    )
    expect(await checkWorkingDirectory(temp, { workspace: ws, runnerTemp: temp }, false)).toBe(await realpath(temp))
  })
})
