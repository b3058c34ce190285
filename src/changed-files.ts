/**
 * `changed-files-only`: which of a pull request's files may be sent. Pure: GitHub's list of the
 * PR's files in (pull-request-files.ts reads it), the names to keep and what to report out.
 *
 * GitHub's list (REST "List pull requests files", the `diff-entry` schema of GitHub's OpenAPI
 * description, as typed in @octokit/openapi-types) names each file relative to the repository
 * root with a `status` of added, removed, modified, renamed, copied, changed or unchanged, and
 * `previous_filename` for a rename. It holds at most 3,000 files, whatever the PR changes.
 */
import * as path from 'node:path'
import { toPosix } from './files.js'

export interface PullRequestFile {
  filename: string
  status: string
  previous_filename?: string
}

/** GitHub lists at most this many files of one pull request. */
export const GITHUB_PR_FILES_CAP = 3000

/**
 * Statuses whose `filename` exists in the PR's head, so the file can be sent: added, modified,
 * renamed (under its new name), copied (a new file) and changed (its mode only). `removed` is
 * reported, never sent; `unchanged` is not a change.
 */
const PRESENT_IN_HEAD = new Set(['added', 'modified', 'renamed', 'copied', 'changed'])

export interface PullRequestChanges {
  pullRequest: number
  files: PullRequestFile[]
  /** How many files the PR changes in all, when GitHub said (the list may be shorter: the cap). */
  total: number | undefined
}

/** What the run does with the PR's list: names are relative to the working directory, POSIX. */
export interface ChangePlan {
  pullRequest: number
  /** Added, modified, renamed... files inside the working directory: only these may be sent. */
  sendable: Set<string>
  /** New name → old name (repository path), for renamed files. */
  renamedFrom: Map<string, string>
  /** Files the PR removes inside the working directory: named, never sent. */
  removed: string[]
  /** Files GitHub listed. */
  listed: number
  total: number | undefined
  /** GitHub's list stopped at its cap: files beyond it were not considered. */
  capped: boolean
}

export interface Folders {
  /** The repository's root on the runner (GITHUB_WORKSPACE, where actions/checkout puts it). */
  repositoryRoot: string
  workingDirectory: string
}

export function planChanges(changes: PullRequestChanges, folders: Folders): ChangePlan {
  const prefix = toPosix(path.relative(path.resolve(folders.repositoryRoot), path.resolve(folders.workingDirectory)))
  // A name relative to the working directory, or undefined when the file lies outside it.
  const local = (filename: string): string | undefined => {
    if (prefix === '') return filename
    return filename.startsWith(`${prefix}/`) ? filename.slice(prefix.length + 1) : undefined
  }
  const sendable = new Set<string>()
  const renamedFrom = new Map<string, string>()
  const removed: string[] = []
  for (const file of changes.files) {
    const name = local(file.filename)
    if (name === undefined) continue
    if (file.status === 'removed') removed.push(name)
    else if (PRESENT_IN_HEAD.has(file.status)) {
      sendable.add(name)
      if (file.status === 'renamed' && file.previous_filename) renamedFrom.set(name, file.previous_filename)
    }
  }
  const listed = changes.files.length
  // The PR's own count settles it; without one, a full list may have been cut.
  const capped = changes.total !== undefined ? changes.total > listed : listed >= GITHUB_PR_FILES_CAP
  return { pullRequest: changes.pullRequest, sendable, renamedFrom, removed, listed, total: changes.total, capped }
}

/** What the report says about the PR's changes (the files sent are the result's own list). */
export interface ChangeReport {
  pullRequest: number
  listed: number
  total: number | undefined
  capped: boolean
  /** Removed files, named but not sent. */
  removed: string[]
  /** Sent files that were renamed: new name → old name. */
  renamedFrom: Record<string, string>
  /** Changed files present in the head that were not sent (not matching `files`, hidden, left out...). */
  notSent: number
}

export function changeReport(plan: ChangePlan, sentNames: readonly string[]): ChangeReport {
  const sent = new Set(sentNames)
  // fromEntries defines own properties: a file named __proto__ stays a name.
  const renamedFrom = Object.fromEntries([...plan.renamedFrom].filter(([name]) => sent.has(name)))
  const notSent = [...plan.sendable].filter((name) => !sent.has(name)).length
  return { pullRequest: plan.pullRequest, listed: plan.listed, total: plan.total, capped: plan.capped, removed: plan.removed, renamedFrom, notSent }
}

/** The one honest line about GitHub's cap, for the log and the report. */
export function capNotice(report: Pick<ChangeReport, 'pullRequest' | 'listed' | 'total'>): string {
  const changed = report.total !== undefined && report.total > report.listed ? `${report.total.toLocaleString('en-US')}` : 'at least 3,000'
  return `GitHub lists at most ${GITHUB_PR_FILES_CAP.toLocaleString('en-US')} files of a pull request, and PR #${report.pullRequest} changes ${changed}: only the ${report.listed.toLocaleString('en-US')} listed were considered; files beyond them were not sent`
}
