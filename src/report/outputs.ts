/**
 * Step outputs, derived from the result alone (pure), then written by setOutputs.
 */
import * as core from '@actions/core'
import type { PublishResult } from './result.js'
import { normaliseHttpUrl } from '../text.js'

export function outputsOf(result: PublishResult): Record<string, string> {
  const outputs: Record<string, string> = {
    status: result.status,
    'file-count': String(result.status === 'skipped' ? 0 : result.files.length)
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

/** `comment-id` and `comment-url`, set only when a comment was written (the URL only when well-formed: GitHub's answer is data too). */
export function commentOutputs(comment: { id: number; htmlUrl: string }): Record<string, string> {
  return { 'comment-id': String(comment.id), 'comment-url': normaliseHttpUrl(comment.htmlUrl) ?? '' }
}

export function setOutputs(outputs: Record<string, string>): void {
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value)
}
