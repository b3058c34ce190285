/**
 * How a CoCalc client talks HTTP: the key as a Basic Authorization header, every form of it
 * scrubbed from messages, one keep-alive pool per client, and the time limits of CoCalc's execs.
 */
import { HttpClient } from '../http.js'
import type { CocalcClientOptions } from './client.js'

/** `Authorization` value: the key as user name, empty password. */
export function basicAuthorization(apiKey: string): string {
  return `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`
}

/** The secrets a message must never show: the key, and the `key:` pair its Basic header encodes (the HTTP layer scrubs every encoding of each). */
export function credentialForms(apiKey: string): string[] {
  return [apiKey, `${apiKey}:`]
}

export function createCocalcHttp(options: CocalcClientOptions): HttpClient {
  return new HttpClient({
    service: 'CoCalc',
    baseUrl: options.baseUrl,
    headers: { authorization: basicAuthorization(options.apiKey) },
    secrets: credentialForms(options.apiKey),
    connections: Math.max(2, options.concurrency),
    log: options.log.info,
    signal: options.signal,
    ...options.http
  })
}

/** Answers of proxies that may pass: 429, 502-504 and Cloudflare's 520-524. */
export const TRANSIENT_STATUSES: readonly number[] = [429, 502, 503, 504, 520, 521, 522, 523, 524]

/** Seconds a hash or decode exec may run; CoCalc cuts blocking execs at about 60 s. */
export const EXEC_TIMEOUT_SECONDS = 55
/** HTTP timeout for an exec: a little longer than the exec's own limit. */
export const EXEC_HTTP_TIMEOUT_MS = (EXEC_TIMEOUT_SECONDS + 15) * 1000
