/**
 * Shared pieces of the GitHub-reporting end-to-end tests: a tiny cocode stand-in (so a real,
 * non-dry publish happens and a comment is due), event payloads, and checks on posted Markdown.
 */
import { createServer, type Server } from 'node:http'

/** Answers `POST /api/session` with a fresh session URL, like cocode does. */
export async function startCocodeStub(): Promise<{ url: string; sessions: number; close(): Promise<void> }> {
  const stub = { url: '', sessions: 0, close: async () => undefined as void }
  const server: Server = createServer((request, response) => {
    request.resume()
    request.on('end', () => {
      if (request.method === 'POST' && request.url === '/api/session') {
        stub.sessions++
        response.writeHead(200, { 'content-type': 'text/plain' }).end(`https://cocode.example/s/session-${stub.sessions}\n`)
      } else {
        response.writeHead(404).end('Not Found')
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  stub.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  stub.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  return stub
}

export function pullRequestPayload(number: number, options: { fork?: boolean; headSha?: string } = {}): Record<string, unknown> {
  return {
    action: 'synchronize',
    number,
    pull_request: {
      number,
      title: `PR ${number}`,
      head: {
        sha: options.headSha ?? 'feedface00000000000000000000000000000000',
        ref: 'feature',
        repo: { full_name: options.fork ? 'stranger/notebooks' : 'octo-org/notebooks', fork: !!options.fork }
      },
      base: { ref: 'main', repo: { full_name: 'octo-org/notebooks' } }
    },
    repository: { full_name: 'octo-org/notebooks' }
  }
}

/**
 * The Markdown with every inline code span removed (CommonMark: a backtick run opens a span that
 * the next run of the same length closes). What is left is what GitHub would interpret.
 */
export function outsideCodeSpans(markdown: string): string {
  let out = ''
  let i = 0
  while (i < markdown.length) {
    if (markdown[i] !== '`') {
      out += markdown[i++]
      continue
    }
    let run = 0
    while (markdown[i + run] === '`') run++
    const fence = '`'.repeat(run)
    let search = i + run
    let close = -1
    while ((search = markdown.indexOf(fence, search)) !== -1) {
      if (markdown[search + run] !== '`' && markdown[search - 1] !== '`') {
        close = search
        break
      }
      while (markdown[search] === '`') search++
    }
    if (close === -1) {
      out += fence
      i += run
    } else {
      i = close + run
      out += '\u0000'
    }
  }
  return out
}

/** The contents of every inline code span, in order. */
export function codeSpans(markdown: string): string[] {
  const spans: string[] = []
  const pattern = /(`+)([\s\S]*?[^`])\1(?!`)/g
  for (const match of markdown.matchAll(pattern)) {
    const content = match[2]
    spans.push(/^ .* $/.test(content) && content.trim() !== '' ? content.slice(1, -1) : content)
  }
  return spans
}
