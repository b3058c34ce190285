/**
 * The GitHub side of reporting: an Octokit (from @actions/github, with the retry and throttling
 * plugins) behind the small GitHubApi interface, and the one warning a failed comment becomes.
 *
 * Octokit is imported only here and only when a comment is really going to be written, so a dry
 * run, or a run with no pull request, never pays for loading it.
 */
import type { IssueComment, GitHubApi, Log, PullRequestRef } from './comment.js'
import type { RunContext } from '../context.js'
import { loadUndici } from '../undici-on-demand.js'
import { Scrubber, htmlToText, looksLikeHtml, serverText } from '../text.js'

export interface GitHubApiOptions {
  token: string
  /** REST base URL (GITHUB_API_URL). */
  apiUrl: string
  /** GraphQL endpoint (GITHUB_GRAPHQL_URL). */
  graphqlUrl: string
  owner: string
  repo: string
  log: Log
  /** Per request. */
  timeoutMs?: number
}

/** Rate limits are waited out this many times at most, and only when GitHub asks for at most MAX_RATE_WAIT_S. */
const MAX_RATE_RETRIES = 2
const MAX_RATE_WAIT_S = 30
/** Pages of 100 comments read at most (a PR with more than 100,000 comments is not a real case). */
const MAX_COMMENT_PAGES = 1000

export function graphqlUrlOf(env: NodeJS.ProcessEnv, apiUrl: string): string {
  return (env.GITHUB_GRAPHQL_URL || `${apiUrl}/graphql`).replace(/\/+$/, '')
}

/** An Octokit with the retry and throttling plugins whose requests never leave the GitHub API's origins. */
export async function createOctokit(options: Omit<GitHubApiOptions, 'owner' | 'repo'>) {
  const [{ getOctokit }, { defaults }, { retry }, { throttling }] = await Promise.all([
    import('@actions/github'),
    import('@actions/github/lib/utils'),
    import('@octokit/plugin-retry'),
    import('@octokit/plugin-throttling'),
    // Octokit may build undici's ProxyAgent synchronously: see undici-on-demand.ts.
    loadUndici()
  ])
  const { log } = options
  const baseFetch: typeof fetch = defaults.request?.fetch ?? fetch
  const onLimit = (kind: string) => (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
    const again = retryCount < MAX_RATE_RETRIES && retryAfter <= MAX_RATE_WAIT_S
    log.info(`GitHub's ${kind} answered ${request.method} ${request.url}: ${again ? `retrying in ${retryAfter} s` : `not waiting ${retryAfter} s`}`)
    return again
  }
  return getOctokit(
    options.token,
    {
      baseUrl: options.apiUrl,
      request: { ...defaults.request, fetch: guardedFetch(baseFetch, [options.apiUrl, options.graphqlUrl], options.timeoutMs ?? 20_000) },
      log: { debug: log.debug, info: log.debug, warn: log.debug, error: log.debug },
      // 5xx and network errors: twice more, after 0.25 s then 1 s. Rate limits are the throttler's.
      retry: { retries: 2, retryAfterBaseValue: 250, doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] },
      throttle: { onRateLimit: onLimit('rate limit'), onSecondaryRateLimit: onLimit('secondary rate limit'), fallbackSecondaryRateRetryAfter: 60 }
    },
    retry,
    throttling
  )
}

export type Octokit = Awaited<ReturnType<typeof createOctokit>>

