#!/usr/bin/env node
// Benchmark: runs the built action (dist/index.js) against the loopback emulators with an injected
// per-request latency and prints one figure per line. It measures; it asserts nothing. The CoCalc
// emulator runs every exec with this machine's real bash in a folder mirroring the project, so
// the hash checks cost what they cost on a project (one sha256sum per batch of files).
//
//   npm run bench                      all figures
//   npm run bench -- --files 200       a smaller push (quicker, for a look while developing)
//
// Figures:
//   (a) 1,000 small files (1-4 KB) pushed with cocalc API v2 at 20 ms latency: wall time, HTTP
//       requests, and the ratio to the ideal bound (requests / concurrency x latency); the same
//       push one request at a time (concurrency 1) for the speed-up
//   (b) the same push again with no file changed; the exec (hash) requests of each push, and the
//       time the emulated project spent running them
//   (c) cold start: a dry run of 10 files against `node -e 0` on the same Node
//   (d) the size of dist/
//   (e) peak memory of a cocode session holding 40 MiB of text
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { runActionProcess } from '../__tests__/helpers/run-action.js'
import { DEFAULT_API_KEY, startCocalcEmulator } from '../__tests__/emulators/cocalc.js'
import { startCocodeEmulator } from '../__tests__/emulators/cocode.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const entry = process.env.ACTION_ENTRY ? path.resolve(process.env.ACTION_ENTRY) : path.join(root, 'dist', 'index.js')
const { values: args } = parseArgs({
  options: {
    files: { type: 'string', default: '1000' },
    latency: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '8' },
    'cocode-mib': { type: 'string', default: '40' },
    'skip-sequential': { type: 'boolean', default: false }
  }
})
const FILE_COUNT = Number(args.files)
const LATENCY_MS = Number(args.latency)
const CONCURRENCY = Number(args.concurrency)
const PROJECT = '0b2e6b5f-2c2f-4b86-9a7e-1f0f3c1f5a10'

console.log(`# node ${process.version}, ${os.cpus().length} cores, ${os.platform()} ${os.arch()}`)

// (a) and (b)
const workspace = await makeSmallFiles(FILE_COUNT)
try {
  const cocalc = await startCocalcEmulator({ projects: [PROJECT], latencyMs: LATENCY_MS })
  try {
    const push = (concurrency, target) => measurePush(cocalc, workspace, concurrency, target)
    const first = await push(CONCURRENCY, 'bench')
    const ideal = (first.requests / CONCURRENCY) * LATENCY_MS
    line(`push ${FILE_COUNT} files (cocalc v2, ${LATENCY_MS} ms latency, concurrency ${CONCURRENCY}): wall time`, first.ms, 'ms')
    line('push: HTTP requests', first.requests)
    line('push: ideal bound (requests / concurrency x latency)', Math.round(ideal), 'ms')
    line('push: ratio to ideal bound', (first.ms / ideal).toFixed(2), 'x')
    line('push: exec requests (hash before and after, real bash)', first.execs)
    line('push: time the project spent in those execs', first.execMs, 'ms')
    const again = await push(CONCURRENCY, 'bench')
    line(`re-run with no file changed: wall time`, again.ms, 'ms')
    line('re-run: HTTP requests', again.requests)
    line('re-run: time the project spent in its exec', again.execMs, 'ms')
    if (!args['skip-sequential']) {
      const sequential = await push(1, 'bench-sequential')
      line('push one request at a time (concurrency 1): wall time', sequential.ms, 'ms')
      line('speed-up of concurrency over one at a time', (sequential.ms / first.ms).toFixed(1), 'x')
    }
  } finally {
    await cocalc.close()
  }
} finally {
  await rm(workspace, { recursive: true, force: true })
}

// (c) cold start
const tenFiles = await makeSmallFiles(10)
try {
  const bare = await medianMs(() => timeProcess(process.execPath, ['-e', '0']))
  const dry = await medianMs(async () => {
    const started = performance.now()
    const result = await runActionProcess({
      entry,
      workspace: tenFiles,
      inputs: { mode: 'cocode', files: '**', 'dry-run': 'true', comment: 'false' }
    })
    if (result.code !== 0) throw new Error(`dry run failed:\n${result.stdout}${result.stderr}`)
    return performance.now() - started
  })
  line('cold start: node -e 0 (median of 7)', Math.round(bare), 'ms')
  line('cold start: dry run of 10 files (median of 7)', Math.round(dry), 'ms')
  line('cold start: overhead over node -e 0', Math.round(dry - bare), 'ms')
} finally {
  await rm(tenFiles, { recursive: true, force: true })
}

// (d) dist size
line(`${path.relative(root, entry)} size`, (statSync(entry).size / 1024).toFixed(0), 'KiB')
// The folder of the entry measured (dist/, or a private build named by ACTION_ENTRY).
const distDir = path.dirname(entry)
const distBytes = readdirSync(distDir).reduce((sum, name) => sum + statSync(path.join(distDir, name)).size, 0)
line(`${path.relative(root, distDir) || '.'}/ total size (with source map and licences)`, (distBytes / 1024).toFixed(0), 'KiB')

