/**
 * The job summary: the same report as the comment, with room for longer lists, on every run.
 */
import * as core from '@actions/core'
import { errorMessage } from '../errors.js'

/** Appends to the step's summary file; a summary that cannot be written is a warning, never a failure. */
export async function writeSummary(markdown: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  if (!env.GITHUB_STEP_SUMMARY) {
    core.debug('GITHUB_STEP_SUMMARY is not set: no job summary written')
    return false
  }
  try {
    await core.summary.addRaw(markdown, true).write()
    return true
  } catch (error) {
    core.warning(`Could not write the job summary: ${errorMessage(error)}`)
    return false
  } finally {
    core.summary.emptyBuffer()
  }
}
