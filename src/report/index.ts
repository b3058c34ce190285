/**
 * Reporting: outputs, the sticky PR comment and the job summary, all from one result. Outputs
 * come first so they exist whatever happens next; the summary comes last so it can say what
 * became of the comment. Nothing here fails the step: a comment that cannot be written is one
 * warning that says why and what to do.
 */
import { actionsLogger } from '../logger.js'
import * as core from '@actions/core'
import type { Inputs } from '../inputs.js'
import type { RunContext } from '../context.js'
import type { PublishResult } from './result.js'
import { commentOutputs, outputsOf, setOutputs } from './outputs.js'
import { COMMENT_LIMIT, SUMMARY_LIMIT, renderCommentNote, renderFailure, renderReport, type RenderContext } from './render.js'
import { commentMarker, commentTag, upsertComment, type CommentOutcome, type GitHubApi } from './comment.js'
import { findPullRequest, pullRequestSource, type PullRequestSource } from './pull-request.js'
import { writeSummary } from './summary.js'
import { createGitHubApi, graphqlUrlOf } from './github.js'
import { explainCommentFailure } from './comment-failure.js'
import { Scrubber, inert } from '../text.js'

export async function report(result: PublishResult, inputs: Inputs, context: RunContext): Promise<void> {
  setOutputs(outputsOf(result))
  const renderContext: RenderContext = { repository: context.repository, sha: context.sha, runUrl: context.runUrl, serverUrl: context.serverUrl }
  const tag = commentTag(inputs)
  const outcome = await core.group('Comment on the pull request', () => commentOnPullRequest(result, inputs, context, renderContext, tag))
  if (outcome.kind === 'written') setOutputs(commentOutputs(outcome.comment))
  await writeSummary(renderReport(result, renderContext, { limit: SUMMARY_LIMIT, notes: [renderCommentNote(outcome, tag)] }))
}

/** A run that failed before it had a result still leaves a job summary saying so (never throws). */
export async function reportFailure(mode: Inputs['mode'], message: string, context: RunContext): Promise<void> {
  await writeSummary(
    renderFailure(mode, message, { repository: context.repository, sha: context.sha, runUrl: context.runUrl, serverUrl: context.serverUrl })
  )
}

/** Decides whether a comment is wanted and possible, then writes it (or says why not). */
async function commentOnPullRequest(
  result: PublishResult,
  inputs: Inputs,
  context: RunContext,
  renderContext: RenderContext,
  tag: string
): Promise<CommentOutcome> {
  const source = pullRequestSource(inputs.prNumber, context)
  if (inputs.comment && inputs.dryRun) return plannedComment(source, tag)
  const reason = whyNoComment(result, inputs, context, source)
  const { owner, repo } = context
  if (reason || !owner || !repo) return skipComment(reason ?? 'GITHUB_REPOSITORY is not set')
  return writeComment({ result, inputs, context, owner, repo, source, renderContext, tag })
}

interface CommentJob {
  result: PublishResult
  inputs: Inputs
  context: RunContext
  owner: string
  repo: string
  source: PullRequestSource
  renderContext: RenderContext
  tag: string
}

function skipComment(reason: string): CommentOutcome {
  core.info(`No PR comment: ${reason}.`)
  return { kind: 'skipped', reason }
}

/** A dry run writes no comment: it says where a real run would write one. */
function plannedComment(source: PullRequestSource, tag: string): CommentOutcome {
  const reason = source.kind === 'none' ? source.reason : undefined
  const target =
    source.kind === 'number'
      ? `PR #${source.number}`
      : source.kind === 'commit'
        ? `the open pull request of commit ${source.sha.slice(0, 7)}`
        : undefined
  core.info(`Dry run: no PR comment. A real run would ${target ? `write the comment tagged '${tag}' on ${target}` : `write none: ${reason}`}.`)
  return { kind: 'planned', target, reason }
}

/** Why no comment is written, or undefined when one should be. */
function whyNoComment(result: PublishResult, inputs: Inputs, context: RunContext, source: PullRequestSource): string | undefined {
  if (!inputs.comment) return "the 'comment' input is false"
  // A fork's or Dependabot's PR without secrets: its token is read-only, so do not even try.
  if (result.skippedFor === 'no-secrets') {
    return 'nothing was published because this run has no secrets (a pull request from a fork or from Dependabot), and its token cannot write comments'
  }
  if (!context.owner || !context.repo) return 'GITHUB_REPOSITORY is not set'
  if (!inputs.githubToken) return "the 'github-token' input is empty"
  if (source.kind === 'none') return `${source.reason}; set 'pr-number' to comment on a pull request`
  return undefined
}

/** Finds the pull request (from the event, `pr-number` or the commit) and creates or updates the comment. */
async function writeComment(job: CommentJob): Promise<CommentOutcome> {
  const { result, inputs, context, owner, repo, source, renderContext, tag } = job
  const log = actionsLogger
  let api: GitHubApi | undefined
  const connect = async (): Promise<GitHubApi> => {
    // Octokit is loaded only now (github.ts imports it lazily): runs that post no comment never pay for it.
    api ??= await createGitHubApi({
      token: inputs.githubToken,
      apiUrl: context.apiUrl,
      graphqlUrl: graphqlUrlOf(process.env, context.apiUrl),
      owner,
      repo,
      log
    })
    return api
  }
  let doing = source.kind === 'commit' ? `find the pull request of commit ${source.sha.slice(0, 7)} in ${owner}/${repo}` : ''
  try {
    const found = await findPullRequest(source, connect)
    if (found.number === undefined) return skipComment(`${found.reason}; set 'pr-number' to comment on a pull request`)
    doing = `write the comment on PR #${found.number} of ${owner}/${repo}`
    core.info(`Commenting on PR #${found.number} (found from ${found.from}) with tag '${tag}'`)
    const marker = commentMarker(tag)
    const body = renderReport(result, renderContext, { preamble: marker, limit: COMMENT_LIMIT })
    const { action, comment } = await upsertComment(await connect(), found.number, marker, body, log)
    core.info(`${action === 'created' ? 'Created' : 'Updated'} the PR comment ${inert(comment.htmlUrl)}`)
    return { kind: 'written', action, pullRequest: found.number, comment }
  } catch (error) {
    core.warning(explainCommentFailure(error, { doing, context, token: inputs.githubToken }))
    // The stack starts with the message, which may quote GitHub (and the token, if it echoed it).
    if (error instanceof Error && error.stack) core.debug(new Scrubber(secretsOf(inputs)).scrub(error.stack))
    return { kind: 'failed' }
  }
}

/** The credentials a debug line must not show. */
function secretsOf(inputs: Inputs): string[] {
  return [inputs.githubToken, ...(inputs.mode === 'cocode' ? [inputs.username, inputs.password] : [inputs.apiKey])]
}
