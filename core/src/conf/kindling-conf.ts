import { ConfigError } from '../errors.js';
import { parseByteSize, parseDurationMs } from './units.js';

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

  getInt(key: string, defaultValue: number): number {
    const raw = this.values.get(key);
    if (raw === undefined) return defaultValue;
    const n = Number(raw.trim());
    if (!Number.isInteger(n)) throw new ConfigError(`${key} must be an integer, got '${raw}'`);
    return n;
  }

  getNumber(key: string, defaultValue: number): number {
    const raw = this.values.get(key);
    if (raw === undefined) return defaultValue;
    const n = Number(raw.trim());
    if (!Number.isFinite(n)) throw new ConfigError(`${key} must be a number, got '${raw}'`);
    return n;
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
