import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../errors.js';

/**
 * Parses spark-defaults.conf-style text: one `key value` or `key=value` per line (the first
 * whitespace or `=` separates key and value), `#` comments and blank lines ignored. `source`
 * names the file in errors.
 */
export function parseProperties(text: string, source: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const sep = /[=\s]/.exec(line);
    if (!sep || sep.index === 0) {
      throw new ConfigError(`Malformed line ${i + 1} in properties file ${source}: expected 'key value' or 'key=value', got '${line}'`);
    }
    const key = line.slice(0, sep.index);
    // `key = value` and `key value` both work: drop the separator and the blanks around it.
    const value = line.slice(sep.index).replace(/^\s*=?\s*/, '');
    out[key] = value;
  });
  return out;
}

/** Reads and parses a properties file; relative paths resolve against `cwd`. */
export function loadPropertiesFile(file: string, cwd: string = process.cwd()): Record<string, string> {
  const abs = path.resolve(cwd, file);
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
    throw new ConfigError(`Properties file ${abs} ${why}`);
  }
  return parseProperties(text, abs);
}
