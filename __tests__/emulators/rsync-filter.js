// @ts-check
/**
 * What the CoCalc emulator's v1 copy sends and protects, as real rsync does with the hub's
 * `rsync -zaxs --omit-link-times --exclude PAT ... SRC/ DST/` (CoCalc's
 * src/packages/server/projects/control/util.ts, copyPath, at c7956b572e^: one `--exclude` per
 * pattern, in order, the copied folder as transfer root). Rules from rsync's man page, sections
 * FILTER RULES, FILTER RULES IN DEPTH, PATTERN MATCHING RULES and ANCHORING INCLUDE/EXCLUDE
 * PATTERNS; checked against real rsync by __tests__/fixtures/rsync-exclude-cases.json.
 *
 * Written apart from the action's src/cocalc/exclude.ts on purpose (that one is a per-path regex
 * test): this one walks the tree top-down as rsync's sender does, leaves an excluded folder
 * unopened, takes a pattern's last N+1 names for a pattern with N slashes, and matches wildcards
 * with its own byte-level backtracking matcher.
 */

const SLASH = 0x2f
const STAR = 0x2a
const QUESTION = 0x3f
const OPEN = 0x5b
const CLOSE = 0x5d
const BACKSLASH = 0x5c

/**
 * @typedef {{
 *   include: boolean, dirOnly: boolean, anchored: boolean, glob: Buffer, wild: boolean,
 *   slashes: number, doubleStar: boolean, never: boolean, folder: Buffer | undefined
 * }} FilterRule
 * `slashes`: inner slashes (0 and no `**`: the last name only); `folder`: for `dir/***`, the
 * folder itself; `never`: a broken `[` class, which matches nothing at all.
 */

/**
 * The files of `paths` (relative to the transfer root) that rsync sends with these patterns. An
 * excluded folder takes everything under it along (FILTER RULES: "the sender doesn't scan through
 * any of it"). With --delete, the target files it does not send are the ones exclude protects.
 * @param {Iterable<string>} paths
 * @param {readonly string[]} patterns
 * @returns {Set<string>}
 */
export function rsyncSends(paths, patterns) {
  const rules = filterRules(patterns)
  /** @typedef {Map<string, Folder | null>} Folder */
  /** @type {Folder} */
  const root = new Map()
  for (const path of paths) {
    const names = path.split('/')
    let folder = root
    for (const name of names.slice(0, -1)) {
      const next = folder.get(name) ?? new Map()
      folder.set(name, next)
      folder = next
    }
    folder.set(names[names.length - 1], null)
  }
  /** @type {Set<string>} */
  const sent = new Set()
  /** @param {Folder} folder @param {string} prefix */
  const walk = (folder, prefix) => {
    for (const [name, child] of folder) {
      const path = prefix === '' ? name : `${prefix}/${name}`
      if (excludes(rules, Buffer.from(path, 'utf8'), child !== null)) continue
      if (child === null) sent.add(path)
      else walk(child, path)
    }
  }
  walk(root, '')
  return sent
}

/**
 * `--exclude` accepts the old-style prefixes `- ` (exclude) and `+ ` (include), and `!` clears the
 * rules so far (FILTER RULES IN DEPTH).
 * @param {readonly string[]} patterns
 * @returns {FilterRule[]}
 */
export function filterRules(patterns) {
  /** @type {FilterRule[]} */
  let rules = []
  for (const text of patterns) {
    if (text === '!') rules = []
    else if (text.startsWith('+ ') || text.startsWith('- ')) {
      if (text.length > 2) rules.push(parseRule(text.slice(2), text[0] === '+'))
    } else if (text !== '') rules.push(parseRule(text, false))
  }
  return rules
}

/**
 * @param {string} text
 * @param {boolean} include
 * @returns {FilterRule}
 */
function parseRule(text, include) {
  const anchored = text.startsWith('/')
  const dirOnly = text.endsWith('/') && text.length > 1
  let glob = Buffer.from(text.slice(anchored ? 1 : 0, dirOnly ? -1 : undefined), 'utf8')
  const wild = glob.some((byte) => byte === STAR || byte === QUESTION || byte === OPEN)
  const doubleStar = glob.includes('**')
  let folder
  if (wild && glob.length >= 4 && glob.subarray(-4).toString('latin1') === '/***') {
    folder = glob.subarray(0, -4)
    glob = glob.subarray(0, -1)
  }
  const slashes = glob.filter((byte) => byte === SLASH).length
  return { include, dirOnly, anchored, glob, wild, slashes, doubleStar, never: wild && !classesClose(glob), folder }
}

/**
 * The first rule that matches decides; no rule: sent.
 * @param {FilterRule[]} rules
 * @param {Buffer} path
 * @param {boolean} isDir
 */
function excludes(rules, path, isDir) {
  for (const rule of rules) {
    if (rule.never || (rule.dirOnly && !isDir)) continue
    const hit = candidates(rule, path).some(
      (name) => globMatches(rule, rule.glob, name) || (isDir && !!rule.folder && globMatches(rule, rule.folder, name))
    )
    if (hit) return !rule.include
  }
  return false
}

/**
 * Which part of the path a rule is compared with (PATTERN MATCHING RULES).
 * @param {FilterRule} rule
 * @param {Buffer} path
 * @returns {Buffer[]}
 */
