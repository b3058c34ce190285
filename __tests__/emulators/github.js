// @ts-check
/**
 * A loopback, stateful emulator of the GitHub REST subset the action uses (PROTOCOLS.md §3):
 *
 *   GET   /repos/{o}/{r}/issues/{n}/comments?per_page&page   real pagination with Link headers
 *   POST  /repos/{o}/{r}/issues/{n}/comments {body}           create (422 over 65,536 characters)
 *   PATCH /repos/{o}/{r}/issues/comments/{id} {body}          update
 *   GET   /repos/{o}/{r}/issues/comments/{id}
 *   GET   /repos/{o}/{r}/commits/{sha}/pulls                  PRs containing a commit
 *   GET   /repos/{o}/{r}/pulls/{n}                            a PR, with its changed_files count
 *   GET   /repos/{o}/{r}/pulls/{n}/files?per_page&page        the PR's files, paged, at most 3,000
 *   POST  /graphql  query { viewer { login } }                the token's own login
 *   GET   /user                                              the token's user (refused to installation tokens)
 *
 * Tokens carry an identity and a permission: a read-only token (a fork PR's) answers writes with
 * 403 "Resource not accessible by integration", an unknown one 401 "Bad credentials". Faults
 * (any status, headers and body; rate limits; delays; dropped connections) are rules matched by
 * method and path, switchable at run time. Every request is logged. Plain JavaScript so that
 * jest and `node` scripts (the local demo) can both import it.
 */
import { createServer } from 'node:http'

/**
 * @typedef {{ login: string, type?: 'User' | 'Bot', write?: boolean, graphql?: boolean }} TokenIdentity
 *   `graphql: false` makes the viewer query fail for this token (403), as for some restricted tokens.
 * @typedef {{ filename: string, status: 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged', previous_filename?: string }} PullRequestFileSeed
 * @typedef {{ number: number, state?: 'open' | 'closed', updated_at?: string, head?: { ref: string, sha: string }, commits?: string[], files?: PullRequestFileSeed[] }} PullRequestSeed
 * @typedef {{ number: number, state: 'open' | 'closed', updated_at: string, head: { ref: string, sha: string }, commits: string[], files: PullRequestFileSeed[] }} PullRequest
 * @typedef {{
 *   id: number, issue: number, body: string, user: { login: string, type: string },
 *   html_url: string, url: string, created_at: string, updated_at: string
 * }} Comment
 * @typedef {{
 *   method: string, path: string, pathname: string, query: Record<string, string>,
 *   token: string | undefined, login: string | undefined, body: unknown, status: number
 * }} RecordedRequest
 * @typedef {{
 *   method?: string,
 *   path?: string | RegExp,
 *   status?: number,
 *   headers?: Record<string, string> | (() => Record<string, string>),
 *   body?: unknown,
 *   times?: number,
 *   delayMs?: number,
 *   drop?: boolean
 * }} FaultRule
 *   A rule answers instead of the emulator (or, with only `delayMs`, delays the normal answer).
 *   `path` is a pathname prefix or a RegExp; `times` defaults to every time.
 * @typedef {{
 *   repository?: string,
 *   tokens?: Record<string, TokenIdentity>,
 *   pullRequests?: PullRequestSeed[],
 *   serverUrl?: string,
 *   port?: number
 * }} GitHubEmulatorOptions
 *   `port`: 0 (the default) takes any free port.
 */

/** GitHub's limit on a comment body, in characters. */
export const COMMENT_LIMIT = 65_536
/**
 * GitHub lists at most this many files of a pull request ("Responses include a maximum of 3000
 * files": GitHub's REST reference for "List pull requests files", repeated in its OpenAPI
 * description as typed by @octokit/openapi-types). Pages past them are empty.
 */
export const PR_FILES_CAP = 3000

