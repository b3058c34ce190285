import { afterAll, describe, expect, it } from '@jest/globals'
import { mkdir, mkdtemp, realpath, symlink, writeFile } from 'node:fs/promises'
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
  const real = async (folder: string): Promise<string> => realpath(folder)

  it('accepts the workspace, a folder in it, and a link to a folder in it (returning the real paths)', async () => {
    const ws = await workspace()
    const roots = { workspace: ws, runnerTemp: undefined }
    expect(await checkWorkingDirectory(ws, roots)).toEqual({ workingDirectory: await real(ws), workspace: await real(ws) })
    expect(await checkWorkingDirectory(path.join(ws, 'notes'), roots)).toEqual({
      workingDirectory: await real(path.join(ws, 'course')),
      workspace: await real(ws)
    })
  })

  it('refuses .git (also through a link), outside folders and hidden folders, naming the input', async () => {
    const ws = await workspace()
    const roots = { workspace: ws, runnerTemp: undefined }
    expect(await refusal(checkWorkingDirectory(path.join(ws, 'slides'), roots))).toMatch(/^Input 'working-directory': .* is inside \.git\//)
    expect(await refusal(checkWorkingDirectory(path.join(ws, 'etc'), roots))).toMatch(/is a link out of the workspace/)
    expect(await refusal(checkWorkingDirectory(path.dirname(ws), roots))).toMatch(/is outside the workspace/)
    expect(await refusal(checkWorkingDirectory(path.join(ws, 'missing'), roots))).toMatch(/cannot be read/)
  })

  it('refuses a hidden folder of the workspace, whatever include-hidden-files says', async () => {
    const ws = await workspace()
    const roots = { workspace: ws, runnerTemp: undefined }
    expect(await refusal(checkWorkingDirectory(path.join(ws, '.cache'), roots))).toMatch(
      /hidden folder .*\(\.cache\).*whatever 'include-hidden-files' says/
    )
  })

  it('accepts RUNNER_TEMP only for a path given inside it, and never lets a link cross between the roots', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'workdir-roots-'))
    created.push(root)
    const ws = path.join(root, 'ws')
    const temp = path.join(root, '_temp')
    await mkdir(path.join(temp, 'built'), { recursive: true })
    await mkdir(path.join(ws, 'docs'), { recursive: true })
    await writeFile(path.join(temp, 'git-credentials-4f1c.config'), 'token')
    await symlink('../_temp', path.join(ws, 'deck'))
    await symlink('../ws/docs', path.join(temp, 'back'))
    const roots = { workspace: ws, runnerTemp: temp }
    expect(await checkWorkingDirectory(path.join(temp, 'built'), roots)).toEqual({
      workingDirectory: await real(path.join(temp, 'built')),
      workspace: await real(ws)
    })
    expect(await refusal(checkWorkingDirectory(path.join(ws, 'deck'), roots))).toMatch(
      /^Input 'working-directory': .*deck.* is a link out of the workspace/
    )
    expect(await refusal(checkWorkingDirectory(path.join(temp, 'back'), roots))).toMatch(/is a link out of RUNNER_TEMP/)
  })
})
