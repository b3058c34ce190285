/**
 * What the run knows about where it runs: repository, commit, event and pull request. Read from
 * the runner's environment inside run() (not at import time) so tests and dry runs control it.
 */
import { readFileSync } from 'node:fs'

export interface PullRequestInfo {
  number: number
  title: string | undefined
  /** The PR's head commit, which is what the files came from (GITHUB_SHA is a merge commit). */
  headSha: string | undefined
  /** Head repository differs from the base: GitHub passes no secrets and a read-only token. */
  fromFork: boolean
}

export interface RunContext {
  /** owner/name, or undefined outside GitHub Actions. */
  repository: string | undefined
  owner: string | undefined
  repo: string | undefined
  sha: string | undefined
  eventName: string | undefined
  /** Who triggered the run (GITHUB_ACTOR). */
  actor?: string
  serverUrl: string
  apiUrl: string
  runUrl: string | undefined
  /** The raw event payload (empty object when there is none). */
  payload: Record<string, unknown>
  /** The pull request the event itself carries, if any. */
  pullRequest: PullRequestInfo | undefined
}

export function readRunContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  const repository = env.GITHUB_REPOSITORY || undefined
  const [owner, repo] = repository?.split('/') ?? []
  const serverUrl = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '')
  const payload = readPayload(env.GITHUB_EVENT_PATH)
  const pullRequest = pullRequestOf(payload)
  const runId = env.GITHUB_RUN_ID
  const attempt = env.GITHUB_RUN_ATTEMPT
  return {
    repository,
    owner,
    repo,
    sha: pullRequest?.headSha ?? (env.GITHUB_SHA || undefined),
    eventName: env.GITHUB_EVENT_NAME || undefined,
    actor: env.GITHUB_ACTOR || undefined,
    serverUrl,
    apiUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''),
    runUrl:
      repository && runId ? `${serverUrl}/${repository}/actions/runs/${runId}${attempt && attempt !== '1' ? `/attempts/${attempt}` : ''}` : undefined,
    payload,
    pullRequest
  }
}

function readPayload(eventPath: string | undefined): Record<string, unknown> {
  if (!eventPath) return {}
  try {
    const parsed: unknown = JSON.parse(readFileSync(eventPath, 'utf8'))
    return isRecord(parsed) ? parsed : {}
  } catch {
    // A missing or broken payload only costs the PR details; the publishing itself goes on.
    return {}
  }
}

/** The PR carried by pull_request, pull_request_target and issue_comment-on-a-PR events. */
export function pullRequestOf(payload: Record<string, unknown>): PullRequestInfo | undefined {
  const pr = payload.pull_request
  if (isRecord(pr) && typeof pr.number === 'number') {
    const head = isRecord(pr.head) ? pr.head : {}
    const base = isRecord(pr.base) ? pr.base : {}
    return {
      number: pr.number,
      title: typeof pr.title === 'string' ? pr.title : undefined,
      headSha: typeof head.sha === 'string' ? head.sha : undefined,
      fromFork: isFromFork(head, base)
    }
  }
  const issue = payload.issue
  if (isRecord(issue) && typeof issue.number === 'number' && isRecord(issue.pull_request)) {
    return { number: issue.number, title: typeof issue.title === 'string' ? issue.title : undefined, headSha: undefined, fromFork: false }
  }
  return undefined
}

/**
 * A PR comes from a fork when its head repository is not its base repository. (`head.repo.fork`
 * alone is wrong: a PR between two branches of a fork has it set, yet gets secrets.) A deleted
 * fork leaves `head.repo: null`.
 */
function isFromFork(head: Record<string, unknown>, base: Record<string, unknown>): boolean {
  if (head.repo === null) return true
  const headName = isRecord(head.repo) ? head.repo.full_name : undefined
  const baseName = isRecord(base.repo) ? base.repo.full_name : undefined
  if (typeof headName === 'string' && typeof baseName === 'string') return headName.toLowerCase() !== baseName.toLowerCase()
  return isRecord(head.repo) && head.repo.fork === true && baseName === undefined
}

/**
 * A pull request run triggered by Dependabot: GitHub gives it Dependabot's own secrets only,
 * never the repository's Actions secrets (and a read-only token), as it does for forks.
 */
export function isDependabotPullRequest(context: RunContext): boolean {
  return context.actor === 'dependabot[bot]' && context.pullRequest !== undefined
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** Default session description: `owner/repo@abc1234 — PR #12: title`. */
export function defaultDescription(context: RunContext, fallbackName: string): string {
  const where = context.repository ?? fallbackName
  const at = context.sha ? `${where}@${context.sha.slice(0, 7)}` : where
  const pr = context.pullRequest
  if (!pr) return at
  return `${at} — PR #${pr.number}${pr.title ? `: ${pr.title}` : ''}`
}
