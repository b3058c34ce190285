/**
 * Where files may be published from. A pull request can turn the `working-directory` folder into
 * a symbolic link (to `.git`, to `..`, to `/`, or into RUNNER_TEMP, where actions/checkout keeps
 * the token in `git-credentials-*.config`). So the folder is judged twice: the path as given names
 * its root (the workspace or RUNNER_TEMP), and its real path, links resolved, must lie inside that
 * same root. Neither may be in a hidden folder (`.git` holds the checkout's token), whatever
 * `include-hidden-files` says. Checked before any request; a refusal names the input.
 */
import * as fs from 'node:fs/promises'
import * as path from 'node:path'
import { InputError, errorMessage } from './errors.js'
import { Input } from './inputs.js'
import { isGitPath, isHiddenPath, toPosix } from './files.js'

export interface TrustedRoots {
  /** GITHUB_WORKSPACE (or the current folder outside Actions). */
  workspace: string
  /** RUNNER_TEMP, when set. */
  runnerTemp: string | undefined
}

/** The checked folders, links resolved. */
export interface CheckedFolders {
  /** The working directory's real path. */
  workingDirectory: string
  /** The workspace's real path. */
  workspace: string
}

export function trustedRootsOf(env: NodeJS.ProcessEnv = process.env): TrustedRoots {
  return { workspace: env.GITHUB_WORKSPACE || process.cwd(), runnerTemp: env.RUNNER_TEMP || undefined }
}

interface Root {
  name: string
  /** As configured, and links resolved: a path given under either lies in this root. */
  given: string
  real: string
}

/** Resolves `workingDirectory` (absolute) and returns its real path and the workspace's, or throws an InputError. */
export async function checkWorkingDirectory(workingDirectory: string, roots: TrustedRoots): Promise<CheckedFolders> {
  const real = await realPathOf(workingDirectory)
  const workspace = await realPathOf(roots.workspace, 'GITHUB_WORKSPACE')
  const candidates: Root[] = [{ name: 'the workspace (GITHUB_WORKSPACE)', given: path.resolve(roots.workspace), real: workspace }]
  const temp = roots.runnerTemp ? await fs.realpath(roots.runnerTemp).catch(() => undefined) : undefined
  if (roots.runnerTemp && temp) candidates.push({ name: 'RUNNER_TEMP', given: path.resolve(roots.runnerTemp), real: temp })
  const shown = `'${workingDirectory}'${real === workingDirectory ? '' : ` (really ${real})`}`

  const named = rootNaming(workingDirectory, candidates)
  if (!named) throw new InputError(Input.WorkingDirectory, `${shown} is outside the workspace and RUNNER_TEMP: publish from a folder of the checkout`)
  const { root, relative: givenRelative } = named
  // A folder named in one root must really be there: a link may not lead from the workspace into RUNNER_TEMP (or back).
  if (!isInsideOrSame(root.real, real)) {
    throw new InputError(Input.WorkingDirectory, `${shown} is a link out of ${root.name}, which is never followed: publish from a real folder of it`)
  }
  const realRelative = toPosix(path.relative(root.real, real))
  for (const relative of [givenRelative, realRelative]) {
    if (isGitPath(relative)) throw new InputError(Input.WorkingDirectory, `${shown} is inside .git/, which is never published`)
    if (isHiddenPath(relative)) {
      throw new InputError(
        Input.WorkingDirectory,
        `${shown} is inside a hidden folder of ${root.name} (${relative}), which is never published from, whatever 'include-hidden-files' says`
      )
    }
  }
  return { workingDirectory: real, workspace }
}

/** The root whose path (as configured or real) holds `folder` as given, the innermost when they nest. */
function rootNaming(folder: string, roots: Root[]): { root: Root; relative: string } | undefined {
  let best: { root: Root; relative: string; depth: number } | undefined
  for (const root of roots) {
    for (const base of new Set([root.given, root.real])) {
      if (!isInsideOrSame(base, folder)) continue
      if (!best || base.length > best.depth) best = { root, relative: toPosix(path.relative(base, folder)), depth: base.length }
    }
  }
  return best && { root: best.root, relative: best.relative }
}

async function realPathOf(folder: string, what?: string): Promise<string> {
  try {
    return await fs.realpath(folder)
  } catch (error) {
    throw new InputError(Input.WorkingDirectory, `'${folder}'${what ? ` (${what})` : ''} cannot be read: ${errorMessage(error)}`)
  }
}

function isInsideOrSame(root: string, target: string): boolean {
  const relative = path.relative(root, target)
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative))
}
