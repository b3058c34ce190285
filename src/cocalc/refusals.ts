/**
 * The errors a CoCalc client throws when the server says no, or answers in a shape the protocol
 * does not promise: one readable line, scrubbed of the key, with advice naming the input to fix.
 */
import type { HttpClient, HttpResponse } from '../http.js'
import { ServiceError } from '../errors.js'

/** A hash exec that did not come back whole: split the batch and ask again. */
export class HashBatchCutOff extends ServiceError {}

/**
 * The error for a call CoCalc refused in its own words (an error envelope, a 4xx/5xx text).
 * Refused keys and missing collaborator rights get advice naming the input to fix.
 */
export function refusal(http: HttpClient, label: string, serverMessage: unknown, status?: number): ServiceError {
  const said = http.serverText(typeof serverMessage === 'string' ? serverMessage : (JSON.stringify(serverMessage) ?? 'unknown error'), 301)
  if (/must be signed in|not signed in|no account found|api key|unauthori[sz]ed/i.test(said)) {
    return new ServiceError(
      `CoCalc refused the API key (${label}: ${said}): check the 'cocalc-api-key' secret: it must be a valid API key of a CoCalc account on ${http.baseUrl} (Settings → API keys)`,
      status
    )
  }
  if (/collaborator/i.test(said)) {
    return new ServiceError(
      `CoCalc refused ${label}: ${said}: the API key's account must be a collaborator of the project (check 'project-id' and 'target-project-id')`,
      status
    )
  }
  return new ServiceError(`CoCalc refused ${label}: ${said}`, status)
}

/** A copy id that is not a UUID is the server's text, not an id: never printed, polled or published as it is. */
export function copyIdNotUuid(http: HttpClient, copyId: string, targetProjectId: string): ServiceError {
  return new ServiceError(
    `CoCalc answered a copy id that is not a UUID (${http.serverText(copyId, 80)}), so the copy cannot be followed: check project ${targetProjectId}`
  )
}

/** An answer whose shape is not what the protocol promises: never taken as success. */
export function unexpectedAnswer(http: HttpClient, label: string, response: HttpResponse, what: string): ServiceError {
  return new ServiceError(`CoCalc answered ${label} without ${what}: ${http.excerpt(response)}`, response.status)
}

/** The standard error for a non-success HTTP status, with advice for the common proxy limits. */
export function httpFailure(http: HttpClient, label: string, response: HttpResponse): ServiceError {
  const advice =
    response.status === 413
      ? '(the request was larger than the server or its proxy accepts)'
      : response.status === 504
        ? '(the gateway gave up waiting for CoCalc)'
        : ''
  return http.statusError(response, label, advice)
}
