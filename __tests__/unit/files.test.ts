import { afterAll, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { FileError } from '../../src/errors.js'
import {
  collectFiles,
  compareNames,
  escapeInvalidUtf8,
  globEscape,
  inspectFile,
  nameProblem,
  readCollectedFile,
  rootPattern,
  type CollectOptions,
  type Collection
} from '../../src/files.js'
import { makeWorkspace, removeWorkspace } from '../helpers/action.js'

const created: string[] = []
afterAll(async () => {
  for (const folder of created) await removeWorkspace(folder)
})

async function workspace(files: Parameters<typeof makeWorkspace>[0]): Promise<string> {
  const root = await makeWorkspace(files)
  created.push(root)
  return root
}

function collect(baseDir: string, patterns: string[], options: Partial<CollectOptions> = {}): Promise<Collection> {
  return collectFiles({ patterns, baseDir, includeHiddenFiles: false, maxFileSize: 10 * 1024 * 1024, ...options })
}

function names(collection: Collection): string[] {
  return collection.files.map((file) => file.name)
}

function sha256(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex')
}

async function fileError(promise: Promise<unknown>): Promise<FileError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(FileError)
    return error as FileError
  }
  throw new Error('expected a FileError')
}

describe('collectFiles: patterns', () => {
  it('reads multi-line patterns with ! excludes, names files by POSIX path relative to the base, sorted', async () => {
    const ws = await workspace({
      'src/pkg/mod.py': 'x = 1\n',
      'src/pkg/test_mod.py': 'assert True\n',
      'src/main.py': 'print()\n',
      'docs/index.md': '# Docs\n',
      'docs/api/ref.md': '# Ref\n',
      'README.md': 'readme\n',
      'data.csv': 'a,b\n'
    })
    const collection = await collect(ws, ['src/**/*.py', '!src/**/test_*.py', 'docs/**', '*.md'])
    expect(names(collection)).toEqual(['README.md', 'docs/api/ref.md', 'docs/index.md', 'src/main.py', 'src/pkg/mod.py'])
    expect(collection.skipped).toEqual([])
    const mod = collection.files.find((file) => file.name === 'src/pkg/mod.py')
    expect(mod).toEqual({ name: 'src/pkg/mod.py', absolutePath: path.join(ws, 'src/pkg/mod.py'), size: 6, sha256: sha256('x = 1\n'), isText: true })
  })

  it('matches a folder name with everything below it (implicit descendants), skipping the folders themselves', async () => {
    const ws = await workspace({ 'nb/a.ipynb': '{}', 'nb/sub/b.ipynb': '{}', 'nb/folder.md/inner.txt': 'in a folder named like a file' })
    await mkdir(path.join(ws, 'nb/empty-folder'))
    expect(names(await collect(ws, ['nb']))).toEqual(['nb/a.ipynb', 'nb/folder.md/inner.txt', 'nb/sub/b.ipynb'])
    // As in @actions/glob: a pattern matching a folder brings the files below it, never the folder.
    expect(names(await collect(ws, ['nb/*.md']))).toEqual(['nb/folder.md/inner.txt'])
    expect(names(await collect(ws, ['nb/empty-folder']))).toEqual([])
  })

  it('removes duplicates matched by several patterns', async () => {
    const ws = await workspace({ 'a.txt': 'a', 'sub/b.txt': 'b' })
    expect(names(await collect(ws, ['*.txt', 'a.txt', '**/*.txt', 'sub', './sub/b.txt', 'sub/../a.txt']))).toEqual(['a.txt', 'sub/b.txt'])
  })

  it('gives the same order whatever the order of patterns and creation', async () => {
    const ws = await workspace({ 'b/z.txt': '', 'B.txt': '', 'a.txt': '', 'b.txt': '', 'a/b.txt': '', 'é.txt': '', '_.txt': '' })
    const expected = ['B.txt', '_.txt', 'a.txt', 'a/b.txt', 'b.txt', 'b/z.txt', 'é.txt']
    expect(names(await collect(ws, ['**']))).toEqual(expected)
    expect(names(await collect(ws, ['b/**', '*.txt', 'a/**']))).toEqual(expected)
  })

  it('matches nothing when only excludes are given', async () => {
    const ws = await workspace({ 'a.txt': 'a' })
    expect(await collect(ws, ['!a.txt'])).toEqual({ files: [], skipped: [] })
  })

  it('accepts an absolute pattern inside the base', async () => {
    const ws = await workspace({ 'docs/a.md': 'a', 'b.md': 'b' })
    expect(names(await collect(ws, [path.join(ws, 'docs', '*.md')]))).toEqual(['docs/a.md'])
  })

  it('treats glob characters in the base folder as literal characters', async () => {
    const parent = await workspace({})
    for (const folder of ['ws[1]', 'ws1', 'star*', 'starX', 'q?', 'qX']) {
      await mkdir(path.join(parent, folder))
      await writeFile(path.join(parent, folder, 'f.txt'), folder)
    }
    for (const folder of ['ws[1]', 'star*', 'q?']) {
      const collection = await collect(path.join(parent, folder), ['*.txt'])
      expect(collection.files.map((f) => f.absolutePath)).toEqual([path.join(parent, folder, 'f.txt')])
    }
  })

  it('keeps a file whose name starts with .. (a name, not a way up)', async () => {
    const ws = await workspace({ '..notes.txt': 'x', 'sub/..x': 'y' })
    expect(names(await collect(ws, ['*', 'sub/*'], { includeHiddenFiles: true }))).toEqual(['..notes.txt', 'sub/..x'])
  })
})

