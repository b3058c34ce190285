/**
 * run(): inputs → files → publish → report. The only place that fails the step.
 */
import * as core from '@actions/core'
import * as path from 'node:path'
import { ActionError, InputError, errorMessage } from './errors.js'
import { cleartextWarning, readInputs, type Inputs } from './inputs.js'
import { collectFiles, type Collection } from './files.js'
import { defaultDescription, isDependabotPullRequest, readRunContext, type RunContext } from './context.js'
import { Scrubber, formatBytes, inert, secretForms } from './text.js'
import { checkWorkingDirectory, trustedRootsOf, type CheckedFolders } from './workdir.js'
import { planSession, publishCocode } from './cocode/publish.js'
import { publishCocalc } from './cocalc/publish.js'
import { StepDeadline } from './cocalc/deadline.js'
import type { PublishResult } from './report/result.js'
import { report, reportFailure } from './report/index.js'
import { DEFAULT_TUNING, type Tuning } from './tuning.js'
import { capNotice, changeReport, planChanges, type ChangePlan } from './changed-files.js'
import { changesPullRequest, checkChangesReadable, readPullRequestChanges } from './pull-request-files.js'

export async function run(tuning: Tuning = DEFAULT_TUNING): Promise<void> {
  // Every credential read is masked for the runner and kept here to scrub the failure summary.
  const secrets: string[] = []
  let started: { inputs: Inputs; context: RunContext } | undefined
  try {
    const inputs = readInputs({
      maskSecret: (secret) => {
        // Every encoding a server could echo it in, so the runner hides those too.
        for (const form of secretForms(secret)) core.setSecret(form)
        secrets.push(secret)
      }
    })
    const warning = cleartextWarning(inputs)
    if (warning) core.warning(warning)
    const context = readRunContext()
    started = { inputs, context }
    const result = await publish(inputs, context, tuning)
    await report(result, inputs, context)
    if (result.failure) core.setFailed(result.failure)
  } catch (error) {
    // Expected failures are one readable line; anything else is a bug, whose stack goes to debug.
    // The stack's first line is the error's message, which may quote a server (and a credential it echoed).
    const scrubber = new Scrubber(secrets)
    if (!(error instanceof ActionError) && error instanceof Error && error.stack) core.debug(scrubber.scrub(error.stack))
    const message = scrubber.scrub(errorMessage(error))
    if (started) await reportFailure(started.inputs.mode, message, started.context)
    core.setFailed(message)
  }
}

async function publish(inputs: Inputs, context: RunContext, tuning: Tuning): Promise<PublishResult> {
  const skippedForCredentials = checkCredentials(inputs, context)
  if (skippedForCredentials) return skippedForCredentials

  if (inputs.mode === 'cocalc' && inputs.copyOnly) {
    if (inputs.changedFilesOnly) core.notice("'changed-files-only' has no effect: 'files' is empty, so nothing is uploaded")
    core.info(`'files' is empty: nothing is uploaded; the existing '${inputs.path}' folder of project ${inputs.projectId} is copied`)
    return publishCocalc(inputs, { files: [], skipped: [] }, context, tuning)
  }
  // A pull request may have turned the folder into a link: refused before anything is read or sent.
  const folders = await checkWorkingDirectory(inputs.workingDirectory, trustedRootsOf())
  // In cocalc mode `timeout` bounds the whole step, from the PR's file listing on (INTERFACE.md).
  const deadline = inputs.mode === 'cocalc' ? new StepDeadline(inputs.timeoutSeconds) : undefined
  try {
    const changes = inputs.changedFilesOnly
      ? await core.group("List the pull request's changed files", () => listChanges(inputs, context, folders, deadline))
      : undefined
    const collection = await core.group('Collect files', () => collect(inputs, changes))
    const result = await publishCollection(inputs, context, collection, changes, tuning, deadline)
    return changes ? { ...result, changes: changeReport(changes, result.status === 'skipped' ? [] : result.files.map((file) => file.name)) } : result
  } finally {
    deadline?.dispose()
  }
}

function listChanges(
  inputs: Inputs,
  context: RunContext,
  folders: CheckedFolders,
  deadline: StepDeadline | undefined
): Promise<ChangePlan | undefined> {
  return deadline
    ? deadline.run('changed files', () => changedFiles(inputs, context, folders, deadline.signal))
    : changedFiles(inputs, context, folders)
}

async function publishCollection(
  inputs: Inputs,
  context: RunContext,
  collection: Collection,
  changes: ChangePlan | undefined,
  tuning: Tuning,
  deadline: StepDeadline | undefined
): Promise<PublishResult> {
  if (inputs.mode === 'cocode') {
    const plan = planSession(
      collection.files,
      inputs.description ?? defaultDescription(context, path.basename(inputs.workingDirectory)),
      collection.skipped
    )
    for (const binary of plan.binaries) core.warning(`Left out of the cocode session: ${binary.name} ${binary.reason}`)
    const empty = noFiles(inputs, plan.files.length, 'cocode', [...collection.skipped, ...plan.binaries], changes)
    if (empty) return empty
    return core.group('Create the cocode session', () => publishCocode(inputs, plan))
  }
  const empty = noFiles(inputs, collection.files.length, 'cocalc', collection.skipped, changes)
  if (empty) return empty
  return publishCocalc(inputs, collection, context, tuning, deadline)
}

