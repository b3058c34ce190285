/**
 * The cocode mode: text files in, one collaborative session out.
 */
import * as core from '@actions/core'
import type { CocodeInputs } from '../inputs.js'
import type { LocalFile, SkippedFile } from '../files.js'
import { readCollectedFile } from '../files.js'
import type { PublishResult } from '../report/result.js'

export interface CocodePlan {
  description: string
  /** Text files that go into the session. */
  files: LocalFile[]
  /** Binary files left out: a code editor session holds text only. */
  binaries: SkippedFile[]
  /** Matches left out while collecting (outside the folder, odd names...), reported with the result. */
  skipped: SkippedFile[]
}

/** Pure: which files go into the session and which are left out. */
export function planSession(files: LocalFile[], description: string, skipped: SkippedFile[] = []): CocodePlan {
  return {
    description,
    files: files.filter((file) => file.isText),
    binaries: files.filter((file) => !file.isText).map((file) => ({ name: file.name, reason: 'is binary; a cocode session holds text only' })),
    skipped
  }
}

export async function publishCocode(inputs: CocodeInputs, plan: CocodePlan): Promise<PublishResult> {
  const result: PublishResult = {
    mode: 'cocode',
    status: 'created',
    files: plan.files.map(({ name, size }) => ({ name, size })),
    skipped: [...plan.skipped, ...plan.binaries]
  }
  const bytes = plan.files.reduce((sum, file) => sum + file.size, 0)
  if (inputs.dryRun) {
    const plannedRequests = [`POST ${inputs.cocodeUrl}/api/session (Basic auth) with ${plan.files.length} file(s), ${bytes} bytes of content`]
    for (const request of plannedRequests) core.info(`Dry run, not sent: ${request}`)
    return { ...result, status: 'dry-run', plannedRequests }
  }
  // The HTTP client (and undici with it) is loaded only when a request is sent: a dry run needs none.
  const { buildSessionBody, createCocodeHttp, createSession } = await import('./client.js')
  const http = createCocodeHttp(inputs.cocodeUrl, inputs, { log: (line) => core.info(line), timeoutMs: inputs.requestTimeoutSeconds * 1000 })
  try {
    const body = await buildSessionBody(
      plan.description,
      plan.files.map((file) => ({ name: file.name, read: () => readCollectedFile(file) }))
    )
    core.info(`Creating a cocode session with ${plan.files.length} file(s) (${bytes} bytes of content)`)
    const sessionUrl = await createSession(http, body)
    core.info(`Session created: ${sessionUrl}`)
    return { ...result, sessionUrl }
  } finally {
    await http.close()
  }
}
