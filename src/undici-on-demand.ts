/**
 * What `import … from 'undici'` means inside the bundle (tsconfig.json `paths`). @actions/core
 * imports @actions/http-client, which imports undici's index for ProxyAgent alone, and
 * @actions/github imports it for fetch: evaluating all of undici cost about 45 ms of every start,
 * dry runs included, and 0.9 MB of bundle. Here the parts of undici the action uses
 * (undici-core.ts) load on first use, and fetch is Node's own.
 */
import type * as Undici from 'undici/index.js'

export type UndiciCore = typeof import('./undici-core.js')
let loaded: UndiciCore | undefined

/** Loads the parts of undici the action uses (once); call before anything that may build a ProxyAgent (Octokit). */
export async function loadUndici(): Promise<UndiciCore> {
  loaded ??= await import('./undici-core.js')
  return loaded
}

function undici(): UndiciCore {
  if (!loaded) throw new Error('undici was used before loadUndici() had loaded it')
  return loaded
}

/**
 * @actions/http-client builds one when a proxy is configured, synchronously (for Octokit):
 * the bounded one the action's own requests use (undici-core.ts createProxyAgent).
 */
export class ProxyAgent {
  constructor(options: Undici.ProxyAgent.Options) {
    return undici().createProxyAgent({ connectTimeoutMs: 10_000, ...options })
  }
}

/**
 * @actions/github's fetch, given a ProxyAgent as `dispatcher` behind a proxy: Node 24's own fetch
 * is undici's, and it drives the bundled ProxyAgent through the dispatcher interface both share.
 */
export function fetch(...args: Parameters<typeof globalThis.fetch>): ReturnType<typeof globalThis.fetch> {
  return globalThis.fetch(...args)
}
