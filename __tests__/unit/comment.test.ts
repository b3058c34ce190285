import { describe, expect, it } from '@jest/globals'
import {
  commentMarker,
  commentTag,
  findOwnComment,
  hasMarker,
  isWrittenBy,
  upsertComment,
  type GitHubApi,
  type IssueComment
} from '../../src/report/comment.js'
import { readInputs, type Inputs } from '../../src/inputs.js'

/** An in-memory GitHub that records calls. */
function fakeApi(comments: IssueComment[], login: string | Error = 'github-actions[bot]', userLogin: string | Error = new Error('403')) {
  const calls: string[] = []
  let nextId = 9000
  const api: GitHubApi = {
    async viewerLogin() {
      calls.push('viewer')
      if (login instanceof Error) throw login
      return login
    },
    async userLogin() {
      calls.push('user')
      if (userLogin instanceof Error) throw userLogin
      return userLogin
    },
    async listComments(issue) {
      calls.push(`list ${issue}`)
      return comments
    },
    async createComment(issue, body) {
      calls.push(`create ${issue}`)
      const created = {
        id: nextId++,
        body,
        htmlUrl: `https://github.com/o/r/pull/${issue}#c`,
        author: typeof login === 'string' ? login : 'github-actions[bot]'
      }
      comments.push(created)
      return created
    },
    async updateComment(id, body) {
      calls.push(`update ${id}`)
      const found = comments.find((c) => c.id === id)!
      found.body = body
      return found
    },
    async pullRequestsOfCommit() {
      return []
    }
  }
  return { api, calls }
}

const quiet = { info: () => undefined, warning: () => undefined, debug: () => undefined }
const marker = commentMarker('cocode')
const mine = (id: number, body = `${marker}\nold`): IssueComment => ({
  id,
  body,
  htmlUrl: `u${id}`,
  author: 'github-actions[bot]',
  authorType: 'Bot'
})

function inputsOf(values: Record<string, string>): Inputs {
  return readInputs({ read: (name) => values[name] ?? '', env: { GITHUB_REPOSITORY: 'octo-org/notebooks', GITHUB_WORKSPACE: '/tmp' } })
}

describe('commentTag and commentMarker', () => {
  it('derives the tag from mode and destination', () => {
    expect(commentTag(inputsOf({ mode: 'cocode', files: '*' }))).toBe('cocode')
    const cocalc = inputsOf({ mode: 'cocalc', files: '*', 'project-id': '0b2e6b5f-2c2f-4b86-9a7e-1f0f3c1f5a10', path: 'course/week-1' })
    expect(commentTag(cocalc)).toBe('cocalc:0b2e6b5f-2c2f-4b86-9a7e-1f0f3c1f5a10:course/week-1')
  })

  it('uses the comment-tag input when given', () => {
    expect(commentTag(inputsOf({ mode: 'cocode', files: '*', 'comment-tag': 'preview' }))).toBe('preview')
  })

  it('keeps a derived tag from closing the HTML comment it lives in', () => {
    const cocalc = inputsOf({ mode: 'cocalc', files: '*', 'project-id': '0b2e6b5f-2c2f-4b86-9a7e-1f0f3c1f5a10', path: 'a-->b<c>' })
    expect(commentTag(cocalc)).toBe('cocalc:0b2e6b5f-2c2f-4b86-9a7e-1f0f3c1f5a10:a--_b_c_')
    expect(commentMarker('x-->y')).toBe('<!-- publish-to-collaborative-editors:x--_y -->')
  })

  it('gives tags that are prefixes of each other different markers', () => {
    const comments = [mine(1, `${commentMarker('cocode-2')}\nbody`)]
    expect(findOwnComment(comments, commentMarker('cocode'), { login: 'github-actions[bot]' })).toBeUndefined()
  })
})

describe('hasMarker', () => {
  it('is the first line, exactly', () => {
    expect(hasMarker(mine(1), marker)).toBe(true)
    expect(hasMarker(mine(1, `${marker}\r\nwindows line end`), marker)).toBe(true)
    expect(hasMarker(mine(1, marker), marker)).toBe(true)
    expect(hasMarker(mine(1, `### Report\n- \`${marker}\`.md`), marker)).toBe(false)
    expect(hasMarker(mine(1, ` ${marker}\nx`), marker)).toBe(false)
    expect(hasMarker(mine(1, `${marker} trailing\nx`), marker)).toBe(false)
  })
})

