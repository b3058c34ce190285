/**
 * Behind a proxy (self-hosted runners on a corporate network): HTTP_PROXY / HTTPS_PROXY and
 * NO_PROXY apply to the action's own requests to cocode and CoCalc as they do to the toolkit's
 * requests to GitHub. The services get names that resolve nowhere, so only a request that went
 * through the loopback proxy can arrive.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { startCocodeEmulator } from '../emulators/cocode.js'
import { startGitHubEmulator } from '../emulators/github.js'
import { expectOneLineFailure, makeWorkspace, removeWorkspace, runAction } from '../helpers/action.js'
import { startLoopbackProxy, type LoopbackProxy } from '../helpers/proxy.js'
import { expectNoSecrets } from '../helpers/secrets.js'
import { type Emulator, expectFolderHolds, projectIds, runCocalc, sampleFiles, startEmulator } from './cocalc-helpers.js'
import { pullRequestPayload } from './github-helpers.js'

const PROXY_USER = 'runner'
const PROXY_PASSWORD = 'Pr0xy-Pa55word-e2e'
const PROXY_AUTHORIZATION = `Basic ${Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString('base64')}`
const TOKEN = 'ghs_E2eProxyToken0123456789abcdefabcd'

/** The same loopback port under a name only the proxy can reach. */
const unresolvable = (url: string, host: string) => url.replace('127.0.0.1', host)
const portOf = (url: string) => new URL(url).port

let cocalc: Emulator
let proxy: LoopbackProxy
let proxyUrl: string

beforeAll(async () => {
  cocalc = await startEmulator()
})
afterAll(() => cocalc.close())
beforeEach(async () => {
  proxy = await startLoopbackProxy({ authorization: PROXY_AUTHORIZATION })
  proxyUrl = proxy.url.replace('//', `//${PROXY_USER}:${PROXY_PASSWORD}@`)
})
afterEach(() => proxy.close())

