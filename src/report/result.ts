/**
 * The result of a run: one object that feeds the step outputs, the job summary and the PR
 * comment alike, so the three never disagree.
 */
import type { Mode } from '../inputs.js'
import type { SkippedFile } from '../files.js'
import type { ChangeReport } from '../changed-files.js'

export type PublishStatus = 'created' | 'uploaded' | 'copied' | 'unverified' | 'queued' | 'dry-run' | 'skipped'
export type CopyStatus = 'copied' | 'unverified' | 'queued' | 'failed' | 'timeout'

/** One target of a CoCalc copy; field names are those of the `copies` output. */
export interface CopyOutcome {
  project_id: string
  path: string
  copy_id: string
  url: string
  embed_url: string
  /** The share page of the target's folder (`share`), or '' when it was not shared. */
  share_url: string
  status: CopyStatus
  /** Why a copy failed or timed out (not part of the `copies` output's documented fields). */
  error?: string
}

export interface PublishedFile {
  name: string
  size: number
}

export interface PublishResult {
  mode: Mode
  status: PublishStatus
  /** Files sent (or, in a dry run, that would be sent). */
  files: PublishedFile[]
  /** Matches left out, each with the reason (outside the folder, binary in cocode...). */
  skipped: SkippedFile[]
  /** Why nothing was published, when status is `skipped`. */
  skipReason?: string
  /**
   * What made main.ts skip, decided once there: `no-secrets` (a pull request from a fork or
   * Dependabot, whose token cannot write a comment either) or `no-files` (nothing matched, with if-no-files-found).
   */
  skippedFor?: 'no-secrets' | 'no-files'
  /** cocode: the session URL answered. */
  sessionUrl?: string
  /** cocalc: where the files are in the source project. */
  projectUrl?: string
  embedUrl?: string
  /** cocalc with `share`: the share page of the first target's folder, or of `path` without targets. */
  shareUrl?: string
  /** Who can open the share links, e.g. "anyone with this link can read". */
  shareAudience?: string
  copies?: CopyOutcome[]
  /** Dry run: the requests that would have been made, without secrets. */
  plannedRequests?: string[]
  /** cocalc with empty `files`: nothing uploaded, the folder already in the project was copied. */
  copyOnly?: boolean
  /** Files uploaded in this run (the rest were already identical in the project). */
  uploadedCount?: number
  /** Set when the step must fail after reporting (a copy failed or timed out). */
  failure?: string
  /** changed-files-only on a pull request: what the PR changed, and what of it was not sent. */
  changes?: ChangeReport
}
