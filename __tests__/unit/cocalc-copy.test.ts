import { describe, expect, it } from '@jest/globals'
import { ServiceError } from '../../src/errors.js'
import type { CocalcClient, CopyState } from '../../src/cocalc/client.js'
import { copyStateOf } from '../../src/cocalc/answers.js'
import { nextPollDelay, requestCopies, waitForCopies, waitForCopy, type CopyProgress } from '../../src/cocalc/copy.js'

/** A fake clock whose sleep only moves time forward. */
function clock(start = 1_000_000): { now: () => number; sleep: (ms: number) => Promise<void>; slept: number[] } {
  let time = start
  const slept: number[] = []
  return {
    now: () => time,
    sleep: async (ms) => {
      slept.push(ms)
      time += ms
    },
    slept
  }
}

/** A client whose copyStatus answers from a script (an Error is thrown). */
function scriptedClient(answers: (CopyState | Error)[]): CocalcClient & { polls: number } {
  const client = {
    polls: 0,
    async copyStatus(): Promise<CopyState> {
      const answer = answers[Math.min(client.polls, answers.length - 1)]
      client.polls++
      if (answer instanceof Error) throw answer
      return answer
    }
  }
  return client as unknown as CocalcClient & { polls: number }
}

const running: CopyState = { state: 'running' }
const silent = { info: () => undefined, warning: () => undefined, debug: () => undefined }

describe('nextPollDelay', () => {
  it('polls within a second at first, then backs off to every 5 s', () => {
    const delays: number[] = []
    let delay: number | undefined
    for (let i = 0; i < 10; i++) delays.push((delay = nextPollDelay(delay)))
    expect(delays[0]).toBeLessThanOrEqual(1000)
    expect(delays[0]).toBeGreaterThanOrEqual(500)
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1])
    expect(delays.at(-1)).toBe(5000)
  })
})

describe('copyStateOf', () => {
  it('is done when finished, failed when an error is set (even if finished), else running', () => {
    expect(copyStateOf('t', 't', null)).toEqual({ state: 'finished' })
    expect(copyStateOf('t', 't', 'rsync failed')).toEqual({ state: 'failed', error: 'rsync failed' })
    expect(copyStateOf(null, null, 'quota')).toEqual({ state: 'failed', error: 'quota' })
    expect(copyStateOf('t', null, null)).toEqual({ state: 'running' })
    expect(copyStateOf(null, null, null)).toEqual({ state: 'running' })
  })
  it('refuses an answer with none of the fields', () => {
    expect(copyStateOf(undefined, undefined, undefined)).toBeUndefined()
  })
})

describe('waitForCopy', () => {
  it('reports copied once the status says finished', async () => {
    const time = clock()
    const client = scriptedClient([running, running, { state: 'finished' }])
    const outcome = await waitForCopy(client, 'id-1', { deadline: time.now() + 60_000, now: time.now, sleep: time.sleep })
    expect(outcome).toEqual({ status: 'copied' })
    expect(client.polls).toBe(3)
    expect(time.slept[0]).toBeLessThanOrEqual(1000)
  })

  it('reports the copy error', async () => {
    const time = clock()
    const outcome = await waitForCopy(scriptedClient([{ state: 'failed', error: 'target is over quota' }]), 'id', {
      deadline: time.now() + 60_000,
      now: time.now,
      sleep: time.sleep
    })
    expect(outcome).toEqual({ status: 'failed', error: 'target is over quota' })
  })

  it('tolerates two failed polls in a row, not three', async () => {
    const time = clock()
    const flaky = scriptedClient([new ServiceError('502'), new ServiceError('502'), running, new ServiceError('x'), { state: 'finished' }])
    expect(await waitForCopy(flaky, 'id', { deadline: time.now() + 60_000, now: time.now, sleep: time.sleep })).toEqual({ status: 'copied' })
    const broken = scriptedClient([
      new ServiceError('CoCalc answered HTTP 502'),
      new ServiceError('again'),
      new ServiceError('CoCalc refused: still broken')
    ])
    const outcome = await waitForCopy(broken, 'id-9', { deadline: time.now() + 60_000, now: time.now, sleep: time.sleep })
    expect(outcome.status).toBe('failed')
    expect(outcome.error).toMatch(/could not be read 3 times in a row \(copy id id-9\): CoCalc refused: still broken/)
  })

  it('times out at the deadline, polling one last time there', async () => {
    const time = clock()
    const client = scriptedClient([running])
    const outcome = await waitForCopy(client, 'id', { deadline: time.now() + 2000, now: time.now, sleep: time.sleep })
    expect(outcome.status).toBe('timeout')
    expect(time.slept.reduce((a, b) => a + b, 0)).toBe(2000)
    expect(client.polls).toBeGreaterThanOrEqual(2)
  })

  it('reports queued when the server cannot tell (no copy-path-status)', async () => {
    const time = clock()
    const outcome = await waitForCopy(scriptedClient([{ state: 'unsupported' }]), 'id', {
      deadline: time.now() + 60_000,
      now: time.now,
      sleep: time.sleep
    })
    expect(outcome.status).toBe('queued')
    expect(outcome.error).toMatch(/cannot report copy status/)
  })

  it('does not treat a programming error as a failed poll', async () => {
    const time = clock()
    await expect(
      waitForCopy(scriptedClient([new TypeError('bug')]), 'id', { deadline: time.now() + 60_000, now: time.now, sleep: time.sleep })
    ).rejects.toThrow('bug')
  })
})

