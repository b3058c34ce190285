/**
 * The servers' limits the clients and the dry run's plan share, in a module of their own so the
 * plan (a dry run) never loads the HTTP clients.
 */
import type { BatchLimits } from './scripts.js'

/** Largest v1 JSON body sent: the server's limit is 100 kB (102,400 bytes); keep a margin. */
export const V1_BODY_LIMIT = 96 * 1024
/** Raw bytes per v1 base64 piece: 48 KiB becomes 64 KiB of base64, well under the body limit. */
export const V1_PIECE_BYTES = 48 * 1024
/** Where v1 pieces wait to be decoded: in the project's home, so the final move is a rename. */
export const V1_PIECES_ROOT = '.cache/publish-to-collaborative-editors'
/** v1 hash batches: argument bytes well under the 100 kB body limit; work far under the 60 s cap. */
export const V1_HASH_LIMITS: BatchLimits = { maxArgumentBytes: 64 * 1024, maxPaths: 2000, maxContentBytes: 256 * 1024 ** 2 }
/**
 * v2 hash batches: bodies far under the ~1 MB limit, and work far under exec's 60 s cap: 256 MiB
 * is about 5 s of sha256sum on a slow disk (50 MB/s). A batch cut off anyway is split.
 */
export const V2_HASH_LIMITS: BatchLimits = { maxArgumentBytes: 512 * 1024, maxPaths: 2000, maxContentBytes: 256 * 1024 ** 2 }
