export const id = 982;
export const ids = [982];
export const modules = {

/***/ 2982:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   ARCHIVES_ENV: () => (/* binding */ ARCHIVES_ENV),
/* harmony export */   CHUNK_BYTES_ENV: () => (/* binding */ CHUNK_BYTES_ENV),
/* harmony export */   DEFAULT_CHUNK_BYTES: () => (/* binding */ DEFAULT_CHUNK_BYTES),
/* harmony export */   DEFAULT_TUNING: () => (/* binding */ DEFAULT_TUNING),
/* harmony export */   chunkBytesFrom: () => (/* binding */ chunkBytesFrom),
/* harmony export */   tuningFromEnv: () => (/* binding */ tuningFromEnv)
/* harmony export */ });
/**
 * Settings that are not inputs: users never need them, but tests and demos do. They are read once,
 * at the process boundary (index.ts), and handed down as data; no other module reads the
 * environment for them.
 */
/** CoCalc's browser client sends 8 MB chunks; so do we. */
const DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024;
const DEFAULT_TUNING = { cocalcChunkBytes: DEFAULT_CHUNK_BYTES, cocalcArchives: true };
/**
 * Hidden knob for tests and demos: a smaller `/upload` chunk size (bytes, 1 KiB to 64 MiB), so a
 * multi-chunk upload can be exercised with small files (the end-to-end tests run the built action
 * as a child process, so the environment is their only way in).
 */
const CHUNK_BYTES_ENV = 'PUBLISH_COCALC_CHUNK_BYTES';
/**
 * Hidden knob for tests: `off` sends every file on its own (the per-file path, as for a single
 * changed file), so that path's faults can be exercised with many files.
 */
const ARCHIVES_ENV = 'PUBLISH_COCALC_ARCHIVES';
function tuningFromEnv(env) {
    return { cocalcChunkBytes: chunkBytesFrom(env), cocalcArchives: env[ARCHIVES_ENV] !== 'off' };
}
/** The `/upload` chunk size: the default, or the hidden knob when it holds a sane value. */
function chunkBytesFrom(env) {
    const text = env[CHUNK_BYTES_ENV];
    if (!text || !/^\d+$/.test(text))
        return DEFAULT_CHUNK_BYTES;
    const value = Number(text);
    return value >= 1024 && value <= 64 * 1024 * 1024 ? value : DEFAULT_CHUNK_BYTES;
}


/***/ })

};

//# sourceMappingURL=982.index.js.map