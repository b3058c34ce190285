/**
 * Which pull request the comment goes to: the `pr-number` input, else the event's own PR, else
 * (push, workflow_run) the open PR of the commit, which needs one API call. Deciding where to
 * look is pure; only the commit lookup talks to GitHub.
 */
import { isRecord, type RunContext } from '../context.js'
import type { GitHubApi, PullRequestRef } from './comment.js'

export type PullRequestSource =
  /** Known without asking GitHub. */
  | { kind: 'number'; number: number; from: string }
  /** Ask GitHub for the open PRs of this commit. */
  | { kind: 'commit'; sha: string; branch: string | undefined; from: string }
  | { kind: 'none'; reason: string }

const ZERO_SHA = /^0+$/

export function pullRequestSource(prNumber: number | undefined, context: RunContext): PullRequestSource {
  if (prNumber !== undefined) return { kind: 'number', number: prNumber, from: "the 'pr-number' input" }
  const event = context.eventName ?? 'unknown'
  if (context.pullRequest) return { kind: 'number', number: context.pullRequest.number, from: `the ${event} event` }

  if (event === 'workflow_run') return workflowRunSource(context)
  if (event === 'push') {
    const payload = context.payload
    if (payload.deleted === true) return { kind: 'none', reason: 'the push deleted a branch' }
    const sha = typeof payload.after === 'string' && !ZERO_SHA.test(payload.after) ? payload.after : context.sha
    if (!sha) return { kind: 'none', reason: 'the push event names no commit' }
    const ref = typeof payload.ref === 'string' ? payload.ref : undefined
    if (ref && !ref.startsWith('refs/heads/')) return { kind: 'none', reason: `the push was of ${ref}, not of a branch` }
    return { kind: 'commit', sha, branch: ref?.slice('refs/heads/'.length), from: 'the pushed commit' }
  }
  return { kind: 'none', reason: `the ${event} event carries no pull request` }
}

/**
 * workflow_run lists the PRs of the run that triggered it, but only those of this repository's
 * branches: for a fork's PR the list is empty, so fall back to the commit's PRs.
 */
function workflowRunSource(context: RunContext): PullRequestSource {
  const run = isRecord(context.payload.workflow_run) ? context.payload.workflow_run : {}
  const pulls = Array.isArray(run.pull_requests) ? run.pull_requests.filter(isRecord) : []
  const ours = pulls.find((pr) => typeof pr.number === 'number' && basedHere(pr, context))
  if (ours && typeof ours.number === 'number') return { kind: 'number', number: ours.number, from: 'the workflow_run event' }
  const sha = typeof run.head_sha === 'string' ? run.head_sha : undefined
  if (!sha) return { kind: 'none', reason: 'the workflow_run event names no pull request nor commit' }
  const branch = typeof run.head_branch === 'string' ? run.head_branch : undefined
  return { kind: 'commit', sha, branch, from: "the triggering run's commit" }
}

/** A listed PR whose base is this repository (the list can name PRs of other repositories). */
function basedHere(pr: Record<string, unknown>, context: RunContext): boolean {
  const base = isRecord(pr.base) ? pr.base : undefined
  const repo = base && isRecord(base.repo) ? base.repo : undefined
  if (!repo || typeof repo.url !== 'string' || !context.repository) return true
  return repo.url.toLowerCase().endsWith(`/repos/${context.repository.toLowerCase()}`)
}

/** The open PR a pushed commit belongs to: one from the pushed branch first, then the most recently updated. */
export function choosePullRequest(pulls: PullRequestRef[], branch: string | undefined): PullRequestRef | undefined {
  const open = pulls.filter((pr) => pr.state === 'open')
  const time = (pr: PullRequestRef): number => Date.parse(pr.updatedAt) || 0
  const byRecency = [...open].sort((a, b) => time(b) - time(a))
  return byRecency.find((pr) => branch !== undefined && pr.headRef === branch) ?? byRecency[0]
}

export type FoundPullRequest = { number: number; from: string } | { number: undefined; reason: string }

export async function findPullRequest(source: PullRequestSource, api: () => Promise<GitHubApi>): Promise<FoundPullRequest> {
  if (source.kind === 'number') return { number: source.number, from: source.from }
  if (source.kind === 'none') return { number: undefined, reason: source.reason }
  const pulls = await (await api()).pullRequestsOfCommit(source.sha)
  const chosen = choosePullRequest(pulls, source.branch)
  if (!chosen) return { number: undefined, reason: `no open pull request contains commit ${source.sha.slice(0, 7)}` }
  return { number: chosen.number, from: `${source.from} ${source.sha.slice(0, 7)}` }
}
