/**
 * Settings that are not inputs: users never need them, but tests and demos do. They are read once,
 * at the process boundary (index.ts), and handed down as data; no other module reads the
 * environment for them.
 */

export interface Tuning {
  /** Bytes per CoCalc `/upload` chunk. */
  cocalcChunkBytes: number
  /** Whether CoCalc uploads may send many files as one archive (cocalc/bulk.ts). */
  cocalcArchives: boolean
}

/** CoCalc's browser client sends 8 MB chunks; so do we. */
export const DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024

export const DEFAULT_TUNING: Tuning = { cocalcChunkBytes: DEFAULT_CHUNK_BYTES, cocalcArchives: true }

/**
 * Hidden knob for tests and demos: a smaller `/upload` chunk size (bytes, 1 KiB to 64 MiB), so a
 * multi-chunk upload can be exercised with small files (the end-to-end tests run the built action
 * as a child process, so the environment is their only way in).
 */
export const CHUNK_BYTES_ENV = 'PUBLISH_COCALC_CHUNK_BYTES'

/**
 * Hidden knob for tests: `off` sends every file on its own (the per-file path, as for a single
 * changed file), so that path's faults can be exercised with many files.
 */
export const ARCHIVES_ENV = 'PUBLISH_COCALC_ARCHIVES'

export function tuningFromEnv(env: NodeJS.ProcessEnv): Tuning {
  return { cocalcChunkBytes: chunkBytesFrom(env), cocalcArchives: env[ARCHIVES_ENV] !== 'off' }
}

/** The `/upload` chunk size: the default, or the hidden knob when it holds a sane value. */
export function chunkBytesFrom(env: NodeJS.ProcessEnv): number {
  const text = env[CHUNK_BYTES_ENV]
  if (!text || !/^\d+$/.test(text)) return DEFAULT_CHUNK_BYTES
  const value = Number(text)
  return value >= 1024 && value <= 64 * 1024 * 1024 ? value : DEFAULT_CHUNK_BYTES
}