function candidates(rule, path) {
  if (rule.anchored) return [path]
  if (rule.slashes === 0 && !rule.doubleStar) return [path.subarray(path.lastIndexOf(SLASH) + 1)]
  if (!rule.doubleStar) {
    // N inner slashes: the last N+1 names, when the path has that many.
    let start = path.length
    for (let seen = 0; seen <= rule.slashes; seen++) {
      start = start > 0 ? path.lastIndexOf(SLASH, start - 1) : -1
      if (start < 0) return seen === rule.slashes ? [path] : []
    }
    return [path.subarray(start + 1)]
  }
  // '**': the whole path, or after any slash; a leading '**' is also tried against "/path".
  /** @type {Buffer[]} */
  const tails = [path]
  for (let at = path.indexOf(SLASH); at >= 0; at = path.indexOf(SLASH, at + 1)) tails.push(path.subarray(at + 1))
  if (rule.glob[0] === STAR && rule.glob[1] === STAR) tails.push(Buffer.concat([Buffer.from('/'), path]))
  return tails
}

/**
 * @param {FilterRule} rule
 * @param {Buffer} glob
 * @param {Buffer} name
 */
function globMatches(rule, glob, name) {
  return rule.wild ? wildMatch(glob, 0, name, 0) : glob.equals(name)
}

/**
 * Backtracking wildcard match of glob[g..] against text[t..], byte by byte: `*` never crosses '/',
 * `**` does, `?` and `[...]` are one byte other than '/', `\` takes the next byte literally.
 * @param {Buffer} glob
 * @param {number} g
 * @param {Buffer} text
 * @param {number} t
 * @returns {boolean}
 */
function wildMatch(glob, g, text, t) {
  while (g < glob.length) {
    const byte = glob[g]
    if (byte === STAR) {
      let after = g
      while (glob[after] === STAR) after++
      const crossesSlash = after - g > 1
      for (let end = t; end <= text.length; end++) {
        if (wildMatch(glob, after, text, end)) return true
        if (!crossesSlash && text[end] === SLASH) return false
      }
      return false
    }
    if (t >= text.length) return false
    if (byte === QUESTION || byte === OPEN) {
      if (text[t] === SLASH) return false
      if (byte === OPEN) {
        const found = classAt(glob, g, text[t])
        if (!found.matched) return false
        g = found.end
      }
    } else {
      const literal = byte === BACKSLASH && g + 1 < glob.length ? glob[++g] : byte
      if (literal !== text[t]) return false
    }
    g++
    t++
  }
  return t === text.length
}

/** @type {Record<string, (byte: number) => boolean>} */
const POSIX_CLASSES = {
  alnum: (b) => POSIX_CLASSES.alpha(b) || POSIX_CLASSES.digit(b),
  alpha: (b) => POSIX_CLASSES.upper(b) || POSIX_CLASSES.lower(b),
  blank: (b) => b === 0x20 || b === 0x09,
  cntrl: (b) => b < 0x20 || b === 0x7f,
  digit: (b) => b >= 0x30 && b <= 0x39,
  graph: (b) => b > 0x20 && b < 0x7f,
  lower: (b) => b >= 0x61 && b <= 0x7a,
  print: (b) => b >= 0x20 && b < 0x7f,
  punct: (b) => POSIX_CLASSES.graph(b) && !POSIX_CLASSES.alnum(b),
  space: (b) => b === 0x20 || (b >= 0x09 && b <= 0x0d),
  upper: (b) => b >= 0x41 && b <= 0x5a,
  xdigit: (b) => POSIX_CLASSES.digit(b) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66)
}

/**
 * Whether `byte` is in the class opening at glob[open]; `end` is its closing ']'. `!` or `^`
 * negates, a ']' first is literal, `a-z` is a range (reversed: empty), `[:name:]` a POSIX class.
 * @param {Buffer} glob
 * @param {number} open
 * @param {number} byte
 * @returns {{ matched: boolean, end: number }}
 */
function classAt(glob, open, byte) {
  let at = open + 1
  const negated = glob[at] === 0x21 || glob[at] === 0x5e
  if (negated) at++
  let inside = false
  for (let first = true; at < glob.length && (first || glob[at] !== CLOSE); first = false) {
    const posix = glob[at] === OPEN && glob[at + 1] === 0x3a ? /^\[:([a-z]+):\]/.exec(glob.subarray(at).toString('latin1')) : null
    if (posix) {
      inside ||= POSIX_CLASSES[posix[1]](byte)
      at += posix[0].length
      continue
    }
    const low = glob[at] === BACKSLASH && at + 1 < glob.length ? glob[++at] : glob[at]
    at++
    if (glob[at] === 0x2d && at + 1 < glob.length && glob[at + 1] !== CLOSE) {
      const high = glob[at + 1] === BACKSLASH && at + 2 < glob.length ? glob[at + 2] : glob[at + 1]
      at += glob[at + 1] === BACKSLASH ? 3 : 2
      inside ||= byte >= low && byte <= high
    } else inside ||= byte === low
  }
  return { matched: inside !== negated, end: at }
}

/**
 * Whether every `[` class in the glob closes and names only known POSIX classes; otherwise rsync
 * matches nothing with the pattern.
 * @param {Buffer} glob
 */
function classesClose(glob) {
  for (let g = 0; g < glob.length; g++) {
    if (glob[g] === BACKSLASH) g++
    else if (glob[g] === OPEN) {
      const text = glob.subarray(g).toString('latin1')
      const body = /^\[[!^]?\]?(?:\[:[a-z]+:\]|\\.|[^\]])*\]/s.exec(text)
      if (!body) return false
      for (const name of body[0].matchAll(/\[:([a-z]+):\]/g)) if (!(name[1] in POSIX_CLASSES)) return false
      g += body[0].length - 1
    }
  }
  return true
}
