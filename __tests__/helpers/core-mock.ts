/**
 * A recording stand-in for @actions/core, for in-process tests of run() and the publish
 * functions: call mockCore() before importing the module under test (jest.unstable_mockModule
 * only affects later dynamic imports).
 */
import { jest } from '@jest/globals'

export interface CoreRecord {
  /** Every call in order: ['info', line], ['setOutput', name, value], ['setFailed', message]... */
  calls: unknown[][]
  outputs: Record<string, string>
  failures: string[]
  warnings: string[]
  infos: string[]
  secrets: string[]
  summaries: string[]
  /** Everything written anywhere (log, outputs, summary, failure), for secret checks. */
  everything(): string
  reset(): void
}

export function mockCore(): CoreRecord {
  const record: CoreRecord = {
    calls: [],
    outputs: {},
    failures: [],
    warnings: [],
    infos: [],
    secrets: [],
    summaries: [],
    everything: () => JSON.stringify(record.calls),
    reset() {
      record.calls.length = 0
      record.failures.length = 0
      record.warnings.length = 0
      record.infos.length = 0
      record.secrets.length = 0
      record.summaries.length = 0
      for (const name of Object.keys(record.outputs)) delete record.outputs[name]
    }
  }
  let buffer = ''
  const summary = {
    addRaw(text: string, eol = false) {
      buffer += text + (eol ? '\n' : '')
      return summary
    },
    async write() {
      record.summaries.push(buffer)
      record.calls.push(['summary', buffer])
      buffer = ''
      return summary
    },
    emptyBuffer() {
      buffer = ''
      return summary
    }
  }
  jest.unstable_mockModule('@actions/core', () => ({
    debug: (line: string) => record.calls.push(['debug', line]),
    info: (line: string) => {
      record.infos.push(line)
      record.calls.push(['info', line])
    },
    warning: (line: string) => {
      record.warnings.push(line)
      record.calls.push(['warning', line])
    },
    setSecret: (secret: string) => {
      record.secrets.push(secret)
    },
    setOutput: (name: string, value: string) => {
      record.outputs[name] = value
      record.calls.push(['setOutput', name, value])
    },
    setFailed: (message: string) => {
      record.failures.push(message)
      record.calls.push(['setFailed', message])
    },
    group: async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
      record.calls.push(['group', name])
      return fn()
    },
    summary
  }))
  return record
}
