import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { InputError } from '../../src/errors.js'
import {
  Input,
  envInputReader,
  parseBoolean,
  parseProjectPath,
  parseServiceUrl,
  parseSize,
  parseTargets,
  readInputs,
  type CocalcInputs,
  type CocodeInputs,
  type Inputs
} from '../../src/inputs.js'

const PROJECT = '0b2e6b5f-2c2f-4b86-9a7e-1f0f3c1f5a10'
const TARGET_A = '11111111-2222-4333-8444-555555555555'
const TARGET_B = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee'

interface Read {
  inputs: Inputs
  masked: string[]
}

function read(
  values: Record<string, string>,
  env: NodeJS.ProcessEnv = { GITHUB_WORKSPACE: '/work/ws', GITHUB_REPOSITORY: 'octo-org/notebooks' }
): Read {
  const masked: string[] = []
  const inputs = readInputs({ read: (name) => (values[name] ?? '').trim(), maskSecret: (secret) => masked.push(secret), env })
  return { inputs, masked }
}

function cocode(values: Record<string, string> = {}): Read & { inputs: CocodeInputs } {
  const result = read({ mode: 'cocode', files: '**/*.md', 'cocode-username': 'alice', 'cocode-password': 's3cret-pw', ...values })
  if (result.inputs.mode !== 'cocode') throw new Error('expected cocode inputs')
  return result as Read & { inputs: CocodeInputs }
}

function cocalc(values: Record<string, string> = {}): Read & { inputs: CocalcInputs } {
  const result = read({ mode: 'cocalc', files: '**', 'cocalc-api-key': 'sk-abcdef123456', 'project-id': PROJECT, ...values })
  if (result.inputs.mode !== 'cocalc') throw new Error('expected cocalc inputs')
  return result as Read & { inputs: CocalcInputs }
}

/** The InputError a call throws (fails the test when it throws nothing or something else). */
function inputError(call: () => unknown): InputError {
  try {
    call()
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return error as InputError
  }
  throw new Error('expected an InputError')
}

describe('mode', () => {
  it('is required, and the message lists both modes', () => {
    const error = inputError(() => read({}))
    expect(error.input).toBe('mode')
    expect(error.message).toContain("'cocode'")
    expect(error.message).toContain("'cocalc'")
  })

  it('refuses an unknown mode naming the value and both modes', () => {
    const error = inputError(() => read({ mode: 'gist', files: '*' }))
    expect(error.message).toBe("Input 'mode': 'gist' is not a mode: use 'cocode' or 'cocalc'")
  })

  it('accepts any letter case', () => {
    expect(cocode({ mode: 'CoCode' }).inputs.mode).toBe('cocode')
  })
})

