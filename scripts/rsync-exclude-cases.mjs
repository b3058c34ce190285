#!/usr/bin/env node
// Regenerates __tests__/fixtures/rsync-exclude-cases.json: what REAL rsync leaves out of a copy
// for each list of `exclude` patterns. Needs rsync on PATH (not run by CI, which has none):
//
//   node scripts/rsync-exclude-cases.mjs          writes the fixture
//   node scripts/rsync-exclude-cases.mjs --check  exits 1 when the local rsync disagrees with it
//
// It builds TREE in a scratch folder and copies it the way CoCalc's hub does for API v1's
// copy_path_between_projects (src/packages/server/projects/control/util.ts, copyPath, at
// c7956b572e^): `rsync -zaxs --omit-link-times --exclude PAT ... --update SRC/ DST/`, one
// `--exclude` argument per pattern, in order, with trailing slashes because the copied path is
// a folder (the folder is the transfer root, so a leading '/' anchors there). Every file that did
// not arrive is recorded as excluded; with `--delete` (delete_missing), the target-only files
// that an exclude protected are recorded as kept. Both matchers (src/cocalc/exclude.ts and the CoCalc
// emulator's) are tested against the fixture in __tests__/unit/rsync-exclude.test.ts.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { format, resolveConfig } from 'prettier'

const FIXTURE = fileURLToPath(new URL('../__tests__/fixtures/rsync-exclude-cases.json', import.meta.url))

/** Files of the source folder (folders are implied). Tricky on purpose. */
const TREE = [
  'README.md',
  'run.log',
  'a.log.txt',
  'logs/run.log',
  'logs/old/2024.log',
  'notebooks/a.ipynb',
  'notebooks/.ipynb_checkpoints/a-checkpoint.ipynb',
  'foo/bar',
  'foo/baz/bar',
  'foo/baz/qux.txt',
  'foobar',
  'foo.txt',
  'x/foo/bar',
  'x/y/foo/bar',
  'x/y/foo/other',
  'y/foo',
  'data/raw/x.csv',
  'data/rawfile',
  'other/data/raw/x.csv',
  'dir',
  'dirs/dir/x.txt',
  'dirs/dir2/x.txt',
  'a/b/c',
  'a/b/c.txt',
  'a/x/b/c.txt',
  'a/b/c2/d/e.txt',
  'b/c.txt',
  '.hidden',
  '.git/config',
  '.git/objects/ab/cdef',
  'sub/.env',
  'sub/.git/HEAD',
  'with space/file name.txt',
  'with space/x.txt',
  ' lead.txt',
  'café/naïve.md',
  'café/été.txt',
  '日本/資料.txt',
  '[abc].txt',
  'a.txt',
  'b.txt',
  '1.txt',
  'ab.txt',
  'a*b.txt',
  'axb.txt',
  'q?.txt',
  'back\\slash.txt',
  'backslash.txt',
  '- dash.txt',
  'dash.txt',
  '+ plus.txt',
  '!bang',
  '#hash.txt',
  '***',
  '[ab'
]

/** Pattern lists, each passed as the `exclude` input would send them (trimmed, non-empty). */
const CASES = [
  // A name without '/': the last component of any path; a folder takes its contents with it.
  ['*.log'],
  ['run.log'],
  ['logs'],
  ['foo'],
  ['bar'],
  ['dir'],
  ['.git'],
  ['.*'],
  ['*'],
  ['c.txt'],
  ['file name.txt'],
  ['with space'],
  ['café'],
  ['naïve.md'],
  ['資料.txt'],
  // A trailing '/': folders only.
  ['logs/'],
  ['dir/'],
  ['foo/'],
  ['bar/'],
  ['foo.txt/'],
  ['*/'],
  ['.ipynb_checkpoints/'],
  ['.git/'],
  // An inner '/': matched against the end of the path, at a folder boundary.
  ['foo/bar'],
  ['foo/bar/'],
  ['data/raw'],
  ['data/raw/'],
  ['raw/x.csv'],
  ['b/c'],
  ['b/c.txt'],
  ['a/b/c'],
  ['c2/d/e.txt'],
  ['sub/.env'],
  ['foo/*'],
  ['foo/*/bar'],
  ['*/c.txt'],
  ['*/*/c.txt'],
  ['with space/x.txt'],
  // A leading '/': anchored at the transfer root (the copied folder).
  ['/logs'],
  ['/run.log'],
  ['/foo/bar'],
  ['/data/raw'],
  ['/b/c.txt'],
  ['/*/c.txt'],
  ['/foo/'],
  ['/dir'],
  ['x/y/'],
  ['logs//'],
  // '**' crosses folders; a pattern with '**' is matched against the whole path.
  ['**'],
  ['**/bar'],
  ['**/foo'],
  ['**/c.txt'],
  ['**bar'],
  ['foo**'],
  ['foo/**'],
  ['foo/**/bar'],
  ['/foo/**/bar'],
  ['/foo/**'],
  ['a/**/c.txt'],
  ['a**c'],
  ['x/**'],
  ['**/.git/'],
  ['/**/foo'],
  ['/**'],
  ['**/b/c.txt'],
  // A trailing '***': the folder itself and everything in it.
  ['dir/***'],
  ['dirs/***'],
  ['dirs/dir/***'],
  ['foo***'],
  ['***'],
  // '?' and character classes (one byte, never '/').
  ['?.txt'],
  ['a?b.txt'],
  ['q?.txt'],
  ['[ab].txt'],
  ['[abc].txt'],
  ['\\[abc\\].txt'],
  ['[!a].txt'],
  ['[^a].txt'],
  ['[a-c].txt'],
  ['[[:digit:]].txt'],
  ['[[:alpha:]]*.txt'],
  ['[]ab].txt'],
  ['a[/]b'],
  ['caf?'],
  ['caf??'],
  ['[ab'],
  ['[z-a].txt'],
  ['[[:bogus:]].txt'],
  ['[[:upper:]]*'],
  // Names that look like patterns; a backslash escapes only in a pattern with wildcards.
  ['a*b.txt'],
  ['a\\*b.txt'],
  ['back\\slash.txt'],
  ['back\\slash*'],
  ['back\\\\slash*'],
  ['#hash.txt'],
  ['!bang'],
  ['+ plus.txt'],
  ['- dash.txt'],
  ['-  lead.txt'],
  ['-foo'],
  // Several patterns: the first matching rule wins; '+ ' makes an include rule, '!' clears.
  ['*.log', '.ipynb_checkpoints/'],
  ['.git/', '*.log', '.ipynb_checkpoints/', 'data/raw/'],
  ['+ run.log', '*.log'],
  ['*.log', '+ run.log'],
  ['+ foo/bar', 'foo'],
  ['+ foo/', '+ foo/bar', '*'],
  ['+ */', '+ *.txt', '*'],
  ['*.log', '!'],
  ['*.log', '!', '*.txt'],
  ['+ a.txt', '*.txt', 'a.txt'],
  ['+ dirs/***', '*'],
  ['+ dirs/**', '*'],
  ['+ *.txt', '*.log', 'logs/']
]

