/**
 * The sticky PR comment: one per tag, found by a hidden marker AND by its author (the token's own
 * identity), so another user's look-alike comment is never taken over. Updated in place, else
 * created. The GitHub calls come in through the small GitHubApi interface (github.ts implements
 * it with Octokit; tests pass a fake).
 */
import type { Logger } from '../logger.js'
import type { Inputs } from '../inputs.js'

const MARKER_PREFIX = 'publish-to-collaborative-editors'
const TAG_CHARACTERS = /[^\w .:/@+=-]/g

export interface IssueComment {
  id: number
  body: string
  htmlUrl: string
  /** The author's login, e.g. `github-actions[bot]`. */
  author: string
  /** `User` or `Bot`, as GitHub says. */
  authorType?: string
}

export interface PullRequestRef {
  number: number
  state: string
  /** ISO date of the last update. */
  updatedAt: string
  headRef?: string
  headSha?: string
}

/** The GitHub REST/GraphQL subset the reporter needs. */
export interface GitHubApi {
  /** The token's own login (GraphQL `viewer`), which works for GITHUB_TOKEN, App tokens and PATs. */
  viewerLogin(): Promise<string>
  /** The token's login from REST `GET /user`: refused to installation tokens (GITHUB_TOKEN, Apps). */
  userLogin(): Promise<string>
  /** Every comment of an issue or PR, all pages, oldest first. */
  listComments(issue: number): Promise<IssueComment[]>
  createComment(issue: number, body: string): Promise<IssueComment>
  updateComment(id: number, body: string): Promise<IssueComment>
  /** Pull requests associated with a commit. */
  pullRequestsOfCommit(sha: string): Promise<PullRequestRef[]>
}

/** The comment-tag input, or one derived from mode and destination so that steps publishing elsewhere keep their own comments. */
export function commentTag(inputs: Inputs): string {
  if (inputs.commentTag) return inputs.commentTag
  const derived = inputs.mode === 'cocode' ? 'cocode' : `cocalc:${inputs.projectId}:${inputs.path}`
  // The path may hold characters that could close the HTML comment the tag lives in.
  return derived.replace(TAG_CHARACTERS, '_').slice(0, 200)
}

/** The hidden first line that identifies the comment of one tag. */
export function commentMarker(tag: string): string {
  return `<!-- ${MARKER_PREFIX}:${tag.replace(TAG_CHARACTERS, '_')} -->`
}

/**
 * Who the token writes as: its login, or, when GitHub would not say, "some bot" (installation
 * tokens, GITHUB_TOKEN's included, write as bots; guessing one login would miss an App's).
 */
export type TokenIdentity = { login: string } | { anyBot: true }

/**
 * Whether a comment was written by the token's identity. GraphQL may name a bot without the
 * `[bot]` suffix that REST shows, so that form matches too, for bots only.
 */
export function isWrittenBy(comment: IssueComment, identity: TokenIdentity): boolean {
  const author = comment.author.toLowerCase()
  if ('anyBot' in identity) return comment.authorType === 'Bot' || author.endsWith('[bot]')
  const own = identity.login.toLowerCase()
  if (author === own) return true
  return !own.endsWith('[bot]') && author === `${own}[bot]` && comment.authorType === 'Bot'
}

/** Whether a comment carries the marker as its first line, exactly (text further down never counts). */
export function hasMarker(comment: IssueComment, marker: string): boolean {
  const end = comment.body.indexOf('\n')
  const first = end < 0 ? comment.body : comment.body.slice(0, end)
  return first.replace(/\r$/, '') === marker
}

/** Our earlier comment of this tag: the oldest carrying the marker and written by the token's identity. */
export function findOwnComment(comments: IssueComment[], marker: string, identity: TokenIdentity): IssueComment | undefined {
  return comments.find((comment) => hasMarker(comment, marker) && isWrittenBy(comment, identity))
}

export interface UpsertOutcome {
  action: 'created' | 'updated'
  comment: IssueComment
}

/**
 * Updates this tag's comment on the PR, or creates it. The token's identity is asked only when
 * some comment carries the marker (a first run needs one request less).
 */
export async function upsertComment(api: GitHubApi, issue: number, marker: string, body: string, log: Logger): Promise<UpsertOutcome> {
  const comments = await api.listComments(issue)
  log.debug(`PR #${issue} has ${comments.length} comment(s)`)
  const marked = comments.filter((comment) => hasMarker(comment, marker))
  if (marked.length > 0) {
    const identity = await tokenIdentity(api, log)
    const existing = findOwnComment(marked, marker, identity)
    const others = marked.filter((comment) => comment !== existing && !isWrittenBy(comment, identity)).length
    const who = 'login' in identity ? identity.login : 'a bot'
    if (others > 0) log.info(`Leaving alone ${others} comment(s) with the same tag written by someone other than ${who}`)
    if (existing) {
      const updated = await api.updateComment(existing.id, body)
      return { action: 'updated', comment: updated }
    }
  }
  return { action: 'created', comment: await api.createComment(issue, body) }
}

/** GraphQL's viewer, else REST's GET /user (not for installation tokens), else no guess: any bot. */
async function tokenIdentity(api: GitHubApi, log: Logger): Promise<TokenIdentity> {
  const reasons: string[] = []
  for (const [how, ask] of [
    ['GraphQL viewer', () => api.viewerLogin()],
    ['GET /user', () => api.userLogin()]
  ] as const) {
    try {
      const login = await ask()
      log.debug(`The token writes as ${login}`)
      return { login }
    } catch (error) {
      reasons.push(`${how}: ${error instanceof Error ? error.message : String(error)}`)
    }
  }
  log.debug(`Could not ask GitHub whose token this is (${reasons.join('; ')}); matching the marker on comments by any bot`)
  return { anyBot: true }
}

/** What became of the PR comment in this run; the job summary says it. */
export type CommentOutcome =
  | { kind: 'written'; action: 'created' | 'updated'; pullRequest: number; comment: IssueComment }
  /** Dry run: `target` describes where a real run would comment, or why it would not. */
  | { kind: 'planned'; target: string | undefined; reason?: string }
  | { kind: 'skipped'; reason: string }
  | { kind: 'failed' }
