/**
 * Text helpers shared by the driver and the executors. Executors load this file through
 * `useModule('./lib/text.ts')` in a function's environment: shipped functions travel as source
 * text and cannot close over imports, so they receive the module namespace instead.
 */

/** Lowercases `line`, then splits it on every run of characters that are not letters or digits. */
export function tokenize(line: string): string[] {
  return line
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0);
}
