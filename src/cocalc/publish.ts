/**
 * The cocalc mode: upload, verify, copy to targets, wait. (Being built: see the cocalc issue.)
 */
import type { CocalcInputs } from '../inputs.js'
import type { Collection } from '../files.js'
import type { RunContext } from '../context.js'
import type { PublishResult } from '../report/result.js'
import { ActionError } from '../errors.js'

export async function publishCocalc(_inputs: CocalcInputs, _collection: Collection, _context: RunContext): Promise<PublishResult> {
  throw new ActionError('cocalc mode is not implemented yet')
}
