/**
 * kindling.mesos.constraints in Spark's attribute syntax (MesosSchedulerUtils.parseConstraintString):
 * `attr:v1,v2;attr2:v;attr3:` — `;` separates attributes, `:` a name from its values, `,` means
 * "one of"; an empty value list means only "the attribute exists". All attributes must match.
 * Matching per attribute type: TEXT equals one listed value; SCALAR: some listed value ≤ the
 * offered one; RANGES: some listed value lies in a range; SET: the listed values ⊆ the set.
 */
import { ConfigError } from '@kindling/core/cluster-manager';
import type { Attribute } from './mesos-types.js';

export type Constraints = ReadonlyMap<string, readonly string[]>;

export function parseConstraints(text: string, key = 'kindling.mesos.constraints'): Constraints {
  const out = new Map<string, string[]>();
  for (const raw of text.split(';')) {
    const part = raw.trim();
    if (!part) continue;
    const colon = part.indexOf(':');
    if (colon <= 0) {
      throw new ConfigError(`Bad constraint string for ${key}: '${part}' in '${text}'; expected attr:value1,value2;attr2: (an empty value only checks that the attribute exists)`);
    }
    const name = part.slice(0, colon).trim();
    const values = part
      .slice(colon + 1)
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v.length > 0);
    out.set(name, values);
  }
  return out;
}

export function matchesConstraints(attributes: readonly Attribute[] | undefined, constraints: Constraints): boolean {
  for (const [name, wanted] of constraints) {
    const attr = attributes?.find((a) => a.name === name);
    if (!attr) return false;
    if (wanted.length === 0) continue;
    if (!attributeMatches(attr, wanted)) return false;
  }
  return true;
}

function attributeMatches(attr: Attribute, wanted: readonly string[]): boolean {
  switch (attr.type) {
    case 'TEXT':
      return wanted.includes(attr.text?.value ?? '');
    case 'SCALAR': {
      const offered = attr.scalar?.value ?? 0;
      return wanted.some((w) => Number(w) <= offered);
    }
    case 'RANGES': {
      const ranges = attr.ranges?.range ?? [];
      return wanted.some((w) => ranges.some((r) => Number(w) >= r.begin && Number(w) <= r.end));
    }
    case 'SET': {
      const items = new Set(attr.set?.item ?? []);
      return wanted.every((w) => items.has(w));
    }
    default:
      return false;
  }
}