// (e) cocode memory
const mib = Number(args['cocode-mib'])
const bigText = await makeBigText(mib)
try {
  const cocode = await startCocodeEmulator({ username: 'bench', password: 'bench-password' })
  try {
    const inputs = {
      mode: 'cocode',
      files: '**',
      comment: 'false',
      'max-file-size': '1GiB',
      'cocode-url': cocode.url,
      'cocode-username': 'bench',
      'cocode-password': 'bench-password'
    }
    const baseline = await peakRss({ ...inputs, 'dry-run': 'true' }, bigText)
    const peak = await peakRss(inputs, bigText)
    if (cocode.state.sessionsCreated !== 1) throw new Error('the cocode session was not created')
    line(`cocode session of ${mib} MiB of text: peak RSS`, (peak / 1024 ** 2).toFixed(0), 'MiB')
    line('cocode: peak RSS of the dry run of the same files', (baseline / 1024 ** 2).toFixed(0), 'MiB')
    line('cocode: (peak - dry run) / payload', ((peak - baseline) / (mib * 1024 ** 2)).toFixed(2), 'x')
  } finally {
    await cocode.close()
  }
} finally {
  await rm(bigText, { recursive: true, force: true })
}

function line(label, value, unit = '') {
  console.log(`${label}: ${value}${unit ? ` ${unit}` : ''}`)
}

async function measurePush(cocalc, workspace, concurrency, target) {
  const before = cocalc.state.requests.length
  const started = performance.now()
  const result = await runActionProcess({
    entry,
    workspace,
    timeoutMs: 600_000,
    inputs: {
      mode: 'cocalc',
      files: '**',
      comment: 'false',
      'cocalc-url': cocalc.url,
      'cocalc-api-key': DEFAULT_API_KEY,
      'project-id': PROJECT,
      path: target,
      concurrency: String(concurrency)
    }
  })
  const ms = Math.round(performance.now() - started)
  // file-count is the files sent: every file on the first push, none on an unchanged re-run.
  if (result.code !== 0 || !/^\d+$/.test(result.outputs['file-count'] ?? '')) {
    throw new Error(`the push failed (exit ${result.code}):\n${result.stdout.slice(-3000)}${result.stderr}`)
  }
  const requests = cocalc.state.requests.slice(before)
  const execs = requests.filter((request) => request.endpoint === 'exec')
  return { ms, requests: requests.length, execs: execs.length, execMs: execs.reduce((sum, request) => sum + (request.ms ?? 0), 0) }
}

async function makeSmallFiles(count) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-files-'))
  for (let i = 0; i < count; i++) {
    const folder = path.join(dir, `week-${String(i % 20).padStart(2, '0')}`)
    await mkdir(folder, { recursive: true })
    const size = 1024 + ((i * 2654435761) % 3072)
    await writeFile(path.join(folder, `cell-${String(i).padStart(4, '0')}.py`), randomBytes(size).toString('base64').slice(0, size))
  }
  return dir
}

async function makeBigText(mib) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-text-'))
  const perFile = 4
  const lineText = 'x = "a line of code with \\"quotes\\" and an accent: é"\n'
  const block = lineText.repeat(Math.ceil((perFile * 1024 ** 2) / Buffer.byteLength(lineText)))
  const content = Buffer.from(block).subarray(0, perFile * 1024 ** 2)
  for (let i = 0; i < Math.ceil(mib / perFile); i++) await writeFile(path.join(dir, `big-${i}.py`), content.subarray(0, content.lastIndexOf(10) + 1))
  return dir
}

/** Runs the action and samples the child's VmHWM (Linux's resident high-water mark). */
async function peakRss(inputs, workspace) {
  let peak = 0
  const sampler = (pid) => {
    try {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
      if (match) peak = Math.max(peak, Number(match[1]) * 1024)
    } catch {
      // the process has ended
    }
  }
  const result = await runActionProcess({ entry, workspace, inputs, timeoutMs: 300_000, onSpawn: (child) => startSampling(child, sampler) })
  if (result.code !== 0) throw new Error(`the cocode run failed:\n${result.stdout.slice(-2000)}${result.stderr}`)
  return peak
}

function startSampling(child, sample) {
  const timer = setInterval(() => sample(child.pid), 10)
  child.once('exit', () => clearInterval(timer))
}

function timeProcess(command, commandArgs) {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(command, commandArgs, { stdio: 'ignore' })
    child.on('error', reject)
    child.on('close', () => resolve(performance.now() - started))
  })
}

async function medianMs(measure) {
  const samples = []
  for (let i = 0; i < 7; i++) samples.push(await measure())
  samples.sort((a, b) => a - b)
  return samples[3]
}
