/**
 * Markdown for the PR comment and the job summary: pure functions of the result, so the two
 * always say the same thing and tests need no mocks. Untrusted text goes through markdown.ts.
 * The body is kept under a byte budget: long lists (files, skipped files, targets, planned
 * requests) are cut with "… and N more", and free text is truncated.
 */
import { formatBytes } from '../text.js'
import { kioskUrl } from '../cocalc/links.js'
import { code, fitLines, link, prose, safeUrl, sizeOf, urlLink } from './markdown.js'
import type { CopyOutcome, PublishResult, PublishedFile } from './result.js'
import type { SkippedFile } from '../files.js'
import type { CommentOutcome } from './comment.js'
import { capNotice, type ChangeReport } from '../changed-files.js'

/** GitHub refuses a comment body over 65,536 characters (422). */
export const COMMENT_LIMIT = 65_536
/** A step summary may hold 1 MiB; leave room for other steps' notes in the same job. */
export const SUMMARY_LIMIT = 512 * 1024
/** Lists longer than this are folded in <details>. */
const FOLD_AFTER = 10

export interface RenderContext {
  /** owner/name */
  repository?: string
  sha?: string
  runUrl?: string
  serverUrl?: string
}

export interface ReportOptions {
  /** Largest body in bytes (UTF-8; GitHub counts characters, which are never more). */
  limit?: number
  /** Lines put first, e.g. the comment's hidden marker. Trusted markdown. */
  preamble?: string
  /** Lines put last, e.g. what happened to the PR comment. Trusted markdown. */
  notes?: string[]
}

export function renderReport(result: PublishResult, context: RenderContext = {}, options: ReportOptions = {}): string {
  const limit = options.limit ?? COMMENT_LIMIT
  const head = [...(options.preamble ? [options.preamble] : []), heading(result), '', ...problems(result), ...facts(result, context)]
  const tail = options.notes && options.notes.length > 0 ? ['', ...options.notes] : []
  // 64 bytes of slack for the blank lines that join the sections.
  let budget = limit - sizeOf(head.join('\n')) - sizeOf(tail.join('\n')) - 64

  // Priority when space is short: targets, then the plan, then skipped files, then the file list.
  const take = (section: (budget: number) => string[], share: number): string[] => {
    const lines = section(Math.floor(budget * share))
    budget -= sizeOf(lines.join('\n')) + 2
    return lines
  }
  const copies = take((b) => copiesSection(result.copies ?? [], b), 0.5)
  const planned = take((b) => plannedSection(result.plannedRequests ?? [], b), 0.25)
  const skipped = take((b) => skippedSection(result.skipped, b), 0.25)
  const removed = take((b) => removedSection(result.changes, b), 0.25)
  const files = take((b) => filesSection(result, b), 1)

  const sections = [copies, files, removed, skipped, planned].filter((lines) => lines.length > 0).map((lines) => lines.join('\n'))
  return [head.join('\n'), ...sections].join('\n\n') + (tail.length > 0 ? `\n${tail.join('\n')}` : '') + '\n'
}

function heading(result: PublishResult): string {
  const failed = result.failure !== undefined
  const icon = failed
    ? '❌'
    : { created: '✅', uploaded: '✅', copied: '✅', unverified: '⚠️', queued: '⏳', 'dry-run': '🧪', skipped: '⏭️' }[result.status]
  return `### ${icon} ${title(result)}${failed ? ' — failed' : ''}`
}

function title(result: PublishResult): string {
  if (result.mode === 'cocode') {
    if (result.status === 'dry-run') return 'cocode session: dry run, nothing sent'
    if (result.status === 'skipped') return 'cocode session: nothing published'
    return 'cocode session created'
  }
  const targets = result.copies?.length ?? 0
  switch (result.status) {
    case 'dry-run':
      return 'CoCalc: dry run, nothing sent'
    case 'skipped':
      return 'CoCalc: nothing published'
    case 'copied':
      return result.copyOnly
        ? `CoCalc folder copied to ${plural(targets, 'project')}`
        : `Published to CoCalc and copied to ${plural(targets, 'project')}`
    case 'queued':
      return `${result.copyOnly ? 'CoCalc folder copy' : 'Published to CoCalc; copies'} to ${plural(targets, 'project')} still running`
    case 'unverified':
      return `${result.copyOnly ? 'CoCalc folder copy' : 'Published to CoCalc; copies'} to ${plural(targets, 'project')} requested, not verified`
    default:
      return result.copyOnly ? 'CoCalc folder copy' : 'Published to CoCalc'
  }
}

