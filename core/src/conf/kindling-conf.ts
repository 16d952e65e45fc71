import { ConfigError } from '../errors.js';
import { parseByteSize, parseDurationMs, parseMemoryMiB } from './units.js';

/** Bounds for numeric getters; the error names the key, the value and the allowed range. */
export interface NumberBounds {
  min?: number;
  max?: number;
  /** Shown after the bounds, e.g. 'MiB'. */
  unit?: string;
}

/**
 * Application configuration: `kindling.*` keys with string values, as Spark's SparkConf.
 * Typed getters validate on read and name the key in their errors.
 */
export class KindlingConf {
  private readonly values = new Map<string, string>();

  constructor(entries: Record<string, string | number | boolean> = {}) {
    for (const [k, v] of Object.entries(entries)) this.set(k, v);
  }

  set(key: string, value: string | number | boolean): this {
    if (!key.startsWith('kindling.')) {
      throw new ConfigError(`Config key '${key}' is not a Kindling key; keys start with 'kindling.' (e.g. kindling.executor.memory)`);
    }
    this.values.set(key, String(value));
    return this;
  }

  setIfMissing(key: string, value: string | number | boolean): this {
    if (!this.values.has(key)) this.set(key, value);
    return this;
  }

  has(key: string): boolean {
    return this.values.has(key);
  }

  get(key: string): string | undefined;
  get(key: string, defaultValue: string): string;
  get(key: string, defaultValue?: string): string | undefined {
    return this.values.get(key) ?? defaultValue;
  }

  getInt(key: string, defaultValue: number, bounds?: NumberBounds): number {
    const raw = this.values.get(key);
    if (raw === undefined) return defaultValue;
    const n = Number(raw.trim());
    if (!Number.isSafeInteger(n) || raw.trim() === '') {
      throw new ConfigError(`${key} must be an integer${describeBounds(bounds)}, got '${raw}'; set ${key} to a whole number`);
    }
    return checkBounds(key, raw, n, bounds);
  }

  getNumber(key: string, defaultValue: number, bounds?: NumberBounds): number {
    const raw = this.values.get(key);
    if (raw === undefined) return defaultValue;
    const n = Number(raw.trim());
    if (!Number.isFinite(n) || raw.trim() === '') throw new ConfigError(`${key} must be a number${describeBounds(bounds)}, got '${raw}'`);
    return checkBounds(key, raw, n, bounds);
  }

  /** Memory in Spark's notation where a bare number means MiB ("512", "512m", "2g"). */
  getMemoryMiB(key: string, defaultValue: string): number {
    const raw = this.values.get(key) ?? defaultValue;
    let mib: number;
    try {
      mib = parseMemoryMiB(raw);
    } catch (e) {
      throw new ConfigError(`${key}: ${(e as Error).message}`);
    }
    if (!Number.isSafeInteger(mib) || mib < 1) {
      throw new ConfigError(`${key} must be at least 1 MiB, got '${raw}'; use e.g. ${key}=512m or 2g`);
    }
    return mib;
  }

  getBoolean(key: string, defaultValue: boolean): boolean {
    const raw = this.values.get(key);
    if (raw === undefined) return defaultValue;
    const v = raw.trim().toLowerCase();
    if (v === 'true') return true;
    if (v === 'false') return false;
    throw new ConfigError(`${key} must be true or false, got '${raw}'`);
  }

  /** Sizes in Spark's notation ("512m", "1g", "64k", plain bytes). */
  getSizeBytes(key: string, defaultValue: string): number {
    const raw = this.values.get(key) ?? defaultValue;
    try {
      return parseByteSize(raw);
    } catch (e) {
      throw new ConfigError(`${key}: ${(e as Error).message}`);
    }
  }

  /** Durations in Spark's notation ("3s", "100ms", "2min"); a bare number is `defaultUnit`. */
  getTimeMs(key: string, defaultValue: string, defaultUnit: 'ms' | 's' = 'ms'): number {
    const raw = this.values.get(key) ?? defaultValue;
    try {
      return parseDurationMs(raw, defaultUnit);
    } catch (e) {
      throw new ConfigError(`${key}: ${(e as Error).message}`);
    }
  }

  entries(): Array<[string, string]> {
    return [...this.values.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  toRecord(): Record<string, string> {
    return Object.fromEntries(this.values);
  }

  clone(): KindlingConf {
    return new KindlingConf(this.toRecord());
  }
}

function describeBounds(bounds: NumberBounds | undefined): string {
  if (!bounds || (bounds.min === undefined && bounds.max === undefined)) return '';
  const unit = bounds.unit ? ` ${bounds.unit}` : '';
  if (bounds.max === undefined) return ` >= ${bounds.min}${unit}`;
  if (bounds.min === undefined) return ` <= ${bounds.max}${unit}`;
  return ` between ${bounds.min} and ${bounds.max}${unit}`;
}

function checkBounds(key: string, raw: string, n: number, bounds: NumberBounds | undefined): number {
  if (bounds && ((bounds.min !== undefined && n < bounds.min) || (bounds.max !== undefined && n > bounds.max))) {
    throw new ConfigError(`${key} must be${describeBounds(bounds)}, got '${raw}'; change ${key} or remove it for the default`);
  }
  return n;
}
