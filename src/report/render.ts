/**
 * Markdown for the job summary and the PR comment: pure functions of the result.
 */
import type { PublishResult } from './result.js'

export interface RenderContext {
  repository?: string
  sha?: string
  runUrl?: string
  serverUrl?: string
}

/** Escapes text from the repository so it renders as text, never as Markdown or HTML. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/([\\`*_{}[\]()#+\-.!|~])/g, '\\$1')
    .replace(/\r?\n|\r/g, ' ')
}

export function renderReport(result: PublishResult, context: RenderContext = {}): string {
  const lines: string[] = []
  const title = result.mode === 'cocode' ? 'cocode session' : 'CoCalc publish'
  lines.push(`### ${title}: ${result.status}`, '')
  if (result.sessionUrl) lines.push(`**Session:** ${result.sessionUrl}`, '')
  if (result.projectUrl) lines.push(`**Project folder:** ${result.projectUrl}`, '')
  lines.push(`**Files:** ${result.status === 'skipped' ? 0 : result.files.length}`)
  if (context.sha) lines.push(`**Commit:** \`${context.sha.slice(0, 7)}\``)
  if (context.runUrl) lines.push(`**Run:** ${context.runUrl}`)
  lines.push('')
  for (const file of result.files) lines.push(`- ${escapeMarkdown(file.name)}`)
  return lines.join('\n')
}
