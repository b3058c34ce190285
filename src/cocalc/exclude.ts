/**
 * Which files a v1 copy's `exclude` patterns leave out of the target, so the check inside the
 * target does not wait for them. rsync's rules, simplified as the emulator applies them: a pattern
 * without '/' matches any path component (a trailing '/' only folders); with '/', it matches from
 * the start of the path (or a folder prefix). `*` stays inside a component, `**` crosses folders,
 * `?` is one character.
 */
export function isExcluded(rel: string, patterns: readonly string[]): boolean {
  const segments = rel.split('/')
  return patterns.some((raw) => {
    let pattern = raw.startsWith('/') ? raw.slice(1) : raw
    const foldersOnly = pattern.endsWith('/')
    if (foldersOnly) pattern = pattern.slice(0, -1)
    const regex = globRegExp(pattern)
    if (!pattern.includes('/')) return segments.some((segment, index) => (!foldersOnly || index < segments.length - 1) && regex.test(segment))
    for (let length = 1; length <= segments.length; length++) {
      if (foldersOnly && length === segments.length) continue
      if (regex.test(segments.slice(0, length).join('/'))) return true
    }
    return false
  })
}

function globRegExp(pattern: string): RegExp {
  let source = ''
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]
    if (char === '*' && pattern[i + 1] === '*') {
      source += '.*'
      i++
    } else if (char === '*') source += '[^/]*'
    else if (char === '?') source += '[^/]'
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${source}$`)
}