describe('isWrittenBy', () => {
  it('matches the login exactly, ignoring case', () => {
    expect(isWrittenBy(mine(1), { login: 'GitHub-Actions[bot]' })).toBe(true)
    expect(isWrittenBy({ ...mine(1), author: 'octocat', authorType: 'User' }, { login: 'github-actions[bot]' })).toBe(false)
  })

  it('accepts a bot login that GraphQL gives without the [bot] suffix, for bots only', () => {
    expect(isWrittenBy({ ...mine(1), author: 'my-app[bot]' }, { login: 'my-app' })).toBe(true)
    expect(isWrittenBy({ ...mine(1), author: 'my-app[bot]', authorType: 'User' }, { login: 'my-app' })).toBe(false)
  })
})

describe('upsertComment', () => {
  it('creates the comment on a PR without one, without asking whose token it is', async () => {
    const { api, calls } = fakeApi([{ id: 1, body: 'LGTM', htmlUrl: 'u1', author: 'octocat' }])
    const outcome = await upsertComment(api, 7, marker, `${marker}\nnew`, quiet)
    expect(outcome.action).toBe('created')
    expect(calls).toEqual(['list 7', 'create 7'])
  })

  it('updates its own comment in place', async () => {
    const comments = [{ id: 1, body: 'LGTM', htmlUrl: 'u1', author: 'octocat' }, mine(2)]
    const { api, calls } = fakeApi(comments)
    const outcome = await upsertComment(api, 7, marker, `${marker}\nnew`, quiet)
    expect(outcome).toEqual({ action: 'updated', comment: expect.objectContaining({ id: 2, body: `${marker}\nnew` }) })
    expect(calls).toEqual(['list 7', 'viewer', 'update 2'])
  })

  it("leaves another user's look-alike comment alone and creates its own", async () => {
    const lookAlike = { id: 1, body: `${marker}\nI am not the bot`, htmlUrl: 'u1', author: 'mallory', authorType: 'User' }
    const { api, calls } = fakeApi([lookAlike])
    const lines: string[] = []
    const outcome = await upsertComment(api, 7, marker, `${marker}\nnew`, {
      info: (l) => lines.push(l),
      warning: () => undefined,
      debug: () => undefined
    })
    expect(outcome.action).toBe('created')
    expect(lookAlike.body).toBe(`${marker}\nI am not the bot`)
    expect(calls).toEqual(['list 7', 'viewer', 'create 7'])
    expect(lines).toEqual(['Leaving alone 1 comment(s) with the same tag written by someone other than github-actions[bot]'])
  })

  it('recognises comments of a personal token or an App by the login GraphQL gives', async () => {
    const botComment = mine(1)
    const userComment = { id: 2, body: `${marker}\nx`, htmlUrl: 'u2', author: 'octocat', authorType: 'User' }
    const { api, calls } = fakeApi([botComment, userComment], 'octocat')
    expect((await upsertComment(api, 7, marker, `${marker}\nnew`, quiet)).comment.id).toBe(2)
    expect(calls).toContain('update 2')
    expect(botComment.body).toBe(`${marker}\nold`)
  })

  it('asks GET /user when GraphQL will not say whose token it is', async () => {
    const userComment = { id: 2, body: `${marker}\nx`, htmlUrl: 'u2', author: 'octocat', authorType: 'User' }
    const { api, calls } = fakeApi([mine(1), userComment], new Error('GraphQL: 403'), 'octocat')
    expect((await upsertComment(api, 7, marker, `${marker}\nnew`, quiet)).comment.id).toBe(2)
    expect(calls).toEqual(['list 7', 'viewer', 'user', 'update 2'])
  })

  it("guesses no login when neither answers: a bot's marked comment is taken, a user's is not, and a debug line says so", async () => {
    const userComment = { id: 1, body: `${marker}\nx`, htmlUrl: 'u1', author: 'octocat', authorType: 'User' }
    const { api, calls } = fakeApi([userComment, { ...mine(5), author: 'course-app[bot]' }], new Error('GraphQL: 403'))
    const debug: string[] = []
    const outcome = await upsertComment(api, 7, marker, `${marker}\nnew`, {
      info: () => undefined,
      warning: () => undefined,
      debug: (l) => debug.push(l)
    })
    expect(outcome.action).toBe('updated')
    expect(calls).toEqual(['list 7', 'viewer', 'user', 'update 5'])
    expect(debug.some((l) => /matching the marker on comments by any bot/.test(l))).toBe(true)
  })

  it('updates the oldest of several own comments', async () => {
    const { api, calls } = fakeApi([mine(3), mine(4)])
    await upsertComment(api, 7, marker, `${marker}\nnew`, quiet)
    expect(calls).toContain('update 3')
    expect(calls).not.toContain('update 4')
  })
})
