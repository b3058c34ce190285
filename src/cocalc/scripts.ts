/**
 * The shell programs the action runs inside a CoCalc project (through `exec` / `project_exec`),
 * and the pure helpers around them. Paths always travel as separate arguments (`bash -c SCRIPT
 * NAME ARG...`), never inside the script text, so no file name is ever parsed by a shell.
 *
 * The loopback emulator (__tests__/emulators/cocalc.js) recognises these exact texts; a unit test
 * keeps its copies equal to these.
 */

/**
 * Prints one line per argument, in order: the file's SHA-256 in hex, or `-` when it is missing or
 * unreadable. Reading through stdin makes sha256sum print `HASH  -`, so names with backslashes or
 * newlines never change the output's shape.
 */
export const HASH_SCRIPT = [
  'for f in "$@"; do',
  '  if [ -f "$f" ] && h=$(sha256sum < "$f" 2>/dev/null); then printf "%s\\n" "${h%% *}"; else printf "%s\\n" -; fi',
  'done'
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

const SHA256_HEX = /^[0-9a-f]{64}$/

/**
 * The hash script's output as one entry per path (undefined = missing). Anything but exactly one
 * well-formed line per path is an error: a truncated answer must never pass for "all missing".
 */
export function parseHashOutput(stdout: string, count: number): (string | undefined)[] | { problem: string } {
  const lines = stdout.split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  if (lines.length !== count) return { problem: `expected ${count} line(s) of hashes, got ${lines.length}` }
  const hashes: (string | undefined)[] = []
  for (const [index, line] of lines.entries()) {
    if (line === '-') hashes.push(undefined)
    else if (SHA256_HEX.test(line)) hashes.push(line)
    else return { problem: `line ${index + 1} is neither a SHA-256 nor '-': ${JSON.stringify(line.slice(0, 80))}` }
  }
  return hashes
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
