import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import {
  Scrubber,
  describeSize,
  formatBytes,
  htmlToText,
  inert,
  isUuid,
  normaliseHttpUrl,
  oneLine,
  secretForms,
  serverText,
  truncate
} from '../../src/text.js'

/** What the runner takes for a command in one line of a step's output. */
function isWorkflowCommand(line: string): boolean {
  return line.trim().startsWith('::') || line.includes('##[')
}

describe('oneLine and inert', () => {
  it('makes any text one line that the runner reads as no command', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const line = inert(text)
        expect(line).not.toMatch(/[\r\n\u0085\u2028\u2029]/)
        expect(isWorkflowCommand(line)).toBe(false)
        // Our own prefix before it keeps it inert too.
        expect(isWorkflowCommand(`Copy failed: ${line}`)).toBe(false)
      }),
      { numRuns: 2000 }
    )
  })

  it('neutralises every workflow-command form a server could send', () => {
    for (const hostile of [
      '::add-mask::x',
      '  ::set-output name=injected::yes',
      'ok\n::error file=a,line=1::boom',
      'ok\r::stop-commands::token',
      'text ##[add-mask]x',
      '\u2028::warning::x'
    ]) {
      const line = inert(hostile)
      expect(isWorkflowCommand(line)).toBe(false)
    }
    expect(inert('::add-mask::x')).toBe(': :add-mask::x')
    expect(inert('a ##[group]b')).toBe('a ## [group]b')
  })

  it('keeps ordinary text as it was, on one line', () => {
    expect(oneLine('  line one\r\nline\ttwo\u0000\u001b[31m ')).toBe('line one line two [31m')
    expect(inert('rsync: permission denied (13)')).toBe('rsync: permission denied (13)')
    expect(inert('http://[::1]:8080/s/1')).toBe('http://[::1]:8080/s/1')
  })
})

describe('Scrubber and secretForms', () => {
  const password = 'pass word/1 "q" é'

  it.each([
    ['raw', password],
    ['URL-encoded', encodeURIComponent(password)],
    ['URL-encoded, lower-case hex', encodeURIComponent(password).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase())],
    ['form-encoded', new URLSearchParams({ p: password }).toString().slice(2)],
    ['encodeURIComponent with +', encodeURIComponent(password).replace(/%20/g, '+')],
    ['encodeURI', encodeURI(password)],
    ['JSON-escaped', JSON.stringify(password).slice(1, -1)],
    ['JSON-escaped with \\u', JSON.stringify(password).slice(1, -1).replace('é', '\\u00e9')],
    ['base64', Buffer.from(password).toString('base64')],
    ['base64url', Buffer.from(password).toString('base64url')]
  ])('scrubs the %s form', (_kind, form) => {
    expect(new Scrubber([password]).scrub(`before ${form} after`)).toBe('before *** after')
  })

  // Forms other languages' encoders write, spelled out by hand (each for 'pass word/1+é<a&b>').
  const other = 'pass word/1+é<a&b>'
  it.each([
    ["Python's quote (keeps /)", 'pass%20word/1%2B%C3%A9%3Ca%26b%3E'],
    ["Python's quote (keeps /), lower-case hex", 'pass%20word/1%2b%c3%a9%3ca%26b%3e'],
    ["Python's quote(s, safe='')", 'pass%20word%2F1%2B%C3%A9%3Ca%26b%3E'],
    ["Python's quote_plus", 'pass+word%2F1%2B%C3%A9%3Ca%26b%3E'],
    ["PHP's json_encode (\\/ and \\u00e9)", 'pass word\\/1+\\u00e9<a&b>'],
    ["PHP's json_encode with JSON_UNESCAPED_UNICODE", 'pass word\\/1+é<a&b>'],
    ["Go's json.Marshal (\\u003c \\u0026 \\u003e)", 'pass word/1+é\\u003ca\\u0026b\\u003e'],
    ["Python's json.dumps (\\u00e9)", 'pass word/1+\\u00e9<a&b>'],
    ['all of them at once', 'pass word\\/1+\\u00e9\\u003ca\\u0026b\\u003e']
  ])('scrubs %s', (_kind, form) => {
    expect(secretForms(other)).toContain(form)
    expect(new Scrubber([other]).scrub(`got ${form}.`)).toBe('got ***.')
  })

  it("scrubs Go's and PHP's JSON forms of any secret (property)", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 3, maxLength: 24, unit: 'grapheme' }), (value) => {
        const go = JSON.stringify(value)
          .slice(1, -1)
          .replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
        const php = JSON.stringify(value)
          .slice(1, -1)
          .replace(/\//g, '\\/')
          .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
        expect(JSON.parse(`"${go}"`)).toBe(value)
        expect(JSON.parse(`"${php}"`)).toBe(value)
        expect(new Scrubber([value]).scrub(`(${go}) (${php})`)).toBe('(***) (***)')
      }),
      { numRuns: 500 }
    )
  })

  it('scrubs the Basic form of a pair given as a secret', () => {
    const basic = Buffer.from(`user:${password}`).toString('base64')
    expect(new Scrubber(['user', password, `user:${password}`]).scrub(`Authorization: Basic ${basic}`)).toBe('Authorization: ***')
    expect(new Scrubber([`user:${password}`]).scrub(`token ${basic}`)).toBe('token ***')
  })

  it('leaves no form of any secret in any text (property)', () => {
    const secret = fc.string({ minLength: 3, maxLength: 24, unit: 'grapheme' })
    fc.assert(
      fc.property(secret, fc.string(), fc.string(), fc.nat(), (value, before, after, pick) => {
        const forms = secretForms(value)
        const form = forms[pick % forms.length]
        const scrubbed = new Scrubber([value]).scrub(`${before}${form}${after}`)
        expect(scrubbed.includes(value)).toBe(false)
        expect(scrubbed.includes(form)).toBe(false)
      }),
      { numRuns: 1000 }
    )
  })

  it('ignores secrets too short to scrub without blanking ordinary words', () => {
    expect(secretForms('ab')).toEqual([])
    expect(new Scrubber(['ab', '']).scrub('a cab')).toBe('a cab')
  })

  it('drops the visible start of a secret cut off at the end', () => {
    expect(new Scrubber(['abcdef']).dropCutSecret('x abc')).toBe('x ')
    expect(new Scrubber(['abcdef']).dropCutSecret('x abz')).toBe('x abz')
  })
})

