import { describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { ServiceError } from '../../src/errors.js'
import { planShares, shareId, shareRequest, shareRow, shareUrl, sharePublished, type CocalcShares } from '../../src/cocalc/share.js'
import type { CopyOutcome, PublishResult } from '../../src/report/result.js'
import { createShareServer, publicPathId } from '../emulators/cocalc-share.js'

const P = '0b2e6b5f-2c2f-4b86-9a7e-1f0f3c1f5a10'
const T1 = '11111111-2222-4333-8444-555555555555'
const T2 = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee'

describe('share rows and links', () => {
  it("computes CoCalc's id (SHA-1 hex of project_id and path joined) and the share page", () => {
    const id = createHash('sha1').update(`${P}course/week 1`).digest('hex')
    expect(shareId(P, 'course/week 1')).toBe(id)
    expect(publicPathId(P, 'course/week 1')).toBe(id)
    expect(shareUrl('https://cocalc.example/base/', P, 'course/week 1')).toBe(`https://cocalc.example/base/share/public_paths/${id}`)
  })

  it("uses CoCalc's own flags for each mode, and the user-query path of each API", () => {
    expect(shareRow(P, 'c', 'public', 'd')).toEqual({
      project_id: P,
      path: 'c',
      description: 'd',
      disabled: false,
      unlisted: false,
      authenticated: false
    })
    expect(shareRow(P, 'c', 'unlisted', 'd')).toMatchObject({ unlisted: true, authenticated: false })
    expect(shareRow(P, 'c', 'authenticated', 'd')).toMatchObject({ unlisted: false, authenticated: true })
    expect(shareRequest('v2', shareRow(P, 'c', 'public', 'd')).path).toBe('/api/v2/user-query')
    expect(shareRequest('v1', shareRow(P, 'c', 'public', 'd')).path).toBe('/api/v1/query')
  })

  it('plans one write per target folder (or the project folder), after the server check', () => {
    const inputs = { share: 'unlisted' as const, api: 'v2' as const, cocalcUrl: 'https://cc', projectId: P, path: 'src', targetPath: 'dst' }
    expect(planShares({ ...inputs, targetProjectIds: [] }, 'x')).toHaveLength(3)
    const lines = planShares({ ...inputs, targetProjectIds: [T1, T2] }, 'x')
    expect(lines[0]).toContain('POST https://cc/api/v2/customize {"fields":["shareServer"]}')
    expect(lines.filter((line) => line.includes(`→ https://cc/share/public_paths/${shareId(T2, 'dst')}`))).toHaveLength(1)
    expect(planShares({ ...inputs, share: 'none', targetProjectIds: [] }, 'x')).toEqual([])
  })
})

describe('sharePublished', () => {
  const copy = (project_id: string, status: CopyOutcome['status']): CopyOutcome => ({
    project_id,
    path: 'dst',
    copy_id: '',
    url: '',
    embed_url: '',
    share_url: '',
    status
  })
  const fake = (refuse: string | undefined): CocalcShares =>
    ({
      mode: 'unlisted',
      share: async (projectId: string, folder: string) => {
        if (projectId === refuse) throw new ServiceError(`refused ${projectId}`)
        return `https://cc/share/${projectId}/${folder}`
      }
    }) as unknown as CocalcShares

  it('shares only targets whose copy did not fail, and names the first in shareUrl', async () => {
    const result: PublishResult = {
      mode: 'cocalc',
      status: 'uploaded',
      files: [],
      skipped: [],
      copies: [copy(T1, 'failed'), copy(T2, 'copied')],
      failure: 'copy failed'
    }
    const shared = await sharePublished(fake(undefined), result, { projectId: P, path: 'src' })
    expect(shared.copies?.map((c) => c.share_url)).toEqual(['', `https://cc/share/${T2}/dst`])
    expect(shared.shareUrl).toBe('')
    expect(shared.failure).toBe('copy failed')
  })

  it('turns a refusal into the failure, keeping only the rows written before it', async () => {
    const result: PublishResult = { mode: 'cocalc', status: 'copied', files: [], skipped: [], copies: [copy(T1, 'copied'), copy(T2, 'copied')] }
    const shared = await sharePublished(fake(T2), result, { projectId: P, path: 'src' })
    expect(shared.failure).toBe(`refused ${T2}`)
    expect(shared.copies?.map((c) => c.share_url)).toEqual([`https://cc/share/${T1}/dst`, ''])
    const alone = await sharePublished(fake(P), { mode: 'cocalc', status: 'uploaded', files: [], skipped: [] }, { projectId: P, path: 'src' })
    expect(alone).toMatchObject({ shareUrl: '', failure: `refused ${P}` })
    expect(alone.shareAudience).toBeUndefined()
  })
})

describe('the emulated public_paths table', () => {
  const server = () => {
    const shares = createShareServer({
      projectExists: (id) => id === P || id === T1,
      isCollaborator: (key, id) => key === 'account' || (key === 'project-key' && id === P),
      isProjectKey: (key) => key === 'project-key'
    })
    return shares
  }

  it("refuses what CoCalc refuses: anonymous sets, fields users may not set, unknown projects, non-collaborators and projects' keys", () => {
    const shares = server()
    const row = { project_id: P, path: 'c', disabled: false }
    expect(shares.userQuery(undefined, { public_paths: row })).toEqual({ error: 'FATAL: no anonymous set queries' })
    expect(shares.userQuery('account', { public_paths: { ...row, counter: 5 } })).toEqual({
      error: 'FATAL: changing public_paths.counter not allowed'
    })
    expect(shares.userQuery('account', { public_paths: { ...row, project_id: T2 } })).toEqual({ error: `FATAL: unknown project_id '${T2}'` })
    expect(shares.userQuery('stranger', { public_paths: row })).toEqual({ error: 'FATAL: user must be an admin' })
    expect(shares.userQuery('project-key', { public_paths: row })).toEqual({ error: 'FATAL: user must be an admin' })
    expect(shares.userQuery('account', { public_paths: row, projects: {} })).toEqual({ error: 'FATAL: must specify exactly one key in the query' })
    expect(shares.state.rows.size).toBe(0)
  })

  it('computes the id itself, upserts on it, and reads a row back for a collaborator', () => {
    const shares = server()
    expect(shares.userQuery('account', { public_paths: { id: 'forged', project_id: P, path: 'c', unlisted: true } })).toEqual({ query: {} })
    shares.userQuery('account', { public_paths: { project_id: P, path: 'c', unlisted: false } })
    const id = publicPathId(P, 'c')
    expect([...shares.state.rows.keys()]).toEqual([id])
    expect(shares.userQuery('account', { public_paths: { id, project_id: P, path: null, unlisted: null } })).toEqual({
      query: { public_paths: { id, project_id: P, path: 'c', unlisted: false } }
    })
    expect(shares.userQuery('stranger', { public_paths: { id, project_id: P, path: null } })).toEqual({
      error: 'FATAL: you do not have read access to this project'
    })
    expect(shares.customize({ fields: ['shareServer'] })).toEqual({ shareServer: true })
  })
})