describe('collectFiles: hidden files', () => {
  const files = { 'a.txt': 'a', '.env': 'SECRET=1', '.github/workflows/ci.yml': 'on: push', 'docs/.hidden.md': 'h', 'docs/shown.md': 's' }

  it('leaves dot-files and dot-folders out by default', async () => {
    const ws = await workspace(files)
    expect(names(await collect(ws, ['**']))).toEqual(['a.txt', 'docs/shown.md'])
    expect(names(await collect(ws, ['.github/**', '.env']))).toEqual([])
  })

  it('includes them with include-hidden-files', async () => {
    const ws = await workspace(files)
    expect(names(await collect(ws, ['**'], { includeHiddenFiles: true }))).toEqual([
      '.env',
      '.github/workflows/ci.yml',
      'a.txt',
      'docs/.hidden.md',
      'docs/shown.md'
    ])
  })

  it('applies to names below the base, not to the base folder itself', async () => {
    const parent = await workspace({ '.course/week1/a.md': 'a', '.course/.cache/b.md': 'b', '.course/c.md': 'c' })
    const base = path.join(parent, '.course')
    expect(names(await collect(base, ['**']))).toEqual(['c.md', 'week1/a.md'])
    expect(names(await collect(base, ['**'], { includeHiddenFiles: true }))).toEqual(['.cache/b.md', 'c.md', 'week1/a.md'])
  })
})