/** Ready-made fault rules. */
export const GitHubFaults = {
  /** @param {number} status @param {string} [message] @param {Partial<FaultRule>} [rest] @returns {FaultRule} */
  status: (status, message = `Emulated ${status}`, rest = {}) => ({
    status,
    body: { message, documentation_url: 'https://docs.github.com/rest' },
    ...rest
  }),
  /** Secondary rate limit, as GitHub answers it. @param {number} retryAfterSeconds @param {Partial<FaultRule>} [rest] @returns {FaultRule} */
  secondaryRateLimit: (retryAfterSeconds, rest = {}) => ({
    status: 403,
    headers: { 'retry-after': String(retryAfterSeconds) },
    body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' },
    ...rest
  }),
  /** 429 with retry-after (secondary limits also come as 429). @param {number} retryAfterSeconds @param {Partial<FaultRule>} [rest] @returns {FaultRule} */
  tooManyRequests: (retryAfterSeconds, rest = {}) => ({
    status: 429,
    headers: { 'retry-after': String(retryAfterSeconds) },
    body: { message: 'You have exceeded a secondary rate limit.' },
    ...rest
  }),
  /** Primary rate limit spent; it resets `resetInSeconds` from the moment of the answer. @param {number} resetInSeconds @param {Partial<FaultRule>} [rest] @returns {FaultRule} */
  primaryRateLimit: (resetInSeconds, rest = {}) => ({
    status: 403,
    headers: () => ({
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + resetInSeconds)
    }),
    body: { message: 'API rate limit exceeded for installation ID 1.' },
    ...rest
  }),
  /** @param {Partial<FaultRule>} [rest] @returns {FaultRule} */
  drop: (rest = {}) => ({ drop: true, ...rest })
}

/**
 * @param {GitHubEmulatorOptions} [options]
 */
