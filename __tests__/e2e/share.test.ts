/**
 * `share` through the built action, for both API generations: the `public_paths` row written on
 * the CoCalc emulator (once per folder, whatever the number of runs), its page in the outputs,
 * the job summary and the PR comment, and the refusals that must fail the step cleanly.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { createHash, randomUUID } from 'node:crypto'
import { expectOneLineFailure, makeWorkspace, removeWorkspace, runAction, type ActionResult } from '../helpers/action.js'
import { startCocalcEmulator } from '../emulators/cocalc.js'
import { startGitHubEmulator } from '../emulators/github.js'
import { expectNoSecrets } from '../helpers/secrets.js'
import { pullRequestPayload } from './github-helpers.js'
import { API_KEY, SECRETS, copiesOutput, projectIds } from './cocalc-helpers.js'

const TOKEN = 'ghs_E2eShareToken0123456789abcdefab'
/** A project's own API key: it may write that project's files, but it is no account, so it cannot share. */
const PROJECT_KEY = 'sk-e2eProjectKey-9a8b7c6d5e4f3a2b1c0d'
const PROJECT_OF_KEY = randomUUID()
const FILES = { 'notebooks/week1.ipynb': '{"cells": [], "nbformat": 4}\n', 'data/table.csv': 'a,b\n1,2\n' }

let cocalc: Awaited<ReturnType<typeof startCocalcEmulator>>
let github: Awaited<ReturnType<typeof startGitHubEmulator>>
let workspace: string

beforeAll(async () => {
  cocalc = await startCocalcEmulator({ apiKeys: { [API_KEY]: '*', [PROJECT_KEY]: [PROJECT_OF_KEY] }, projectKeys: [PROJECT_KEY], copyDelayMs: 20 })
  github = await startGitHubEmulator({
    tokens: { [TOKEN]: { login: 'github-actions[bot]', type: 'Bot', write: true } },
    pullRequests: [{ number: 12 }]
  })
  workspace = await makeWorkspace(FILES)
})

afterAll(async () => {
  await cocalc.close()
  await github.close()
  await removeWorkspace(workspace)
})

afterEach(() => {
  cocalc.faults.clear()
  cocalc.shares.state.shareServer = true
})

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex')
}

async function publish(inputs: Record<string, string>, options: { comment?: boolean; secrets?: string[] } = {}): Promise<ActionResult> {
  const result = await runAction({
    workspace,
    inputs: {
      mode: 'cocalc',
      files: 'notebooks/**\ndata/**',
      'cocalc-url': cocalc.url,
      'cocalc-api-key': API_KEY,
      path: 'course',
      share: 'unlisted',
      'github-token': TOKEN,
      comment: options.comment ? 'true' : 'false',
      ...inputs
    },
    eventName: 'pull_request',
    payload: pullRequestPayload(12),
    env: { GITHUB_API_URL: github.url, GITHUB_GRAPHQL_URL: github.graphqlUrl },
    timeoutMs: 40_000
  })
  expectNoSecrets(result, [...SECRETS, TOKEN, PROJECT_KEY, ...(options.secrets ?? [])])
  return result
}

