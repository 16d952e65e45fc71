import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where user code called into Kindling. `file` is a path, `line`/`column` are 1-based. */
export interface CallSite {
  file: string;
  line: number;
  column: number;
}

// This file lives in core/{src,dist}/closure/, so three levels up is the package root.
const CORE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..') + sep;

// Tests inside the package call the API the way an application does; count them as user code.
const TEST_FILE = /\.(test|spec)\.[cm]?[jt]sx?$/;

// `    at fn (file:///a/b.js:12:5)` or `    at file:///a/b.js:12:5`.
const FRAME = /^\s*at (?:.*? \()?(.+?):(\d+):(\d+)\)?$/;

/**
 * The first stack frame outside @kindling/core: the line of the application that called
 * `rdd.map(...)`, used to point error messages at user code.
 */
export function userCallSite(): CallSite | undefined {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 50; // Kindling's own frames can be deep (rdd -> context -> closure)
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  return firstUserFrame(stack);
}

/** Exposed for tests: pick the first frame of `stack` that belongs to user code. */
export function firstUserFrame(stack: string, coreRoot: string = CORE_ROOT): CallSite | undefined {
  for (const line of stack.split('\n').slice(1)) {
    const site = parseFrame(line);
    if (site && !isInternal(site.file, coreRoot)) return site;
  }
  return undefined;
}

function parseFrame(line: string): CallSite | undefined {
  if (line.includes('(eval at ')) return undefined; // code from eval or new Function
  const m = FRAME.exec(line);
  if (!m) return undefined;
  let file = m[1]!;
  if (file.startsWith('file://')) {
    try {
      file = fileURLToPath(file);
    } catch {
      return undefined;
    }
  }
  return { file, line: Number(m[2]), column: Number(m[3]) };
}

function isInternal(file: string, coreRoot: string): boolean {
  if (file.startsWith('node:') || !isAbsolute(file)) return true; // node internals, closure://...
  return file.startsWith(coreRoot) && !TEST_FILE.test(file);
}

/** `app.ts:12`, relative to the working directory when the file is below it. */
export function formatCallSite(cs: CallSite): string {
  const rel = relative(process.cwd(), cs.file);
  const shown = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : cs.file;
  return `${shown}:${cs.line}`;
}