function problems(result: PublishResult): string[] {
  const lines: string[] = []
  if (result.failure) lines.push(`**Failed:** ${code(result.failure, { max: 2000 })}`, '')
  if (result.status === 'skipped' && result.skipReason) lines.push(`**Why:** ${prose(result.skipReason)}`, '')
  if (result.changes?.capped) lines.push(`**⚠️ Not every change was considered:** ${prose(capNotice(result.changes))}.`, '')
  return lines
}

function facts(result: PublishResult, context: RenderContext): string[] {
  const lines: string[] = []
  if (result.mode === 'cocode' && result.sessionUrl !== undefined) lines.push(`- **Session:** ${urlLink(result.sessionUrl)}`)
  // A share link opens for people without an account: it leads; the project links are for collaborators.
  if (result.shareUrl)
    lines.push(`- **Share link** (${prose(result.shareAudience ?? 'anyone with this link can read')}): ${urlLink(result.shareUrl)}`)
  if (result.mode === 'cocalc' && result.projectUrl !== undefined) {
    // The source folder's own kiosk link (`embedUrl` is the first target's when there are targets:
    // those have their own links in the table).
    const embed = ` · ${link('kiosk view', kioskUrl(result.projectUrl))}`
    lines.push(`- **Project folder${result.shareUrl ? ' (collaborators)' : ''}:** ${urlLink(result.projectUrl)}${embed}`)
  }
  lines.push(`- **Files:** ${fileCount(result)}`)
  if (result.changes) lines.push(`- **Changed files only:** ${changesLine(result.changes)}`)
  const commit = commitLink(context)
  if (commit) lines.push(`- **Commit:** ${commit}`)
  if (context.runUrl) lines.push(`- **Workflow run:** ${link('logs and job summary', context.runUrl)}`)
  return lines
}

function fileCount(result: PublishResult): string {
  if (result.status === 'skipped') return '0'
  if (result.copyOnly) return "none uploaded ('files' is empty): the folder already in the project was copied"
  const count = result.files.length
  const bytes = formatBytes(result.files.reduce((sum, file) => sum + file.size, 0))
  if (result.status === 'dry-run') return `${count} (${bytes}) would be sent`
  const unchanged = result.uploadedCount !== undefined ? count - result.uploadedCount : 0
  const detail = result.uploadedCount !== undefined && unchanged > 0 ? `; ${result.uploadedCount} uploaded, ${unchanged} already up to date` : ''
  return `${count} (${bytes}${detail})`
}

function commitLink(context: RenderContext): string | undefined {
  const sha = context.sha
  if (!sha) return undefined
  if (!/^[0-9a-f]{7,64}$/i.test(sha)) return code(sha, { max: 80 })
  const short = `\`${sha.slice(0, 7)}\``
  if (!context.repository || !/^[\w.-]+\/[\w.-]+$/.test(context.repository)) return short
  const base = safeUrl(context.serverUrl ?? 'https://github.com')
  return base ? `[${short}](${base.replace(/\/+$/, '')}/${context.repository}/commit/${sha})` : short
}

function copiesSection(copies: CopyOutcome[], budget: number): string[] {
  if (copies.length === 0) return []
  const header = ['| Target project | Folder | Status | Copy id | Open |', '|---|---|---|---|---|']
  const row = (copy: CopyOutcome): string => {
    const cell = { inTable: true, max: 200 }
    const share = copy.share_url ? ` · ${link('share', copy.share_url, cell)}` : ''
    const open = `${link('files', copy.url, cell)} · ${link('kiosk', copy.embed_url, cell)}${share}`
    return `| ${code(copy.project_id, cell)} | ${code(copy.path, cell)} | ${copyStatus(copy.status)} | ${copy.copy_id ? code(copy.copy_id, cell) : '—'} | ${open} |`
  }
  const failures = copies.filter((copy) => copy.error)
  const failureBudget = failures.length > 0 ? Math.floor(budget / 3) : 0
  const failureLines =
    failures.length > 0
      ? [
          '',
          '**Copy problems:**',
          ...fitLines(
            failures.length,
            (i) => `- ${code(failures[i].project_id)}: ${code(failures[i].error ?? '', { max: 1000 })}`,
            failureBudget - 30,
            (left) => `- … and ${left} more`
          )
        ]
      : []
  const tableBudget = budget - sizeOf(header.join('\n')) - sizeOf(failureLines.join('\n')) - 2
  const rows = fitLines(
    copies.length,
    (i) => row(copies[i]),
    tableBudget,
    (left) => `| … and ${left} more | | | | |`
  )
  return [...header, ...rows, ...failureLines]
}