export async function createGitHubApi(options: GitHubApiOptions): Promise<GitHubApi> {
  const { owner, repo } = options
  const octokit = await createOctokit(options)

  return {
    async viewerLogin() {
      const response = await octokit.request(`POST ${options.graphqlUrl}`, { query: 'query { viewer { login } }' })
      const data: unknown = response.data
      const login = (data as { data?: { viewer?: { login?: unknown } } } | undefined)?.data?.viewer?.login
      if (typeof login !== 'string' || login === '') throw new Error('GraphQL answered no viewer login')
      return login
    },
    async userLogin() {
      // GitHub refuses GET /user to installation tokens: do not even ask.
      if (isInstallationToken(options.token)) throw new Error('not asked: an installation token cannot read GET /user')
      const response = await octokit.request('GET /user')
      const login: unknown = response.data.login
      if (typeof login !== 'string' || login === '') throw new Error('GET /user answered no login')
      return login
    },
    async listComments(issue) {
      const comments: IssueComment[] = []
      let pages = 0
      const route = 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments'
      for await (const page of octokit.paginate.iterator(route, { owner, repo, issue_number: issue, per_page: 100 })) {
        for (const raw of page.data) comments.push(toComment(raw))
        if (++pages >= MAX_COMMENT_PAGES) break
      }
      return comments
    },
    async createComment(issue, body) {
      // Creating is not idempotent: a 5xx may hide a success, so it is not repeated (the retry
      // plugin's retries: 0). Rate limits are still waited out: GitHub did not act on those.
      const response = await octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
        owner,
        repo,
        issue_number: issue,
        body,
        request: { retries: 0 }
      })
      return toComment(response.data)
    },
    async updateComment(id, body) {
      const response = await octokit.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', { owner, repo, comment_id: id, body })
      return toComment(response.data)
    },
    async pullRequestsOfCommit(sha) {
      const response = await octokit.request('GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls', { owner, repo, commit_sha: sha, per_page: 100 })
      return response.data.map((pr): PullRequestRef => ({
        number: pr.number,
        state: pr.state,
        updatedAt: pr.updated_at,
        headRef: pr.head?.ref,
        headSha: pr.head?.sha
      }))
    }
  }
}

/**
 * A GitHub App installation token (the workflow's GITHUB_TOKEN is one): `ghs_` today, `v1.` in
 * the older format (https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/).
 */
export function isInstallationToken(token: string): boolean {
  return token.startsWith('ghs_') || token.startsWith('v1.')
}

interface RawComment {
  id: number | bigint
  body?: string | null
  html_url: string
  user?: { login: string; type?: string } | null
}

function toComment(raw: RawComment): IssueComment {
  return { id: Number(raw.id), body: raw.body ?? '', htmlUrl: raw.html_url, author: raw.user?.login ?? '', authorType: raw.user?.type }
}

/**
 * fetch with a per-request timeout that refuses any origin but the GitHub API's own, so the
 * token cannot be sent elsewhere by a pagination link. Redirects are followed only within those
 * origins: one to another host is refused, so neither the token nor the comment goes there, and
 * that host's answer is never taken for GitHub's.
 */
export function guardedFetch(base: typeof fetch, allowedUrls: string[], timeoutMs: number, maxRedirects = 5): typeof fetch {
  const allowed = new Set(allowedUrls.map((url) => new URL(url).origin))
  const refuse = (origin: string) => Promise.reject(new Error(`refused to send the token to ${origin}, which is not the GitHub API`))
  const guarded = async (input: Parameters<typeof fetch>[0], init: RequestInit | undefined, hops: number): Promise<Response> => {
    const target = new URL(input instanceof Request ? input.url : String(input))
    if (!allowed.has(target.origin)) return refuse(target.origin)
    const timeout = AbortSignal.timeout(timeoutMs)
    const response = await base(input, { ...init, redirect: 'manual', signal: init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout })
    const location = response.headers.get('location')
    if (![301, 302, 303, 307, 308].includes(response.status) || location === null) return response
    const next = new URL(location, target)
    if (!allowed.has(next.origin)) {
      await response.body?.cancel()
      return Promise.reject(new Error(`GitHub redirected to ${next.origin}: refused to send the token to a host that is not the GitHub API`))
    }
    if (hops >= maxRedirects) return response
    await response.body?.cancel()
    // As fetch does: 303 (and 301/302 after a POST) become a GET without body; 307/308 repeat as they were.
    const asGet = response.status === 303 || ((response.status === 301 || response.status === 302) && init?.method === 'POST')
    return guarded(next.toString(), asGet ? { ...init, method: 'GET', body: undefined } : init, hops + 1)
  }
  return (input, init) => guarded(input, init, 0)
}