describe('common inputs', () => {
  it('has the documented defaults', () => {
    const { inputs } = cocode()
    expect(inputs).toMatchObject({
      patterns: ['**/*.md'],
      workingDirectory: '/work/ws',
      includeHiddenFiles: false,
      ifNoFilesFound: 'error',
      maxFileSize: 10 * 1024 * 1024,
      dryRun: false,
      comment: true,
      commentTag: undefined,
      prNumber: undefined,
      concurrency: 8,
      cocodeUrl: 'https://cocode.io',
      description: undefined,
      requestTimeoutSeconds: 120,
      missingCredentials: []
    })
  })

  it('reads multi-line patterns, dropping blank and comment lines but keeping excludes', () => {
    const { inputs } = cocode({ files: '  src/**/*.py \r\n\n# a comment\n!src/**/test_*.py\n  docs/*.md  ' })
    expect(inputs.patterns).toEqual(['src/**/*.py', '!src/**/test_*.py', 'docs/*.md'])
  })

  it('requires files in cocode mode', () => {
    expect(inputError(() => cocode({ files: '\n# only a comment\n' })).input).toBe('files')
  })

  it('resolves working-directory against the workspace', () => {
    expect(cocode({ 'working-directory': 'notebooks/' }).inputs.workingDirectory).toBe('/work/ws/notebooks')
    expect(cocode({ 'working-directory': '/elsewhere' }).inputs.workingDirectory).toBe('/elsewhere')
  })

  it.each([
    ['error', 'error'],
    ['WARN', 'warn'],
    ['ignore', 'ignore']
  ])('accepts if-no-files-found %s', (text, value) => {
    expect(cocode({ 'if-no-files-found': text }).inputs.ifNoFilesFound).toBe(value)
  })

  it('refuses a bad if-no-files-found, listing the choices', () => {
    const error = inputError(() => cocode({ 'if-no-files-found': 'fail' }))
    expect(error.input).toBe('if-no-files-found')
    expect(error.message).toContain("'error', 'warn', 'ignore'")
  })

  it.each([
    ['1', 1],
    ['1048576', 1048576],
    ['512KiB', 512 * 1024],
    ['10MiB', 10 * 1024 ** 2],
    ['1.5 GiB', 1.5 * 1024 ** 3],
    ['2mb', 2_000_000],
    ['3k', 3072],
    ['7B', 7]
  ])('reads max-file-size %s', (text, bytes) => {
    expect(cocode({ 'max-file-size': text }).inputs.maxFileSize).toBe(bytes)
  })

  it.each(['ten', '-1', '0', '0.1', '10 PiB', '1e6', 'MiB', '99999999999999999999GiB', '1,5MiB'])('refuses max-file-size %p', (text) => {
    const error = inputError(() => cocode({ 'max-file-size': text }))
    expect(error.input).toBe('max-file-size')
    expect(error.message).toContain(text)
  })

  it.each([
    ['true', true],
    ['TRUE', true],
    ['yes', true],
    ['1', true],
    ['false', false],
    ['False', false],
    ['no', false],
    ['0', false]
  ])('reads the boolean %s', (text, value) => {
    expect(cocode({ 'dry-run': text }).inputs.dryRun).toBe(value)
    expect(cocode({ 'include-hidden-files': text }).inputs.includeHiddenFiles).toBe(value)
    expect(cocode({ comment: text }).inputs.comment).toBe(value)
  })

  it.each(['dry-run', 'include-hidden-files', 'comment'])('refuses a non-boolean %s', (name) => {
    const error = inputError(() => cocode({ [name]: 'maybe' }))
    expect(error.input).toBe(name)
    expect(error.message).toContain("'maybe' is not a boolean")
  })

  it('reads pr-number with or without #, and refuses others', () => {
    expect(cocode({ 'pr-number': '12' }).inputs.prNumber).toBe(12)
    expect(cocode({ 'pr-number': '#12' }).inputs.prNumber).toBe(12)
    expect(inputError(() => cocode({ 'pr-number': '0' })).input).toBe('pr-number')
    expect(inputError(() => cocode({ 'pr-number': '12a' })).input).toBe('pr-number')
  })

  it('bounds concurrency', () => {
    expect(cocode({ concurrency: '64' }).inputs.concurrency).toBe(64)
    expect(inputError(() => cocode({ concurrency: '65' })).input).toBe('concurrency')
    expect(inputError(() => cocode({ concurrency: '0' })).input).toBe('concurrency')
  })

  it('accepts a plain comment-tag and refuses one that could close the HTML comment', () => {
    expect(cocode({ 'comment-tag': 'preview docs' }).inputs.commentTag).toBe('preview docs')
    expect(inputError(() => cocode({ 'comment-tag': 'x --> <script>' })).input).toBe('comment-tag')
  })

  it('masks the GitHub token', () => {
    expect(cocode({ 'github-token': 'ghs_tokenvalue' }).masked).toContain('ghs_tokenvalue')
  })
})

describe('cocode inputs', () => {
  it('masks both credentials and their Basic form the moment they are read', () => {
    const { masked, inputs } = cocode()
    expect(inputs.username).toBe('alice')
    expect(inputs.password).toBe('s3cret-pw')
    expect(masked).toEqual(expect.arrayContaining(['alice', 's3cret-pw', Buffer.from('alice:s3cret-pw').toString('base64')]))
  })

  it('lists missing credentials instead of failing (main decides: fork PR or error)', () => {
    expect(cocode({ 'cocode-username': '', 'cocode-password': '' }).inputs.missingCredentials).toEqual(['cocode-username', 'cocode-password'])
    const { inputs, masked } = cocode({ 'cocode-password': '' })
    expect(inputs.missingCredentials).toEqual(['cocode-password'])
    expect(masked).toContain('alice')
  })

  it('reads cocode-url without its trailing slash', () => {
    expect(cocode({ 'cocode-url': 'http://127.0.0.1:8080/' }).inputs.cocodeUrl).toBe('http://127.0.0.1:8080')
    expect(cocode({ 'cocode-url': 'https://code.example.org/cocode/' }).inputs.cocodeUrl).toBe('https://code.example.org/cocode')
  })

  it('reads description and request-timeout', () => {
    const { inputs } = cocode({ description: 'Week 3 "handout"', 'request-timeout': '5' })
    expect(inputs.description).toBe('Week 3 "handout"')
    expect(inputs.requestTimeoutSeconds).toBe(5)
    expect(inputError(() => cocode({ 'request-timeout': '0' })).input).toBe('request-timeout')
    expect(inputError(() => cocode({ 'request-timeout': 'soon' })).input).toBe('request-timeout')
  })
})