/** changed-files-only: the PR's list, or undefined (with a notice) when the run has no PR. */
async function changedFiles(inputs: Inputs, context: RunContext, folders: CheckedFolders, signal?: AbortSignal): Promise<ChangePlan | undefined> {
  const pullRequest = changesPullRequest(inputs, context)
  if (pullRequest === undefined) {
    core.notice(
      `'changed-files-only' has no effect: this ${context.eventName ?? 'run'} event carries no pull request (set 'pr-number' to name one), so every file matching 'files' is sent`
    )
    return undefined
  }
  checkChangesReadable(inputs, context, pullRequest)
  // Real paths of both: GitHub names files where they are in the repository, not through a linked folder.
  const plan = planChanges(await readPullRequestChanges(inputs, context, pullRequest, signal), {
    repositoryRoot: folders.workspace,
    workingDirectory: folders.workingDirectory
  })
  core.info(
    `PR #${pullRequest}: GitHub lists ${plan.listed} changed file(s); ${plan.sendable.size} added, modified or renamed and ${plan.removed.length} removed in ${inputs.workingDirectory}`
  )
  if (plan.capped) core.warning(capNotice(plan))
  // A name from GitHub is the PR author's choice: one with a line break must not start a workflow command.
  for (const name of plan.removed)
    core.info(`Removed by the PR, not sent: ${inert(/[\u0000-\u001f\u007f]/.test(name) ? JSON.stringify(name) : name)}`)
  return plan
}

async function collect(inputs: Inputs, changes: ChangePlan | undefined): Promise<Collection> {
  const collection = await collectFiles({
    patterns: inputs.patterns,
    baseDir: inputs.workingDirectory,
    includeHiddenFiles: inputs.includeHiddenFiles,
    maxFileSize: inputs.maxFileSize,
    concurrency: inputs.concurrency,
    only: changes?.sendable
  })
  for (const skipped of collection.skipped) core.warning(`Skipped ${skipped.name}: it ${skipped.reason}`)
  const bytes = collection.files.reduce((sum, file) => sum + file.size, 0)
  core.info(`Found ${collection.files.length} file(s), ${formatBytes(bytes)}, in ${inputs.workingDirectory}`)
  return collection
}

/**
 * Empty credentials fail the step naming the input, except on a pull request from a fork or one
 * run by Dependabot, where GitHub withholds the repository's secrets by design: there the step
 * warns and reports `skipped`. A dry run sends nothing, so it needs none.
 */
function checkCredentials(inputs: Inputs, context: RunContext): PublishResult | undefined {
  const missing = inputs.missingCredentials
  if (missing.length === 0 || inputs.dryRun) return undefined
  const empty = `${missing.map((m) => `'${m}'`).join(' and ')} ${missing.length === 1 ? 'is' : 'are'} empty`
  if (context.pullRequest?.fromFork) {
    const reason = `GitHub passes no secrets to workflows run from forks, so ${empty}`
    core.warning(
      `Nothing published: ${reason}. Maintainers can publish from a 'workflow_run' or 'pull_request_target' workflow (only after reviewing the PR's code).`
    )
    return { mode: inputs.mode, status: 'skipped', files: [], skipped: [], skipReason: reason, skippedFor: 'no-secrets' }
  }
  if (isDependabotPullRequest(context)) {
    const reason = `GitHub passes no Actions secrets to workflows run by Dependabot, so ${empty}`
    core.warning(
      `Nothing published: ${reason}. To publish Dependabot's pull requests too, add the same secrets as Dependabot secrets (Settings → Secrets and variables → Dependabot).`
    )
    return { mode: inputs.mode, status: 'skipped', files: [], skipped: [], skipReason: reason, skippedFor: 'no-secrets' }
  }
  throw new InputError(missing[0], 'is required: pass it from a repository or organisation secret, e.g. ${{ secrets.NAME }}')
}

function noFiles(
  inputs: Inputs,
  count: number,
  mode: Inputs['mode'],
  skipped: Collection['skipped'],
  changes: ChangePlan | undefined
): PublishResult | undefined {
  if (count > 0) return undefined
  const text = mode === 'cocode' ? ' that is text' : ''
  const message = changes
    ? `No files to publish: of the ${changes.sendable.size} file(s) PR #${changes.pullRequest} adds, modifies or renames in ${inputs.workingDirectory}, the 'files' patterns matched nothing${text}`
    : `No files to publish: the 'files' patterns matched nothing${text} in ${inputs.workingDirectory}`
  if (inputs.ifNoFilesFound === 'error') throw new ActionError(`${message} (set 'if-no-files-found' to 'warn' or 'ignore' to allow this)`)
  if (inputs.ifNoFilesFound === 'warn') core.warning(message)
  else core.info(message)
  return { mode, status: 'skipped', files: [], skipped, skipReason: message, skippedFor: 'no-files' }
}
