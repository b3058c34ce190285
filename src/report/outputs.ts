/**
 * Step outputs, derived from the result alone (pure), then written by setOutputs.
 */
import * as core from '@actions/core'
import type { PublishResult } from './result.js'
import { normaliseHttpUrl } from '../text.js'

export function outputsOf(result: PublishResult): Record<string, string> {
  const outputs: Record<string, string> = {
    status: result.status,
    'file-count': String(sentCount(result))
  }
  if (result.mode === 'cocode') {
    outputs['session-url'] = result.sessionUrl ?? ''
    return outputs
  }
  const copies = result.copies ?? []
  outputs['project-url'] = result.projectUrl ?? ''
  outputs['embed-url'] = result.embedUrl ?? ''
  outputs['share-url'] = result.shareUrl ?? ''
  outputs['copy-id'] = copies[0]?.copy_id ?? ''
  outputs.copies = JSON.stringify(copies)
  return outputs
}

/**
 * `file-count`: files sent (INTERFACE.md). 0 when skipped or copy-only; in an incremental CoCalc
 * run, only the files uploaded (those already identical in the project are not sent); in a dry
 * run, every file that would be sent (a dry run does not ask the project which are identical).
 */
export function sentCount(result: PublishResult): number {
  if (result.status === 'skipped' || result.copyOnly) return 0
  return result.uploadedCount ?? result.files.length
}

/** `comment-id` and `comment-url`, set only when a comment was written (the URL only when well-formed: GitHub's answer is data too). */
export function commentOutputs(comment: { id: number; htmlUrl: string }): Record<string, string> {
  return { 'comment-id': String(comment.id), 'comment-url': normaliseHttpUrl(comment.htmlUrl) ?? '' }
}

export function setOutputs(outputs: Record<string, string>): void {
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value)
}
