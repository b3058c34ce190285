#!/usr/bin/env node
// Runs the action end to end on this machine, against the project's own loopback emulators of
// cocode, CoCalc and GitHub (nothing leaves 127.0.0.1), and prints what it wrote: its log, its
// step outputs, its job summary, the PR comment, and what arrived at the servers.
//
//   npm run demo                  the committed dist/index.js, both modes
//   npm run local                 builds src/ first (to .tmp/local-dist), then the same
//   npm run demo -- --mode cocalc one mode only (cocode | cocalc | all)
//   npm run demo -- --env FILE    extra INPUT_* / GITHUB_* settings (default: .env when present;
//                                 see .env.example)
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseOptions } from './cli.mjs'
import { runActionProcess } from '../__tests__/helpers/run-action.js'
import { startCocodeEmulator } from '../__tests__/emulators/cocode.js'
import { DEFAULT_API_KEY, startCocalcEmulator } from '../__tests__/emulators/cocalc.js'
import { startGitHubEmulator } from '../__tests__/emulators/github.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const USAGE = `Usage: npm run demo -- [options]     (npm run local: the same, built from src/ first)

Runs the action end to end against loopback emulators of cocode, CoCalc and GitHub, and prints
its log, step outputs, job summary, the PR comment and what arrived at the servers.

  --mode MODE     cocode, cocalc or all (default: all)
  --env FILE      extra INPUT_* / GITHUB_* settings, one KEY=VALUE a line
                  (default: .env when present; see .env.example)
  --from-source   build src/ into .tmp/local-dist first and run that (what npm run local does)
  -h, --help      this text`

const args = parseOptions(
  {
    mode: { type: 'string', default: 'all' },
    env: { type: 'string' },
    'from-source': { type: 'boolean', default: false }
  },
  USAGE
)
if (!['all', 'cocode', 'cocalc'].includes(args.mode)) {
  console.error(`--mode must be cocode, cocalc or all (got '${args.mode}')\n\n${USAGE}`)
  process.exit(2)
}
if (args.env && !existsSync(args.env)) {
  console.error(`--env: no such file: ${args.env}`)
  process.exit(2)
}

const SOURCE_PROJECT = '0b2e6b5f-2c2f-4b86-9a7e-1f0f3c1f5a10'
const TARGETS = ['5d6ee8a1-8f3c-4f1e-9d0b-2c5b8a7e6f41', '9a1c4b2d-3e5f-4a6b-8c7d-0e1f2a3b4c5d']
const GITHUB_TOKEN = 'ghs_demoToken000000000000000000000000'
const PR_NUMBER = 7

const entry = args['from-source'] ? buildFromSource() : path.join(root, 'dist', 'index.js')
const overrides = readEnvFile(args.env ?? (existsSync(path.join(root, '.env')) ? path.join(root, '.env') : undefined))

const cocode = await startCocodeEmulator({ username: 'demo-user', password: 'demo-password' })
const cocalc = await startCocalcEmulator({ projects: [SOURCE_PROJECT, ...TARGETS], copyDelayMs: 300 })
const github = await startGitHubEmulator({
  repository: 'octo-org/notebooks',
  tokens: { [GITHUB_TOKEN]: { login: 'github-actions[bot]', type: 'Bot', write: true } },
  pullRequests: [{ number: PR_NUMBER, head: { ref: 'add-notebooks', sha: 'abc1234def5678901234567890abcdef12345678' } }]
})
const workspace = await makeDemoWorkspace()

let failed = false
try {
  if (args.mode !== 'cocalc') {
    failed =
      (await runAndShow('cocode', {
        mode: 'cocode',
        files: 'notebooks/**\nREADME.md\nimages/**',
        'cocode-url': cocode.url,
        'cocode-username': 'demo-user',
        'cocode-password': 'demo-password'
      })) || failed
    const session = cocode.state.sessions.at(-1)
    if (session) {
      heading('What the cocode server received')
      console.log(`Description: ${session.description}`)
      for (const file of session.files) console.log(`  ${file.Filename} (${Buffer.byteLength(file.Content)} bytes)`)
    }
  }
  if (args.mode !== 'cocode') {
    failed =
      (await runAndShow('cocalc', {
        mode: 'cocalc',
        files: 'notebooks/**\ndata/**\nimages/**',
        'cocalc-url': cocalc.url,
        'cocalc-api-key': DEFAULT_API_KEY,
        'project-id': SOURCE_PROJECT,
        path: 'course/week-1',
        'target-project-id': TARGETS.join('\n'),
        'target-path': 'handouts/week-1',
        timeout: '30'
      })) || failed
    heading('What the CoCalc projects hold')
    for (const id of [SOURCE_PROJECT, ...TARGETS]) {
      console.log(`${id}${id === SOURCE_PROJECT ? ' (source)' : ' (target)'}`)
      for (const file of cocalc.listFiles(id)) console.log(`  ${file} (${cocalc.readFile(id, file)?.length} bytes)`)
    }
  }
  heading(`Comments on pull request #${PR_NUMBER}`)
  const comments = github.commentsOf(PR_NUMBER)
  if (comments.length === 0) console.log('(none)')
  for (const comment of comments) {
    console.log(`--- comment ${comment.id} by ${comment.user.login} (${comment.html_url})`)
    console.log(comment.body)
  }
} finally {
  await Promise.all([cocode.close(), cocalc.close(), github.close()])
  await rm(workspace, { recursive: true, force: true })
}
console.log(failed ? '\nThe demo run FAILED (see the log above).' : '\nThe demo ran end to end.')
process.exit(failed ? 1 : 0)

