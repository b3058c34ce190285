/**
 * Hostile values for the input parsers and the path rules: tokens hidden in service URLs, and
 * property-based checks that no accepted CoCalc path or glob pattern can leave its folder.
 */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import * as path from 'node:path'
import { InputError } from '../../src/errors.js'
import { Input, parseProjectPath, parseServiceUrl, readInputs } from '../../src/inputs.js'
import { nameProblem, rootPattern } from '../../src/files.js'

const TOKEN = 'tok-9f8e7d6c5b4a'

/** The InputError `call` throws, and everything it masked before. */
function refused(call: (mask: (secret: string) => void) => unknown): { error: InputError; masked: string[] } {
  const masked: string[] = []
  try {
    call((secret) => masked.push(secret))
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return { error: error as InputError, masked }
  }
  throw new Error('expected an InputError')
}

describe('service URLs carrying a token', () => {
  it.each([
    `https://cocalc.example/?access_token=${TOKEN}`,
    `https://cocalc.example/#token=${TOKEN}`,
    `ftp://cocalc.example/?key=${TOKEN}`,
    `cocalc.example/?key=${TOKEN}`,
    `https://cocalc.example/?a=1&key=${encodeURIComponent(TOKEN)}`
  ])('%s: refused, the token masked and never echoed', (text) => {
    const { error, masked } = refused((mask) => parseServiceUrl(Input.CocalcUrl, text, 'https://cocalc.com', mask))
    expect(error.message).not.toContain(TOKEN)
    expect(error.message).toMatch(/^Input 'cocalc-url': .*without \?query or #fragment$/)
    expect(masked).toContain(TOKEN)
  })

  it('still names a wrong scheme when no token can be involved', () => {
    const { error } = refused((mask) => parseServiceUrl(Input.CocalcUrl, 'ftp://cocalc.example', 'https://cocalc.com', mask))
    expect(error.message).toBe("Input 'cocalc-url': 'ftp://cocalc.example' must start with https:// (or http:// for a local server)")
  })
})

describe('the CoCalc API key', () => {
  it('is masked on entry together with the base64 form the Authorization header carries', () => {
    const masked: string[] = []
    const values: Record<string, string> = {
      mode: 'cocalc',
      files: '**',
      'cocalc-api-key': 'sk-abcdef123456',
      'project-id': '0b2e6b5f-2c2f-4b86-9a7e-1f0f3c1f5a10'
    }
    readInputs({ read: (name) => values[name] ?? '', maskSecret: (s) => masked.push(s), env: {} })
    expect(masked).toEqual(['sk-abcdef123456', Buffer.from('sk-abcdef123456:').toString('base64')])
  })

  it('is masked even when a later input is invalid', () => {
    const values: Record<string, string> = { mode: 'cocalc', files: '**', 'cocalc-api-key': 'sk-abcdef123456', 'project-id': 'not-a-uuid' }
    const { masked } = refused((mask) => readInputs({ read: (name) => values[name] ?? '', maskSecret: mask, env: {} }))
    expect(masked).toContain('sk-abcdef123456')
  })
})

/** Path segments built from the characters that matter: dots, slashes, tildes, spaces, unicode. */
const segment = fc.oneof(
  fc.constantFrom('..', '.', '~', '~user', '', ' ', '...', '..a', 'a..', 'ü', '数据', 'a b'),
  fc.string({ unit: fc.constantFrom('a', '.', '~', '-', ' ', 'é'), minLength: 1, maxLength: 4 })
)
const pathText = fc.array(segment, { minLength: 1, maxLength: 6 }).map((parts) => parts.join('/'))

describe('property: an accepted CoCalc path stays inside the project home', () => {
  it('normalises to segments with no "..", no ".", no empty one, and no leading "~"', () => {
    fc.assert(
      fc.property(fc.constantFrom('', '/', './', '~/'), pathText, (prefix, text) => {
        let accepted: string
        try {
          accepted = parseProjectPath(Input.Path, prefix + text)
        } catch (error) {
          expect(error).toBeInstanceOf(InputError)
          return
        }
        const parts = accepted.split('/')
        expect(parts.every((part) => part !== '' && part !== '.' && part !== '..')).toBe(true)
        expect(accepted.startsWith('~')).toBe(false)
        expect(path.posix.isAbsolute(accepted)).toBe(false)
        expect(path.posix.normalize(accepted)).toBe(accepted)
        // Idempotent: what was accepted is accepted again unchanged.
        expect(parseProjectPath(Input.Path, accepted)).toBe(accepted)
      }),
      { numRuns: 500 }
    )
  })

  it('refuses every path that has a ".." segment', () => {
    fc.assert(
      fc.property(pathText, pathText, (before, after) => {
        expect(() => parseProjectPath(Input.Path, `${before}/../${after}`)).toThrow(InputError)
      }),
      { numRuns: 300 }
    )
  })
})

describe('property: a rooted glob pattern stays under the base folder', () => {
  const base = '/work/ws'
  it('is refused, dropped, or rooted at the base (after normalising)', () => {
    fc.assert(
      fc.property(fc.constantFrom('', '!', '!!'), fc.constantFrom('', '/work/ws/', '/work/', '/'), pathText, (negation, prefix, text) => {
        const result = rootPattern(negation + prefix + text, base)
        if ('refused' in result || result.pattern === undefined) return
        const body = result.pattern.replace(/^!*/, '')
        const relative = path.relative(base, path.normalize(body))
        // '...' or '..a' are names; only '..' itself climbs out.
        expect(relative !== '..' && !relative.startsWith('../') && !path.isAbsolute(relative)).toBe(true)
      }),
      { numRuns: 500 }
    )
  })
})

describe('property: names that cannot travel are caught', () => {
  it('any control character makes a name unpublishable', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.integer({ min: 0, max: 0x1f }), fc.string({ maxLength: 20 }), (a, code, b) => {
        expect(nameProblem(`${a}${String.fromCharCode(code)}${b}`)).toMatch(/control character/)
      })
    )
  })
})
