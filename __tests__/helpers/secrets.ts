/**
 * Asserts that no secret leaks from a run of the action: not in its log (stdout, stderr), its
 * outputs or its job summary. The runner reads `::add-mask::` lines to learn what to hide and
 * never shows them, so those lines (and only those) may carry a secret; they prove the masking.
 */
import type { ActionResult } from './action.js'

/** Every form a username/password pair takes on the wire: each value, and the Basic credential. */
export function basicSecretForms(username: string, password: string): string[] {
  const basic = Buffer.from(`${username}:${password}`).toString('base64')
  return [username, password, basic, `Basic ${basic}`]
}

/** The places a workflow author (or anyone reading the run) can see. */
export function visiblePlaces(result: ActionResult): Record<string, string> {
  const log = result.stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n')
  const places: Record<string, string> = { stdout: log, stderr: result.stderr, summary: result.summary }
  for (const [name, value] of Object.entries(result.outputs)) places[`output ${name}`] = value
  return places
}

/** Throws naming the place and which secret (by position, not by value) appeared there. */
export function expectNoSecrets(result: ActionResult, secrets: readonly string[]): void {
  const usable = secrets.filter((secret) => secret.length > 0)
  if (usable.length === 0) throw new Error('expectNoSecrets: no secret given')
  const leaks: string[] = []
  for (const [place, text] of Object.entries(visiblePlaces(result))) {
    usable.forEach((secret, index) => {
      if (text.includes(secret)) leaks.push(`secret #${index} (${secret.length} characters) appears in ${place}`)
    })
  }
  if (leaks.length > 0) throw new Error(`Secrets leaked:\n${leaks.join('\n')}`)
}

/** Throws unless each value was masked (`::add-mask::`) before anything else could print it. */
export function expectMasked(result: ActionResult, secrets: readonly string[]): void {
  const lines = result.stdout.split('\n')
  const firstOther = lines.findIndex((line) => line !== '' && !line.startsWith('::add-mask::'))
  const masked = new Set(lines.slice(0, firstOther === -1 ? lines.length : firstOther).map((line) => line.slice('::add-mask::'.length)))
  const missing = secrets.map((secret, index) => (masked.has(secret) ? undefined : `secret #${index}`)).filter((s) => s !== undefined)
  if (missing.length > 0) throw new Error(`Not masked on entry: ${missing.join(', ')}`)
}
