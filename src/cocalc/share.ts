/**
 * `share`: publishing a folder on CoCalc's share server (PROTOCOLS.md §2.4), so anyone with the
 * link can read it. A share is a row of the `public_paths` table, written through the user-query
 * API: v2 `POST /api/v2/user-query`, v1 `POST /api/v1/query`, both `{"query":{"public_paths":
 * {...}}}`. What CoCalc's source says (read in src/packages, 2026-07):
 * - util/db-schema/public-paths.ts: the row's id is `db.sha1(project_id, path)`, the SHA-1 hex of
 *   the two strings joined (database/postgres-base.coffee `sha1`), and the client cannot set it;
 *   `project_id` is "project_write": only an owner or collaborator may write (others are refused
 *   with "user must be an admin", postgres-user-queries.coffee). The write is an upsert on the id,
 *   so writing the same folder again updates its row, never adds one.
 * - util/consts/ui.ts SHARE_FLAGS: listed = {unlisted:false, authenticated:false}, unlisted =
 *   {unlisted:true}, authenticated = {authenticated:true}; `disabled:true` is "private".
 * - next/pages/share/public_paths/[...id].tsx: the page is `{base}/share/public_paths/<id>`.
 * - The server's "Allow public file sharing" setting (`share_server`, off by default on
 *   self-hosted servers) does not stop the row being written, but without it no share page
 *   exists: it is asked first, through `POST /api/v2/customize {"fields":["shareServer"]}`
 *   (next/pages/api/v2/customize.ts), and a server that says no is a refusal.
 * - API v1's `query` event answered `{"event":"query","query":...}`; CoCalc removed it from the
 *   hub in February 2025 (commit 3dd81a260a), so newer v1 servers refuse it.
 * A set answers no row, so the row is read back and compared before the link is reported.
 */
import type { ApiRequest } from './client.js'
import type { Logger } from '../logger.js'
import { createHash } from 'node:crypto'
import type { CocalcApi, CocalcInputs, ShareMode } from '../inputs.js'
import type { HttpClient, HttpResponse, PendingRequests } from '../http.js'
import { ServiceError } from '../errors.js'
import type { PublishResult } from '../report/result.js'
import { envelopeError } from './answers.js'
import { httpFailure, refusal, unexpectedAnswer } from './refusals.js'

export type SharedMode = Exclude<ShareMode, 'none'>

export interface ShareRow {
  project_id: string
  path: string
  description: string
  disabled: false
  unlisted: boolean
  authenticated: boolean
}

/** CoCalc's own flags for each way of sharing (SHARE_FLAGS in util/consts/ui.ts). */
const FLAGS: Record<SharedMode, { unlisted: boolean; authenticated: boolean }> = {
  public: { unlisted: false, authenticated: false },
  unlisted: { unlisted: true, authenticated: false },
  authenticated: { unlisted: false, authenticated: true }
}

/** The row's id, as CoCalc computes it: SHA-1 hex of project_id and path joined. */
export function shareId(projectId: string, folder: string): string {
  return createHash('sha1').update(`${projectId}${folder}`, 'utf8').digest('hex')
}

