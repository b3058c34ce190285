/**
 * The program that unpacks an uploaded archive (./archive.ts) inside the project, in one exec:
 * it waits briefly for the archive (CoCalc's upload answers before the file is in place), checks
 * its size and SHA-256, lists its members and refuses absolute names, `..` and anything but
 * regular files before extracting a byte (GNU tar strips or skips such members itself, but no
 * tar is trusted with that alone), checks the listing is exactly what was packed, extracts into
 * a private folder, moves each file into place with rename (atomic: a reader sees the old file
 * or the new one, never half of one; a folder the destination lacks moves whole, in one rename,
 * so a first push of 10,000 files is one `mv`, not one per folder), and prints the SHA-256 of every file where it now lies,
 * from one `sha256sum` process: uploading and verifying are one round trip.
 *
 * Paths travel as arguments, never inside the script text. For API v1 the archive arrives as
 * base64 pieces, which the same exec decodes first.
 */
import { HASH_SCRIPT, parseHashOutput, type RemoteFile } from './scripts.js'

/** Exit codes the client acts on. */
export const UNPACK_MISSING = 3
export const UNPACK_CORRUPT = 4
export const UNPACK_REFUSED = 5

/**
 * Arguments: DEST WORK ARCHIVE PIECES PIECE_COUNT SIZE SHA256 COMPRESSION COUNT LISTING_SHA256
 * WAIT_TENTHS. WORK (which holds ARCHIVE, PIECES and the staging folder) is removed at the end,
 * whatever happens. stdout: what HASH_SCRIPT prints for the members where they were written, in
 * member order (its one `sha256sum` and one `stat` for all of them).
 */
export const UNPACK_SCRIPT = `set -euo pipefail
export LC_ALL=C
dest=$1 work=$2 archive=$3 pieces=$4 piece_count=$5 size=$6 sum=$7 zip=$8 count=$9 listing=\${10} wait=\${11}
stage=$work/stage
trap 'rm -rf -- "$work"' EXIT
fail() { printf '%s\\n' "$2" >&2; exit "$1"; }
if [ -n "$pieces" ]; then
  shopt -s nullglob
  p=("$pieces"/*.b64)
  [ "\${#p[@]}" -eq "$piece_count" ] || fail 3 "expected $piece_count piece(s) of the archive, found \${#p[@]}"
  cat -- "\${p[@]}" | base64 -d > "$archive" || fail 4 "the archive's pieces are not valid base64"
fi
actual=
for ((i = 0; i <= wait; i++)); do
  [ -f "$archive" ] && actual=$(stat -c %s -- "$archive") && [ "$actual" = "$size" ] && break
  [ "$i" -eq "$wait" ] || sleep 0.1
done
[ -f "$archive" ] || fail 3 "the archive did not arrive"
[ "$actual" = "$size" ] || fail 4 "the archive has $actual bytes, not $size"
got=$(sha256sum < "$archive")
[ "\${got%% *}" = "$sum" ] || fail 4 "the archive's SHA-256 is not that of the archive sent"
if [ "$zip" = gzip ]; then
  gzip -dc -- "$archive" > "$work/plain.tar" || fail 4 "the archive cannot be decompressed"
  archive=$work/plain.tar
fi
t=(tar --no-same-owner --no-same-permissions)
"\${t[@]}" -tf "$archive" --quoting-style=literal > "$work/names" || fail 4 "the archive cannot be listed"
if grep -qE '^/|(^|/)\\.\\.(/|$)' "$work/names"; then fail 5 "the archive has a member with an absolute name or '..': refused"; fi
"\${t[@]}" -tvf "$archive" > "$work/types" || fail 4 "the archive cannot be listed"
if grep -qv '^-' "$work/types"; then fail 5 "the archive has a member that is not a regular file: refused"; fi
l=$(sha256sum < "$work/names")
[ "\${l%% *}" = "$listing" ] || fail 5 "the archive's members are not the files sent: refused"
mapfile -t names < "$work/names"
[ "\${#names[@]}" -eq "$count" ] || fail 5 "the archive has \${#names[@]} member(s), not $count: refused"
mkdir -p -- "$stage"
"\${t[@]}" -xmf "$archive" -C "$stage" || fail 4 "the archive cannot be extracted"
[ -z "$(find "$stage" ! -type f ! -type d -print -quit)" ] || fail 5 "the archive held something that is not a regular file: refused"
# Each member as ./NAME: its folder is then \${n%/*}, "." for the top. Whole arrays at once: a
# bash loop costs 7 us a name. (No & magic in replacements, bash 5.2.)
shopt -u patsub_replacement 2>/dev/null || true
q=("\${names[@]/#/./}")
paths=("\${names[@]/#/"$dest/"}")
mapfile -t dirs < <(printf '%s\n' "\${q[@]%/*}" | uniq)
# A folder the destination lacks moves over whole: its top-most missing folder, by one rename.
# If another run made that folder meanwhile, mv -T refuses (it never moves into it), and the
# files go one folder at a time below instead.
remaining=
for d in "\${dirs[@]}"; do
  [ -d "$stage/$d" ] || continue
  top=$d moving=
  while ! [ -e "$dest/$top" ]; do
    moving=$top
    [ "$top" = . ] && break
    top=\${top%/*}
  done
  if [ -z "$moving" ]; then
    remaining=1
  elif [ "$moving" = . ]; then
    mkdir -p -- "$(dirname -- "$dest")"
    mv -T -- "$stage" "$dest" 2> /dev/null || remaining=1
  else
    mv -T -- "$stage/$moving" "$dest/\${moving#./}" 2> /dev/null || remaining=1
  fi
done
# Into folders that were there already, the files move one folder at a time.
if [ -n "$remaining" ]; then
  folder= there= batch=()
  for n in "\${q[@]}"; do
    d=\${n%/*}
    if [ "$d" != "$folder" ]; then
      [ "\${#batch[@]}" -eq 0 ] || mv -f -t "$there" -- "\${batch[@]}"
      batch=() folder=$d there=
      if [ "$d" = . ]; then there=$dest; else there=$dest/\${d#./}; fi
      [ -d "$stage/$d" ] || there=
      [ -z "$there" ] || [ -d "$there" ] || mkdir -p -- "$there"
    fi
    [ -z "$there" ] || batch+=("$stage/$n")
  done
  [ "\${#batch[@]}" -eq 0 ] || mv -f -t "$there" -- "\${batch[@]}"
fi
set -- "\${paths[@]}"
${HASH_SCRIPT}`