describe('serverText', () => {
  it('is scrubbed, one inert line, and bounded', () => {
    const scrubber = new Scrubber(['s3cret-key'])
    expect(serverText('denied for s3cret-key\n::add-mask::x', scrubber)).toBe('denied for *** ::add-mask::x')
    expect(serverText('::set-output name=a::b', scrubber)).toBe(': :set-output name=a::b')
    expect(serverText('y'.repeat(500), scrubber, 10)).toBe(`${'y'.repeat(9)}…`)
  })
})

describe('htmlToText', () => {
  it('keeps the text of an error page', () => {
    expect(htmlToText('<html><head><title>502</title></head><body><h1>502 Bad Gateway</h1> nginx &amp; co</body></html>').trim()).toMatch(
      /^502 Bad Gateway\s+nginx & co$/
    )
    expect(oneLine(htmlToText('<html><head><title>504 Gateway Time-out</title></head><body></body></html>'))).toBe('504 Gateway Time-out')
    expect(oneLine(htmlToText('<p>a</p><script>alert(1)</script><style>p{}</style>b'))).toBe('a b')
  })
})

describe('normaliseHttpUrl', () => {
  it.each([
    ["https://x.example/s/$(curl…|sh)';", 'https://x.example/s/%24%28curl%E2%80%A6%7Csh%29%27%3B'],
    ['https://cocode.example/s/1', 'https://cocode.example/s/1'],
    ['HTTPS://Cocode.Example:443/s/a?b=1&c=2#top', 'https://cocode.example/s/a?b=1&c=2#top'],
    ['http://127.0.0.1:8080/s/`id`', 'http://127.0.0.1:8080/s/%60id%60'],
    ['https://x.example/a b', undefined],
    ['javascript:alert(1)', undefined],
    ['https://user:pw@x.example/', undefined],
    ['ftp://x.example/', undefined],
    ['/s/1', undefined],
    ['https://x.example/s/1\nhttps://evil.example', undefined]
  ])('%s → %s', (text, expected) => {
    expect(normaliseHttpUrl(text)).toBe(expected)
  })

  it('completes a path from a base', () => {
    expect(normaliseHttpUrl('/s/1', 'https://cocode.example/base')).toBe('https://cocode.example/s/1')
  })

  it('is idempotent, and what it gives holds nothing a shell would run (property)', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), fc.string(), (base, tail) => {
        const url = normaliseHttpUrl(`${base}${encodeURI(tail).replace(/%25/g, '%')}`)
        if (url === undefined) return
        expect(normaliseHttpUrl(url)).toBe(url)
        expect(url).not.toMatch(/[$`'"()\\;|<>!*\s{}^]/)
      }),
      { numRuns: 1000 }
    )
  })
})

describe('sizes and ids', () => {
  it('formats sizes', () => {
    expect(formatBytes(0)).toBe('0 B')
    expect(formatBytes(1023)).toBe('1023 B')
    expect(formatBytes(1536)).toBe('1.5 KiB')
    expect(formatBytes(2048)).toBe('2 KiB')
    expect(formatBytes(8 * 1024 * 1024)).toBe('8 MiB')
    expect(formatBytes(10 * 1024 * 1024)).toBe('10 MiB')
    expect(describeSize(10 * 1024 * 1024 + 1)).toBe('10 MiB, 10485761 bytes')
    expect(describeSize(12)).toBe('12 B')
  })

  it('recognises UUIDs only', () => {
    expect(isUuid('0b2e6b5f-2c2f-4b86-9a7e-1f0f3c1f5a10')).toBe(true)
    expect(isUuid('0B2E6B5F-2C2F-4B86-9A7E-1F0F3C1F5A10')).toBe(true)
    expect(isUuid('0b2e6b5f-2c2f-4b86-9a7e-1f0f3c1f5a10\n::add-mask::x')).toBe(false)
    expect(isUuid('3f1c')).toBe(false)
  })

  it('truncates without splitting a surrogate pair', () => {
    expect(truncate('abc', 3)).toBe('abc')
    expect(truncate('z'.repeat(199) + '🎉 tail', 200)).toBe(`${'z'.repeat(199)}…`)
  })
})
