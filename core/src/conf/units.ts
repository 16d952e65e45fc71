const SIZE_UNITS: Record<string, number> = {
  b: 1,
  k: 1024,
  kb: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
};

/** Parses "512m", "1g", "100k", "1024" (bytes) into bytes. */
export function parseByteSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = m?.[2]?.toLowerCase() ?? '';
  if (!m || !(unit in SIZE_UNITS || unit === '')) {
    throw new Error(`'${text}' is not a size; use a number with an optional unit: b, k, m, g or t (e.g. 512m)`);
  }
  return Math.round(Number(m[1]) * (unit === '' ? 1 : SIZE_UNITS[unit]!));
}

/** Parses a size where a bare number means MiB, as Spark's memory settings do. */
export function parseMemoryMiB(text: string): number {
  const bare = /^\s*\d+\s*$/.test(text);
  return bare ? Number(text.trim()) : Math.round(parseByteSize(text) / 1024 ** 2);
}

const TIME_UNITS: Record<string, number> = {
  us: 0.001,
  ms: 1,
  s: 1000,
  sec: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** Parses "3s", "100ms", "2min"; a bare number uses `defaultUnit`. */
export function parseDurationMs(text: string, defaultUnit: 'ms' | 's' = 'ms'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = (m?.[2] ?? '').toLowerCase() || defaultUnit;
  if (!m || !(unit in TIME_UNITS)) {
    throw new Error(`'${text}' is not a duration; use a number with a unit: ms, s, min, h (e.g. 3s)`);
  }
  return Number(m[1]) * TIME_UNITS[unit]!;
}
