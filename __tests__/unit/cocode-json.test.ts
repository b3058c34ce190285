import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { jsonStringBetween, jsonStringLength, jsonTextLength, jsonTextPieces } from '../../src/cocode/json.js'

/** The reference: the string route buildSessionBody took before. */
function viaString(before: string, content: Buffer, after: string): Buffer {
  return Buffer.from(before + JSON.stringify(content.toString('utf8')) + after)
}

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

describe('JSON string literals from UTF-8 bytes', () => {
  it('are the bytes JSON.stringify makes, for any text', () => {
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

/** Yields `bytes` cut at `cuts`, each piece copied into one reused buffer that is scribbled over after use. */
async function* reusedPieces(bytes: Buffer, cuts: number[]): AsyncGenerator<Uint8Array> {
  const scratch = Buffer.alloc(bytes.length + 1)
  let from = 0
  for (const cut of [...cuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b), bytes.length]) {
    if (cut < from) continue
    bytes.copy(scratch, 0, from, cut)
    yield scratch.subarray(0, cut - from)
    scratch.fill(0x22)
    from = cut
  }
}

describe('JSON text from UTF-8 bytes in pieces', () => {
  it('is the text JSON.stringify makes, wherever the pieces are cut (inside characters too), with the length jsonTextLength counts', async () => {
    await fc.assert(
      fc.asyncProperty(text, fc.array(fc.nat(), { maxLength: 8 }), async (content, cuts) => {
        const bytes = Buffer.from(content)
        const made: string[] = []
        for await (const piece of jsonTextPieces(reusedPieces(bytes, cuts))) made.push(piece)
        const expected = JSON.stringify(bytes.toString()).slice(1, -1)
        expect(made.join('')).toBe(expected)
        let length = 0
        for await (const piece of reusedPieces(bytes, cuts)) length += jsonTextLength(piece)
        expect(length).toBe(Buffer.byteLength(expected))
      }),
      { numRuns: 2000 }
    )
  })
})
