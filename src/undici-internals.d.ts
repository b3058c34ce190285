// Types for the undici files undici-core.ts imports one by one (undici types only its index).
declare module 'undici/lib/dispatcher/dispatcher.js' {
  import type { Dispatcher } from 'undici/index.js'
  const DispatcherClass: typeof Dispatcher
  export = DispatcherClass
}
declare module 'undici/lib/api/api-request.js' {
  const request: (this: unknown, ...args: unknown[]) => unknown
  export = request
}
declare module 'undici/lib/api/api-connect.js' {
  const connect: (this: unknown, ...args: unknown[]) => unknown
  export = connect
}
declare module 'undici/lib/dispatcher/agent.js' {
  import type { Agent } from 'undici/index.js'
  const AgentClass: typeof Agent
  export = AgentClass
}
declare module 'undici/lib/dispatcher/proxy-agent.js' {
  import type { ProxyAgent } from 'undici/index.js'
  const ProxyAgentClass: typeof ProxyAgent
  export = ProxyAgentClass
}
declare module 'undici/lib/dispatcher/pool.js' {
  import type { Pool } from 'undici/index.js'
  const PoolClass: typeof Pool
  export = PoolClass
}