describe('service URLs', () => {
  it.each(['ftp://example.org', 'not a url', 'https://example.org/?token=x', 'https://example.org/#top', 'javascript:alert(1)'])(
    'refuses %p',
    (text) => {
      expect(inputError(() => cocode({ 'cocode-url': text })).input).toBe('cocode-url')
    }
  )

  it('refuses credentials in the URL, masks them, and never echoes them', () => {
    const { masks, error } = urlError('https://bob:hunter2-pw@cocode.example.org')
    expect(masks).toEqual(expect.arrayContaining(['bob', 'hunter2-pw']))
    expect(error.message).not.toContain('hunter2-pw')
    expect(error.message).not.toContain('bob')
    expect(error.message).toContain('must not contain credentials')
  })

  it('masks the decoded form of percent-encoded credentials too', () => {
    const { masks } = urlError('https://bob:p%40ss%2Fword@cocode.example.org')
    expect(masks).toEqual(expect.arrayContaining(['p%40ss%2Fword', 'p@ss/word']))
  })

  it('masks credentials even when the rest is not a valid URL', () => {
    const { masks, error } = urlError('https://bob:hunter2-pw@exa mple.org')
    expect(masks).toEqual(expect.arrayContaining(['bob', 'hunter2-pw']))
    expect(error.message).not.toContain('hunter2-pw')
  })

  it('refuses credentials in cocalc-url as well', () => {
    const masked: string[] = []
    const values: Record<string, string> = {
      mode: 'cocalc',
      'cocalc-api-key': 'sk-1',
      'project-id': PROJECT,
      'cocalc-url': 'https://me:tok@cocalc.example'
    }
    const error = inputError(() =>
      readInputs({
        read: (name) => values[name] ?? '',
        maskSecret: (s) => masked.push(s),
        env: {}
      })
    )
    expect(error.input).toBe('cocalc-url')
    expect(masked).toContain('tok')
  })

  function urlError(text: string): { masks: string[]; error: InputError } {
    const masks: string[] = []
    const error = inputError(() => parseServiceUrl(Input.CocodeUrl, text, 'https://cocode.io', (s) => masks.push(s)))
    return { masks, error }
  }
})

