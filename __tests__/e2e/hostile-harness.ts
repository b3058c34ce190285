/**
 * The harness of the hostile suites: a cocode and a CoCalc emulator that know one set of
 * credentials (faults cleared after each test), and `run()`, which publishes a fresh workspace
 * to one of them through the built action and checks that no secret shows anywhere.
 */
import { afterAll, afterEach, beforeAll } from '@jest/globals'
import { randomUUID } from 'node:crypto'
import { startCocodeEmulator } from '../emulators/cocode.js'
import { startCocalcEmulator } from '../emulators/cocalc.js'
import { pullRequestPayload } from './github-helpers.js'
import { makeWorkspace, removeWorkspace, runAction, type ActionResult } from '../helpers/action.js'
import { expectNoSecrets } from '../helpers/secrets.js'

export type Files = Parameters<typeof makeWorkspace>[0]
type Cocode = Awaited<ReturnType<typeof startCocodeEmulator>>
type Cocalc = Awaited<ReturnType<typeof startCocalcEmulator>>

export interface HostileRun {
  inputs?: Record<string, string>
  env?: Record<string, string | undefined>
  eventName?: string
  payload?: Record<string, unknown>
  /** Called with the workspace before the action starts (to add what makeWorkspace cannot). */
  prepare?: (workspace: string) => Promise<void>
  /** Runs `node dist/index.js` through this command (setpriv, to drop root's read-any-file power). */
  commandPrefix?: string[]
}

export interface HarnessOptions {
  username: string
  password: string
  apiKey: string
  /** Every form that must never show in a run's log, outputs or summary. */
  secrets: readonly string[]
  /** Further checks on every run. */
  check?: (result: ActionResult) => void
}

/** Registers the emulators' lifecycle in the calling suite; `servers` holds them inside its tests. */
export function hostileHarness(options: HarnessOptions): {
  servers: { readonly cocode: Cocode; readonly cocalc: Cocalc }
  run: (mode: 'cocode' | 'cocalc', files: Files, run?: HostileRun) => Promise<ActionResult>
} {
  let cocode: Cocode
  let cocalc: Cocalc
  beforeAll(async () => {
    cocode = await startCocodeEmulator({ username: options.username, password: options.password })
    cocalc = await startCocalcEmulator({ apiKeys: { [options.apiKey]: '*' }, copyDelayMs: 20 })
  })
  afterAll(async () => {
    await cocode.close()
    await cocalc.close()
  })
  afterEach(() => {
    cocode.faults.clear()
    cocode.state.reset()
    cocalc.faults.clear()
  })

  async function run(mode: 'cocode' | 'cocalc', files: Files, run: HostileRun = {}): Promise<ActionResult> {
    const workspace = await makeWorkspace(files)
    try {
      await run.prepare?.(workspace)
      const modeInputs: Record<string, string> =
        mode === 'cocode'
          ? { 'cocode-url': cocode.url, 'cocode-username': options.username, 'cocode-password': options.password, 'request-timeout': '10' }
          : { 'cocalc-url': cocalc.url, 'cocalc-api-key': options.apiKey, 'project-id': randomUUID(), path: 'course' }
      const result = await runAction({
        workspace,
        inputs: { mode, files: '**', comment: 'false', ...modeInputs, ...run.inputs },
        env: run.env,
        eventName: run.eventName,
        payload: run.payload,
        commandPrefix: run.commandPrefix,
        timeoutMs: 40_000
      })
      expectNoSecrets(result, options.secrets)
      options.check?.(result)
      return result
    } finally {
      await removeWorkspace(workspace)
    }
  }
  const servers = {
    get cocode() {
      return cocode
    },
    get cocalc() {
      return cocalc
    }
  }
  return { servers, run }
}

/** A run on pull request #7 that comments through the GitHub emulator `github` with `token`, publishing to the cocode at `cocodeUrl`. */
export function commentingRun(
  github: { url: string; graphqlUrl: string },
  token: string,
  cocodeUrl: string,
  inputs: Record<string, string> = {}
): HostileRun {
  return {
    inputs: { comment: 'true', 'github-token': token, 'cocode-url': cocodeUrl, ...inputs },
    eventName: 'pull_request',
    payload: pullRequestPayload(7),
    env: { GITHUB_API_URL: github.url, GITHUB_GRAPHQL_URL: github.graphqlUrl }
  }
}
