/**
 * The shell programs the action runs inside a CoCalc project (through `exec` / `project_exec`),
 * and the pure helpers around them. Paths always travel as separate arguments (`bash -c SCRIPT
 * NAME ARG...`), never inside the script text, so no file name is ever parsed by a shell.
 * The tests run these very texts with a real bash (the emulator's exec is bash in a folder).
 */

/**
 * Hashes its arguments with ONE `sha256sum` process (CoCalc cuts a blocking exec at 60 s: a
 * process per file costs too much on a slow project) and one `stat` for their mtimes. Prints:
 *   `missing:` and the 1-based numbers of the arguments that are not readable files, one line;
 *   one `sha256sum` line per other argument, in order;
 *   `mtimes:`, then one line of seconds per other argument, in order.
 * Names never need parsing: sha256sum escapes a name holding a newline or backslash (the line
 * then starts with `\`), so each file is exactly one line, and `stat -c %Y` prints no name.
 */
export const HASH_SCRIPT = [
  'export LC_ALL=C',
  'i=0 missing= files=()',
  'for f in "$@"; do',
  '  i=$((i + 1))',
  '  if [[ -f $f && -r $f ]]; then files+=("$f"); else missing="$missing $i"; fi',
  'done',
  'printf "missing:%s\\n" "$missing"',
  '[ "${#files[@]}" -eq 0 ] || sha256sum -- "${files[@]}" || exit',
  'printf "mtimes:\\n"',
  '[ "${#files[@]}" -eq 0 ] || stat -L -c %Y -- "${files[@]}"'
].join('\n')

/**
 * Decodes base64 pieces (`DIR/000000.b64`, `DIR/000001.b64`... written beforehand) into DEST,
 * atomically: into TMP first, then renamed. Exits 3 when a piece is missing, so the caller can
 * write them again. Arguments: DEST TMP DIR COUNT.
 */
export const DECODE_SCRIPT = [
  'set -euo pipefail',
  'export LC_ALL=C',
  'dest=$1 tmp=$2 dir=$3 count=$4',
  'shopt -s nullglob',
  'pieces=("$dir"/*.b64)',
  'if [ "${#pieces[@]}" -ne "$count" ]; then echo "expected $count piece(s) in $dir, found ${#pieces[@]}" >&2; exit 3; fi',
  'mkdir -p -- "$(dirname -- "$dest")"',
  'trap \'rm -f -- "$tmp"\' EXIT',
  'cat -- "${pieces[@]}" | base64 -d > "$tmp"',
  'mv -f -- "$tmp" "$dest"',
  'rm -rf -- "$dir"'
].join('\n')

/** `bash -c SCRIPT hash PATH...`: the exec command and arguments that hash `paths`. */
export function hashCommand(paths: readonly string[]): { command: string; args: string[] } {
  return { command: 'bash', args: ['-c', HASH_SCRIPT, 'hash', ...paths] }
}

export function decodeCommand(dest: string, tmp: string, dir: string, count: number): { command: string; args: string[] } {
  return { command: 'bash', args: ['-c', DECODE_SCRIPT, 'decode', dest, tmp, dir, String(count)] }
}

/** What the hash script learnt about one existing file. */
export interface RemoteFile {
  sha256: string
  /** Modification time, whole seconds since the epoch. */
  mtime: number
}

const MISSING_LINE = /^missing:((?: [1-9][0-9]*)*)$/
const SHA256_LINE = /^\\?([0-9a-f]{64}) [ *]/
const MTIME_LINE = /^-?[0-9]{1,15}$/

/**
 * The hash script's output as one entry per path (undefined = missing). Anything but the exact
 * shape is a problem: an answer cut short (CoCalc reports a killed process as exit code 0 with
 * partial output) must never pass for "missing files".
 */
export function parseHashOutput(stdout: string, count: number): (RemoteFile | undefined)[] | { problem: string } {
  const lines = stdout.split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  const head = MISSING_LINE.exec(lines[0] ?? '')
  if (!head) return { problem: `the first line is not the list of missing files: ${JSON.stringify((lines[0] ?? '').slice(0, 80))}` }
  const missing = new Set(head[1].split(' ').filter(Boolean).map(Number))
  if ([...missing].some((n) => n > count)) return { problem: `it names a missing file beyond the ${count} asked for` }
  const present = count - missing.size
  if (lines.length !== 2 * present + 2 || lines[present + 1] !== 'mtimes:') {
    return { problem: `expected ${present} hash(es) and ${present} mtime(s) for ${count} path(s), got ${lines.length} line(s)` }
  }
  const result: (RemoteFile | undefined)[] = []
  let next = 1
  for (let n = 1; n <= count; n++) {
    if (missing.has(n)) {
      result.push(undefined)
      continue
    }
    const hash = SHA256_LINE.exec(lines[next])
    const mtime = lines[next + present + 1]
    if (!hash || !MTIME_LINE.test(mtime))
      return { problem: `the line for path ${n} is neither a SHA-256 nor an mtime: ${JSON.stringify(lines[next].slice(0, 80))}` }
    result.push({ sha256: hash[1], mtime: Number(mtime) })
    next++
  }
  return result
}

export interface BatchLimits {
  /** Bytes of JSON-encoded path arguments per batch (keeps the request body under the server's limit). */
  maxArgumentBytes: number
  /** Paths per batch (keeps one exec well inside the server's ~60 s cap). */
  maxPaths: number
  /** Bytes of file content per batch (the same cap, for large files). */
  maxContentBytes: number
}

/**
 * Splits paths into consecutive batches under every limit (a lone path always forms a batch).
 * `sizes[i]` is the expected size of `paths[i]`.
 */
export function batchPaths(paths: readonly string[], sizes: readonly number[], limits: BatchLimits): number[][] {
  const batches: number[][] = []
  let current: number[] = []
  let argumentBytes = 0
  let contentBytes = 0
  for (const [index, path] of paths.entries()) {
    const cost = Buffer.byteLength(JSON.stringify(path)) + 1
    const size = sizes[index] ?? 0
    const full =
      current.length > 0 &&
      (current.length >= limits.maxPaths || argumentBytes + cost > limits.maxArgumentBytes || contentBytes + size > limits.maxContentBytes)
    if (full) {
      batches.push(current)
      current = []
      argumentBytes = 0
      contentBytes = 0
    }
    current.push(index)
    argumentBytes += cost
    contentBytes += size
  }
  if (current.length > 0) batches.push(current)
  return batches
}
