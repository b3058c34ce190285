// @ts-check
/**
 * Runs a built action entry (dist/index.js) the way the GitHub runner does: a child process on
 * the current Node, INPUT_* variables, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files and an event
 * payload file. Plain JavaScript, shared by the tests (through action.ts) and the scripts (the
 * local demo and the benchmark).
 */
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'

/**
 * @typedef {{
 *   entry: string,
 *   inputs: Record<string, string>,
 *   workspace: string,
 *   env?: Record<string, string | undefined>,
 *   eventName?: string,
 *   payload?: Record<string, unknown>,
 *   timeoutMs?: number,
 *   nodePath?: string,
 *   commandPrefix?: string[],
 *   onSpawn?: (child: import('node:child_process').ChildProcess) => void
 * }} ActionProcessRun
 * @typedef {{
 *   code: number | null,
 *   stdout: string,
 *   stderr: string,
 *   outputs: Record<string, string>,
 *   summary: string,
 *   errors: string[],
 *   warnings: string[]
 * }} ActionProcessResult
 */

/**
 * @param {ActionProcessRun} run
 * @returns {Promise<ActionProcessResult>}
 */
export async function runActionProcess(run) {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'action-run-'))
  try {
    const outputFile = path.join(scratch, 'output')
    const summaryFile = path.join(scratch, 'summary')
    const eventFile = path.join(scratch, 'event.json')
    await writeFile(outputFile, '')
    await writeFile(summaryFile, '')
    await writeFile(eventFile, JSON.stringify(run.payload ?? {}))
    /** @type {Record<string, string>} */
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? scratch,
      GITHUB_ACTIONS: 'true',
      GITHUB_REPOSITORY: 'octo-org/notebooks',
      GITHUB_REPOSITORY_OWNER: 'octo-org',
      GITHUB_SHA: 'abc1234def5678901234567890abcdef12345678',
      GITHUB_REF: 'refs/heads/main',
      GITHUB_WORKSPACE: run.workspace,
      GITHUB_RUN_ID: '4242',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_SERVER_URL: 'https://github.com',
      // Nothing listens on port 9: a run that forgets its GitHub fake fails fast, never online.
      GITHUB_API_URL: 'http://127.0.0.1:9',
      GITHUB_GRAPHQL_URL: 'http://127.0.0.1:9/graphql',
      GITHUB_EVENT_NAME: run.eventName ?? 'push',
      GITHUB_EVENT_PATH: eventFile,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      RUNNER_TEMP: scratch,
      RUNNER_OS: 'Linux'
    }
    for (const [name, value] of Object.entries(run.inputs)) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
    for (const [name, value] of Object.entries(run.env ?? {})) {
      if (value === undefined) delete env[name]
      else env[name] = value
    }
    // A prefix (e.g. setpriv) wraps the Node command: [...prefix, node, entry].
    const [command, ...args] = [...(run.commandPrefix ?? []), run.nodePath ?? process.execPath, run.entry]
    const { code, stdout, stderr } = await spawnBounded(command, args, env, run.timeoutMs ?? 60_000, run.onSpawn)
    return {
      code,
      stdout,
      stderr,
      outputs: parseOutputFile(await readFile(outputFile, 'utf8')),
      summary: await readFile(summaryFile, 'utf8'),
      errors: commandLines(stdout, 'error'),
      warnings: commandLines(stdout, 'warning')
    }
  } finally {
    await rm(scratch, { recursive: true, force: true })
  }
}

/**
 * @param {string} command
 * @param {string[]} args
 * @param {Record<string, string>} env
 * @param {number} timeoutMs
 * @param {((child: import('node:child_process').ChildProcess) => void) | undefined} onSpawn
 * @returns {Promise<{ code: number | null, stdout: string, stderr: string }>}
 */
function spawnBounded(command, args, env, timeoutMs, onSpawn) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    onSpawn?.(child)
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`the action did not finish within ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`))
    }, timeoutMs)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

/**
 * Parses the runner's `name<<DELIMITER ... DELIMITER` file format.
 * @param {string} text
 * @returns {Record<string, string>}
 */
export function parseOutputFile(text) {
  /** @type {Record<string, string>} */
  const outputs = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i])
    if (heredoc) {
      const [, name, delimiter] = heredoc
      /** @type {string[]} */
      const value = []
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i])
      outputs[name] = value.join('\n')
    } else if (lines[i].includes('=')) {
      const at = lines[i].indexOf('=')
      outputs[lines[i].slice(0, at)] = lines[i].slice(at + 1)
    }
  }
  return outputs
}

/**
 * The messages of `::command::` lines (e.g. errors and warnings the runner would annotate).
 * @param {string} stdout
 * @param {string} command
 */
function commandLines(stdout, command) {
  const prefix = `::${command}`
  return stdout
    .split('\n')
    .filter((line) => line.startsWith(prefix))
    .map((line) => line.slice(line.indexOf('::', prefix.length) + 2))
}