export async function startGitHubEmulator(options = {}) {
  const repository = options.repository ?? 'octo-org/notebooks'
  const serverUrl = options.serverUrl ?? 'https://github.com'
  const state = {
    repository,
    /** @type {Map<string, TokenIdentity>} */
    tokens: new Map(Object.entries(options.tokens ?? { ghs_emulated_default_token: { login: 'github-actions[bot]', type: 'Bot', write: true } })),
    /** @type {Map<number, PullRequest>} */
    pullRequests: new Map(),
    /** @type {Map<number, Comment[]>} */
    comments: new Map(),
    nextCommentId: 1_000_001,
    /** @type {RecordedRequest[]} */
    requests: [],
    /** Origin put in Link headers (tests point it elsewhere to check the token stays home). @type {string | undefined} */
    linkOrigin: undefined
  }
  const faults = {
    /** @type {FaultRule[]} */
    rules: []
  }

  /** @param {PullRequestSeed} seed */
  function addPullRequest(seed) {
    const pr = {
      number: seed.number,
      state: seed.state ?? 'open',
      updated_at: seed.updated_at ?? new Date(Date.UTC(2025, 0, 1)).toISOString(),
      head: seed.head ?? { ref: `branch-${seed.number}`, sha: `${seed.number}`.padStart(40, 'a') },
      commits: seed.commits ?? [],
      files: seed.files ?? []
    }
    state.pullRequests.set(pr.number, pr)
    if (!state.comments.has(pr.number)) state.comments.set(pr.number, [])
    return pr
  }
  for (const seed of options.pullRequests ?? []) addPullRequest(seed)

  /**
   * Adds a comment directly (as another user, a look-alike, filler...).
   * @param {number} issue @param {{ body: string, login: string, type?: string }} comment
   */
  function addComment(issue, comment) {
    const list = state.comments.get(issue)
    if (!list) throw new Error(`no pull request #${issue} in the emulator`)
    const id = state.nextCommentId++
    const now = new Date().toISOString()
    /** @type {Comment} */
    const created = {
      id,
      issue,
      body: comment.body,
      user: { login: comment.login, type: comment.type ?? (comment.login.endsWith('[bot]') ? 'Bot' : 'User') },
      html_url: `${serverUrl}/${repository}/pull/${issue}#issuecomment-${id}`,
      url: `http://${address()}/repos/${repository}/issues/comments/${id}`,
      created_at: now,
      updated_at: now
    }
    list.push(created)
    return created
  }

  /** @param {number} issue */
  const commentsOf = (issue) => state.comments.get(issue) ?? []

  const server = createServer((request, response) => {
    /** @type {Buffer[]} */
    const chunks = []
    request.on('data', (chunk) => chunks.push(chunk))
    request.on('end', () => {
      handle(request, response, Buffer.concat(chunks)).catch((error) => {
        if (!response.headersSent) send(response, 500, { message: String(error) })
      })
    })
  })

  /**
   * @param {import('node:http').IncomingMessage} request
   * @param {import('node:http').ServerResponse} response
   * @param {Buffer} raw
   */
  async function handle(request, response, raw) {
    const method = request.method ?? 'GET'
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    const text = raw.toString('utf8')
    /** @type {unknown} */
    let body = text
    try {
      body = text ? JSON.parse(text) : undefined
    } catch {
      // kept as text
    }
    const token = tokenOf(request.headers.authorization)
    const identity = token === undefined ? undefined : state.tokens.get(token)
    /** @type {RecordedRequest} */
    const record = {
      method,
      path: url.pathname + url.search,
      pathname: url.pathname,
      query: Object.fromEntries(url.searchParams),
      token,
      login: identity?.login,
      body,
      status: 0
    }
    state.requests.push(record)

    const rule = faults.rules.find((r) => matches(r, method, url.pathname))
    if (rule) {
      if (rule.times !== undefined) rule.times--
      if (rule.delayMs) await new Promise((resolve) => setTimeout(resolve, rule.delayMs))
      if (rule.drop) {
        record.status = -1
        request.socket.destroy()
        return
      }
      if (rule.status !== undefined) {
        const headers = typeof rule.headers === 'function' ? rule.headers() : (rule.headers ?? {})
        record.status = rule.status
        send(response, rule.status, rule.body ?? { message: `Emulated ${rule.status}` }, headers)
        return
      }
    }

    /** @param {number} status @param {unknown} payload @param {Record<string, string>} [headers] */
    const answer = (status, payload, headers) => {
      record.status = status
      send(response, status, payload, headers)
    }
    if (!identity) {
      answer(401, { message: token === undefined ? 'Requires authentication' : 'Bad credentials', documentation_url: 'https://docs.github.com/rest' })
      return
    }
    const isWrite = method !== 'GET' && method !== 'HEAD' && url.pathname !== '/graphql'

    if (method === 'POST' && url.pathname === '/graphql') {
      const query = body && typeof body === 'object' && 'query' in body ? String(body.query) : ''
      if (identity.graphql === false) return answer(403, { message: 'Resource not accessible by integration' })
      if (/\bviewer\s*\{\s*login\s*\}/.test(query)) return answer(200, { data: { viewer: { login: identity.login } } })
      return answer(200, { errors: [{ message: 'The emulator answers only query { viewer { login } }' }] })
    }

    // GitHub's "Get the authenticated user" (https://docs.github.com/rest/users/users#get-the-authenticated-user):
    // installation tokens (`ghs_`, the workflow's GITHUB_TOKEN) get 403 "Resource not accessible by integration".
    if (method === 'GET' && url.pathname === '/user') {
      if (token?.startsWith('ghs_') || identity.type === 'Bot') return answer(403, { message: 'Resource not accessible by integration' })
      return answer(200, { login: identity.login, id: 1, type: identity.type ?? 'User' })
    }

    const repoPrefix = `/repos/${repository}/`
    if (!url.pathname.toLowerCase().startsWith(repoPrefix.toLowerCase())) return answer(404, { message: 'Not Found' })
    const rest = url.pathname.slice(repoPrefix.length)
    if (isWrite && !identity.write) {
      return answer(403, {
        message: 'Resource not accessible by integration',
        documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
        status: '403'
      })
    }

    let match
    if ((match = /^issues\/(\d+)\/comments$/.exec(rest))) {
      const issue = Number(match[1])
      const list = state.comments.get(issue)
      if (!list) return answer(404, { message: 'Not Found' })
      if (method === 'GET') return listPage(url, list, answer)
      if (method === 'POST') {
        const problem = validateBody(body)
        if (problem) return answer(422, problem)
        const created = addComment(issue, { body: /** @type {{ body: string }} */ (body).body, login: identity.login, type: identity.type })
        return answer(201, created)
      }
    }
    if ((match = /^issues\/comments\/(\d+)$/.exec(rest))) {
      const id = Number(match[1])
      const comment = [...state.comments.values()].flat().find((c) => c.id === id)
      if (!comment) return answer(404, { message: 'Not Found' })
      if (method === 'GET') return answer(200, comment)
      if (method === 'PATCH') {
        const problem = validateBody(body)
        if (problem) return answer(422, problem)
        comment.body = /** @type {{ body: string }} */ (body).body
        comment.updated_at = new Date().toISOString()
        return answer(200, comment)
      }
    }
    if ((match = /^pulls\/(\d+)(\/files)?$/.exec(rest)) && method === 'GET') {
      const pr = state.pullRequests.get(Number(match[1]))
      if (!pr) return answer(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/pulls/pulls#get-a-pull-request' })
      if (match[2]) return listPage(url, pr.files.slice(0, PR_FILES_CAP).map(diffEntry), answer)
      return answer(200, { number: pr.number, state: pr.state, updated_at: pr.updated_at, head: pr.head, changed_files: pr.files.length })
    }
    if ((match = /^commits\/([0-9a-f]{7,40})\/pulls$/i.exec(rest)) && method === 'GET') {
      const sha = match[1].toLowerCase()
      const pulls = [...state.pullRequests.values()].filter((pr) => pr.head.sha.toLowerCase().startsWith(sha) || pr.commits.includes(sha))
      return answer(
        200,
        pulls.map((pr) => ({
          number: pr.number,
          state: pr.state,
          updated_at: pr.updated_at,
          head: pr.head,
          html_url: `${serverUrl}/${repository}/pull/${pr.number}`
        }))
      )
    }
    return answer(404, { message: 'Not Found' })
  }

  /**
   * A file as GitHub lists it (the `diff-entry` schema); `previous_filename` only for renames.
   * @param {PullRequestFileSeed} file
   */
  function diffEntry(file) {
    const blob = `${serverUrl}/${repository}/blob/${'f'.repeat(40)}/${file.filename}`
    return {
      sha: file.status === 'removed' ? null : '0'.repeat(40),
      filename: file.filename,
      status: file.status,
      additions: file.status === 'removed' ? 0 : 1,
      deletions: file.status === 'added' ? 0 : 1,
      changes: 2,
      blob_url: blob,
      raw_url: blob.replace('/blob/', '/raw/'),
      contents_url: `http://${address()}/repos/${repository}/contents/${file.filename}`,
      ...(file.status === 'renamed' && file.previous_filename ? { previous_filename: file.previous_filename } : {})
    }
  }

  /**
   * @param {URL} url @param {unknown[]} list
   * @param {(status: number, payload: unknown, headers?: Record<string, string>) => void} answer
   */
  function listPage(url, list, answer) {
    const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 30) || 30))
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1)
    const last = Math.max(1, Math.ceil(list.length / perPage))
    const origin = state.linkOrigin ?? `http://${address()}`
    /** @param {number} n */
    const pageUrl = (n) => {
      const target = new URL(url.pathname, origin)
      target.searchParams.set('per_page', String(perPage))
      target.searchParams.set('page', String(n))
      return target.href
    }
    /** @type {string[]} */
    const links = []
    if (page < last) links.push(`<${pageUrl(page + 1)}>; rel="next"`, `<${pageUrl(last)}>; rel="last"`)
    if (page > 1) links.push(`<${pageUrl(1)}>; rel="first"`, `<${pageUrl(page - 1)}>; rel="prev"`)
    answer(200, list.slice((page - 1) * perPage, page * perPage), links.length > 0 ? { link: links.join(', ') } : {})
  }

  await new Promise((resolve) => server.listen(options.port ?? 0, '127.0.0.1', () => resolve(undefined)))
  const address = () => {
    const info = server.address()
    return info && typeof info === 'object' ? `127.0.0.1:${info.port}` : '127.0.0.1'
  }
  const url = `http://${address()}`

  return {
    url,
    graphqlUrl: `${url}/graphql`,
    state,
    faults,
    addPullRequest,
    addComment,
    commentsOf,
    /** Requests whose pathname starts with `prefix` (and method, when given). @param {string} [method] @param {string} [prefix] */
    requestsTo: (method, prefix = '') => state.requests.filter((r) => (!method || r.method === method) && r.pathname.startsWith(prefix)),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve(undefined))
      })
  }
}

