#!/usr/bin/env node
// Starts the project's loopback emulators of cocode, CoCalc and the GitHub API and keeps them
// running until Ctrl-C, printing every request they receive. Use them to try the action, or a
// workflow of your own, without touching a real server: point `cocode-url`, `cocalc-url` and
// GITHUB_API_URL at the addresses printed below. Nothing listens beyond 127.0.0.1.
//
//   npm run emulators
//   npm run emulators -- --cocode-port 8081 --cocalc-port 8082 --github-port 8083 --latency 20
//   npm run emulators -- --project <uuid> --project <uuid>     extra CoCalc projects
import { parseOptions } from './cli.mjs'
import { startCocodeEmulator } from '../__tests__/emulators/cocode.js'
import { DEFAULT_API_KEY, startCocalcEmulator } from '../__tests__/emulators/cocalc.js'
import { startGitHubEmulator } from '../__tests__/emulators/github.js'

const USAGE = `Usage: npm run emulators -- [options]

Starts loopback emulators of cocode, CoCalc and the GitHub API until Ctrl-C or SIGTERM.

  --cocode-port N   port of the cocode emulator (default 0: any free port)
  --cocalc-port N   port of the CoCalc emulator (API v2 and v1; default 0)
  --github-port N   port of the GitHub API emulator (default 0)
  --latency MS      delay added to every CoCalc request (default 0)
  --copy-delay MS   how long a CoCalc copy takes (default 500)
  --project UUID    an extra CoCalc project (repeatable)
  -h, --help        this text`

const args = parseOptions(
  {
    'cocode-port': { type: 'string', default: '0' },
    'cocalc-port': { type: 'string', default: '0' },
    'github-port': { type: 'string', default: '0' },
    latency: { type: 'string', default: '0' },
    'copy-delay': { type: 'string', default: '500' },
    project: { type: 'string', multiple: true, default: [] }
  },
  USAGE
)

const COCODE_USER = { username: 'demo-user', password: 'demo-password' }
const PROJECTS = [
  '0b2e6b5f-2c2f-4b86-9a7e-1f0f3c1f5a10',
  '5d6ee8a1-8f3c-4f1e-9d0b-2c5b8a7e6f41',
  '9a1c4b2d-3e5f-4a6b-8c7d-0e1f2a3b4c5d',
  ...args.project
]
const GITHUB_TOKEN = 'ghs_emulatorToken0000000000000000000000'
const REPOSITORY = 'octo-org/notebooks'
const PR_NUMBER = 7

const port = (name) => {
  const value = Number(args[name])
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    console.error(`--${name} must be a port number (0 takes any free port), not '${args[name]}'`)
    process.exit(2)
  }
  return value
}

const cocode = await startCocodeEmulator({ ...COCODE_USER, port: port('cocode-port') })
const cocalc = await startCocalcEmulator({
  projects: PROJECTS,
  latencyMs: Number(args.latency) || 0,
  copyDelayMs: Number(args['copy-delay']) || 0,
  port: port('cocalc-port')
})
const github = await startGitHubEmulator({
  repository: REPOSITORY,
  tokens: { [GITHUB_TOKEN]: { login: 'github-actions[bot]', type: 'Bot', write: true } },
  pullRequests: [{ number: PR_NUMBER, head: { ref: 'feature', sha: 'abc1234def5678901234567890abcdef12345678' } }],
  port: port('github-port')
})

console.log(`cocode  ${cocode.url}
        cocode-url: ${cocode.url}
        cocode-username: ${COCODE_USER.username}
        cocode-password: ${COCODE_USER.password}

CoCalc  ${cocalc.url}   (API v2 and v1 on the same port)
        cocalc-url: ${cocalc.url}
        cocalc-api-key: ${DEFAULT_API_KEY}
        projects: ${PROJECTS.join(', ')}

GitHub  ${github.url}
        GITHUB_API_URL=${github.url}
        github-token: ${GITHUB_TOKEN}
        repository ${REPOSITORY}, open pull request #${PR_NUMBER}

These are test credentials of the emulators, not secrets. Ctrl-C stops them.
`)

// Print each request once, as it arrives.
const seen = { cocode: 0, cocalc: 0, github: 0 }
const describe = {
  cocode: (r) => `${r.method} ${r.path} → ${r.outcome}${r.session ? ` (${r.session.Files.length} file(s))` : ''}`,
  cocalc: (r) => `${r.method} ${r.endpoint}${r.fileName ? ` ${r.fileName}` : ''} → ${r.status ?? '…'}`,
  github: (r) => `${r.method} ${r.path} → ${r.status}`
}
const timer = setInterval(() => {
  for (const [name, emulator] of Object.entries({ cocode, cocalc, github })) {
    const requests = emulator.state.requests
    for (; seen[name] < requests.length; seen[name]++) console.log(`[${name}] ${describe[name](requests[seen[name]])}`)
  }
}, 200)

let stopping = false
const stop = async (why) => {
  if (stopping) return
  stopping = true
  clearInterval(timer)
  clearInterval(orphanCheck)
  console.log(`Stopping the emulators (${why})`)
  // If a close hangs, exit anyway: the sockets close with the process.
  setTimeout(() => process.exit(0), 2000).unref()
  await Promise.all([cocode.close(), cocalc.close(), github.close()])
  process.exit(0)
}
process.on('SIGINT', () => stop('SIGINT'))
process.on('SIGTERM', () => stop('SIGTERM'))
process.on('SIGHUP', () => stop('SIGHUP'))
// `npm run emulators` execs this process in npm's place (package.json: `exec node …`), so npm's
// SIGINT or SIGTERM reaches it. Should its parent die without a signal (kill -9 of npm), it is
// re-parented: stop then too, rather than keep listening with nobody to stop it.
const parent = process.ppid
const orphanCheck = setInterval(() => {
  if (process.ppid !== parent) stop('the process that started it ended')
}, 250)
