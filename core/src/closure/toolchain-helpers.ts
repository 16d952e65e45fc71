/**
 * Helpers that TypeScript toolchains inject into the code they emit, which therefore show up in
 * the source text of shipped functions. kindling-submit runs apps under tsx, whose esbuild
 * transform uses `keepNames`: a named inner function becomes `__name(fn, "fn")`. Executors
 * supply the same helpers, so the capture check must not reject them as outer variables.
 */
export const TOOLCHAIN_HELPERS: ReadonlyMap<string, unknown> = new Map<string, unknown>([
  // esbuild's definition: keeps `fn.name` after minification-safe renaming.
  ['__name', (target: object, value: string) => Object.defineProperty(target, 'name', { value, configurable: true })],
]);

/** True when `name` is a toolchain helper executors provide. */
export function isToolchainHelper(name: string): boolean {
  return TOOLCHAIN_HELPERS.has(name);
}