describe('cocalc inputs', () => {
  it('has the documented defaults', () => {
    const { inputs, masked } = cocalc()
    expect(inputs).toMatchObject({
      cocalcUrl: 'https://cocalc.com',
      apiKey: 'sk-abcdef123456',
      api: 'v2',
      projectId: PROJECT,
      path: 'notebooks',
      targetProjectIds: [],
      targetPath: 'notebooks',
      overwriteNewer: false,
      deleteMissing: false,
      backup: false,
      exclude: [],
      wait: true,
      timeoutSeconds: 600,
      verify: true,
      patterns: ['**']
    })
    expect(masked).toContain('sk-abcdef123456')
  })

  it('falls back to "repository" as the folder outside GitHub', () => {
    const result = read({ mode: 'cocalc', files: '*', 'cocalc-api-key': 'k', 'project-id': PROJECT }, { GITHUB_WORKSPACE: '/w' })
    expect(result.inputs.mode === 'cocalc' && result.inputs.path).toBe('repository')
  })

  it("accepts empty 'files' with targets (copy the existing folder), and refuses it without", () => {
    expect(cocalc({ files: '', 'target-project-id': TARGET_A }).inputs.patterns).toEqual([])
    const error = inputError(() => cocalc({ files: '# only a comment' }))
    expect(error.input).toBe('files')
    expect(error.message).toBe(
      "Input 'files': is empty and so is 'target-project-id': nothing to do. Give glob patterns to upload, or target projects to copy the existing 'notebooks' folder to"
    )
  })

  it('lists a missing API key', () => {
    expect(cocalc({ 'cocalc-api-key': '' }).inputs.missingCredentials).toEqual(['cocalc-api-key'])
  })

  it('requires project-id', () => {
    expect(inputError(() => cocalc({ 'project-id': '' })).input).toBe('project-id')
  })

  it.each([
    'not-a-uuid',
    '0b2e6b5f2c2f4b869a7e1f0f3c1f5a10',
    '0b2e6b5f-2c2f-4b86-9a7e-1f0f3c1f5a1',
    '0b2e6b5f-2c2f-4b86-9a7e-1f0f3c1f5a10x',
    'g0000000-0000-4000-8000-000000000000'
  ])('refuses the malformed project-id %p', (text) => {
    const error = inputError(() => cocalc({ 'project-id': text }))
    expect(error.input).toBe('project-id')
    expect(error.message).toContain('UUID')
  })

  it('lower-cases UUIDs', () => {
    expect(cocalc({ 'project-id': PROJECT.toUpperCase() }).inputs.projectId).toBe(PROJECT)
  })

  it('reads target lists separated by newlines and/or commas, without duplicates, in order', () => {
    const { inputs } = cocalc({ 'target-project-id': `${TARGET_B},\n ${TARGET_A} ,\r\n${TARGET_B.toUpperCase()}\n\n` })
    expect(inputs.targetProjectIds).toEqual([TARGET_B, TARGET_A])
    expect(parseTargets('')).toEqual([])
  })

  it('refuses a malformed target naming the input', () => {
    const error = inputError(() => cocalc({ 'target-project-id': `${TARGET_A}, nope` }))
    expect(error.input).toBe('target-project-id')
    expect(error.message).toContain("'nope'")
  })

  it('refuses to copy a folder onto itself', () => {
    expect(inputError(() => cocalc({ 'target-project-id': PROJECT })).input).toBe('target-project-id')
    expect(cocalc({ 'target-project-id': PROJECT, 'target-path': 'copy' }).inputs.targetPath).toBe('copy')
  })

  it.each([
    ['path', '/home/user/x'],
    ['path', '~/x'],
    ['path', '../x'],
    ['path', 'a/../../x'],
    ['path', 'a/..'],
    ['path', 'a\\b'],
    ['path', '.'],
    ['path', './/'],
    ['path', 'a\nb'],
    ['target-path', '/abs'],
    ['target-path', 'x/../..']
  ])('refuses %s %p', (name, text) => {
    expect(inputError(() => cocalc({ [name]: text })).input).toBe(name)
  })

  it('normalises a project path', () => {
    expect(cocalc({ path: './course//week 1/./' }).inputs.path).toBe('course/week 1')
  })

  it('reads api, copy options, wait, timeout and verify', () => {
    const { inputs } = cocalc({
      'cocalc-api': 'V1',
      'overwrite-newer': 'true',
      'delete-missing': 'true',
      backup: 'true',
      exclude: '*.tmp\n.git/',
      wait: 'false',
      timeout: '30',
      verify: 'false'
    })
    expect(inputs).toMatchObject({
      api: 'v1',
      overwriteNewer: true,
      deleteMissing: true,
      backup: true,
      exclude: ['*.tmp', '.git/'],
      wait: false,
      timeoutSeconds: 30,
      verify: false
    })
  })

  it('refuses exclude with API v2 and names the way out', () => {
    const error = inputError(() => cocalc({ exclude: '*.tmp' }))
    expect(error.input).toBe('exclude')
    expect(error.message).toContain('cocalc-api: v1')
  })

  it('refuses an unknown API and a bad timeout', () => {
    expect(inputError(() => cocalc({ 'cocalc-api': 'v3' })).input).toBe('cocalc-api')
    expect(inputError(() => cocalc({ timeout: '0' })).input).toBe('timeout')
    expect(inputError(() => cocalc({ timeout: '1.5' })).input).toBe('timeout')
  })
})