export interface UnpackRequest {
  /** Folder the members are unpacked into, relative to the project's home. */
  dest: string
  /** This attempt's private folder (removed by the script). */
  work: string
  /** Where the archive is (or is decoded to, from pieces). */
  archive: string
  /** v1: the folder of base64 pieces, and how many there are. */
  pieces?: { dir: string; count: number }
  size: number
  sha256: string
  gzip: boolean
  /** Members, and the SHA-256 of their listing (see listingOf). */
  count: number
  listingSha256: string
  /** How long to wait for the archive to appear, in tenths of a second. */
  waitTenths: number
}

/** `bash -c SCRIPT unpack ARG...`: the exec command and arguments of one unpack. */
export function unpackCommand(request: UnpackRequest): { command: string; args: string[] } {
  return {
    command: 'bash',
    args: [
      '-c',
      UNPACK_SCRIPT,
      'unpack',
      request.dest,
      request.work,
      request.archive,
      request.pieces?.dir ?? '',
      String(request.pieces?.count ?? 0),
      String(request.size),
      request.sha256,
      request.gzip ? 'gzip' : 'none',
      String(request.count),
      request.listingSha256,
      String(request.waitTenths)
    ]
  }
}

/** What the script found at each member's place; an answer cut short or a missing file is a problem. */
export function parseUnpackOutput(stdout: string, count: number): RemoteFile[] | { problem: string } {
  const found = parseHashOutput(stdout, count)
  if ('problem' in found) return found
  const missing = found.findIndex((file) => file === undefined)
  if (missing >= 0) return { problem: `member ${missing + 1} is not there after unpacking` }
  return found as RemoteFile[]
}
