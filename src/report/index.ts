/**
 * Reporting: outputs, job summary and the sticky PR comment, all from one result.
 */
import * as core from '@actions/core'
import type { Inputs } from '../inputs.js'
import type { RunContext } from '../context.js'
import type { PublishResult } from './result.js'
import { outputsOf, setOutputs } from './outputs.js'
import { renderReport } from './render.js'

export async function report(result: PublishResult, _inputs: Inputs, context: RunContext): Promise<void> {
  setOutputs(outputsOf(result))
  const markdown = renderReport(result, { repository: context.repository, sha: context.sha, runUrl: context.runUrl, serverUrl: context.serverUrl })
  if (process.env.GITHUB_STEP_SUMMARY) {
    await core.summary.addRaw(markdown, true).write()
  }
}
