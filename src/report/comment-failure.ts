/**
 * Explaining a comment that could not be written: one warning line with what GitHub said, why,
 * and what to do (permissions, fork pull requests, rate limits), scrubbed of the token.
 */
import type { RunContext } from '../context.js'
import { proxyRefusal, proxyTunnelFailure } from '../errors.js'
import { Scrubber, htmlToText, looksLikeHtml, serverText } from '../text.js'

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
    const proxy = proxyFailure(error)
    if (proxy) return `${prefix} the proxy (HTTPS_PROXY / HTTP_PROXY) ${proxy} to the GitHub API at ${context.apiUrl}.${end}`
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

/**
 * What the runner's proxy did, when it is why GitHub was not reached: Octokit's error keeps
 * undici's refusal (or the action's ProxyTunnelError) down its chain of causes.
 */
function proxyFailure(error: unknown): string | undefined {
  const refused = proxyRefusal(error)
  if (refused === 407) return 'refused its credentials (HTTP 407) on the way'
  if (refused !== undefined) return `answered HTTP ${refused} instead of opening a connection`
  const tunnel = proxyTunnelFailure(error)
  return tunnel === undefined ? undefined : `${tunnel.replace(/^the proxy /, '')} on the way`
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
