export const id = 107;
export const ids = [107];
export const modules = {

/***/ 6107:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Agent: () => (/* binding */ Agent),
/* harmony export */   ProxyTunnelError: () => (/* binding */ ProxyTunnelError),
/* harmony export */   createProxyAgent: () => (/* binding */ createProxyAgent)
/* harmony export */ });
/* harmony import */ var undici_lib_dispatcher_dispatcher_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(883);
/* harmony import */ var undici_lib_dispatcher_dispatcher_js__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(undici_lib_dispatcher_dispatcher_js__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var undici_lib_api_api_request_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4043);
/* harmony import */ var undici_lib_api_api_request_js__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(undici_lib_api_api_request_js__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var undici_lib_api_api_connect_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(4660);
/* harmony import */ var undici_lib_api_api_connect_js__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(undici_lib_api_api_connect_js__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var undici_lib_dispatcher_agent_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(7405);
/* harmony import */ var undici_lib_dispatcher_agent_js__WEBPACK_IMPORTED_MODULE_3___default = /*#__PURE__*/__webpack_require__.n(undici_lib_dispatcher_agent_js__WEBPACK_IMPORTED_MODULE_3__);
/* harmony import */ var undici_lib_dispatcher_pool_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(628);
/* harmony import */ var undici_lib_dispatcher_pool_js__WEBPACK_IMPORTED_MODULE_4___default = /*#__PURE__*/__webpack_require__.n(undici_lib_dispatcher_pool_js__WEBPACK_IMPORTED_MODULE_4__);
/* harmony import */ var undici_lib_dispatcher_proxy_agent_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(6672);
/* harmony import */ var undici_lib_dispatcher_proxy_agent_js__WEBPACK_IMPORTED_MODULE_5___default = /*#__PURE__*/__webpack_require__.n(undici_lib_dispatcher_proxy_agent_js__WEBPACK_IMPORTED_MODULE_5__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(3916);







Object.assign((undici_lib_dispatcher_dispatcher_js__WEBPACK_IMPORTED_MODULE_0___default().prototype), { request: (undici_lib_api_api_request_js__WEBPACK_IMPORTED_MODULE_1___default()), connect: (undici_lib_api_api_connect_js__WEBPACK_IMPORTED_MODULE_2___default()) });
const Agent = (undici_lib_dispatcher_agent_js__WEBPACK_IMPORTED_MODULE_3___default());
const TUNNEL_FAILURES = new Set(['UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_HEADERS_TIMEOUT', 'ECONNRESET', 'EPIPE']);
class ProxyTunnelError extends Error {
    code = _errors_js__WEBPACK_IMPORTED_MODULE_6__/* .PROXY_TUNNEL_FAILED */ .MI;
    constructor(cause) {
        const why = cause?.code === 'UND_ERR_HEADERS_TIMEOUT' ? 'did not answer' : 'closed the connection';
        super(`the proxy ${why} instead of opening a tunnel`, { cause });
        this.name = 'ProxyTunnelError';
    }
}
function createProxyAgent(options) {
    const { connectTimeoutMs, ...rest } = options;
    const bounded = { timeout: connectTimeoutMs };
    return new (undici_lib_dispatcher_proxy_agent_js__WEBPACK_IMPORTED_MODULE_5___default())({
        proxyTls: bounded,
        requestTls: bounded,
        ...rest,
        clientFactory: (origin, clientOptions) => new (undici_lib_dispatcher_pool_js__WEBPACK_IMPORTED_MODULE_4___default())(origin, { ...clientOptions, headersTimeout: connectTimeoutMs }),
        factory: (origin, poolOptions) => {
            const tunnel = poolOptions.connect;
            const connect = (connectOptions, callback) => tunnel(connectOptions, (error, socket) => {
                const code = error?.code;
                callback(error && typeof code === 'string' && TUNNEL_FAILURES.has(code) ? new ProxyTunnelError(error) : error, socket);
            });
            return new (undici_lib_dispatcher_pool_js__WEBPACK_IMPORTED_MODULE_4___default())(origin, { ...poolOptions, connect: connect });
        }
    });
}


/***/ })

};

//# sourceMappingURL=107.index.js.map