/** The page anyone with the link can open. */
export function shareUrl(baseUrl: string, projectId: string, folder: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/share/public_paths/${shareId(projectId, folder)}`
}

export function shareRow(projectId: string, folder: string, mode: SharedMode, description: string): ShareRow {
  return { project_id: projectId, path: folder, description, disabled: false, ...FLAGS[mode] }
}

/** The user query that writes a row: built once, for the dry run's plan and for the real call. */
export function shareRequest(api: CocalcApi, row: ShareRow): ApiRequest {
  return { path: api === 'v2' ? '/api/v2/user-query' : '/api/v1/query', body: { query: { public_paths: row } } }
}

/** The get query that reads the row back (null leaves make it a read). */
export function readBackRequest(api: CocalcApi, row: ShareRow): ApiRequest {
  const fields = {
    id: shareId(row.project_id, row.path),
    project_id: row.project_id,
    path: null,
    disabled: null,
    unlisted: null,
    authenticated: null
  }
  return { path: api === 'v2' ? '/api/v2/user-query' : '/api/v1/query', body: { query: { public_paths: fields } } }
}

export const SHARE_SERVER_REQUEST: ApiRequest = { path: '/api/v2/customize', body: { fields: ['shareServer'] } }

export interface ShareOptions {
  http: HttpClient
  api: CocalcApi
  mode: SharedMode
  description: string
  log: Logger
}

/** Who can open a share page, as the report says it. */
const AUDIENCE: Record<SharedMode, string> = {
  unlisted: 'anyone with this link can read; not listed',
  public: 'anyone with this link can read; listed on the share server',
  authenticated: 'anyone signed in to CoCalc with this link can read'
}

export class CocalcShares {
  constructor(private readonly options: ShareOptions) {}

  get mode(): SharedMode {
    return this.options.mode
  }

  /** Refuses, before anything is sent, on a server that does not allow public sharing. */
  async checkServer(): Promise<void> {
    const { http } = this.options
    const label = 'customize (is public sharing allowed?)'
    const response = await this.post(SHARE_SERVER_REQUEST)
    if (response.status === 404) {
      this.options.log.info(`CoCalc at ${http.baseUrl} does not say whether it allows public sharing (no /api/v2/customize): sharing anyway`)
      return
    }
    if (response.status !== 200) throw httpFailure(http, label, response)
    const body = http.parseJson(response, label)
    const error = envelopeError(body)
    if (error !== undefined) throw refusal(http, label, error)
    if (body.shareServer === false) {
      throw new ServiceError(
        `CoCalc at ${http.baseUrl} does not allow public sharing (its admin setting "Allow public file sharing" is off), so 'share: ${this.options.mode}' cannot work: ask the server's admin to turn it on, or set 'share: none'`
      )
    }
    if (body.shareServer !== true) this.options.log.info(`CoCalc at ${http.baseUrl} does not say whether it allows public sharing: sharing anyway`)
  }

  /** Writes (or updates) the share of `folder` in `projectId`, checks it, and returns its page. */
  async share(projectId: string, folder: string): Promise<string> {
    const { http, api, mode, description } = this.options
    const row = shareRow(projectId, folder, mode, description)
    const what = `the share of ${folder}/ in project ${projectId}`
    this.answer(what, projectId, await this.post(shareRequest(api, row)))
    const stored = this.answer(`reading back ${what}`, projectId, await this.post(readBackRequest(api, row)))
    const found = stored.public_paths
    if (found === null || typeof found !== 'object' || Array.isArray(found)) {
      throw new ServiceError(`CoCalc acknowledged ${what}, but reading it back found no such share: nothing is reported as shared`)
    }
    const fields = found as Record<string, unknown>
    const same = fields.path === folder && !fields.disabled && !!fields.unlisted === row.unlisted && !!fields.authenticated === row.authenticated
    if (!same) {
      const seen = http.serverText(JSON.stringify(fields), 300)
      throw new ServiceError(`CoCalc acknowledged ${what}, but reading it back shows other settings (${seen}): nothing is reported as shared`)
    }
    const url = shareUrl(http.baseUrl, projectId, folder)
    this.options.log.info(`Shared ${folder}/ of project ${projectId} (${mode}): ${url}`)
    return url
  }

  async close(pending?: PendingRequests): Promise<void> {
    await this.options.http.close(pending)
  }

  private post(request: ApiRequest): Promise<HttpResponse> {
    return this.options.http.request({
      path: request.path,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request.body),
      // Reading, and an upsert keyed by the row's id: repeating either changes nothing.
      retry: 'idempotent'
    })
  }

  /** The `query` of a user-query answer; CoCalc's refusals become one line with advice. */
  private answer(what: string, projectId: string, response: HttpResponse): Record<string, unknown> {
    const { http, api } = this.options
    const label = api === 'v2' ? 'user-query' : 'query'
    // v1 answers a bad key (and any request it cannot parse) with 400 {"error"}.
    if (response.status === 400 && api === 'v1') {
      const error = safeJson(http, response, label)
      if (error && envelopeError(error) !== undefined) throw this.refused(what, projectId, envelopeError(error))
    }
    if (response.status !== 200) throw httpFailure(http, label, response)
    const body = http.parseJson(response, label)
    const error = envelopeError(body)
    if (error !== undefined || body.event === 'error') throw this.refused(what, projectId, error ?? '(no message)')
    if (api === 'v1' && body.event !== 'query') throw unexpectedAnswer(http, label, response, "event 'query'")
    const query = body.query
    if (query === null || typeof query !== 'object' || Array.isArray(query)) throw unexpectedAnswer(http, label, response, 'a query')
    return query as Record<string, unknown>
  }

  /** CoCalc's words, with what to do about them. */
  private refused(what: string, projectId: string, message: unknown): ServiceError {
    const { http } = this.options
    const said = typeof message === 'string' ? message : JSON.stringify(message)
    const quoted = http.serverText(said, 200)
    if (/must be an admin/i.test(said)) {
      return new ServiceError(
        `CoCalc refused ${what} (${quoted}): only an owner or collaborator of project ${projectId} may share its files, so the API key must belong to such an account (a project's own API key cannot share)`
      )
    }
    if (/no anonymous set queries/i.test(said)) return refusal(http, what, 'not signed in: the API key was not accepted')
    if (/unknown project_id/i.test(said)) return new ServiceError(`CoCalc refused ${what}: ${quoted}: check 'project-id' and 'target-project-id'`)
    if (/unknown message event type 'query'/i.test(said)) {
      return new ServiceError(
        `CoCalc refused ${what} (${quoted}): this API v1 server no longer has the query call CoCalc removed in 2025; use 'cocalc-api: v2'`
      )
    }
    return refusal(http, what, said)
  }
}