describe('collectFiles: nothing from outside the base', () => {
  it('refuses patterns that reach outside the base, with a reason', async () => {
    const parent = await workspace({ 'secret.txt': 'secret', 'ws/a.txt': 'a' })
    const ws = path.join(parent, 'ws')
    const collection = await collect(ws, [
      '*.txt',
      '../secret.txt',
      '../*',
      'sub/../../secret.txt',
      path.join(parent, 'secret.txt'),
      '/etc/hostname',
      '!../x'
    ])
    expect(names(collection)).toEqual(['a.txt'])
    expect(collection.skipped.map((s) => s.name)).toEqual([
      'pattern ../secret.txt',
      'pattern ../*',
      'pattern sub/../../secret.txt',
      `pattern ${path.join(parent, 'secret.txt')}`,
      'pattern /etc/hostname'
    ])
    for (const skipped of collection.skipped) expect(skipped.reason).toContain('outside the working directory')
  })

  it('refuses symbolic links that resolve outside, accepts links to files inside', async () => {
    const parent = await workspace({ 'outside.txt': 'outside', 'outdir/x.txt': 'x' })
    const ws = path.join(parent, 'ws')
    await mkdir(path.join(ws, 'docs'), { recursive: true })
    await writeFile(path.join(ws, 'docs/real.md'), 'real')
    await symlink(path.join(parent, 'outside.txt'), path.join(ws, 'escape.txt'))
    await symlink('../../outside.txt', path.join(ws, 'docs/relative-escape.txt'))
    await symlink(path.join(parent, 'outdir'), path.join(ws, 'outdir-link'))
    await symlink('docs/real.md', path.join(ws, 'inside-link.md'))
    await symlink('docs', path.join(ws, 'docs-link'))
    await symlink('missing.txt', path.join(ws, 'broken.txt'))
    const collection = await collect(ws, ['**'])
    expect(names(collection)).toEqual(['docs/real.md', 'inside-link.md'])
    const link = collection.files.find((file) => file.name === 'inside-link.md')
    expect(link?.sha256).toBe(sha256('real'))
    const reasons = Object.fromEntries(collection.skipped.map((s) => [s.name, s.reason]))
    expect(reasons).toEqual({
      'broken.txt': 'is a broken symbolic link',
      'docs-link': 'is a symbolic link to a folder, which is not followed',
      'docs/relative-escape.txt': 'resolves outside the working directory (symbolic link)',
      'escape.txt': 'resolves outside the working directory (symbolic link)',
      'outdir-link': 'resolves outside the working directory (symbolic link)'
    })
  })

  it('refuses a file reached through a linked folder that leads outside, even when named literally', async () => {
    const parent = await workspace({ 'outdir/secret.txt': 'secret', 'ws/docs/real.md': 'real' })
    const ws = path.join(parent, 'ws')
    await symlink(path.join(parent, 'outdir'), path.join(ws, 'out-link'))
    await symlink('docs', path.join(ws, 'docs-link'))
    // One pattern at a time: the globber starts its walk at a pattern's literal part, through the link.
    const literal = await collect(ws, ['out-link/secret.txt'])
    expect(names(literal)).toEqual([])
    expect(literal.skipped).toEqual([{ name: 'out-link/secret.txt', reason: 'resolves outside the working directory (symbolic link)' }])
    expect(names(await collect(ws, ['out-link/*']))).toEqual([])
    const inside = await collect(ws, ['docs-link/real.md'])
    expect(names(inside)).toEqual(['docs-link/real.md'])
    expect(inside.files[0].sha256).toBe(sha256('real'))
  })

  it('follows the real base when the base itself is reached through a link', async () => {
    const parent = await workspace({ 'real/a.txt': 'a' })
    await symlink(path.join(parent, 'real'), path.join(parent, 'alias'))
    const collection = await collect(path.join(parent, 'alias'), ['*', path.join(parent, 'alias', 'a.txt')])
    expect(names(collection)).toEqual(['a.txt'])
    expect(collection.skipped).toEqual([])
  })

  it('fails with a FileError when the base folder does not exist or is a file', async () => {
    const ws = await workspace({ 'file.txt': 'x' })
    expect((await fileError(collect(path.join(ws, 'missing'), ['*']))).message).toContain('cannot be read')
    expect((await fileError(collect(path.join(ws, 'file.txt'), ['*']))).message).toContain('is not a folder')
  })
})

describe('collectFiles: names', () => {
  it('sends quotes, spaces, backslashes and unicode as they are', async () => {
    const odd = ['say "hi".txt', "it's.md", 'back\\slash.txt', 'ünï cødé 🎉.md', '<b>bold</b>.md', 'a b/c d.txt']
    const ws = await workspace(Object.fromEntries(odd.map((name) => [name, name])))
    const collection = await collect(ws, ['**'])
    expect(names(collection)).toEqual([...odd].sort(compareNames))
  })

  it('skips names with a newline or other control character, quoting the name', async () => {
    const ws = await workspace({ 'ok.txt': 'ok', 'two\nlines.txt': 'x', 'tab\there.txt': 'y' })
    const collection = await collect(ws, ['*'])
    expect(names(collection)).toEqual(['ok.txt'])
    expect(collection.skipped).toEqual([
      { name: '"tab\\there.txt"', reason: 'has a control character (such as a newline) in its name' },
      { name: '"two\\nlines.txt"', reason: 'has a control character (such as a newline) in its name' }
    ])
  })

  it('nameProblem refuses over-long names', () => {
    expect(nameProblem('a'.repeat(255))).toBeUndefined()
    expect(nameProblem('a'.repeat(256))).toContain('255 bytes')
    expect(nameProblem('é'.repeat(128))).toContain('255 bytes')
    expect(nameProblem(Array.from({ length: 20 }, () => 'x'.repeat(250)).join('/'))).toContain('4096 bytes')
  })
})

