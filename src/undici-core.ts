/**
 * The parts of undici the action uses, imported file by file instead of through undici's index,
 * which also brings fetch, WebSocket, EventSource, the cache and the mock agents: about 0.6 MB of
 * the bundle for nothing. Loaded on first use (see undici-on-demand.ts). These paths are undici
 * 6's layout, so package.json pins undici's exact version; the end-to-end tests run the bundle.
 */
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js'
import request from 'undici/lib/api/api-request.js'
import connect from 'undici/lib/api/api-connect.js'
import AgentClass from 'undici/lib/dispatcher/agent.js'
import ProxyAgentClass from 'undici/lib/dispatcher/proxy-agent.js'

// What undici's index does as it loads, for the two methods used: the action sends with
// request(), and a ProxyAgent opens its tunnel with connect().
Object.assign(Dispatcher.prototype, { request, connect })

export const Agent = AgentClass
export const ProxyAgent = ProxyAgentClass
