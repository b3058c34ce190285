/**
 * Runs the built action (dist/index.js) the way the GitHub runner does: a child process on this
 * Node (24 under `npm test`), INPUT_* variables, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files and an
 * event payload file. Set ACTION_ENTRY to run another build (e.g. a private one while developing).
 */
import { spawn } from 'node:child_process'
import { mkdtemp, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
export const actionEntry = process.env.ACTION_ENTRY ? path.resolve(process.env.ACTION_ENTRY) : path.join(repoRoot, 'dist', 'index.js')

export interface ActionRun {
  inputs: Record<string, string>
  /** Folder with the repository's files (GITHUB_WORKSPACE). */
  workspace: string
  /** Extra or overriding environment variables. */
  env?: Record<string, string | undefined>
  eventName?: string
  payload?: Record<string, unknown>
  /** Kill the child after this long (every test run is bounded). */
  timeoutMs?: number
}

export interface ActionResult {
  code: number | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  /** Lines the runner would show as errors (`::error::`). */
  errors: string[]
  warnings: string[]
}

export async function runAction(run: ActionRun): Promise<ActionResult> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'action-run-'))
  try {
    const outputFile = path.join(scratch, 'output')
    const summaryFile = path.join(scratch, 'summary')
    const eventFile = path.join(scratch, 'event.json')
    await writeFile(outputFile, '')
    await writeFile(summaryFile, '')
    await writeFile(eventFile, JSON.stringify(run.payload ?? {}))
    const env: Record<string, string> = {
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
      // Nothing listens on port 9: a test that forgets its GitHub fake fails fast, never online.
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
    const { code, stdout, stderr } = await spawnBounded(process.execPath, [actionEntry], env, run.timeoutMs ?? 60_000)
    const outputs = parseOutputFile(await readFile(outputFile, 'utf8'))
    const summary = await readFile(summaryFile, 'utf8')
    return {
      code,
      stdout,
      stderr,
      outputs,
      summary,
      errors: commandLines(stdout, 'error'),
      warnings: commandLines(stdout, 'warning')
    }
  } finally {
    await rm(scratch, { recursive: true, force: true })
  }
}

function spawnBounded(
  command: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs: number
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
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

/** Parses the runner's `name<<DELIMITER ... DELIMITER` file format. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i])
    if (heredoc) {
      const [, name, delimiter] = heredoc
      const value: string[] = []
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i])
      outputs[name] = value.join('\n')
    } else if (lines[i].includes('=')) {
      const at = lines[i].indexOf('=')
      outputs[lines[i].slice(0, at)] = lines[i].slice(at + 1)
    }
  }
  return outputs
}

function commandLines(stdout: string, command: string): string[] {
  const prefix = `::${command}`
  return stdout
    .split('\n')
    .filter((line) => line.startsWith(prefix))
    .map((line) => line.slice(line.indexOf('::', prefix.length) + 2))
}

/** A temporary workspace holding `files` (name → content; a `{ link }` entry is a symbolic link). */
export async function makeWorkspace(files: Record<string, string | Buffer | { link: string }>): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'action-ws-'))
  for (const [name, content] of Object.entries(files)) {
    const target = path.join(root, name)
    await mkdir(path.dirname(target), { recursive: true })
    if (typeof content === 'object' && !Buffer.isBuffer(content)) await symlink(content.link, target)
    else await writeFile(target, content)
  }
  return root
}

export async function removeWorkspace(root: string): Promise<void> {
  await rm(root, { recursive: true, force: true })
}
