import { describe, expect, it } from '@jest/globals'
import { readInputs } from '../../src/inputs.js'
import { makeWorkspace, removeWorkspace, runAction } from '../helpers/action.js'

describe('smoke', () => {
  it('reads a cocode configuration', () => {
    const values: Record<string, string> = { mode: 'cocode', files: '*.md' }
    const inputs = readInputs({ read: (name) => values[name] ?? '', env: { GITHUB_WORKSPACE: '/tmp' } })
    expect(inputs.mode).toBe('cocode')
  })
  it('runs the built action in a dry run', async () => {
    const ws = await makeWorkspace({ 'a.txt': 'hello' })
    try {
      const result = await runAction({ workspace: ws, inputs: { mode: 'cocode', files: '*.txt', 'dry-run': 'true' } })
      expect(result.code).toBe(0)
      expect(result.outputs.status).toBe('dry-run')
    } finally {
      await removeWorkspace(ws)
    }
  })
})
