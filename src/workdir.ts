/**
 * Where files may be published from. A pull request can turn the `working-directory` folder into
 * a symbolic link (to `.git`, to `..`, to `/`): its real path, links resolved, must lie inside the
 * workspace or the runner's temporary folder, and not in a hidden folder of either (`.git` holds
 * the checkout's token). Checked before any request; a refusal names the input.
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

export function trustedRootsOf(env: NodeJS.ProcessEnv = process.env): TrustedRoots {
  return { workspace: env.GITHUB_WORKSPACE || process.cwd(), runnerTemp: env.RUNNER_TEMP || undefined }
}

/** Resolves `workingDirectory` (absolute) and returns its real path, or throws an InputError. */
export async function checkWorkingDirectory(workingDirectory: string, roots: TrustedRoots, includeHiddenFiles: boolean): Promise<string> {
  const real = await realPathOf(workingDirectory)
  const candidates = [
    { name: 'the workspace (GITHUB_WORKSPACE)', root: await realPathOf(roots.workspace).catch(() => undefined) },
    { name: 'RUNNER_TEMP', root: roots.runnerTemp ? await realPathOf(roots.runnerTemp).catch(() => undefined) : undefined }
  ]
  const shown = `'${workingDirectory}'${real === workingDirectory ? '' : ` (really ${real})`}`
  const inside = candidates.find(({ root }) => root !== undefined && isInsideOrSame(root, real))
  if (!inside || inside.root === undefined) {
    throw new InputError(Input.WorkingDirectory, `${shown} is outside the workspace and RUNNER_TEMP: publish from a folder of the checkout`)
  }
  const relative = toPosix(path.relative(inside.root, real))
  if (isGitPath(relative)) throw new InputError(Input.WorkingDirectory, `${shown} is inside .git/, which is never published`)
  if (!includeHiddenFiles && isHiddenPath(relative)) {
    throw new InputError(
      Input.WorkingDirectory,
      `${shown} is inside a hidden folder of ${inside.name} (${relative}): set 'include-hidden-files: true' to publish from it`
    )
  }
  return real
}

async function realPathOf(folder: string): Promise<string> {
  try {
    return await fs.realpath(folder)
  } catch (error) {
    throw new InputError(Input.WorkingDirectory, `'${folder}' cannot be read: ${errorMessage(error)}`)
  }
}

function isInsideOrSame(root: string, target: string): boolean {
  const relative = path.relative(root, target)
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative))
}
