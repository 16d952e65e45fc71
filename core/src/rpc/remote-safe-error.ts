/**
 * What an `error` reply may tell a remote peer. Stacks and messages name files on this machine
 * (`/home/alice/app/node_modules/...`, the executor's work dir): a peer learns the name and the
 * message, with every absolute path cut down to its last component.
 */
import { errorPayload } from './rpc-errors.js';

// POSIX paths of two or more components (optionally file://), and Windows drive or UNC paths.
const ABSOLUTE_PATH = /(?<![\w.:/~-])(?:file:\/\/)?(?:\/[^\s'"`()<>:,;]+){2,}|\b[A-Za-z]:\\[^\s'"`()<>,;]+|\\\\[^\s'"`()<>,;]+/g;

/** Replaces each absolute path by `…/<basename>` (keeping :line:col suffixes). */
export function redactPaths(text: string): string {
  return text.replace(ABSOLUTE_PATH, (p) => {
    const parts = p.split(/[\\/]/).filter(Boolean);
    return `…/${parts[parts.length - 1] ?? ''}`;
  });
}

/** errorPayload with local paths removed from the message and the stack. */
export function remoteSafeErrorPayload(error: unknown): { name: string; message: string; stack: string } {
  const p = errorPayload(error);
  return { name: p.name, message: redactPaths(p.message), stack: redactPaths(p.stack) };
}
