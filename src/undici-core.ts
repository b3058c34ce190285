/**
 * The parts of undici the action uses, imported file by file instead of through undici's index,
 * which also brings fetch, WebSocket, EventSource, the cache and the mock agents: about 0.4 MB of
 * the bundle for nothing. Loaded on first use (see undici-on-demand.ts). These paths are undici
 * 6's layout, so package.json pins undici's exact version; the end-to-end tests run the bundle.
 */
import type * as Undici from 'undici/index.js'
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js'
import request from 'undici/lib/api/api-request.js'
import connect from 'undici/lib/api/api-connect.js'
import AgentClass from 'undici/lib/dispatcher/agent.js'
import PoolClass from 'undici/lib/dispatcher/pool.js'
import ProxyAgentClass from 'undici/lib/dispatcher/proxy-agent.js'
import { PROXY_TUNNEL_FAILED } from './errors.js'

// What undici's index does as it loads, for the two methods used: the action sends with
// request(), and a ProxyAgent opens its tunnel with connect().
Object.assign(Dispatcher.prototype, { request, connect })

export const Agent = AgentClass

/**
 * Errors of the tunnel's setup that undici's client would retry at once and forever, without
 * failing the request (lib/dispatcher/client.js: UND_ERR_SOCKET counts as recoverable), or that
 * say the proxy stopped answering: a proxy that drops every CONNECT made 88,000 of them in 20 s.
 */
const TUNNEL_FAILURES = new Set(['UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_HEADERS_TIMEOUT', 'ECONNRESET', 'EPIPE'])

export class ProxyTunnelError extends Error {
  readonly code = PROXY_TUNNEL_FAILED
  constructor(cause: unknown) {
    const why = (cause as { code?: unknown } | undefined)?.code === 'UND_ERR_HEADERS_TIMEOUT' ? 'did not answer' : 'closed the connection'
    super(`the proxy ${why} instead of opening a tunnel`, { cause })
    this.name = 'ProxyTunnelError'
  }
}

type Connector = (options: object, callback: (error: Error | null, socket: unknown) => void) => void

/**
 * undici's ProxyAgent, bounded: the proxy's answer to CONNECT is awaited at most
 * `connectTimeoutMs` (undici waits its default 300 s), and a tunnel the proxy closes or leaves
 * unanswered fails the request with a ProxyTunnelError, which nothing sent and so may be retried.
 */
export function createProxyAgent(options: Undici.ProxyAgent.Options & { connectTimeoutMs: number }): Undici.ProxyAgent {
  const { connectTimeoutMs, ...rest } = options
  const bounded = { timeout: connectTimeoutMs }
  return new ProxyAgentClass({
    proxyTls: bounded,
    requestTls: bounded,
    ...rest,
    // The connection to the proxy that carries the CONNECT requests.
    clientFactory: (origin: URL, clientOptions: object) => new PoolClass(origin, { ...clientOptions, headersTimeout: connectTimeoutMs }),
    // A pool per destination, whose connections are the ProxyAgent's tunnels.
    factory: (origin: string, poolOptions: { connect?: unknown }) => {
      const tunnel = poolOptions.connect as Connector
      const connect: Connector = (connectOptions, callback) =>
        tunnel(connectOptions, (error, socket) => {
          const code = (error as { code?: unknown } | null)?.code
          callback(error && typeof code === 'string' && TUNNEL_FAILURES.has(code) ? new ProxyTunnelError(error) : error, socket)
        })
      return new PoolClass(origin, { ...poolOptions, connect: connect as unknown as Undici.buildConnector.connector })
    }
  } as Undici.ProxyAgent.Options)
}
