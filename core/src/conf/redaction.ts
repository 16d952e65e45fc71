import { ConfigError } from '../errors.js';

/** The config key that holds the pattern (Spark's spark.redaction.regex). */
export const REDACTION_REGEX_KEY = 'kindling.redaction.regex';
/** Spark's default, in Java syntax: keys or values that look like credentials. */
export const DEFAULT_REDACTION_REGEX = '(?i)secret|password|token|access[.]?key';
/** What a redacted value is replaced with (Spark's REDACTION_REPLACEMENT_TEXT). */
export const REDACTION_REPLACEMENT_TEXT = '*********(redacted)';

/**
 * Compiles a Java-style redaction pattern. JavaScript has no inline flags, so a leading `(?i)`
 * (or `(?is)` etc.) becomes RegExp flags; inline flags anywhere else are refused with the key.
 */
export function compileRedactionRegex(source: string, key: string = REDACTION_REGEX_KEY): RegExp {
  const lead = /^\(\?([a-zA-Z]+)\)/.exec(source);
  let flags = '';
  let body = source;
  if (lead) {
    for (const f of lead[1]!) {
      if (f === 'i' || f === 's' || f === 'm') flags += flags.includes(f) ? '' : f;
      else if (f === 'u' || f === 'x' || f === 'd') {
        throw new ConfigError(`${key}: the inline flag '${f}' in '${source}' is not supported; use only (?i), (?s) or (?m) at the start`);
      } else {
        throw new ConfigError(`${key}: unknown inline flag '${f}' in '${source}'; use (?i), (?s) or (?m) at the start`);
      }
    }
    body = source.slice(lead[0].length);
  }
  if (/\(\?[a-zA-Z-]+[):]/.test(body)) {
    throw new ConfigError(`${key}: inline flags are only supported at the start of the pattern, got '${source}'`);
  }
  try {
    return new RegExp(body, flags);
  } catch (e) {
    throw new ConfigError(`${key} is not a valid regular expression: '${source}' (${(e as Error).message})`);
  }
}

/** The pattern configured in `conf` (kindling.redaction.regex) or the default. */
export function redactionRegex(conf?: { get(key: string): string | undefined }): RegExp {
  return compileRedactionRegex(conf?.get(REDACTION_REGEX_KEY) ?? DEFAULT_REDACTION_REGEX);
}

/** True when the key or the value matches, as Spark's Utils.redact decides. */
export function isRedacted(key: string, value: string, regex: RegExp): boolean {
  return regex.test(key) || regex.test(value);
}

/** A copy of `entries` with every matching value replaced by REDACTION_REPLACEMENT_TEXT. */
export function redact(entries: Readonly<Record<string, string>>, regex: RegExp = redactionRegex()): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(entries)) out[k] = isRedacted(k, v, regex) ? REDACTION_REPLACEMENT_TEXT : v;
  return out;
}