const COPY_ID = '6f1e2d3c-4b5a-4978-8a1b-2c3d4e5f6a7b'

describe('requestCopies and waitForCopies', () => {
  it('keeps target order and fails only the refused target', async () => {
    const targets = ['t1', 't2', 't3'].map((projectId) => ({ projectId, path: 'course' }))
    const client = {
      async copyPath(request: { targetProjectId: string }): Promise<string> {
        if (request.targetProjectId === 't2') throw new ServiceError('CoCalc refused projects/copy-path: must be a collaborator on target project')
        return request.targetProjectId === 't3' ? '' : COPY_ID
      },
      async copyStatus(): Promise<CopyState> {
        return { state: 'finished' }
      }
    } as unknown as CocalcClient
    const copies = await requestCopies(
      client,
      targets,
      { path: 'course', overwriteNewer: false, deleteMissing: false, backup: false, exclude: [] },
      2,
      silent
    )
    expect(copies.map((c) => [c.target.projectId, c.copyId, c.status])).toEqual([
      ['t1', COPY_ID, 'running'],
      ['t2', '', 'failed'],
      ['t3', '', 'running']
    ])
    expect(copies[1].error).toMatch(/collaborator on target project/)
    const time = clock()
    await waitForCopies(client, copies as CopyProgress[], { deadline: time.now() + 10_000, log: silent, now: time.now, sleep: time.sleep })
    // No copy id and nothing to check the target with: the server's silence proves nothing.
    expect(copies.map((c) => c.status)).toEqual(['copied', 'failed', 'unverified'])
  })

  it('proves copies inside the target: a copy without id is polled until its files match, a finished one is checked', async () => {
    const client = {
      async copyStatus(): Promise<CopyState> {
        return { state: 'finished' }
      }
    } as unknown as CocalcClient
    const looks: Record<string, number> = {}
    const asked: Record<string, (number | 'all')[]> = {}
    const check = async (projectId: string, _folder: string, only?: readonly unknown[]) => {
      looks[projectId] = (looks[projectId] ?? 0) + 1
      ;(asked[projectId] ??= []).push(only ? only.length : 'all')
      // t1 (no id) arrives at the third look; t2 (finished) never holds the right files.
      const ok = projectId === 't1' ? looks[projectId] >= 3 : false
      return { wrong: ok ? [] : [{ file: { name: 'a.txt' } } as never], kept: [], checked: 1 }
    }
    const copies: CopyProgress[] = [
      { target: { projectId: 't1', path: 'c' }, copyId: '', status: 'running' },
      { target: { projectId: 't2', path: 'c' }, copyId: 'id-2', status: 'running' },
      { target: { projectId: 't3', path: 'c' }, copyId: '', status: 'running' }
    ]
    const time = clock()
    const never = async (projectId: string, folder: string, only?: readonly unknown[]) =>
      projectId === 't3' ? { wrong: [{ file: { name: 'b.txt' } } as never], kept: [], checked: 2 } : check(projectId, folder, only)
    await waitForCopies(client, copies, { deadline: time.now() + 20_000, log: silent, check: never, now: time.now, sleep: time.sleep })
    expect(copies.map((c) => c.status)).toEqual(['copied', 'failed', 'timeout'])
    expect(copies[1].error).toBe('the copy finished, but 1 of 1 file(s) missing or different in the target: a.txt')
    expect(copies[2].error).toMatch(
      /^the files did not all arrive in the target before the timeout ran out \(1 of 2 file\(s\) missing or different in the target: b\.txt\)$/
    )
    expect(looks.t2).toBe(2)
    // After the first look, only the files still wrong are hashed again.
    expect(asked.t1).toEqual(['all', 1, 1])
    expect(asked.t2).toEqual(['all', 1])
  })

  it('polls every running copy at the same time, not one after another', async () => {
    // The status of each copy is held back until every running copy has asked: waiting for the
    // copies one at a time would never get an answer (after 2 s the held polls answer 'failed').
    const ids = ['c1', 'c2', 'c3', 'c4']
    const asked = new Set<string>()
    let release: () => void = () => undefined
    const everyoneAsked = new Promise<void>((resolve) => (release = resolve))
    const client = {
      async copyStatus(copyId: string): Promise<CopyState> {
        asked.add(copyId)
        if (asked.size === ids.length) release()
        let timer: NodeJS.Timeout | undefined
        const gaveUp = new Promise<'alone'>((resolve) => (timer = setTimeout(() => resolve('alone'), 2000)))
        const outcome = await Promise.race([everyoneAsked, gaveUp])
        clearTimeout(timer)
        return outcome === 'alone' ? { state: 'failed', error: `polled alone: ${[...asked].join(', ')}` } : { state: 'finished' }
      }
    } as unknown as CocalcClient
    const copies: CopyProgress[] = ids.map((copyId) => ({ target: { projectId: `p-${copyId}`, path: 'x' }, copyId, status: 'running' }))
    const time = clock()
    await waitForCopies(client, copies, { deadline: time.now() + 60_000, log: silent, now: time.now, sleep: time.sleep })
    expect(copies.map((c) => [c.copyId, c.status, c.error])).toEqual(ids.map((id) => [id, 'copied', undefined]))
  })
})