describe.each(['v2', 'v1'] as const)('share, API %s', (api) => {
  it('writes one public_paths row across two runs, with the right id, and leads the summary and comment with its link', async () => {
    const { source } = projectIds()
    const id = sha1(`${source}course`)
    const url = `${cocalc.url}/share/public_paths/${id}`
    const writesBefore = cocalc.shares.state.writes.length
    for (let run = 1; run <= 2; run++) {
      const result = await publish({ 'cocalc-api': api, 'project-id': source, 'share-description': 'Week 1 notebooks' }, { comment: true })
      expect(result.errors).toEqual([])
      expect(result.code).toBe(0)
      expect(result.outputs['share-url']).toBe(url)
      expect(result.outputs.status).toBe('uploaded')
      // The share link comes first; the project links stay, for collaborators.
      const comment = github.commentsOf(12).at(-1)?.body ?? ''
      for (const text of [result.summary, comment]) {
        // The label shows the URL as output; the destination carries `_` percent-encoded, as
        // every link the report writes.
        const destination = url.replace('public_paths', 'public%5Fpaths')
        const share = text.indexOf(`- **Share link** (anyone with this link can read; not listed): [\`${url}\`](${destination})`)
        expect(share).toBeGreaterThan(0)
        expect(text.indexOf('- **Project folder (collaborators):**')).toBeGreaterThan(share)
      }
    }
    // Written twice, one row: an upsert on the id CoCalc computes.
    const writes = cocalc.shares.state.writes.slice(writesBefore)
    expect(writes.map((write) => write.id)).toEqual([id, id])
    const rows = [...cocalc.shares.state.rows.values()].filter((row) => row.project_id === source)
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ id, path: 'course', description: 'Week 1 notebooks', disabled: false, unlisted: true, authenticated: false })
    // The client never sends the id: only the fields a user may set.
    const endpoint = api === 'v2' ? 'user-query' : 'query'
    const sets = cocalc
      .requestsTo(endpoint)
      .filter((r) => r.body?.query?.public_paths?.project_id === source && r.body.query.public_paths.path === 'course')
    expect(sets[0].body.query.public_paths).toEqual({
      project_id: source,
      path: 'course',
      description: 'Week 1 notebooks',
      disabled: false,
      unlisted: true,
      authenticated: false
    })
  })

  it("shares each target's folder after its copy, in copies[].share_url, and the first one in share-url", async () => {
    const { source, t1, t2 } = projectIds()
    const result = await publish({
      'cocalc-api': api,
      'project-id': source,
      'target-project-id': `${t1}\n${t2}`,
      'target-path': 'handout',
      share: 'public'
    })
    expect(result.errors).toEqual([])
    const copies = copiesOutput(result)
    expect(copies.map((copy) => copy.share_url)).toEqual([
      `${cocalc.url}/share/public_paths/${sha1(`${t1}handout`)}`,
      `${cocalc.url}/share/public_paths/${sha1(`${t2}handout`)}`
    ])
    expect(result.outputs['share-url']).toBe(copies[0].share_url)
    expect(cocalc.shares.state.rows.get(sha1(`${t2}handout`))).toMatchObject({ unlisted: false, authenticated: false, disabled: false })
    // The source folder itself is not shared when there are targets.
    expect(cocalc.shares.state.rows.has(sha1(`${source}course`))).toBe(false)
    expect(result.summary).toContain(`[share](${copies[1].share_url.replace('public_paths', 'public%5Fpaths')})`)
  })

  it("fails with one clear line when the key's identity is not a collaborator (a project's own key), reporting nothing as shared", async () => {
    const result = await publish({ 'cocalc-api': api, 'cocalc-api-key': PROJECT_KEY, 'project-id': PROJECT_OF_KEY, share: 'authenticated' })
    expectOneLineFailure(
      result,
      `CoCalc refused the share of course/ in project ${PROJECT_OF_KEY} (FATAL: user must be an admin): only an owner or collaborator of project ${PROJECT_OF_KEY} may share its files, so the API key must belong to such an account (a project's own API key cannot share)`
    )
    // The files arrived (a project key may write them); no share was written or reported.
    expect(cocalc.listFiles(PROJECT_OF_KEY, 'course')).toEqual(['course/data/table.csv', 'course/notebooks/week1.ipynb'])
    expect([...cocalc.shares.state.rows.values()].some((row) => row.project_id === PROJECT_OF_KEY)).toBe(false)
    expect(result.outputs['share-url']).toBe('')
    expect(result.summary).not.toContain('Share link')
    expect(result.summary).toContain('— failed')
  })

  it('fails before uploading anything when the server does not allow public sharing', async () => {
    const { source } = projectIds()
    cocalc.shares.state.shareServer = false
    const before = cocalc.state.requestCount
    const result = await publish({ 'cocalc-api': api, 'project-id': source })
    expectOneLineFailure(
      result,
      `CoCalc at ${cocalc.url} does not allow public sharing (its admin setting "Allow public file sharing" is off), so 'share: unlisted' cannot work: ask the server's admin to turn it on, or set 'share: none'`
    )
    expect(cocalc.state.requests.slice(before).map((r) => r.endpoint)).toEqual(['customize'])
    expect(cocalc.listFiles(source)).toEqual([])
  })

  it('shows in a dry run the request it would send, and sends nothing', async () => {
    const { source } = projectIds()
    const before = cocalc.state.requestCount
    const result = await publish({ 'cocalc-api': api, 'project-id': source, 'dry-run': 'true', 'share-description': 'Preview' })
    expect(result.code).toBe(0)
    expect(cocalc.state.requestCount).toBe(before)
    const path = api === 'v2' ? '/api/v2/user-query' : '/api/v1/query'
    const body = JSON.stringify({
      query: { public_paths: { project_id: source, path: 'course', description: 'Preview', disabled: false, unlisted: true, authenticated: false } }
    })
    expect(result.stdout).toContain(`POST ${cocalc.url}${path} ${body} → ${cocalc.url}/share/public_paths/${sha1(`${source}course`)}`)
    expect(result.outputs['share-url']).toBe('')
  })
})

describe('share inputs', () => {
  it('refuses an unknown share value naming the input, before any request', async () => {
    const before = cocalc.state.requestCount
    const result = await publish({ 'project-id': randomUUID(), share: 'everyone' })
    expectOneLineFailure(result, "Input 'share': 'everyone' is not one of 'none', 'unlisted', 'public', 'authenticated'")
    expect(cocalc.state.requestCount).toBe(before)
  })

  it('without share, writes no row and leaves share-url and every share_url empty', async () => {
    const { source, t1 } = projectIds()
    const writes = cocalc.shares.state.writes.length
    const checks = cocalc.requestsTo('customize').length
    const result = await publish({ 'project-id': source, 'target-project-id': t1, share: 'none' })
    expect(result.code).toBe(0)
    expect(result.outputs['share-url']).toBe('')
    expect(copiesOutput(result)[0].share_url).toBe('')
    expect(cocalc.shares.state.writes.length).toBe(writes)
    expect(cocalc.requestsTo('customize')).toHaveLength(checks)
  })
})

describe('share and timeout', () => {
  it("ends a hanging user-query at the step's timeout with one line naming the share phase, and the process exits", async () => {
    const { source } = projectIds()
    cocalc.faults.next('user-query', 'hang', 100)
    // runAction kills the process and fails the test after 40 s: a bound that only proves it did not hang.
    const result = await publish({ 'project-id': source, timeout: '15' })
    expectOneLineFailure(
      result,
      "The cocalc step did not finish within its 15 s 'timeout' (phase: share, sharing the folder): raise 'timeout', or check that CoCalc and the project respond"
    )
    // The files did arrive before the share hung; nothing is reported as shared.
    expect(cocalc.listFiles(source, 'course')).toEqual(['course/data/table.csv', 'course/notebooks/week1.ipynb'])
    expect(result.outputs['share-url'] ?? '').toBe('')
  })
})