describe('collectFiles: names that are not UTF-8', () => {
  it('skips a file and a folder whose names are not UTF-8, showing their bytes, and collects the rest', async () => {
    const ws = await workspace({ 'a.md': 'a', 'sub/b.md': 'b' })
    const bytes = (...parts: (string | number[])[]): Buffer =>
      Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))))
    await writeFile(bytes(`${ws}/caf`, [0xe9], '.md'), 'x')
    await mkdir(bytes(`${ws}/dir`, [0xff]))
    await writeFile(bytes(`${ws}/dir`, [0xff], '/inside.md'), 'y')
    const collection = await collect(ws, ['**'])
    expect(names(collection)).toEqual(['a.md', 'sub/b.md'])
    expect(collection.skipped.map((s) => s.name).sort()).toEqual(['"caf\\xe9.md"', '"dir\\xff"'])
  })

  it('escapes only the bytes that are not UTF-8', () => {
    expect(escapeInvalidUtf8(Buffer.from([0x61, 0xc3, 0xa9, 0xe9, 0x2e, 0xf0, 0x9f, 0x8e, 0x89, 0x80]))).toBe('aé\\xe9.🎉\\x80')
  })
})

describe('collectFiles: sizes', () => {
  it('fails naming each file over max-file-size with its size', async () => {
    const ws = await workspace({ 'small.txt': 'x'.repeat(100), 'big.txt': 'x'.repeat(2049), 'exact.txt': 'x'.repeat(2048) })
    const error = await fileError(collect(ws, ['*'], { maxFileSize: 2048 }))
    expect(error.message).toBe(
      "big.txt (2.0 KiB, 2049 bytes) is larger than max-file-size (2 KiB, 2048 bytes): raise 'max-file-size' or exclude it with a '!' pattern"
    )
  })

  it('names the first five of many large files and counts the rest', async () => {
    const ws = await workspace(Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`f${i}.txt`, 'xx'])))
    const error = await fileError(collect(ws, ['*'], { maxFileSize: 1 }))
    expect(error.message).toMatch(/^f0\.txt \(2 B\), f1\.txt \(2 B\), f2\.txt \(2 B\), f3\.txt \(2 B\), f4\.txt \(2 B\) and 2 more are larger/)
  })

  it('accepts empty files as text', async () => {
    const ws = await workspace({ 'empty.txt': '' })
    expect((await collect(ws, ['*'])).files).toEqual([
      { name: 'empty.txt', absolutePath: path.join(ws, 'empty.txt'), size: 0, sha256: sha256(''), isText: true }
    ])
  })
})

describe('binary detection by content', () => {
  const CHUNK = 256 * 1024

  async function isText(content: Buffer): Promise<boolean> {
    const ws = await workspace({ 'f.dat': content })
    const result = await inspectFile(path.join(ws, 'f.dat'), 'f.dat', content.length)
    expect(result.sha256).toBe(sha256(content))
    return result.isText
  }

  it('calls UTF-8 without NUL text, whatever the extension', async () => {
    expect(await isText(Buffer.from('plain ascii\r\nwith CRLF\n'))).toBe(true)
    expect(await isText(Buffer.from('ünïcødé – “quotes” 🎉 漢字'))).toBe(true)
    expect(await isText(Buffer.from('\ufeffwith a byte order mark'))).toBe(true)
  })

  it('calls a NUL byte binary, even far into the file', async () => {
    expect(await isText(Buffer.from('PNG\u0000'))).toBe(false)
    const late = Buffer.alloc(CHUNK * 2 + 10, 'a')
    late[CHUNK + 5] = 0
    expect(await isText(late)).toBe(false)
  })

  it('calls invalid UTF-8 binary (Latin-1, a lone continuation byte, an overlong form, a truncated end)', async () => {
    expect(await isText(Buffer.from('caf\xe9', 'latin1'))).toBe(false)
    expect(await isText(Buffer.from([0x61, 0x80, 0x62]))).toBe(false)
    expect(await isText(Buffer.from([0xc0, 0xaf]))).toBe(false)
    expect(await isText(Buffer.concat([Buffer.from('ok '), Buffer.from('🎉').subarray(0, 3)]))).toBe(false)
  })

  it('keeps a multibyte character split across a 256 KiB read boundary as text', async () => {
    for (const char of ['é', '€', '🎉']) {
      const bytes = Buffer.from(char)
      for (let offset = 1; offset < bytes.length; offset++) {
        const content = Buffer.concat([Buffer.alloc(CHUNK - offset, 'a'), bytes, Buffer.from('tail')])
        expect(content.subarray(CHUNK - offset, CHUNK - offset + bytes.length).toString()).toBe(char)
        expect(await isText(content)).toBe(true)
      }
    }
  })

  it('flags a file collected as binary through collectFiles', async () => {
    const ws = await workspace({ 'image.txt': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]), 'notes.bin': 'just text' })
    const collection = await collect(ws, ['*'])
    expect(collection.files.map((f) => [f.name, f.isText])).toEqual([
      ['image.txt', false],
      ['notes.bin', true]
    ])
  })
})

