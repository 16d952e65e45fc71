/**
 * Resource arithmetic for the simulated master: scalars (cpus, mem, disk) and ranges (ports), the
 * kinds an agent offers. Sets of resources are flattened to name → amount / ranges.
 */
import type { Resource } from '@kindling/cluster-manager-mesos';

export interface Amounts {
  scalars: Map<string, number>;
  ranges: Map<string, [number, number][]>;
}

const round = (v: number) => Math.round(v * 1000) / 1000;

export function emptyAmounts(): Amounts {
  return { scalars: new Map(), ranges: new Map() };
}

export function amountsOf(resources: readonly Resource[] | undefined): Amounts {
  const a = emptyAmounts();
  for (const r of resources ?? []) {
    if (r.type === 'SCALAR') a.scalars.set(r.name, round((a.scalars.get(r.name) ?? 0) + (r.scalar?.value ?? 0)));
    else if (r.type === 'RANGES') {
      const list = a.ranges.get(r.name) ?? [];
      for (const x of r.ranges?.range ?? []) list.push([Number(x.begin), Number(x.end)]);
      a.ranges.set(r.name, normalize(list));
    }
  }
  return a;
}

export function add(a: Amounts, b: Amounts): Amounts {
  const out = clone(a);
  for (const [k, v] of b.scalars) out.scalars.set(k, round((out.scalars.get(k) ?? 0) + v));
  for (const [k, v] of b.ranges) out.ranges.set(k, normalize([...(out.ranges.get(k) ?? []), ...v]));
  return out;
}

export function subtract(a: Amounts, b: Amounts): Amounts {
  const out = clone(a);
  for (const [k, v] of b.scalars) out.scalars.set(k, round((out.scalars.get(k) ?? 0) - v));
  for (const [k, v] of b.ranges) out.ranges.set(k, removeRanges(out.ranges.get(k) ?? [], v));
  return out;
}

/** b ⊆ a */
export function contains(a: Amounts, b: Amounts): boolean {
  for (const [k, v] of b.scalars) if ((a.scalars.get(k) ?? 0) + 1e-9 < v) return false;
  for (const [k, v] of b.ranges) {
    const have = a.ranges.get(k) ?? [];
    if (!v.every(([lo, hi]) => have.some(([a0, a1]) => lo >= a0 && hi <= a1))) return false;
  }
  return true;
}

export function isEmpty(a: Amounts): boolean {
  return [...a.scalars.values()].every((v) => v < 0.001) && [...a.ranges.values()].every((r) => r.length === 0);
}

/** As offered: unreserved (`*`) resources allocated to `role`. */
export function toResources(a: Amounts, role: string): Resource[] {
  const out: Resource[] = [];
  for (const [name, value] of a.scalars) {
    if (value >= 0.001) out.push({ name, type: 'SCALAR', scalar: { value }, role: '*', allocation_info: { role } });
  }
  for (const [name, list] of a.ranges) {
    if (list.length) out.push({ name, type: 'RANGES', ranges: { range: list.map(([begin, end]) => ({ begin, end })) }, role: '*', allocation_info: { role } });
  }
  return out;
}

function clone(a: Amounts): Amounts {
  return { scalars: new Map(a.scalars), ranges: new Map([...a.ranges].map(([k, v]) => [k, v.map((x) => [...x] as [number, number])])) };
}

function normalize(list: [number, number][]): [number, number][] {
  const sorted = [...list].sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

function removeRanges(have: [number, number][], remove: [number, number][]): [number, number][] {
  let out = have;
  for (const [lo, hi] of remove) {
    const next: [number, number][] = [];
    for (const [a, b] of out) {
      if (hi < a || lo > b) next.push([a, b]);
      else {
        if (a < lo) next.push([a, lo - 1]);
        if (hi < b) next.push([hi + 1, b]);
      }
    }
    out = next;
  }
  return out;
}
