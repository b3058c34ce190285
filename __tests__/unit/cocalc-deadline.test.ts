import { describe, expect, it } from '@jest/globals'
import { StepDeadline, StepTimeout } from '../../src/cocalc/deadline.js'

describe('StepDeadline', () => {
  it('ends a phase that outlives the timeout at once, naming the phase, and aborts its signal', async () => {
    const deadline = new StepDeadline(0.2)
    try {
      await deadline.run('start', async () => 'fine')
      const error = await deadline.run('upload', () => new Promise<never>(() => undefined)).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(StepTimeout)
      expect((error as Error).message).toBe(
        "The cocalc step did not finish within its 0.2 s 'timeout' (phase: upload, uploading the files): raise 'timeout', or check that CoCalc and the project respond"
      )
      expect(deadline.signal.aborted).toBe(true)
      await expect(deadline.run('verify', async () => 'late')).rejects.toThrow(/phase: verify/)
    } finally {
      deadline.dispose()
    }
  })

  it('turns a failure caused by the abort into the timeout, and passes other failures through', async () => {
    const deadline = new StepDeadline(60)
    try {
      await expect(deadline.run('copy', async () => Promise.reject(new Error('refused')))).rejects.toThrow('refused')
      expect(deadline.phase).toBe('copy')
    } finally {
      deadline.dispose()
    }
  })

  it("names GitHub, not CoCalc, when the time ran out listing a PR's changed files", async () => {
    const deadline = new StepDeadline(0.05)
    try {
      const error = await deadline.run('changed files', () => new Promise<never>(() => undefined)).catch((e: unknown) => e)
      expect((error as Error).message).toBe(
        "The cocalc step did not finish within its 0.05 s 'timeout' (phase: changed files, listing the pull request's changed files on GitHub): raise 'timeout', or check that GitHub responds"
      )
    } finally {
      deadline.dispose()
    }
  })
})
