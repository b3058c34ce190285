/**
 * The contributor scripts: `npm run demo -- --help` prints usage (no stack trace), and stopping
 * `npm run emulators` with SIGINT or SIGTERM, sent to npm itself, leaves no emulator listening.
 */
import { describe, expect, it } from '@jest/globals'
import { spawn, spawnSync } from 'node:child_process'
import { connect } from 'node:net'
import * as path from 'node:path'
import { repoRoot } from '../helpers/action.js'

const script = (name: string): string => path.join(repoRoot, 'scripts', name)

/** npm as the tests were started with it (npm test), else the one on PATH. */
function npmCommand(args: string[]): [string, string[]] {
  const npmCli = process.env.npm_execpath
  return npmCli && npmCli.endsWith('.js') ? [process.execPath, [npmCli, ...args]] : ['npm', args]
}

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(false)
    })
    socket.once('error', () => resolve(true))
  })
}

describe('npm run demo / emulators options', () => {
  it.each([
    ['local-run.mjs', 'Usage: npm run demo'],
    ['emulators.mjs', 'Usage: npm run emulators']
  ])('%s --help prints usage and exits 0', (name, usage) => {
    const result = spawnSync(process.execPath, [script(name), '--help'], { cwd: repoRoot, encoding: 'utf8', timeout: 20_000 })
    expect(result.status).toBe(0)
    expect(result.stdout).toContain(usage)
    expect(result.stderr).toBe('')
  })

  it.each(['local-run.mjs', 'emulators.mjs'])('%s refuses an unknown option with one line and the usage, no stack trace', (name) => {
    const result = spawnSync(process.execPath, [script(name), '--no-such-option'], { cwd: repoRoot, encoding: 'utf8', timeout: 20_000 })
    expect(result.status).toBe(2)
    expect(result.stderr.split('\n')[0]).toBe("Unknown option '--no-such-option'")
    expect(result.stderr).toContain('Usage:')
    expect(result.stderr).not.toMatch(/\n\s+at /)
  })
})

describe('npm run emulators', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('stops listening when npm gets %s', async (signal) => {
    const [command, args] = npmCommand(['run', 'emulators', '--silent'])
    // Its own process group, so that the cleanup below can end npm and everything it started.
    const child = spawn(command, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    const exited = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 10_000)
      child.once('exit', () => {
        clearTimeout(timer)
        resolve(true)
      })
    })
    try {
      let output = ''
      const urls = await new Promise<string[]>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the emulators did not start: ${output}`)), 20_000)
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString()
          if (output.includes('Ctrl-C stops them')) {
            clearTimeout(timer)
            resolve([...output.matchAll(/^(?:cocode|CoCalc|GitHub)\s+(http:\/\/127\.0\.0\.1:\d+)/gm)].map((match) => match[1]))
          }
        })
      })
      expect(urls).toHaveLength(3)
      const ports = urls.map((url) => Number(new URL(url).port))
      expect(await Promise.all(ports.map(refusesConnections))).toEqual([false, false, false])

      child.kill(signal)
      expect(await exited).toBe(true)
      // The emulators' process may outlive npm by a moment: poll, bounded.
      let closed: boolean[] = []
      for (let attempt = 0; attempt < 50; attempt++) {
        closed = await Promise.all(ports.map(refusesConnections))
        if (closed.every(Boolean)) break
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      expect(closed).toEqual([true, true, true])
    } finally {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL')
      } catch {
        // The group is gone already: nothing left to stop.
      }
    }
  })
})
