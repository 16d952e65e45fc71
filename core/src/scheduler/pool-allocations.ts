import * as fs from 'node:fs/promises';
import { parseStringPromise } from 'xml2js';
import type { KindlingConf } from '../conf/kindling-conf.js';
import { ConfigError } from '../errors.js';
import { DEFAULT_MINIMUM_SHARE, DEFAULT_SCHEDULING_MODE, DEFAULT_WEIGHT } from './pool.js';
import { SCHEDULING_MODES, type SchedulingMode } from './schedulable.js';

/** One <pool> of a fairscheduler.xml. */
export interface PoolAllocation {
  name: string;
  schedulingMode: SchedulingMode;
  weight: number;
  minShare: number;
}

export const ALLOCATION_FILE_KEY = 'kindling.scheduler.allocation.file';

/** kindling.scheduler.mode, validated (Spark's: FIFO by default; anything else is an error). */
export function schedulingModeOf(conf: KindlingConf): SchedulingMode {
  const raw = conf.get('kindling.scheduler.mode', 'FIFO').trim().toUpperCase();
  if (!(SCHEDULING_MODES as readonly string[]).includes(raw)) {
    throw new ConfigError(`Unsupported kindling.scheduler.mode '${conf.get('kindling.scheduler.mode')}': use FIFO (the default) or FAIR`);
  }
  return raw as SchedulingMode;
}

/** The pools of kindling.scheduler.allocation.file, or none when the key is unset (FAIR then has only "default"). */
export async function loadPoolAllocations(conf: KindlingConf): Promise<PoolAllocation[]> {
  const file = conf.get(ALLOCATION_FILE_KEY);
  if (file === undefined || file.trim() === '') return [];
  const local = file.startsWith('file:') ? new URL(file).pathname : file;
  let text: string;
  try {
    text = await fs.readFile(local, 'utf8');
  } catch (e) {
    throw new ConfigError(`Cannot read ${ALLOCATION_FILE_KEY} ${file}: ${(e as Error).message}. Point the key at a readable fairscheduler.xml.`);
  }
  return parsePoolAllocations(text, file);
}

/**
 * Parses a fairscheduler.xml: <allocations> with <pool name="..."> elements holding optional
 * <schedulingMode> (FIFO|FAIR), <weight> (positive integer) and <minShare> (cores, >= 0).
 * Spark logs a warning and uses the default for a bad value; Kindling rejects the file, naming
 * the pool and the field, so a typo cannot silently change how a cluster is shared.
 */
export async function parsePoolAllocations(xml: string, file: string): Promise<PoolAllocation[]> {
  let doc: unknown;
  try {
    doc = await parseStringPromise(xml, { explicitArray: true, trim: true });
  } catch (e) {
    throw new ConfigError(`${file} is not well-formed XML: ${firstLine((e as Error).message)}. Fix the file or unset ${ALLOCATION_FILE_KEY}.`);
  }
  const root = (doc as Record<string, unknown> | null)?.['allocations'];
  if (root === undefined) {
    throw new ConfigError(`${file} has no <allocations> root element; a fairscheduler.xml looks like <allocations><pool name="...">...</pool></allocations>`);
  }
  const pools = (typeof root === 'object' && root !== null ? ((root as Record<string, unknown>)['pool'] ?? []) : []) as unknown[];
  const out: PoolAllocation[] = [];
  pools.forEach((element, i) => {
    const pool = (typeof element === 'object' && element !== null ? element : {}) as Record<string, unknown>;
    const name = ((pool['$'] as Record<string, string> | undefined)?.['name'] ?? '').trim();
    if (name === '') throw new ConfigError(`${file}: pool #${i + 1} has no name attribute; write <pool name="...">`);
    if (out.some((p) => p.name === name)) throw new ConfigError(`${file}: pool "${name}" is defined twice; merge the two <pool> elements`);
    const field = (key: string): string | undefined => {
      const v = pool[key];
      if (v === undefined) return undefined;
      const values = v as unknown[];
      if (values.length > 1) throw new ConfigError(`${file}: pool "${name}" has ${values.length} <${key}> elements; keep one`);
      const text = typeof values[0] === 'string' ? values[0] : undefined;
      if (text === undefined) throw new ConfigError(`${file}: pool "${name}" field ${key} must be plain text, not nested elements`);
      return text.trim();
    };
    const modeText = field('schedulingMode');
    const mode = modeText === undefined || modeText === '' ? DEFAULT_SCHEDULING_MODE : modeText.toUpperCase();
    if (!(SCHEDULING_MODES as readonly string[]).includes(mode)) {
      throw new ConfigError(`${file}: pool "${name}" field schedulingMode is '${modeText}'; use FIFO or FAIR`);
    }
    out.push({
      name,
      schedulingMode: mode as SchedulingMode,
      weight: integerField(file, name, 'weight', field('weight'), DEFAULT_WEIGHT, 1),
      minShare: integerField(file, name, 'minShare', field('minShare'), DEFAULT_MINIMUM_SHARE, 0),
    });
  });
  return out;
}

function integerField(file: string, pool: string, key: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined || text === '') return fallback;
  const n = /^[+-]?\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min) {
    const wanted = min === 1 ? 'a positive integer' : 'a non-negative integer';
    throw new ConfigError(`${file}: pool "${pool}" field ${key} is '${text}'; it must be ${wanted} (default ${fallback})`);
  }
  return n;
}

function firstLine(text: string): string {
  return text.split('\n').filter((l) => l.trim() !== '').join('; ');
}
