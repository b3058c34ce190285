/**
 * The GitHub side of reporting: an Octokit (from @actions/github, with the retry and throttling
 * plugins) behind the small GitHubApi interface. Its requests go through guarded-fetch.ts; a
 * failed comment becomes one warning in comment-failure.ts.
 *
 * Octokit is imported only here and only when a comment is really going to be written, so a dry
 * run, or a run with no pull request, never pays for loading it.
 */
import type { IssueComment, GitHubApi, PullRequestRef } from './comment.js'
import type { Logger } from '../logger.js'
import { guardedFetch } from './guarded-fetch.js'
import { loadUndici } from '../undici-on-demand.js'

export interface GitHubApiOptions {
  token: string
  /** REST base URL (GITHUB_API_URL). */
  apiUrl: string
  /** GraphQL endpoint (GITHUB_GRAPHQL_URL). */
  graphqlUrl: string
  owner: string
  repo: string
  log: Logger
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
  // Behind a proxy, @actions/github builds undici's ProxyAgent as its utils load: undici first.
  await loadUndici()
  const [{ getOctokit }, { defaults }, { retry }, { throttling }] = await Promise.all([
    import('@actions/github'),
    import('@actions/github/lib/utils'),
    import('@octokit/plugin-retry'),
    import('@octokit/plugin-throttling')
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