/** Files only the target holds: with `delete_missing` (--delete) an exclude protects them. */
const TARGET_ONLY = [
  'old.txt',
  'mine.log',
  'logs/mine.log',
  'data/raw/mine.csv',
  'week1/data/raw/mine.csv',
  'keep/a.txt',
  'notes/keep.txt',
  'x/y/z.txt',
  'a/x/y.txt'
]
const DELETE_CASES = [[], ['data/raw'], ['/data/raw'], ['*.log'], ['logs/'], ['/keep'], ['+ keep.txt', '*.txt'], ['x/**'], ['*']]

const HUB_FLAGS = ['-zaxs', '--omit-link-times']

function listFiles(root, prefix = '') {
  return readdirSync(path.join(root, prefix), { withFileTypes: true }).flatMap((entry) => {
    const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`
    return entry.isDirectory() ? listFiles(root, rel) : [rel]
  })
}

function rsyncVersion() {
  const result = spawnSync('rsync', ['--version'], { encoding: 'utf8' })
  if (result.error || result.status !== 0) {
    console.error('rsync-exclude-cases: rsync is not installed (e.g. apt-get install rsync)')
    process.exit(2)
  }
  return result.stdout.split('\n')[0].replace(/\s+/g, ' ').trim()
}

function writeTree(root, files) {
  rmSync(root, { recursive: true, force: true })
  mkdirSync(root, { recursive: true })
  for (const file of files) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true })
    writeFileSync(path.join(root, file), file)
  }
}

/** Runs rsync as the hub does (`--delete` for delete_missing); returns the target's files after. */
function copy(scratch, patterns, targetFiles, extra = []) {
  const source = path.join(scratch, 'src')
  const target = path.join(scratch, 'dst')
  writeTree(target, targetFiles)
  const args = [...HUB_FLAGS, ...patterns.flatMap((p) => ['--exclude', p]), '--update', ...extra, `${source}/`, `${target}/`]
  const result = spawnSync('rsync', args, { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C.UTF-8' } })
  if (result.status !== 0) throw new Error(`rsync ${JSON.stringify(patterns)} exited ${result.status}: ${result.stderr.trim()}`)
  return new Set(listFiles(target))
}

/** The source files that did not arrive in an empty target. */
function excludedBy(scratch, patterns) {
  const arrived = copy(scratch, patterns, [])
  for (const file of arrived) if (!TREE.includes(file)) throw new Error(`rsync made an unexpected file ${file}`)
  return TREE.filter((file) => !arrived.has(file)).sort()
}

/** The target-only files that --delete left in place. */
function keptBy(scratch, patterns) {
  const after = copy(scratch, patterns, TARGET_ONLY, ['--delete'])
  return TARGET_ONLY.filter((file) => after.has(file)).sort()
}

const scratch = mkdtempSync(path.join(tmpdir(), 'rsync-exclude-'))
try {
  writeTree(path.join(scratch, 'src'), TREE)
  const fixture = {
    about: 'Generated by scripts/rsync-exclude-cases.mjs with real rsync; do not edit by hand.',
    rsync: rsyncVersion(),
    command: ['rsync', ...HUB_FLAGS, '--exclude', 'PATTERN', '...', '--update', 'SRC/', 'DST/'],
    tree: [...TREE].sort(),
    cases: CASES.map((patterns) => ({ patterns, excluded: excludedBy(scratch, patterns) })),
    targetOnly: [...TARGET_ONLY].sort(),
    deleteCases: DELETE_CASES.map((patterns) => ({ patterns, kept: keptBy(scratch, patterns) }))
  }
  const text = await format(JSON.stringify(fixture), { ...(await resolveConfig(FIXTURE)), filepath: FIXTURE })
  if (process.argv.includes('--check')) {
    const current = readFileSync(FIXTURE, 'utf8')
    const same = text === current
    console.log(same ? `The fixture matches ${fixture.rsync}` : `The fixture differs from what ${fixture.rsync} does`)
    process.exitCode = same ? 0 : 1
  } else {
    mkdirSync(path.dirname(FIXTURE), { recursive: true })
    writeFileSync(FIXTURE, text)
    console.log(`Wrote ${path.relative(process.cwd(), FIXTURE)}: ${fixture.cases.length} cases over ${TREE.length} files (${fixture.rsync})`)
  }
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