describe('unreadable and changing files', () => {
  it('names the file it cannot read', async () => {
    const ws = await workspace({ 'dir/x': 'x' })
    const error = await fileError(inspectFile(path.join(ws, 'gone.txt'), 'gone.txt', 1))
    expect(error.message).toMatch(/^gone\.txt cannot be read: ENOENT/)
    expect((await fileError(inspectFile(path.join(ws, 'dir'), 'dir', 0))).message).toMatch(/^dir cannot be read: EISDIR/)
  })

  const asRoot = process.getuid?.() === 0
  ;(asRoot ? it.skip : it)('fails collectFiles with a FileError naming a file without read permission', async () => {
    const ws = await workspace({ 'ok.txt': 'ok', 'locked.txt': 'locked' })
    await chmod(path.join(ws, 'locked.txt'), 0o000)
    try {
      const error = await fileError(collect(ws, ['*']))
      expect(error.message).toMatch(/^locked\.txt cannot be read: EACCES/)
    } finally {
      await chmod(path.join(ws, 'locked.txt'), 0o644)
    }
  })

  it('fails when the size read differs from the size seen (the file changed)', async () => {
    const ws = await workspace({ 'grows.txt': 'abc' })
    const error = await fileError(inspectFile(path.join(ws, 'grows.txt'), 'grows.txt', 2))
    expect(error.message).toBe('grows.txt changed while being read (2 bytes, then 3): publish it once it is stable')
  })

  it('readCollectedFile returns the bytes, and refuses a file changed since it was collected', async () => {
    const ws = await workspace({ 'a.txt': 'first' })
    const [file] = (await collect(ws, ['*'])).files
    expect((await readCollectedFile(file)).toString()).toBe('first')
    await writeFile(path.join(ws, 'a.txt'), 'second')
    expect((await fileError(readCollectedFile(file))).message).toBe('a.txt changed while the action ran: publish it once it is stable')
    await rm(path.join(ws, 'a.txt'))
    expect((await fileError(readCollectedFile(file))).message).toMatch(/^a\.txt cannot be read: ENOENT/)
  })
})

describe('helpers', () => {
  it('rootPattern roots relative patterns, keeps excludes, refuses escapes', () => {
    const base = '/w/base'
    expect(rootPattern('docs/*.md', base)).toEqual({ pattern: '/w/base/docs/*.md' })
    expect(rootPattern('!docs/x.md', base)).toEqual({ pattern: '!/w/base/docs/x.md' })
    expect(rootPattern('./', base)).toEqual({ pattern: '/w/base' })
    expect(rootPattern('.', base)).toEqual({ pattern: '/w/base' })
    expect(rootPattern('dir/', base)).toEqual({ pattern: '/w/base/dir/' })
    expect(rootPattern('!!a', base)).toEqual({ pattern: '!!/w/base/a' })
    expect(rootPattern('..', base)).toHaveProperty('refused')
    expect(rootPattern('!!../a', base)).toHaveProperty('refused')
    expect(rootPattern('!../a', base)).toEqual({ pattern: undefined })
    expect(rootPattern('/w/base', base)).toEqual({ pattern: '/w/base' })
    expect(rootPattern('/w/base-other/x', base)).toHaveProperty('refused')
    expect(rootPattern('/w/base/docs/', base)).toEqual({ pattern: '/w/base/docs/' })
    expect(rootPattern('a', '/w/[x]')).toEqual({ pattern: '/w/[[]x]/a' })
    expect(rootPattern('/w/link/a/*.md', '/w/link', '/real/[x]')).toEqual({ pattern: '/real/[[]x]/a/*.md' })
  })

  it('globEscape matches @actions/glob escaping', () => {
    expect(globEscape('/a/b[1]/c*?/d\\e')).toBe('/a/b[[]1]/c[*][?]/d\\\\e')
  })

  it('orders names the same everywhere', () => {
    expect(['b', 'B', 'a', 'é', 'Z', '_'].sort(compareNames)).toEqual(['B', 'Z', '_', 'a', 'b', 'é'])
  })
})

describe('a fresh temporary folder', () => {
  it('is used for nothing else (sanity check of the fixtures)', async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'files-test-'))
    created.push(folder)
    expect(await collect(folder, ['**'])).toEqual({ files: [], skipped: [] })
  })
})
