import { describe, expect, it } from '@jest/globals'
import { ProxyAgent as RealProxyAgent } from 'undici/index.js'

describe('undici on demand (what the bundle gives @actions/http-client and @actions/github)', () => {
  it('refuses to build a ProxyAgent before undici is loaded, and builds the real one after', async () => {
    const shim = await import('../../src/undici-on-demand.js')
    expect(() => new shim.ProxyAgent({ uri: 'http://127.0.0.1:9' })).toThrow(/before loadUndici/)
    await shim.loadUndici()
    const agent = new shim.ProxyAgent({ uri: 'http://127.0.0.1:9' })
    expect(agent).toBeInstanceOf(RealProxyAgent)
    await (agent as unknown as RealProxyAgent).close()
  })
})
