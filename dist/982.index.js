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
const DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024;
const DEFAULT_TUNING = { cocalcChunkBytes: DEFAULT_CHUNK_BYTES, cocalcArchives: true };
const CHUNK_BYTES_ENV = 'PUBLISH_COCALC_CHUNK_BYTES';
const ARCHIVES_ENV = 'PUBLISH_COCALC_ARCHIVES';
function tuningFromEnv(env) {
    return { cocalcChunkBytes: chunkBytesFrom(env), cocalcArchives: env[ARCHIVES_ENV] !== 'off' };
}
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