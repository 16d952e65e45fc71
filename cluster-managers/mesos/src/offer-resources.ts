/**
 * Scalar resources of an offer. An offer may list one name several times (unreserved `*` cpus and
 * cpus statically reserved for our role, for instance): sum them for a total, and split across the
 * entries when consuming, copying each entry's role, reservation and allocation_info, as the
 * master requires launched resources to carry them.
 */
import type { Resource } from './mesos-types.js';

/** Mesos keeps 3 decimal digits of scalar precision. */
const round = (v: number) => Math.round(v * 1000) / 1000;

export function scalarTotal(resources: readonly Resource[] | undefined, name: string): number {
  let total = 0;
  for (const r of resources ?? []) if (r.name === name && r.type === 'SCALAR') total += r.scalar?.value ?? 0;
  return round(total);
}

/** Resources reserved for a role come first, so reservations are used before the shared pool. */
function reservedFirst(a: Resource, b: Resource): number {
  const ra = isReserved(a) ? 0 : 1;
  const rb = isReserved(b) ? 0 : 1;
  return ra - rb;
}

function isReserved(r: Resource): boolean {
  return (r.role !== undefined && r.role !== '*') || (r.reservations?.length ?? 0) > 0 || r.reservation !== undefined;
}

/**
 * Takes `amount` of scalar `name` out of `pool` (mutated: a working copy of the offer's
 * resources), returning the Resource entries to launch with; undefined if not enough is left.
 */
export function takeScalar(pool: Resource[], name: string, amount: number): Resource[] | undefined {
  if (scalarTotal(pool, name) + 1e-9 < amount) return undefined;
  const taken: Resource[] = [];
  let left = round(amount);
  for (const r of pool.filter((x) => x.name === name && x.type === 'SCALAR').sort(reservedFirst)) {
    if (left <= 0) break;
    const have = r.scalar?.value ?? 0;
    const use = round(Math.min(have, left));
    if (use <= 0) continue;
    r.scalar = { value: round(have - use) };
    left = round(left - use);
    const { scalar: _ignored, ...rest } = r;
    taken.push({ ...rest, scalar: { value: use } });
  }
  return taken;
}

/** A deep copy of an offer's resources to consume from. */
export function resourcePool(resources: readonly Resource[] | undefined): Resource[] {
  return JSON.parse(JSON.stringify(resources ?? [])) as Resource[];
}
