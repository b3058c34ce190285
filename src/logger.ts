/**
 * The one shape of a logger every module is handed: info, warning and debug lines. Modules never
 * import @actions/core to log; they get a Logger (the run's is `actionsLogger`, tests pass their
 * own), so what they print is testable and a library-like module stays free of the runner.
 */
import * as core from '@actions/core'
import { inert } from './text.js'

export interface Logger {
  info(line: string): void
  warning(line: string): void
  debug(line: string): void
}

/**
 * Lines to the workflow log, as the runner shows them. Info lines may quote a server (errors,
 * ids): each is made one inert line, so it cannot start a workflow command. (Warnings and debug
 * lines are escaped by core.)
 */
export const actionsLogger: Logger = {
  info: (line) => core.info(inert(line)),
  warning: (line) => core.warning(line),
  debug: (line) => core.debug(line)
}

/** Drops every line (callers that want nothing printed). */
export const silentLogger: Logger = { info: () => undefined, warning: () => undefined, debug: () => undefined }