/** @param {string | undefined} header */
function tokenOf(header) {
  if (!header) return undefined
  const match = /^(?:token|bearer)\s+(.+)$/i.exec(header.trim())
  return match ? match[1] : undefined
}

/** @param {FaultRule} rule @param {string} method @param {string} pathname */
function matches(rule, method, pathname) {
  if (rule.times !== undefined && rule.times <= 0) return false
  if (rule.method && rule.method !== method) return false
  if (rule.path === undefined) return true
  return typeof rule.path === 'string' ? pathname.startsWith(rule.path) : rule.path.test(pathname)
}

/** GitHub's checks on a comment body. @param {unknown} body */
function validateBody(body) {
  const text = body && typeof body === 'object' && 'body' in body ? body.body : undefined
  if (typeof text !== 'string' || text.trim() === '') {
    return { message: 'Validation Failed', errors: [{ resource: 'IssueComment', code: 'missing_field', field: 'body' }] }
  }
  // GitHub counts characters; code points are the strictest reading a client must satisfy.
  if ([...text].length > COMMENT_LIMIT) {
    return {
      message: 'Validation Failed',
      errors: [{ resource: 'IssueComment', code: 'custom', field: 'body', message: `body is too long (maximum is ${COMMENT_LIMIT} characters)` }]
    }
  }
  return undefined
}

/**
 * @param {import('node:http').ServerResponse} response @param {number} status @param {unknown} payload
 * @param {Record<string, string>} [headers]
 */
function send(response, status, payload, headers = {}) {
  const text = typeof payload === 'string' ? payload : JSON.stringify(payload)
  response.writeHead(status, {
    'content-type': typeof payload === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': '4999',
    'x-github-request-id': 'EMULATED',
    ...headers
  })
  response.end(text)
}