describe('behind a proxy', () => {
  it('cocalc mode: every file arrives byte for byte through the proxy, and the comment goes through it too', async () => {
    const github = await startGitHubEmulator({
      tokens: { [TOKEN]: { login: 'github-actions[bot]', type: 'Bot', write: true } },
      pullRequests: [{ number: 3, head: { ref: 'feature', sha: 'feedface00000000000000000000000000000000' } }]
    })
    try {
      const { source } = projectIds()
      const files = sampleFiles()
      const githubApi = unresolvable(github.url, 'api.github.proxied.test')
      const result = await runCocalcWithComment(files, source, githubApi)
      expect(result.errors).toEqual([])
      expect(result.code).toBe(0)
      expectFolderHolds(cocalc, source, 'course', files)
      expect(github.commentsOf(3)).toHaveLength(1)
      const targets = new Set(proxy.tunnels.map((tunnel) => tunnel.target))
      expect(targets).toEqual(new Set([`cocalc.proxied.test:${portOf(cocalc.url)}`, `api.github.proxied.test:${portOf(github.url)}`]))
      expect(proxy.tunnels.every((tunnel) => tunnel.authorization === PROXY_AUTHORIZATION)).toBe(true)
      expectNoSecrets(result, [PROXY_PASSWORD, PROXY_AUTHORIZATION])
    } finally {
      await github.close()
    }
  })

  async function runCocalcWithComment(files: Record<string, Buffer>, source: string, githubApi: string) {
    return runCocalc(cocalc, files, {
      inputs: { 'cocalc-url': unresolvable(cocalc.url, 'cocalc.proxied.test'), 'project-id': source, comment: 'true', 'github-token': TOKEN },
      env: {
        HTTP_PROXY: proxyUrl,
        GITHUB_API_URL: githubApi,
        GITHUB_GRAPHQL_URL: `${githubApi}/graphql`
      },
      eventName: 'pull_request',
      payload: pullRequestPayload(3)
    })
  }

  it('cocode mode: the session is created through the proxy', async () => {
    const cocode = await startCocodeEmulator({ username: 'teacher', password: 'cocode-Pa55word-proxy' })
    const workspace = await makeWorkspace({ 'notes/a.md': '# A\n', 'b.py': 'print(1)\n' })
    try {
      const result = await runAction({
        workspace,
        inputs: {
          mode: 'cocode',
          files: '**',
          'cocode-url': unresolvable(cocode.url, 'cocode.proxied.test'),
          'cocode-username': 'teacher',
          'cocode-password': 'cocode-Pa55word-proxy',
          comment: 'false'
        },
        env: { HTTP_PROXY: proxyUrl },
        timeoutMs: 30_000
      })
      expect(result.errors).toEqual([])
      expect(result.code).toBe(0)
      expect(cocode.state.sessionsCreated).toBe(1)
      expect(proxy.tunnels.map((tunnel) => tunnel.target)).toEqual([`cocode.proxied.test:${portOf(cocode.url)}`])
      expectNoSecrets(result, [PROXY_PASSWORD, PROXY_AUTHORIZATION, 'cocode-Pa55word-proxy'])
    } finally {
      await removeWorkspace(workspace)
      await cocode.close()
    }
  })

  it('a proxy that refuses the credentials (407) fails the step with one line, and nothing is reported as sent', async () => {
    const { source } = projectIds()
    const wrong = proxy.url.replace('//', `//${PROXY_USER}:not-the-password@`)
    const result = await runCocalc(
      cocalc,
      { 'notebooks/a.md': '# A\n' },
      {
        inputs: { 'cocalc-url': unresolvable(cocalc.url, 'cocalc.proxied.test'), 'project-id': source },
        env: { HTTP_PROXY: wrong },
        secrets: ['not-the-password']
      }
    )
    expectOneLineFailure(result, /^CoCalc \S+ \S+ failed: the proxy refused the credentials in HTTPS_PROXY \/ HTTP_PROXY \(HTTP 407\)$/)
    expect(result.outputs['file-count']).toBeUndefined()
    // Not asked again: other credentials will not appear by retrying.
    expect(proxy.tunnels).toHaveLength(1)
    expect(cocalc.readFile(source, 'course/notebooks/a.md')).toBeUndefined()
  })

  it('a proxy URL with a user name alone (a token) sends it, as the toolkit does', async () => {
    const tokenProxy = await startLoopbackProxy({ authorization: `Basic ${Buffer.from('tok3n-user:').toString('base64')}` })
    try {
      const { source } = projectIds()
      const result = await runCocalc(
        cocalc,
        { 'notebooks/a.md': '# A\n' },
        {
          inputs: { 'cocalc-url': unresolvable(cocalc.url, 'cocalc.proxied.test'), 'project-id': source },
          env: { HTTP_PROXY: tokenProxy.url.replace('//', '//tok3n-user@') },
          secrets: ['tok3n-user']
        }
      )
      expect(result.errors).toEqual([])
      expect(result.code).toBe(0)
      expect(tokenProxy.tunnels.length).toBeGreaterThan(0)
    } finally {
      await tokenProxy.close()
    }
  })

  it('loopback addresses go direct, as they do for the toolkit', async () => {
    const { source } = projectIds()
    const direct = await runCocalc(cocalc, { 'notebooks/a.md': '# A\n' }, { inputs: { 'project-id': source }, env: { HTTP_PROXY: proxyUrl } })
    expect(direct.code).toBe(0)
    expect(proxy.tunnels).toEqual([])
  })

  it('a host in NO_PROXY goes direct: here a name only the proxy could reach, so it fails without a tunnel', async () => {
    const { source } = projectIds()
    const result = await runCocalc(
      cocalc,
      { 'notebooks/a.md': '# A\n' },
      {
        inputs: { 'cocalc-url': unresolvable(cocalc.url, 'cocalc.proxied.test'), 'project-id': source },
        env: { HTTP_PROXY: proxyUrl, NO_PROXY: 'example.org, .proxied.test' }
      }
    )
    expectOneLineFailure(result, 'CoCalc POST /api/v2/projects/start failed after 5 attempts: host name not found')
    expect(proxy.tunnels).toEqual([])
  })

  describe('a broken proxy ends the step with one line, after a bounded number of tunnels', () => {
    let broken: LoopbackProxy
    afterEach(() => broken.close())

    async function cocodeThrough(fault: 'close' | 'hang', inputs: Record<string, string> = {}) {
      broken = await startLoopbackProxy({ fault })
      const workspace = await makeWorkspace({ 'b.py': 'print(1)\n' })
      try {
        return await runAction({
          workspace,
          inputs: {
            mode: 'cocode',
            files: '**',
            'cocode-url': 'http://cocode.proxied.test:65000',
            'cocode-username': 'teacher',
            'cocode-password': 'cocode-Pa55word-proxy',
            comment: 'false',
            ...inputs
          },
          env: { HTTP_PROXY: broken.url },
          timeoutMs: 50_000
        })
      } finally {
        await removeWorkspace(workspace)
      }
    }

    it('a proxy that closes every CONNECT: retried as not sent, then one line (undici alone reconnects forever)', async () => {
      const result = await cocodeThrough('close')
      expectOneLineFailure(
        result,
        /^cocode POST \/api\/session failed after 5 attempts: the proxy closed the connection instead of opening a tunnel(:|$)/
      )
      expect(broken.tunnels.length).toBeGreaterThanOrEqual(5)
      expect(broken.tunnels.length).toBeLessThanOrEqual(10)
    })

    it('a proxy that never answers CONNECT: each attempt ends within the request timeout, then one line', async () => {
      const result = await cocodeThrough('hang', { 'request-timeout': '2' })
      expectOneLineFailure(result, /^cocode POST \/api\/session failed after 5 attempts: the proxy did not answer instead of opening a tunnel(:|$)/)
      expect(broken.tunnels.length).toBeLessThanOrEqual(10)
    })

    it('the PR comment behind a proxy that closes every CONNECT: a warning, and the step still ends', async () => {
      broken = await startLoopbackProxy({ fault: 'close' })
      const cocode = await startCocodeEmulator({ username: 'teacher', password: 'cocode-Pa55word-proxy' })
      const workspace = await makeWorkspace({ 'b.py': 'print(1)\n' })
      try {
        const githubApi = 'http://api.github.proxied.test:65000'
        const result = await runAction({
          workspace,
          inputs: {
            mode: 'cocode',
            files: '**',
            'cocode-url': cocode.url,
            'cocode-username': 'teacher',
            'cocode-password': 'cocode-Pa55word-proxy',
            'github-token': TOKEN
          },
          env: { HTTP_PROXY: broken.url, GITHUB_API_URL: githubApi, GITHUB_GRAPHQL_URL: `${githubApi}/graphql` },
          eventName: 'pull_request',
          payload: pullRequestPayload(3),
          timeoutMs: 50_000
        })
        expect(result.code).toBe(0)
        expect(cocode.state.sessionsCreated).toBe(1)
        expect(result.warnings).toEqual([
          expect.stringMatching(
            /^Could not .*: the proxy \(HTTPS_PROXY \/ HTTP_PROXY\) closed the connection instead of opening a tunnel on the way to the GitHub API at http:\/\/api\.github\.proxied\.test:65000\. /
          )
        ])
        // Through the proxy indeed (a port fetch refuses, like 9, would never get there).
        expect(broken.tunnels.length).toBeGreaterThan(0)
        expect(broken.tunnels.length).toBeLessThanOrEqual(20)
      } finally {
        await removeWorkspace(workspace)
        await cocode.close()
      }
    })
  })
})
