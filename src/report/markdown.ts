/**
 * Markdown building blocks that keep untrusted text inert. File names come from the repository
 * (a pull request's author chooses them); copy ids, errors and URLs come from servers. None of it
 * may become a link, an image, HTML, emphasis, a table cell break, a mention or a new line.
 *
 * Untrusted text is shown in inline code spans: GitHub renders their content literally and runs
 * neither mentions, issue references nor autolinks inside them. What a code span cannot hold
 * (line breaks, control and direction-override characters) is shown as a visible escape.
 */
import { normaliseHttpUrl, truncate } from '../text.js'

/** Characters shown as escapes: controls, zero-width and line/paragraph separators, bidirectional overrides. */
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g

const NAMED_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' }

/** Replaces characters that would be invisible, break a line, or reorder text with `\n`, `\uXXXX`... */
export function visible(value: string): string {
  return value.replace(INVISIBLE, (char) => NAMED_ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

export interface CodeOptions {
  /** The span sits in a GFM table cell, where an unescaped `|` would end the cell. */
  inTable?: boolean
  /** Longest text shown, in characters (default 1,000). */
  max?: number
}

/**
 * Untrusted text as an inline code span, rendered literally by GitHub. The fence is one backtick
 * longer than the longest run inside; a space pads content that starts or ends with a backtick
 * or a space (CommonMark strips exactly one from each side).
 */
export function code(value: string, options: CodeOptions = {}): string {
  let content = visible(truncate(value, options.max ?? 1000))
  if (content === '') return '*(empty)*'
  // GFM splits a table row at pipes before it parses code spans: `\|` keeps a pipe in its cell,
  // and backslashes right before a pipe are doubled so that they cannot cancel that escape.
  if (options.inTable) content = content.replace(/(\\*)\|/g, (_match, slashes: string) => `${slashes}${slashes}\\|`)
  let longestRun = 0
  for (const run of content.matchAll(/`+/g)) longestRun = Math.max(longestRun, run[0].length)
  const fence = '`'.repeat(longestRun + 1)
  const pad = /^[ `]|[ `]$/.test(content) ? ' ' : ''
  return `${fence}${pad}${content}${pad}${fence}`
}

/**
 * A sentence we wrote ourselves (a skip reason): the characters that start inline markup
 * (emphasis, code, links, images, tables, strike-through, math) are backslash-escaped and `&`,
 * `<`, `>` become entities, so nothing in it is markup; line breaks become spaces. Names, ids and anything a server answered go through `code()` instead.
 */
export function prose(value: string, max = 2000): string {
  return visible(truncate(value.replace(/\r\n|\r|\n/g, ' '), max))
    .replace(/[\\`*_[\]()!|~#$]/g, '\\$&')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
}

/**
 * A URL answered by a server, safe as a link destination: http(s) only, no credentials, and the
 * characters that could end or bend a Markdown destination percent-encoded. Undefined otherwise.
 */
export function safeUrl(value: string | undefined): string | undefined {
  if (!value) return undefined
  // Emphasis characters too: harmless in a URL, and then nothing in a destination is markup.
  return normaliseHttpUrl(value.trim())?.replace(/[*_]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
}

/** `[label](url)` when the URL is safe (the label is ours); otherwise the untrusted value as inert code. */
export function link(label: string, url: string | undefined, options: CodeOptions = {}): string {
  const safe = safeUrl(url)
  if (safe) return `[${label}](${safe})`
  return url ? code(url, { max: 300, ...options }) : '—'
}

/** A link that shows its own URL, as code inside the link so nothing in it is markup. */
export function urlLink(url: string | undefined, options: CodeOptions = {}): string {
  const safe = safeUrl(url)
  if (!safe) return url ? code(url, { max: 300, ...options }) : '—'
  // The label shows the URL as a reader would type it (`public_paths`, not `public%5Fpaths`):
  // inside a code span nothing is markup, so only the destination needs the extra escapes.
  const shown = normaliseHttpUrl((url ?? '').trim()) ?? safe
  return `[${code(shown, { max: 120, ...options })}](${safe})`
}

/** UTF-8 size: GitHub's limit counts characters, and bytes are never fewer, so what fits in bytes fits. */
export function sizeOf(markdown: string): number {
  return Buffer.byteLength(markdown, 'utf8')
}

/**
 * As many lines as fit in `budget` bytes (each line plus its newline), then `more(n)` for the n
 * left out. Lines are made on demand, so a list of 50,000 names costs only what is shown.
 */
export function fitLines(count: number, line: (index: number) => string, budget: number, more: (left: number) => string): string[] {
  const lines: string[] = []
  const reserve = sizeOf(more(count)) + 1
  let used = 0
  for (let index = 0; index < count; index++) {
    const next = line(index)
    const size = sizeOf(next) + 1
    const isLast = index === count - 1
    if (used + size + (isLast ? 0 : reserve) > budget) {
      lines.push(more(count - index))
      return lines
    }
    lines.push(next)
    used += size
  }
  return lines
}