/** Runs one mode as a pull_request event and prints log, outputs and summary. Returns true on failure. */
async function runAndShow(title, inputs) {
  heading(`Running the action: mode ${title} (${path.relative(root, entry)})`)
  const result = await runActionProcess({
    entry,
    inputs: { 'github-token': GITHUB_TOKEN, ...inputs, ...overrides.inputs },
    workspace,
    eventName: 'pull_request',
    payload: pullRequestPayload(),
    env: { GITHUB_API_URL: github.url, GITHUB_GRAPHQL_URL: github.graphqlUrl, ...overrides.env },
    timeoutMs: 120_000
  })
  process.stdout.write(result.stdout)
  if (result.stderr) process.stdout.write(result.stderr)
  heading(`Step outputs (${title})`)
  for (const [name, value] of Object.entries(result.outputs)) console.log(`${name}=${value}`)
  heading(`Job summary (${title})`)
  console.log(result.summary.trim() || '(empty)')
  console.log(`\nexit code: ${result.code}`)
  return result.code !== 0
}

function pullRequestPayload() {
  const repo = { full_name: 'octo-org/notebooks', fork: false }
  return {
    action: 'synchronize',
    number: PR_NUMBER,
    pull_request: {
      number: PR_NUMBER,
      title: 'Add week 1 notebooks',
      head: { sha: 'abc1234def5678901234567890abcdef12345678', ref: 'add-notebooks', repo },
      base: { sha: '0000000000000000000000000000000000000000', ref: 'main', repo }
    },
    repository: repo
  }
}

async function makeDemoWorkspace() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'demo-workspace-'))
  const notebook = {
    cells: [
      { cell_type: 'markdown', metadata: {}, source: ['# Week 1: \u00e9chantillons & "quotes"\n'] },
      { cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: ['print("hello, CoCalc")\n'] }
    ],
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
    nbformat: 4,
    nbformat_minor: 5
  }
  // A tiny PNG: binary content, which cocode leaves out and CoCalc stores byte for byte.
  const png = Buffer.from(
    '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
      '1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e2a8b3a90000000049454e44ae426082',
    'hex'
  )
  const files = {
    'README.md': '# Demo course\n\nNotebooks for week 1.\n',
    'notebooks/week-1/intro.ipynb': `${JSON.stringify(notebook, null, 1)}\n`,
    'notebooks/week-1/solutions.py': 'def answer():\r\n    return 42\r\n',
    'data/measurements.csv': 'day,value\n1,3.5\n2,4.25\n',
    'images/logo.png': png
  }
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true })
    await writeFile(path.join(dir, name), content)
  }
  return dir
}

function buildFromSource() {
  const out = path.join(root, '.tmp', 'local-dist')
  console.log('Building src/ into .tmp/local-dist ...')
  execFileSync(
    process.execPath,
    [path.join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js'), 'build', 'src/index.ts', '-o', out, '--quiet'],
    {
      cwd: root,
      stdio: 'inherit'
    }
  )
  return path.join(out, 'index.js')
}

/** KEY=VALUE lines; INPUT_NAME keys become inputs (name lower-cased), others environment variables. */
function readEnvFile(file) {
  const result = { inputs: {}, env: {} }
  if (!file) return result
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const match = /^\s*([A-Za-z_][\w-]*)\s*=\s*(.*?)\s*$/.exec(line)
    if (!match || line.trimStart().startsWith('#')) continue
    const value = match[2].replace(/^(['"])(.*)\1$/, '$2').replace(/\\n/g, '\n')
    if (match[1].startsWith('INPUT_')) result.inputs[match[1].slice('INPUT_'.length).toLowerCase()] = value
    else result.env[match[1]] = value
  }
  console.log(
    `Settings from ${path.relative(root, file)}: ${[...Object.keys(result.inputs).map((k) => `input ${k}`), ...Object.keys(result.env)].join(', ') || 'none'}`
  )
  return result
}

function heading(text) {
  console.log(`\n===== ${text} =====`)
}