describe('envInputReader', () => {
  it('reads INPUT_ variables the way the runner sets them, trimmed', () => {
    const reader = envInputReader({ 'INPUT_COCODE-URL': ' http://x \n', INPUT_MODE: 'cocode' })
    expect(reader(Input.CocodeUrl)).toBe('http://x')
    expect(reader(Input.Mode)).toBe('cocode')
    expect(reader(Input.Files)).toBe('')
  })
})

describe('parseBoolean', () => {
  it('uses the fallback for an empty value', () => {
    expect(parseBoolean(Input.Wait, '', true)).toBe(true)
    expect(parseBoolean(Input.Wait, '', false)).toBe(false)
  })
})

const UNITS: [string, number][] = [
  ['', 1],
  ['B', 1],
  ['k', 1024],
  ['KB', 1000],
  ['KiB', 1024],
  ['M', 1024 ** 2],
  ['MB', 1000 ** 2],
  ['MiB', 1024 ** 2],
  ['G', 1024 ** 3],
  ['GB', 1000 ** 3],
  ['GiB', 1024 ** 3]
]

describe('parseSize properties', () => {
  it('reads every whole number with every unit exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.constantFrom(...UNITS), fc.constantFrom('', ' '), (n, [unit, factor], space) => {
        expect(parseSize(Input.MaxFileSize, `${n}${space}${unit}`, 0)).toBe(n * factor)
      })
    )
  })

  it('either returns a positive safe integer or throws an InputError naming the input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (text) => {
        try {
          const bytes = parseSize(Input.MaxFileSize, text, 7)
          expect(Number.isSafeInteger(bytes) && bytes >= 1).toBe(true)
        } catch (error) {
          expect(error).toBeInstanceOf(InputError)
          expect((error as InputError).input).toBe('max-file-size')
        }
      })
    )
  })

  it('never rounds a value up', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 0, max: 99 }),
        fc.constantFrom(...UNITS),
        (whole, fraction, [unit, factor]) => {
          const text = `${whole}.${String(fraction).padStart(2, '0')}${unit}`
          const bytes = parseSize(Input.MaxFileSize, text, 0)
          expect(bytes).toBeLessThanOrEqual((whole + fraction / 100) * factor + 1e-6)
          expect(bytes).toBeGreaterThan((whole + fraction / 100) * factor - 1)
        }
      )
    )
  })
})

describe('parseProjectPath properties', () => {
  const segment = fc.oneof(fc.constantFrom('..', '.', '', '~', 'a', 'b c', 'é', '...', '..a', '\\', '/', 'x\n'), fc.string({ maxLength: 6 }))
  const pathText = fc.array(segment, { minLength: 1, maxLength: 6 }).map((parts) => parts.join('/'))

  it('never returns a path with .., absolute, with an empty segment, or with a control character', () => {
    fc.assert(
      fc.property(pathText, (text) => {
        let result: string
        try {
          result = parseProjectPath(Input.Path, text)
        } catch (error) {
          expect(error).toBeInstanceOf(InputError)
          return
        }
        expect(result.length).toBeGreaterThan(0)
        expect(result.startsWith('/')).toBe(false)
        expect(result.startsWith('~')).toBe(false)
        const segments = result.split('/')
        expect(segments).not.toContain('..')
        expect(segments).not.toContain('.')
        expect(segments).not.toContain('')
        expect(result).not.toMatch(/[\u0000-\u001f\u007f\\]/)
      }),
      { numRuns: 2000 }
    )
  })

  it('is idempotent: a returned path reads back as itself', () => {
    fc.assert(
      fc.property(pathText, (text) => {
        let result: string
        try {
          result = parseProjectPath(Input.Path, text)
        } catch {
          return
        }
        expect(parseProjectPath(Input.Path, result)).toBe(result)
      })
    )
  })

  it('keeps every plain relative path, only dropping empty and . segments', () => {
    const name = fc.stringMatching(/^[A-Za-z0-9_ -][A-Za-z0-9_. -]{0,7}$/).filter((s) => s !== '.' && s !== '..')
    fc.assert(
      fc.property(fc.array(name, { minLength: 1, maxLength: 5 }), (parts) => {
        expect(parseProjectPath(Input.Path, `./${parts.join('//')}/`)).toBe(parts.join('/'))
      })
    )
  })
})
