/**
 * Reads a pull request's files from GitHub for `changed-files-only`: every page of
 * `GET /repos/{owner}/{repo}/pulls/{n}/files` (100 a page; GitHub stops at 3,000 files), and,
 * when the list may have been cut there, the PR's own `changed_files` count to say so honestly.
 * A list that cannot be read fails the step: sending everything instead would not be what the
 * workflow asked for.
 */
import { actionsLogger } from './logger.js'
import { ActionError, InputError, errorMessage } from './errors.js'
import { Input, type Inputs } from './inputs.js'
import { isRecord, type RunContext } from './context.js'
import { GITHUB_PR_FILES_CAP, type PullRequestChanges, type PullRequestFile } from './changed-files.js'
import { createOctokit, graphqlUrlOf } from './report/github.js'
import { Scrubber, serverText } from './text.js'

const PER_PAGE = 100
/** Pages read at most: the cap's worth, and one more in case GitHub ever lists past it. */
const MAX_PAGES = GITHUB_PR_FILES_CAP / PER_PAGE + 1

/** The PR whose files count: `pr-number`, else the event's own PR; undefined outside a PR. */
export function changesPullRequest(inputs: Pick<Inputs, 'prNumber'>, context: RunContext): number | undefined {
  return inputs.prNumber ?? context.pullRequest?.number
}

/** Checks made before any request: a PR to read needs a token and a repository. */
export function checkChangesReadable(inputs: Pick<Inputs, 'githubToken'>, context: RunContext, pullRequest: number): void {
  if (!inputs.githubToken) {
    throw new InputError(Input.GithubToken, `is empty, but 'changed-files-only' needs it to ask GitHub for the files of PR #${pullRequest}`)
  }
  if (!context.owner || !context.repo) {
    throw new ActionError(`'changed-files-only' needs GITHUB_REPOSITORY (owner/name) to ask GitHub for the files of PR #${pullRequest}`)
  }
}

/** `signal`: the cocalc step's deadline (its `timeout` bounds this listing too); it stops every request. */
export async function readPullRequestChanges(
  inputs: Pick<Inputs, 'githubToken'>,
  context: RunContext,
  pullRequest: number,
  signal?: AbortSignal
): Promise<PullRequestChanges> {
  checkChangesReadable(inputs, context, pullRequest)
  const owner = context.owner ?? ''
  const repo = context.repo ?? ''
  const octokit = await createOctokit({
    token: inputs.githubToken,
    apiUrl: context.apiUrl,
    graphqlUrl: graphqlUrlOf(process.env, context.apiUrl),
    log: actionsLogger
  })
  const files: PullRequestFile[] = []
  let doing = `list the files of PR #${pullRequest} in ${owner}/${repo}`
  try {
    let pages = 0
    const route = 'GET /repos/{owner}/{repo}/pulls/{pull_number}/files'
    // (Octokit hands `request.signal` to every fetch, the pages' and the retries' alike.)
    const request = signal ? { signal } : {}
    const params = { owner, repo, pull_number: pullRequest, per_page: PER_PAGE, request }
    for await (const page of octokit.paginate.iterator(route, params)) {
      for (const raw of page.data as unknown[]) files.push(toFile(raw))
      if (++pages >= MAX_PAGES) break
    }
    let total = eventChangedFiles(context, pullRequest)
    // Only a list that reached the cap can be short: then ask the PR how many files it changes.
    if (total === undefined && files.length >= GITHUB_PR_FILES_CAP) {
      doing = `read PR #${pullRequest} of ${owner}/${repo}`
      const { data } = await octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', { owner, repo, pull_number: pullRequest, request })
      total = typeof data.changed_files === 'number' ? data.changed_files : undefined
    }
    return { pullRequest, files, total }
  } catch (error) {
    if (error instanceof ActionError) throw error
    throw new ActionError(`Could not ${doing} for 'changed-files-only': ${explain(error, inputs.githubToken)}; nothing was sent`)
  }
}

/** `changed_files` of the event's own PR, when it is the one read. */
function eventChangedFiles(context: RunContext, pullRequest: number): number | undefined {
  const pr = context.payload.pull_request
  if (!isRecord(pr) || pr.number !== pullRequest) return undefined
  return typeof pr.changed_files === 'number' ? pr.changed_files : undefined
}

function toFile(raw: unknown): PullRequestFile {
  if (!isRecord(raw) || typeof raw.filename !== 'string' || typeof raw.status !== 'string') {
    throw new ActionError("GitHub answered the pull request's files without a filename and status for each: nothing was sent")
  }
  const file: PullRequestFile = { filename: raw.filename, status: raw.status }
  if (typeof raw.previous_filename === 'string') file.previous_filename = raw.previous_filename
  return file
}

/** GitHub's answer in one short line, without the token. */
function explain(error: unknown, token: string): string {
  const status = isRecord(error) && typeof error.status === 'number' ? error.status : undefined
  const response = isRecord(error) && isRecord(error.response) ? error.response : undefined
  const data = response && isRecord(response.data) ? response.data : undefined
  const clean = serverText(typeof data?.message === 'string' ? data.message : errorMessage(error), new Scrubber([token]), 200)
  if (status === undefined || response === undefined) return `the GitHub API could not be reached (${clean})`
  const advice =
    status === 401
      ? ": check the 'github-token' input"
      : status === 403 || status === 404
        ? ": check 'pr-number' and that the token may read this repository's pull requests (permissions: pull-requests: read)"
        : ''
  return `GitHub answered HTTP ${status} "${clean}"${advice}`
}
