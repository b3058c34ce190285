import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { jsonStringBetween, jsonStringLength } from '../../src/cocode/json.js'

/** The reference: the string route buildSessionBody took before. */
function viaString(before: string, content: Buffer, after: string): Buffer {
  return Buffer.from(before + JSON.stringify(content.toString('utf8')) + after)
}

describe('JSON string literals from UTF-8 bytes', () => {
  it('are the bytes JSON.stringify makes, for any text', () => {
    // Full Unicode (lone surrogates become U+FFFD on the way to bytes), weighted towards the
    // characters JSON escapes.
    const special = fc.constantFrom(
      '"',
      '\\',
      '\n',
      '\r',
      '\t',
      '\b',
      '\f',
      '\u0000',
      '\u0001',
      '\u001f',
      '\u007f',
      '\u2028',
      '\u2029',
      'é',
      '🎉',
      '\ufeff'
    )
    const text = fc.array(fc.oneof(fc.string({ unit: 'binary' }), special), { maxLength: 30 }).map((pieces) => pieces.join(''))
    fc.assert(
      fc.property(text, fc.string(), (content, name) => {
        const bytes = Buffer.from(content)
        const before = `{"Filename":${JSON.stringify(name)},"Content":`
        const made = jsonStringBetween(before, bytes, '}')
        expect(made.equals(viaString(before, bytes, '}'))).toBe(true)
        expect(jsonStringLength(bytes)).toBe(Buffer.byteLength(JSON.stringify(bytes.toString())))
      }),
      { numRuns: 3000 }
    )
  })

  it('escapes every control character as JSON.stringify does', () => {
    const all = Buffer.from(Array.from({ length: 0x80 }, (_, i) => i))
    expect(jsonStringBetween('', all, '').toString()).toBe(JSON.stringify(all.toString()))
  })

  it('takes the string route for bytes that are not UTF-8, with the same result as before', () => {
    const latin1 = Buffer.from('caf\xe9 "x"', 'latin1')
    expect(jsonStringBetween('[', latin1, ']').equals(viaString('[', latin1, ']'))).toBe(true)
  })
})