/** The dry run's lines: the requests a real run would send to share, and the pages they make. */
export function planShares(
  inputs: Pick<CocalcInputs, 'share' | 'api' | 'cocalcUrl' | 'projectId' | 'path' | 'targetProjectIds' | 'targetPath'>,
  description: string
): string[] {
  if (inputs.share === 'none') return []
  const base = inputs.cocalcUrl
  const folders =
    inputs.targetProjectIds.length > 0
      ? inputs.targetProjectIds.map((projectId) => ({ projectId, path: inputs.targetPath }))
      : [{ projectId: inputs.projectId, path: inputs.path }]
  const lines = [
    `POST ${base}${SHARE_SERVER_REQUEST.path} ${JSON.stringify(SHARE_SERVER_REQUEST.body)}: is public sharing allowed? (first; refused when not)`
  ]
  for (const folder of folders) {
    const row = shareRow(folder.projectId, folder.path, inputs.share, description)
    const write = shareRequest(inputs.api, row)
    lines.push(`POST ${base}${write.path} ${JSON.stringify(write.body)} → ${shareUrl(base, folder.projectId, folder.path)}`)
    lines.push(`POST ${base}${write.path} (read the row back to check it)`)
  }
  return lines
}

/**
 * Shares what the run published: the folder at `path` without targets, else each target's folder
 * whose copy did not fail. A refusal ends the sharing and becomes the result's `failure`; rows
 * written before it keep their links (they are shared), nothing after it is reported as shared.
 */
export async function sharePublished(
  shares: CocalcShares,
  result: PublishResult,
  source: { projectId: string; path: string }
): Promise<PublishResult> {
  const copies = [...(result.copies ?? [])]
  let shareUrl = ''
  try {
    if (copies.length === 0) shareUrl = await shares.share(source.projectId, source.path)
    for (const [index, copy] of copies.entries()) {
      if (copy.status === 'failed' || copy.status === 'timeout') continue
      copies[index] = { ...copy, share_url: await shares.share(copy.project_id, copy.path) }
    }
    return { ...result, copies, shareUrl: copies.length > 0 ? copies[0].share_url : shareUrl, shareAudience: AUDIENCE[shares.mode] }
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error
    const failure = [result.failure, error.message].filter(Boolean).join('; ')
    const partial = copies.length > 0 ? copies[0].share_url : ''
    return { ...result, copies, shareUrl: partial, ...(partial ? { shareAudience: AUDIENCE[shares.mode] } : {}), failure }
  }
}

function safeJson(http: HttpClient, response: HttpResponse, label: string): Record<string, unknown> | undefined {
  try {
    return http.parseJson(response, label)
  } catch {
    return undefined
  }
}
