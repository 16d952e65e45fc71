/** Shipping user functions to executors: source text plus an explicit, checked environment. */
export { userCallSite, formatCallSite, type CallSite } from './call-site.js';
export type { Capture, CaptureKind } from './capture-message.js';
export { encodeEnvironment, type EncodedEnvironment } from './encode-environment.js';
export { freeVariables, type FreeVariable, type FreeVariableReport } from './free-variables.js';
export { compileFunction, type CompiledFunction } from './function-compiler.js';
export { captureFunction, type FunctionSpec } from './function-spec.js';
export { JS_GLOBALS, isJsGlobal } from './js-globals.js';
export { TOOLCHAIN_HELPERS, isToolchainHelper } from './toolchain-helpers.js';
export { importedBindings, importedNames, type ImportedBinding } from './module-imports.js';
export { useModule, ModuleRef, isModuleMarker, type ModuleMarker } from './module-ref.js';
export { resolveEnvironment } from './resolve-environment.js';
export { TRANSPORT, isTransportable, markerKey, type Transportable, type TransportMarker } from './transport-marker.js';
