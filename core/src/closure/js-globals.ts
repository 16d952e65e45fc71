/**
 * Globals a shipped function may reference: they exist on every executor because they come
 * with the language or with Node itself. The list is pinned on purpose (and mirrored in
 * testdata/closure/js-globals.txt) instead of reading `globalThis`: test runners, polyfills
 * and user code add globals on the driver that executors do not have, and a Node upgrade
 * should show up as a reviewed diff, not as a silent change.
 *
 * Left out deliberately: `eval` (direct eval would see the executor's scope), `require`,
 * `module`, `exports`, `__dirname`, `__filename` (per-module bindings, not globals).
 */
export const JS_GLOBALS: ReadonlySet<string> = new Set([
  // Value properties
  'globalThis', 'global', 'undefined', 'NaN', 'Infinity',
  // Functions
  'parseInt', 'parseFloat', 'isNaN', 'isFinite',
  'encodeURI', 'encodeURIComponent', 'decodeURI', 'decodeURIComponent', 'escape', 'unescape',
  // Fundamental objects and numbers
  'Object', 'Function', 'Boolean', 'Symbol', 'Number', 'BigInt', 'Math', 'Date', 'String', 'RegExp',
  // Errors
  'Error', 'AggregateError', 'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError',
  'URIError',
  // Collections
  'Array', 'Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'FinalizationRegistry',
  // Binary data
  'ArrayBuffer', 'SharedArrayBuffer', 'DataView', 'Atomics',
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array',
  'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
  // Structured data, control abstraction, reflection, i18n
  'JSON', 'Promise', 'Reflect', 'Proxy', 'Intl', 'WebAssembly',
  // Node and web platform globals
  'console', 'process', 'Buffer', 'performance', 'crypto', 'structuredClone', 'queueMicrotask',
  'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate',
  'TextEncoder', 'TextDecoder', 'URL', 'URLSearchParams', 'atob', 'btoa',
  'AbortController', 'AbortSignal', 'Event', 'EventTarget', 'DOMException',
  'Blob', 'fetch', 'Headers', 'Request', 'Response', 'FormData',
  'MessageChannel', 'MessagePort', 'BroadcastChannel',
  'ReadableStream', 'WritableStream', 'TransformStream', 'CompressionStream', 'DecompressionStream',
  'TextEncoderStream', 'TextDecoderStream',
]);

/** True when `name` is a global every executor provides. */
export function isJsGlobal(name: string): boolean {
  return JS_GLOBALS.has(name);
}
