/**
 * What `import … from 'undici'` means inside the bundle (tsconfig.json `paths`; this project's own
 * code imports the package itself as 'undici/index.js'). @actions/core imports @actions/http-client,
 * which imports undici's index for ProxyAgent alone, and @actions/github imports it for fetch:
 * evaluating all of undici (0.9 MB of source) cost about 45 ms of every start, dry runs included.
 * Here the same single copy of undici is loaded on first use instead.
 */
import type * as Undici from 'undici/index.js'

let loaded: typeof Undici | undefined

/** Loads undici (once); call before anything that may build a ProxyAgent (Octokit). */
export async function loadUndici(): Promise<typeof Undici> {
  loaded ??= await import('undici/index.js')
  return loaded
}

function undici(): typeof Undici {
  if (!loaded) throw new Error('undici was used before loadUndici() had loaded it')
  return loaded
}

/** @actions/http-client builds one when a proxy is configured, synchronously. */
export class ProxyAgent {
  constructor(...args: ConstructorParameters<typeof Undici.ProxyAgent>) {
    return new (undici().ProxyAgent)(...args)
  }
}

/** @actions/github's proxy-aware fetch. */
export async function fetch(...args: Parameters<typeof Undici.fetch>): ReturnType<typeof Undici.fetch> {
  return (await loadUndici()).fetch(...args)
}
