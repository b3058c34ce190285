/**
 * Reporting: outputs, the sticky PR comment and the job summary, all from one result. Outputs
 * come first so they exist whatever happens next; the summary comes last so it can say what
 * became of the comment. Nothing here fails the step: a comment that cannot be written is one
 * warning that says why and what to do.
 */
import * as core from '@actions/core'
import type { Inputs } from '../inputs.js'
import type { RunContext } from '../context.js'
import type { PublishResult } from './result.js'
import { commentOutputs, outputsOf, setOutputs } from './outputs.js'
import { COMMENT_LIMIT, SUMMARY_LIMIT, renderCommentNote, renderFailure, renderReport, type RenderContext } from './render.js'
import { commentMarker, commentTag, upsertComment, type CommentOutcome, type GitHubApi } from './comment.js'
import { findPullRequest, pullRequestSource } from './pull-request.js'
import { writeSummary } from './summary.js'
import { createGitHubApi, explainCommentFailure, graphqlUrlOf } from './github.js'
import { inert } from '../text.js'

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

async function commentOnPullRequest(
  result: PublishResult,
  inputs: Inputs,
  context: RunContext,
  renderContext: RenderContext,
  tag: string
): Promise<CommentOutcome> {
  const skip = (reason: string): CommentOutcome => {
    core.info(`No PR comment: ${reason}.`)
    return { kind: 'skipped', reason }
  }
  if (!inputs.comment) return skip("the 'comment' input is false")
  const source = pullRequestSource(inputs.prNumber, context)
  if (inputs.dryRun) {
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
  // main.ts skips a fork's or Dependabot's PR that has no secrets; its token is read-only, so do not even try.
  if (result.status === 'skipped' && inputs.missingCredentials.length > 0) {
    return skip(
      'nothing was published because this run has no secrets (a pull request from a fork or from Dependabot), and its token cannot write comments'
    )
  }
  if (!context.owner || !context.repo) return skip('GITHUB_REPOSITORY is not set')
  if (!inputs.githubToken) return skip("the 'github-token' input is empty")
  if (source.kind === 'none') return skip(`${source.reason}; set 'pr-number' to comment on a pull request`)

  const { owner, repo } = context
  const log = { info: (line: string) => core.info(inert(line)), debug: (line: string) => core.debug(line) }
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
    if (found.number === undefined) return skip(`${found.reason}; set 'pr-number' to comment on a pull request`)
    doing = `write the comment on PR #${found.number} of ${owner}/${repo}`
    core.info(`Commenting on PR #${found.number} (found from ${found.from}) with tag '${tag}'`)
    const marker = commentMarker(tag)
    const body = renderReport(result, renderContext, { preamble: marker, limit: COMMENT_LIMIT })
    const { action, comment } = await upsertComment(await connect(), found.number, marker, body, log)
    core.info(`${action === 'created' ? 'Created' : 'Updated'} the PR comment ${inert(comment.htmlUrl)}`)
    return { kind: 'written', action, pullRequest: found.number, comment }
  } catch (error) {
    core.warning(explainCommentFailure(error, { doing, context, token: inputs.githubToken }))
    if (error instanceof Error && error.stack) core.debug(error.stack)
    return { kind: 'failed' }
  }
}
