/** The cocode emulator itself behaves like cocode where the action depends on it (auth, validation, faults). */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { basicAuthorization } from '../../src/cocode/client.js'
import { Faults, startCocodeEmulator } from './cocode.js'

const CREDENTIALS = { username: 'octo-user-7f3a', password: 'p@ss "w0rd" \\ 9c1e' }

let emulator: Awaited<ReturnType<typeof startCocodeEmulator>>
beforeAll(async () => {
  emulator = await startCocodeEmulator(CREDENTIALS)
})
afterAll(() => emulator.close())
afterEach(() => {
  emulator.faults.clear()
  emulator.state.reset()
})

describe('the emulator', () => {
  const authorization = basicAuthorization(CREDENTIALS.username, CREDENTIALS.password)
  const post = (body: string, headers: Record<string, string> = { authorization }, path = '/api/session') =>
    fetch(`${emulator.url}${path}`, { method: 'POST', headers, body })

  it('checks Basic auth, then the JSON, like the real service', async () => {
    const valid = JSON.stringify({ Files: [{ Filename: 'a', Content: '' }] })
    expect([(await post(valid, {})).status, emulator.state.sessionsCreated]).toEqual([401, 0])
    const wrong = await post(valid, { authorization: basicAuthorization(CREDENTIALS.username, 'nope') })
    expect([wrong.status, await wrong.text()]).toEqual([401, 'Unauthorized'])
    for (const bad of [
      '{',
      '[]',
      '{"Files":[]}',
      '{"Description":"d"}',
      '{"Files":[{"Filename":"a"}]}',
      '{"Files":[{"Filename":"","Content":""}]}',
      '{"Description":1,"Files":[{"Filename":"a","Content":""}]}'
    ]) {
      const response = await post(bad)
      expect([bad, response.status, await response.text()]).toEqual([bad, 400, 'Invalid Request'])
    }
    expect((await post(valid, { authorization }, '/api/other')).status).toBe(404)
    expect(emulator.state.sessionsCreated).toBe(0)
    const created = await post(valid)
    expect([created.status, await created.text()]).toEqual([200, `\n  ${emulator.url}/s/1  \r\n`])
    expect(emulator.state.requests.map((r) => r.outcome)).toEqual(['401', '401', '400', '400', '400', '400', '400', '400', '400', '404', '200'])
    expect(emulator.state.requests[10].body.toString()).toBe(valid)
  })

  it('applies queued faults in order, each for its count, then standing ones', async () => {
    const valid = JSON.stringify({ Files: [{ Filename: 'a', Content: 'x' }] })
    emulator.faults.next(Faults.status(503), 2)
    emulator.faults.next(Faults.status(429))
    emulator.faults.always(Faults.status(418, 'teapot'))
    const statuses: number[] = []
    for (let i = 0; i < 5; i++) statuses.push((await post(valid)).status)
    expect(statuses).toEqual([503, 503, 429, 418, 418])
    emulator.faults.clear()
    expect((await post(valid)).status).toBe(200)
  })
})
