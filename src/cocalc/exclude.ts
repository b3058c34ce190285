/**
 * Which files a v1 copy's `exclude` patterns leave out of the target, so the check inside the
 * target does not wait for them. CoCalc's hub passes each pattern, in order, as one `--exclude`
 * argument of `rsync -zaxs --omit-link-times ... SRC/ DST/` with the copied folder as SRC/
 * (src/packages/server/projects/control/util.ts, copyPath, at c7956b572e^), so the rules are
 * rsync's own, from its man page (FILTER RULES, FILTER RULES IN DEPTH, PATTERN MATCHING RULES,
 * ANCHORING INCLUDE/EXCLUDE PATTERNS), checked against real rsync by
 * __tests__/fixtures/rsync-exclude-cases.json:
 * - rsync walks down from the copied folder and tests every folder on the way: an excluded folder
 *   takes everything in it along. The first rule that matches a name decides.
 * - `- PAT` is an exclude and `+ PAT` an include (old-style prefixes); `!` clears the list.
 * - A trailing '/' matches folders only. A leading '/' anchors at the copied folder.
 * - Without an inner '/' or '**', a pattern matches the last name only; otherwise the whole path,
 *   or (unanchored) its end at a folder boundary: `foo/bar` also matches `x/foo/bar`. An unanchored
 *   pattern starting with '**' also matches at the top (`**\/foo` matches `foo`).
 * - `*` and `?` stay inside a name, `**` crosses '/', `[...]` is one byte (never '/'), a trailing
 *   `/***` is the folder itself and all in it; `\` escapes only in a pattern with a wildcard.
 *   Matching is on UTF-8 bytes, so `?` is one byte of `é`, not the letter.
 */

interface Rule {
  include: boolean
  dirOnly: boolean
  /** name: the last path component; path: the whole path; tail: the path or any end of it after a '/'. */
  scope: 'name' | 'path' | 'tail'
  /** An unanchored pattern starting with '**' is also tried against '/' + path. */
  rootSlash: boolean
  regex: RegExp
  /** For `dir/***`: the folder `dir` itself (it is matched as a folder only). */
  folder?: RegExp
}

/** A test for one list of patterns: compiled once, asked for every file. */
export function excluder(patterns: readonly string[]): (rel: string) => boolean {
  const rules = parseRules(patterns)
  if (rules.length === 0) return () => false
  return (rel) => {
    const names = utf8Bytes(rel).split('/')
    for (let depth = 1; depth <= names.length; depth++) {
      const path = names.slice(0, depth).join('/')
      const decisive = rules.find((rule) => matches(rule, path, depth < names.length))
      if (decisive && !decisive.include) return true
    }
    return false
  }
}

export function isExcluded(rel: string, patterns: readonly string[]): boolean {
  return excluder(patterns)(rel)
}

/** `--exclude` takes `- ` and `+ ` prefixes and a lone `!` (FILTER RULES IN DEPTH, old-style rules). */
function parseRules(patterns: readonly string[]): Rule[] {
  let rules: Rule[] = []
  for (const line of patterns) {
    if (line === '!') {
      rules = []
      continue
    }
    const include = line.startsWith('+ ')
    const pattern = include || line.startsWith('- ') ? line.slice(2) : line
    if (pattern !== '') rules.push(compile(utf8Bytes(pattern), include))
  }
  return rules
}

function compile(pattern: string, include: boolean): Rule {
  const anchored = pattern.startsWith('/')
  let body = anchored ? pattern.slice(1) : pattern
  const dirOnly = body.endsWith('/')
  if (dirOnly) body = body.slice(0, -1)
  const wild = /[*?[]/.test(body)
  const scope = anchored ? 'path' : !body.includes('/') && !body.includes('**') ? 'name' : 'tail'
  const rule: Rule = { include, dirOnly, scope, rootSlash: !anchored && body.startsWith('**'), regex: globRegExp(body, wild) }
  if (wild && body.endsWith('/***')) {
    rule.regex = globRegExp(body.slice(0, -1), true)
    rule.folder = globRegExp(body.slice(0, -4), true)
  }
  return rule
}

function matches(rule: Rule, path: string, isDir: boolean): boolean {
  if (rule.dirOnly && !isDir) return false
  const test = (subject: string) => rule.regex.test(subject) || (isDir && rule.folder !== undefined && rule.folder.test(subject))
  if (rule.scope === 'name') return test(path.slice(path.lastIndexOf('/') + 1))
  if (rule.scope === 'path') return test(path)
  if (rule.rootSlash && test(`/${path}`)) return true
  for (let start = 0; start >= 0; start = path.indexOf('/', start) + 1 || -1) {
    if (test(path.slice(start))) return true
  }
  return false
}

/** One character per byte (latin1 of the UTF-8), so the regex counts bytes as rsync does. */
function utf8Bytes(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1')
}

const NEVER = /(?!)/

function globRegExp(glob: string, wild: boolean): RegExp {
  if (!wild) return new RegExp(`^${escapeByte(glob)}$`)
  let source = ''
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]
    if (char === '*') {
      const stars = /^\*+/.exec(glob.slice(i))?.[0].length ?? 1
      source += stars > 1 ? '[^]*' : '[^/]*'
      i += stars - 1
    } else if (char === '?') source += '[^/]'
    else if (char === '[') {
      const found = bracket(glob, i)
      if (!found) return NEVER // an unterminated class or unknown [:name:] never matches
      source += found.source
      i = found.end
    } else if (char === '\\' && i + 1 < glob.length) source += escapeByte(glob[++i])
    else source += escapeByte(char)
  }
  return new RegExp(`^${source}$`)
}

const NAMED: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  blank: ' \\t',
  cntrl: '\\x00-\\x1f\\x7f',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t-\\r ',
  upper: 'A-Z',
  xdigit: '0-9A-Fa-f'
}

/** `[...]` from `start`: `!` or `^` negates, a first `]` is literal, `a-z`, `[:alpha:]`, `\x`. */
function bracket(glob: string, start: number): { source: string; end: number } | undefined {
  let i = start + 1
  const negated = glob[i] === '!' || glob[i] === '^'
  if (negated) i++
  let set = ''
  for (let first = true; i < glob.length; first = false, i++) {
    if (glob[i] === ']' && !first) return { source: negated ? `[^/${set}]` : `(?!/)[${set}]`, end: i }
    const named = glob.startsWith('[:', i) ? /^\[:([a-z]+):\]/.exec(glob.slice(i)) : null
    if (named) {
      if (!(named[1] in NAMED)) return undefined
      set += NAMED[named[1]]
      i += named[0].length - 1
      continue
    }
    if (glob[i] === '\\' && i + 1 < glob.length) i++
    const low = glob[i]
    if (glob[i + 1] === '-' && i + 2 < glob.length && glob[i + 2] !== ']') {
      const high = glob[i + 2] === '\\' && i + 3 < glob.length ? glob[i + 3] : glob[i + 2]
      i += glob[i + 2] === '\\' ? 3 : 2
      if (low <= high) set += `${escapeByte(low)}-${escapeByte(high)}` // a reversed range matches nothing
    } else set += escapeByte(low)
  }
  return undefined
}

function escapeByte(text: string): string {
  return [...text].map((char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`).join('')
}
