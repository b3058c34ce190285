/**
 * Text hygiene: the one way text a server supplied (an error, an id, a URL, an HTML page) reaches
 * a log line, an error, the job summary or an output. Such text is data, never a workflow command
 * and never a credential:
 * - `oneLine`: line breaks and other control characters become spaces, so nothing it holds can
 *   start a line of its own (the runner reads `::command::` only at the start of a line);
 * - `inert`: what is left of workflow-command syntax is broken: a leading `::`, and `##[`
 *   anywhere (the runner's older syntax, recognised in the middle of a line);
 * - `Scrubber`: every credential, in every encoding a server could echo it in, becomes `***`.
 * `serverText` does all three. Sizes for messages are formatted here too.
 */

/** Control characters (C0, DEL, C1) and Unicode line and paragraph separators. */
const BREAKS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g

/** One line: breaks and control characters become spaces, runs of white space one space. */
export function oneLine(text: string): string {
  return text.replace(BREAKS, ' ').replace(/\s+/g, ' ').trim()
}

/** One line with workflow-command syntax neutralised (visibly: a space splits the marker). */
export function inert(text: string): string {
  return oneLine(text).replace(/^::/, ': :').replace(/##\[/g, '## [')
}

/** Cuts text to at most `max` UTF-16 units, never splitting a surrogate pair, marking the cut with '…'. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text
  let end = Math.max(0, max - 1)
  const last = text.charCodeAt(end - 1)
  if (last >= 0xd800 && last <= 0xdbff) end--
  return `${text.slice(0, end)}…`
}

/** Text a server supplied, ready for a log line, an error, the summary or an output. */
export function serverText(text: string, scrubber: Scrubber = NO_SECRETS, max = 300): string {
  const cleaned = inert(scrubber.scrub(oneLine(scrubber.scrub(text))))
  return truncate(cleaned, max)
}

/** Shortest secret scrubbed: shorter ones would blank out ordinary words. */
const MIN_SECRET_LENGTH = 3

/**
 * Every form `secret` takes when a server echoes it: as is; URL-encoded (JavaScript's
 * encodeURIComponent and encodeURI, Python's `quote` with and without `/` kept and `quote_plus`,
 * form-encoded with `+` for spaces; upper- and lower-case hex); JSON-escaped in the ways common
 * encoders do (see jsonForms); base64 (padded, unpadded, URL-safe, and as a Basic header). Pass a
 * `user:password` pair as a secret of its own to cover its Basic form.
 */
export function secretForms(secret: string): string[] {
  if (secret.length < MIN_SECRET_LENGTH) return []
  const base64 = Buffer.from(secret).toString('base64')
  const forms = [
    secret,
    ...withLowerHex([
      encodeURIComponent(secret),
      encodeURIComponent(secret).replace(/%20/g, '+'),
      new URLSearchParams({ s: secret }).toString().slice(2),
      encodeURI(secret),
      // Python's urllib.parse: quote(s, safe=''), quote(s) (keeps `/`), quote_plus(s).
      percentEncode(secret, /[A-Za-z0-9_.~-]/),
      percentEncode(secret, /[A-Za-z0-9_.~/-]/),
      percentEncode(secret, /[A-Za-z0-9_.~ -]/).replace(/ /g, '+')
    ]),
    ...jsonForms(secret),
    base64,
    // As an Authorization header echoes it: the scheme goes too, so no "Basic ***" hints at what was there.
    `Basic ${base64}`,
    base64.replace(/=+$/, ''),
    Buffer.from(secret).toString('base64url')
  ]
  return [...new Set(forms)].filter((form) => form.length >= MIN_SECRET_LENGTH)
}

/** Each form, and the same with its percent-escapes in lower case. */
function withLowerHex(forms: string[]): string[] {
  return forms.flatMap((form) => [form, form.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase())])
}

