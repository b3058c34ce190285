import { describe, expect, it } from '@jest/globals'
import { createLimiter, mapLimit, sleep } from '../../src/concurrency.js'

/** Resolves on the next turn of the event loop, so lanes interleave. */
const tick = () => new Promise((resolve) => setImmediate(resolve))

describe('mapLimit', () => {
  it('keeps results in input order and never runs more than the limit at once', async () => {
    let running = 0
    let peak = 0
    const results = await mapLimit([5, 1, 4, 2, 3, 0, 6], 3, async (item, index) => {
      running++
      peak = Math.max(peak, running)
      for (let i = 0; i < item; i++) await tick()
      running--
      return `${index}:${item}`
    })
    expect(results).toEqual(['0:5', '1:1', '2:4', '3:2', '4:3', '5:0', '6:6'])
    expect(peak).toBe(3)
  })

  it('handles no items and a limit larger than the list or below 1', async () => {
    expect(await mapLimit([], 4, async () => 1)).toEqual([])
    expect(await mapLimit([1, 2], 10, async (x) => x * 2)).toEqual([2, 4])
    expect(await mapLimit([1, 2], 0, async (x) => x * 2)).toEqual([2, 4])
  })

  it('stops starting work after the first failure and rethrows it once running calls settle', async () => {
    const started: number[] = []
    let settled = 0
    const failure = new Error('item 1 failed')
    const promise = mapLimit([0, 1, 2, 3, 4, 5], 2, async (item) => {
      started.push(item)
      await tick()
      if (item === 1) throw failure
      await tick()
      settled++
      return item
    })
    await expect(promise).rejects.toBe(failure)
    expect(started).toEqual([0, 1])
    expect(settled).toBe(1)
  })
})

describe('createLimiter', () => {
  it('runs tasks as they arrive, never more than the limit at once, each with its own result or failure', async () => {
    const limit = createLimiter(2)
    let running = 0
    let peak = 0
    const order: number[] = []
    const task = (item: number) => async () => {
      running++
      peak = Math.max(peak, running)
      order.push(item)
      for (let i = 0; i < 3 - (item % 3); i++) await tick()
      running--
      if (item === 4) throw new Error('item 4 failed')
      return item * 10
    }
    const first = [0, 1, 2].map((item) => limit(task(item)))
    await tick()
    const later = [3, 4, 5].map((item) => limit(task(item)))
    const settled = await Promise.allSettled([...first, ...later])
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).toEqual([0, 10, 20, 30, 'item 4 failed', 50])
    expect(peak).toBe(2)
    expect(order).toEqual([0, 1, 2, 3, 4, 5])
  })
})

describe('sleep', () => {
  it('resolves after the delay', async () => {
    await expect(sleep(1)).resolves.toBeUndefined()
  })

  it('rejects at once with the reason of an aborted signal', async () => {
    const controller = new AbortController()
    const reason = new Error('stop')
    const promise = sleep(60_000, controller.signal)
    controller.abort(reason)
    await expect(promise).rejects.toBe(reason)
    const aborted = AbortSignal.abort(reason)
    await expect(sleep(60_000, aborted)).rejects.toBe(reason)
  })
})
