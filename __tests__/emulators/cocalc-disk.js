// @ts-check
/**
 * The CoCalc emulator's projects on disk: every project's files live in a Map (path relative to
 * home → bytes and mtime) that writes through to a real folder, so that `exec` can run this
 * machine's real `bash` there (the very scripts the action sends, at their real cost). After a
 * command ends, the folder is scanned back into the Map, so what the command wrote, moved or
 * deleted is what the emulator's other endpoints see.
 *
 * How CoCalc runs a blocking exec (read in its source, 2026-07):
 * - src/packages/next/pages/api/v2/exec.ts passes the body to callProject (as `project_exec`);
 * - src/packages/server/projects/connection/handle-message.ts (callProjectMessage) waits
 *   `timeoutSeconds = 60` for the project's answer, then fails with TIMEOUT_CALLING_PROJECT,
 *   a plain string ("timeout", src/packages/util/consts/project.ts), so exec.ts's
 *   `{ error: `${err.message}` }` answers `{"error":"undefined"}`; the process itself goes on.
 * - API v1 (src/packages/hub/client.coffee at c7956b572e^, mesg_local_hub / project.call) sent
 *   the same string as the error: `{"event":"error","error":"timeout"}`.
 * Plain JavaScript, like the emulator.
 */
import { spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'

/**
 * @typedef {{ content: Buffer, mtime: number }} FileEntry
 * @typedef {{ stdout: string, stderr: string, exit_code: number }} ExecOutput
 */

/** A project's files: a Map whose writes also land in `dir`, and that can re-read `dir`. */
export class ProjectFiles extends Map {
  /** @param {string} dir */
  constructor(dir) {
    super()
    /** @type {string} */
    this.dir = dir
    /** What each file looked like on disk after we last wrote or read it: path → signature. */
    /** @type {Map<string, string>} */
    this.seen = new Map()
    fs.mkdirSync(dir, { recursive: true })
  }

  /**
   * @override
   * @param {string} rel
   * @param {FileEntry} entry
   */
  set(rel, entry) {
    super.set(rel, entry)
    // The Map's constructor calls set() before `dir` exists (never with entries here).
    if (this.dir === undefined) return this
    const full = path.join(this.dir, rel)
    try {
      clearWay(this.dir, rel)
      fs.mkdirSync(path.dirname(full), { recursive: true })
      fs.writeFileSync(full, entry.content)
      fs.utimesSync(full, entry.mtime / 1000, entry.mtime / 1000)
      this.seen.set(rel, signature(fs.lstatSync(full)))
    } catch {
      // A name the file system cannot hold (a file where a folder is needed): the Map keeps it.
    }
    return this
  }

  /**
   * @override
   * @param {string} rel
   */
  delete(rel) {
    const had = super.delete(rel)
    if (this.dir !== undefined) {
      fs.rmSync(path.join(this.dir, rel), { force: true })
      this.seen.delete(rel)
    }
    return had
  }

  /** Brings the Map up to date with the folder after a command changed it. */
  rescan() {
    /** @type {Set<string>} */
    const present = new Set()
    walk(this.dir, '', (rel, stats) => {
      present.add(rel)
      const sig = signature(stats)
      if (this.seen.get(rel) === sig && super.has(rel)) return
      const forget = () => {
        // Gone before anyone read it: from now on it is missing, as on a real disk.
        Map.prototype.delete.call(this, rel)
        this.seen.delete(rel)
      }
      super.set(rel, scannedEntry(path.join(this.dir, rel), Math.round(stats.mtimeMs), forget))
      this.seen.set(rel, sig)
    })
    for (const rel of [...super.keys()]) {
      if (!present.has(rel)) {
        super.delete(rel)
        this.seen.delete(rel)
      }
    }
  }
}

/**
 * A file a scan found: its bytes are read from the folder when first asked for, not during the
 * scan, as a real project reads its disk when asked. (Reading all of them after every exec cost
 * the emulator 0.2 s per 10,000 new files, which no real project spends.) A file gone before it
 * was read is forgotten at once (reads after that find it missing); the read that found it gone
 * gets no bytes.
 * @param {string} full
 * @param {number} mtime
 * @param {() => void} forget
 * @returns {FileEntry}
 */
function scannedEntry(full, mtime, forget) {
  /** @type {Buffer | undefined} */
  let content
  return {
    mtime,
    get content() {
      if (content === undefined) {
        try {
          content = fs.readFileSync(full)
        } catch {
          forget()
          return Buffer.alloc(0)
        }
      }
      return content
    },
    set content(value) {
      content = value
    }
  }
}

/**
 * Removes whatever stands in the way of writing `rel` (a file where a folder must go, or a folder
 * where the file must go), as a write in a real project would fail or replace.
 * @param {string} root
 * @param {string} rel
 */
function clearWay(root, rel) {
  const parts = rel.split('/')
  for (let i = 1; i < parts.length; i++) {
    const prefix = path.join(root, ...parts.slice(0, i))
    const stats = fs.lstatSync(prefix, { throwIfNoEntry: false })
    if (stats && !stats.isDirectory()) fs.rmSync(prefix, { force: true })
  }
  const stats = fs.lstatSync(path.join(root, rel), { throwIfNoEntry: false })
  if (stats?.isDirectory()) fs.rmSync(path.join(root, rel), { recursive: true, force: true })
}

/** @param {fs.Stats} stats */
function signature(stats) {
  return `${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}:${stats.ino}`
}

/**
 * Regular files under `dir` (symbolic links are not followed).
 * @param {string} dir
 * @param {string} prefix
 * @param {(rel: string, stats: fs.Stats) => void} visit
 */
function walk(dir, prefix, visit) {
  let names
  try {
    names = fs.readdirSync(path.join(dir, prefix))
  } catch {
    return
  }
  for (const name of names) {
    const rel = prefix === '' ? name : `${prefix}/${name}`
    const stats = fs.lstatSync(path.join(dir, rel), { throwIfNoEntry: false })
    if (stats?.isDirectory()) walk(dir, rel, visit)
    else if (stats?.isFile()) visit(rel, stats)
  }
}

/**
 * Runs `command args...` (or, with `bash`, `bash -c command`) in the project's folder, with the
 * project's folder as HOME. A process still running after `timeoutSeconds` is killed, and, as in
 * CoCalc, reports exit code 0 with the output it had made.
 * @param {ProjectFiles} files
 * @param {Record<string, unknown>} body
 * @param {number} defaultTimeoutSeconds
 * @param {AbortSignal} [signal] kills the command (the emulator closes)
 * @returns {Promise<ExecOutput | { error: string }>}
 */
export function runCommand(files, body, defaultTimeoutSeconds, signal) {
  const args = Array.isArray(body.args) ? body.args.map(String) : []
  if (typeof body.command !== 'string' || body.command === '') return Promise.resolve({ error: 'command must be given' })
  const cwd = path.resolve(files.dir, typeof body.path === 'string' ? body.path : '')
  if (cwd !== files.dir && !cwd.startsWith(`${files.dir}${path.sep}`)) return Promise.resolve({ error: 'path must be inside the project' })
  const [program, argv] = body.bash === true ? ['bash', ['-c', [body.command, ...args].join(' ')]] : [body.command, args]
  const seconds = typeof body.timeout === 'number' && body.timeout > 0 ? body.timeout : defaultTimeoutSeconds
  return new Promise((resolve) => {
    const child = spawn(program, argv, {
      cwd,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: files.dir, LANG: 'C.UTF-8' },
      stdio: ['ignore', 'pipe', 'pipe'],
      signal,
      killSignal: 'SIGKILL'
    })
    /** @type {Buffer[]} */
    const out = []
    /** @type {Buffer[]} */
    const err = []
    let killed = false
    const timer = setTimeout(() => {
      killed = true
      child.kill('SIGKILL')
    }, seconds * 1000)
    child.stdout.on('data', (chunk) => out.push(chunk))
    child.stderr.on('data', (chunk) => err.push(chunk))
    child.on('error', (error) => {
      clearTimeout(timer)
      if (error.name !== 'AbortError') resolve({ stdout: '', stderr: String(error.message), exit_code: 127 })
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      files.rescan()
      resolve({
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        // Killed by a signal (our timeout, or any other): CoCalc reports 0 and the partial output.
        exit_code: killed || code === null ? 0 : code
      })
    })
  })
}
