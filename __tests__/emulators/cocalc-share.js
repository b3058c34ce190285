// @ts-check
/**
 * The CoCalc emulator's share server part (PROTOCOLS.md §2.4): the `public_paths` table through
 * the user-query API (v2 `POST /api/v2/user-query`, v1 `POST /api/v1/query`), and the
 * `shareServer` site setting through `POST /api/v2/customize`. cocalc.js routes those calls here.
 *
 * Modelled on CoCalc's source (src/packages, 2026-07), and no more lenient:
 * - database/postgres-user-queries.coffee: a query names exactly one table; it is a set when no
 *   leaf is null, a get otherwise; a set without an account is "FATAL: no anonymous set queries";
 *   a field outside the table's settable ones is "FATAL: changing public_paths.<f> not allowed";
 *   `project_id: "project_write"` needs the project to exist ("FATAL: unknown project_id") and
 *   the account to be its owner or collaborator, else "FATAL: user must be an admin" (a project's
 *   own API key, whose identity is the project, is never one). The write is an upsert on the id.
 * - util/db-schema/public-paths.ts: the settable fields, and `id = sha1(project_id, path)` set by
 *   the server whatever the client sent; a get needs `project_id` (its pg_where) and read access.
 * - next/pages/api/v2/user-query.ts: answers `{query: result}` or `{error}`, always HTTP 200; a
 *   set's result names no row (`{"query":{}}`). API v1's `query` answered `{event:"query", id,
 *   query: result, multi_response:false}` or `{event:"error", error}` (hub/client.coffee before
 *   commit 3dd81a260a, hub/api/handler.coffee).
 * - database/settings/customize.ts, next/pages/api/v2/customize.ts: `{fields}` picks settings,
 *   among them `shareServer` (the "Allow public file sharing" setting; off unless turned on).
 */
import { createHash } from 'node:crypto'

/** Fields a user may set (public-paths.ts `user_query.set.fields`). */
const SETTABLE = new Set([
  'id',
  'project_id',
  'path',
  'name',
  'description',
  'image',
  'disabled',
  'unlisted',
  'authenticated',
  'license',
  'last_edited',
  'created',
  'compute_image',
  'site_license_id',
  'cross_origin_isolation',
  'redirect',
  'jupyter_api'
])

/**
 * @typedef {Record<string, unknown> & { id: string, project_id: string, path: string }} PublicPathRow
 * @typedef {{
 *   projectExists: (projectId: string) => boolean,
 *   isCollaborator: (key: string, projectId: string) => boolean,
 *   isProjectKey: (key: string) => boolean
 * }} Access
 */

/** @param {string} projectId @param {string} path */
export function publicPathId(projectId, path) {
  return createHash('sha1').update(`${projectId}${path}`, 'utf8').digest('hex')
}

/** @param {Access} access */
export function createShareServer(access) {
  const state = {
    /** Off on a fresh self-hosted server; the emulator starts with it on. */
    shareServer: true,
    /** @type {Map<string, PublicPathRow>} */
    rows: new Map(),
    /** Every accepted write, in order (id and the fields sent). @type {{ id: string, fields: Record<string, unknown> }[]} */
    writes: []
  }

  /**
   * One user query, as the hub runs it for `key` (undefined: not signed in).
   * @param {string | undefined} key @param {unknown} query
   * @returns {{ query: Record<string, unknown> } | { error: string }}
   */
  function userQuery(key, query) {
    if (!isObject(query)) return { error: 'FATAL: the query must be an object' }
    const tables = Object.keys(query)
    if (tables.length !== 1) return { error: 'FATAL: must specify exactly one key in the query' }
    const table = tables[0]
    if (table !== 'public_paths') return { error: `FATAL: the emulator knows only the public_paths table, not '${table}'` }
    const row = query[table]
    if (!isObject(row)) return { error: 'FATAL: the emulator answers single-row public_paths queries only' }
    return hasNullLeaf(row) ? get(key, row) : set(key, row)
  }

  /** @param {string | undefined} key @param {Record<string, unknown>} row */
  function set(key, row) {
    if (key === undefined) return { error: 'FATAL: no anonymous set queries' }
    for (const field of Object.keys(row)) if (!SETTABLE.has(field)) return { error: `FATAL: changing public_paths.${field} not allowed` }
    const projectId = row.project_id
    if (typeof projectId !== 'string') return { error: 'FATAL: must specify public_paths.project_id' }
    if (typeof row.path !== 'string') return { error: 'FATAL: public_paths.path must be given' }
    if (!access.projectExists(projectId)) return { error: `FATAL: unknown project_id '${projectId.slice(0, 100)}'` }
    if (access.isProjectKey(key) || !access.isCollaborator(key, projectId)) return { error: 'FATAL: user must be an admin' }
    // The server computes the id; whatever the client sent in its place is overwritten.
    const id = publicPathId(projectId, row.path)
    const fields = { ...row, id }
    const existing = state.rows.get(id)
    state.rows.set(id, /** @type {PublicPathRow} */ ({ created: new Date().toISOString(), ...existing, ...fields }))
    state.writes.push({ id, fields })
    return { query: {} }
  }

  /** @param {string | undefined} key @param {Record<string, unknown>} row */
  function get(key, row) {
    const projectId = row.project_id
    if (typeof projectId !== 'string') return { error: 'FATAL: public_paths get queries must give project_id' }
    if (key === undefined || !access.isCollaborator(key, projectId)) return { error: 'FATAL: you do not have read access to this project' }
    const wanted = Object.entries(row).filter(([, value]) => value !== null && value !== undefined)
    const found = [...state.rows.values()].find((stored) => wanted.every(([field, value]) => stored[field] === value))
    if (!found) return { query: {} }
    return { query: { public_paths: Object.fromEntries(Object.keys(row).map((field) => [field, found[field] ?? null])) } }
  }

  /**
   * The customize endpoint: the named settings, or all the emulator knows.
   * @param {unknown} body
   */
  function customize(body) {
    /** @type {Record<string, unknown>} */
    const all = { siteName: 'CoCalc emulator', shareServer: state.shareServer }
    const fields = isObject(body) && Array.isArray(body.fields) ? body.fields.map(String) : undefined
    return fields ? Object.fromEntries(fields.filter((field) => field in all).map((field) => [field, all[field]])) : all
  }

  return { state, userQuery, customize }
}

/** @param {unknown} value @returns {value is Record<string, unknown>} */
function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** CoCalc's misc.has_null_leaf: a get query has at least one null leaf. @param {unknown} value @returns {boolean} */
function hasNullLeaf(value) {
  if (value === null) return true
  if (typeof value !== 'object') return false
  return Object.values(/** @type {object} */ (value)).some((child) => hasNullLeaf(child))
}