function copyStatus(status: CopyOutcome['status']): string {
  return { copied: '✅ copied', unverified: '⚠️ not verified', queued: '⏳ queued', failed: '❌ failed', timeout: '⌛ timed out' }[status]
}

/** What the PR changed against what was sent: `files` lists the sent ones, removedSection the removed. */
function changesLine(changes: ChangeReport): string {
  const parts = [`${plural(changes.listed, 'file')} changed in PR #${changes.pullRequest}`]
  if (changes.removed.length > 0) parts.push(`${changes.removed.length} removed (listed below, not sent)`)
  if (changes.notSent > 0) parts.push(`${changes.notSent} not sent (not matching \`files\`, hidden or left out)`)
  return parts.join('; ')
}

function removedSection(changes: ChangeReport | undefined, budget: number): string[] {
  const removed = changes?.removed ?? []
  return foldedList(
    `${plural(removed.length, 'file')} removed by the pull request (not sent)`,
    removed.length,
    (i) => `- ${code(removed[i])}`,
    budget
  )
}

function filesSection(result: PublishResult, budget: number): string[] {
  const files = result.status === 'skipped' ? [] : result.files
  const renamed = result.changes?.renamedFrom ?? {}
  const line = (file: PublishedFile): string =>
    `- ${code(file.name)} (${formatBytes(file.size)}${Object.hasOwn(renamed, file.name) ? `, renamed from ${code(renamed[file.name])}` : ''})`
  // Files already identical in the project were published but not sent again.
  const allSent = result.uploadedCount === undefined || result.uploadedCount === files.length
  const noun = result.status === 'dry-run' ? 'to send' : allSent ? 'sent' : 'published'
  return foldedList(`${plural(files.length, 'file')} ${noun}`, files.length, (i) => line(files[i]), budget)
}

function skippedSection(skipped: SkippedFile[], budget: number): string[] {
  const line = (file: SkippedFile): string => `- ${code(file.name)} ${prose(file.reason, 300)}`
  return foldedList(`${plural(skipped.length, 'file')} left out`, skipped.length, (i) => line(skipped[i]), budget)
}

function plannedSection(planned: string[], budget: number): string[] {
  if (planned.length === 0) return []
  const lines = fitLines(
    planned.length,
    (i) => `- ${code(planned[i], { max: 500 })}`,
    budget - 40,
    (left) => `- … and ${left} more`
  )
  return ['**Planned requests** (none was sent):', '', ...lines]
}

/** A list under a bold caption, folded in <details> when long; empty when there is nothing to list. */
function foldedList(caption: string, count: number, line: (index: number) => string, budget: number): string[] {
  if (count === 0) return []
  const more = (left: number): string => `- … and ${left} more`
  if (count <= FOLD_AFTER) {
    const open = [`**${caption}:**`, '']
    return [...open, ...fitLines(count, line, budget - sizeOf(open.join('\n')) - 2, more)]
  }
  const top = [`<details><summary>${caption}</summary>`, '']
  const bottom = ['', '</details>']
  const room = budget - sizeOf(top.join('\n')) - sizeOf(bottom.join('\n')) - 2
  return [...top, ...fitLines(count, line, room, more), ...bottom]
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}

/** The job summary's line about the PR comment. */
export function renderCommentNote(outcome: CommentOutcome, tag: string): string {
  switch (outcome.kind) {
    case 'written':
      return `**PR comment:** ${link(outcome.action, outcome.comment.htmlUrl)} on #${outcome.pullRequest} (tag ${code(tag)}).`
    case 'planned':
      return outcome.target
        ? `**PR comment:** none in a dry run; a real run would write the comment tagged ${code(tag)} on ${prose(outcome.target)}.`
        : `**PR comment:** none in a dry run; a real run would write none: ${prose(outcome.reason ?? 'no pull request found')}.`
    case 'skipped':
      return `**PR comment:** none: ${prose(outcome.reason)}.`
    case 'failed':
      return '**PR comment:** not written; the warning in the log says why.'
  }
}

/** The job summary of a run that failed before it had a result (the server refused, a file was unreadable...). */
export function renderFailure(mode: 'cocode' | 'cocalc', message: string, context: RenderContext = {}): string {
  const lines = [`### ❌ ${mode === 'cocode' ? 'cocode session' : 'CoCalc publish'} failed`, '', `**Error:** ${code(message, { max: 2000 })}`, '']
  const commit = commitLink(context)
  if (commit) lines.push(`- **Commit:** ${commit}`)
  if (context.runUrl) lines.push(`- **Workflow run:** ${link('logs', context.runUrl)}`)
  lines.push('', 'Nothing was reported as published; the PR comment, if any, still shows the last successful run.')
  return `${lines.join('\n')}\n`
}