export interface FailureSituation {
  /** What was being done, e.g. "write the comment on PR #12 of owner/repo". */
  doing: string
  context: RunContext
  token: string
}

/**
 * The one warning a failed comment becomes: what GitHub said, why, and what to do. It never
 * carries the token (the text is scrubbed of it, and GitHub does not echo it anyway).
 */
export function explainCommentFailure(error: unknown, situation: FailureSituation): string {
  const { context } = situation
  const repository = context.repository ?? 'the repository'
  const status = statusOf(error)
  const said = serverText(serverMessage(error), new Scrubber([situation.token]), 200)
  const end = ' The outputs and the job summary are set; the step goes on.'
  const prefix = `Could not ${situation.doing}:`
  if (status === undefined || isTransportError(error)) {
    return `${prefix} the GitHub API at ${context.apiUrl} could not be reached (${said}).${end}`
  }
  const answered = `GitHub answered HTTP ${status}${said ? ` "${said}"` : ''}`
  if ((status === 403 || status === 429) && isRateLimit(error, said)) {
    return `${prefix} ${answered}: the token's rate limit is spent, and waiting was not worth it. The next run updates the comment.${end}`
  }
  if (status === 403 && /not accessible by integration/i.test(said)) {
    const why = context.pullRequest?.fromFork
      ? "GitHub gives pull requests from forks a read-only token. To comment on them, run this step in a 'workflow_run' workflow triggered by this one (pass the PR number as 'pr-number') or on 'pull_request_target'; both get a write token, so never check out and run the PR's code there while secrets are available."
      : "the token may not write comments here: give the job 'permissions: pull-requests: write' (or pass a 'github-token' that may). On pull requests from forks the token is always read-only: use a 'workflow_run' follow-up or 'pull_request_target' (never running the PR's code with secrets)."
    return `${prefix} ${answered}: ${why}${end}`
  }
  switch (status) {
    case 401:
      return `${prefix} ${answered}: the token was refused; check the 'github-token' input.${end}`
    case 403:
      return `${prefix} ${answered}: the token may not do this; give the job 'permissions: pull-requests: write'.${end}`
    case 404:
      return `${prefix} ${answered}: check the pull request number ('pr-number') and that the token can see ${repository}.${end}`
    case 422:
      return `${prefix} ${answered}: GitHub refused the request as invalid.${end}`
    default:
      return `${prefix} ${answered}.${end}`
  }
}

function statusOf(error: unknown): number | undefined {
  const status = error && typeof error === 'object' ? (error as { status?: unknown }).status : undefined
  return typeof status === 'number' ? status : undefined
}

/** Octokit reports network failures and timeouts as status 500 without a response. */
function isTransportError(error: unknown): boolean {
  if (!error || typeof error !== 'object') return true
  const { response, name } = error as { response?: unknown; name?: unknown }
  return response === undefined || name === 'AbortError' || name === 'TimeoutError'
}

function isRateLimit(error: unknown, said: string): boolean {
  const headers = (error as { response?: { headers?: Record<string, string | undefined> } }).response?.headers ?? {}
  return headers['x-ratelimit-remaining'] === '0' || headers['retry-after'] !== undefined || /rate limit/i.test(said)
}

/** GitHub's own message (the caller makes it one inert, scrubbed line). */
function serverMessage(error: unknown): string {
  const data = (error as { response?: { data?: unknown } } | undefined)?.response?.data
  const message =
    data && typeof data === 'object' && typeof (data as { message?: unknown }).message === 'string'
      ? (data as { message: string }).message
      : error instanceof Error
        ? error.message
        : String(error)
  // A proxy's HTML error page: its text, not its markup.
  return looksLikeHtml(message) ? htmlToText(message) : message
}