/** UTF-8 percent-encoding of every character but those `safe` matches. */
function percentEncode(text: string, safe: RegExp): string {
  return [...text]
    .map((char) => (safe.test(char) ? char : [...Buffer.from(char)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('')))
    .join('')
}

/**
 * A JSON string's content as encoders write it, generated rather than listed: every combination
 * of `/` kept or as `\/` (PHP's json_encode), and `\u` escapes (either hex case) for none, for
 * non-ASCII (Python's json.dumps, PHP), for `< > &` (Go's json.Marshal, which also escapes U+2028
 * and U+2029), or for both. The mandatory escapes (`"`, `\`, control characters) are JSON.stringify's.
 */
function jsonForms(secret: string): string[] {
  const plain = JSON.stringify(secret).slice(1, -1)
  const escapedSets = [/(?!)/g, /[\u007f-\uffff]/g, /[<>&\u2028\u2029]/g, /[<>&\u007f-\uffff]/g]
  const forms: string[] = []
  for (const slash of [plain, plain.replace(/\//g, '\\/')]) {
    for (const escaped of escapedSets) {
      for (const upper of [false, true]) {
        forms.push(
          slash.replace(escaped, (char) => {
            const hex = char.charCodeAt(0).toString(16).padStart(4, '0')
            return `\\u${upper ? hex.toUpperCase() : hex}`
          })
        )
      }
    }
  }
  return forms
}

/** Replaces every form of every secret it was given with `***`. */
export class Scrubber {
  /** Longest first, so a secret inside another (a password inside its pair) leaves no piece behind. */
  private readonly forms: string[]

  constructor(secrets: Iterable<string> = []) {
    const forms = new Set<string>()
    for (const secret of secrets) for (const form of secretForms(secret)) forms.add(form)
    this.forms = [...forms].sort((a, b) => b.length - a.length)
  }

  scrub(text: string): string {
    let result = text
    for (const form of this.forms) result = result.split(form).join('***')
    return result
  }

  /** For text cut off at its end: drops a visible start of a secret the cut left behind. */
  dropCutSecret(text: string): string {
    let cut = 0
    for (const form of this.forms) {
      for (let length = Math.min(form.length - 1, text.length); length > cut; length--) {
        if (text.endsWith(form.slice(0, length))) cut = length
      }
    }
    return text.slice(0, text.length - cut)
  }
}

const NO_SECRETS = new Scrubber()

/**
 * The readable text of an HTML page (a proxy's error page): scripts and styles dropped, the
 * <title> kept only when the body says nothing (it usually repeats the heading), the common
 * entities decoded.
 */
export function htmlToText(html: string): string {
  const withoutCode = html.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
  const bodyText = textOf(withoutCode.replace(/<head[\s\S]*?<\/head>/gi, ' '))
  return bodyText.trim() === '' ? textOf(withoutCode) : bodyText
}

/** Whether an answer looks like HTML: it starts with a tag, or says so in its content type. */
export function looksLikeHtml(text: string, contentType = ''): boolean {
  return /^\s*</.test(text) || /html/i.test(contentType)
}

function textOf(html: string): string {
  return decodeEntities(html.replace(/<[^>]*>/g, ' '))
}

/** Text of the few entities error pages use; the rest stay as they are. */
function decodeEntities(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' }
  return text.replace(/&(#\d{1,6}|#x[0-9a-f]{1,6}|[a-z]+);/gi, (entity, code: string) => {
    if (code.startsWith('#')) {
      const point = code[1] === 'x' || code[1] === 'X' ? parseInt(code.slice(2), 16) : parseInt(code.slice(1), 10)
      return point > 0 && point <= 0x10ffff ? String.fromCodePoint(point) : entity
    }
    return named[code.toLowerCase()] ?? entity
  })
}

/** A size for messages: `512 B`, `1.5 KiB`, `8 MiB` (no `.0`), `12 GiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  const shown = value >= 10 || Number.isInteger(value) ? Math.round(value).toString() : value.toFixed(1)
  return `${shown} ${units[unit]}`
}

/** A size for messages that must be exact too: `2 KiB, 2049 bytes`. */
export function describeSize(bytes: number): string {
  const short = formatBytes(bytes)
  return bytes < 1024 ? short : `${short}, ${bytes} bytes`
}

/** Whether `text` is a UUID (CoCalc's project and copy ids). */
export function isUuid(text: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text)
}

/**
 * Characters left as they are in a URL we publish: RFC 3986's unreserved ones and the
 * delimiters a URL needs. Everything else (`$ ' ( ) ; | \``, spaces, non-ASCII...) is
 * percent-encoded, so a URL pasted into a shell by a later step runs nothing.
 */
const URL_SAFE = /[A-Za-z0-9\-._~:/?#@&=+,%]/

/**
 * A well-formed http(s) URL without credentials, in normalised form (WHATWG parsing, then
 * percent-encoding of anything a shell or Markdown would interpret), or undefined.
 */
export function normaliseHttpUrl(text: string, base?: string): string | undefined {
  if (text === '' || text.length > 2048 || /[\s\u0000-\u001f\u007f]/.test(text)) return undefined
  let url: URL
  try {
    url = base === undefined ? new URL(text) : new URL(text, base)
  } catch {
    return undefined
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined
  if (url.username || url.password) return undefined
  // A host name of letters, digits, dots, hyphens (punycode for others) or an IPv6 address: WHATWG
  // would also let `$(...)` through as a host.
  if (!/^(\[[0-9a-f:.]+\]|[a-z0-9._-]+)(:\d+)?$/i.test(url.host)) return undefined
  const encode = (part: string): string =>
    [...part]
      .map((char) => (URL_SAFE.test(char) ? char : [...Buffer.from(char)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('')))
      .join('')
  return `${url.protocol}//${url.host}${encode(url.pathname)}${encode(url.search)}${encode(url.hash)}`
}
