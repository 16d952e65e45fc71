import type { Accumulator } from './accumulator.js';

/** Driver-side accumulators, and which (stage, partition) updates were already merged. */
export class AccumulatorRegistry {
  private nextId = 0;
  private readonly accumulators = new Map<number, Accumulator<any>>();
  private readonly merged = new Map<number, Set<string>>();

  newId(): number {
    return this.nextId++;
  }

  register(acc: Accumulator<any>): void {
    this.accumulators.set(acc.id, acc);
  }

  /** Merges a successful task's updates unless that partition of that stage already counted. */
  merge(stageId: number, partition: number, updates: ReadonlyArray<{ id: number; value: unknown }>): void {
    const key = `${stageId}:${partition}`;
    for (const u of updates) {
      const acc = this.accumulators.get(u.id);
      if (!acc) continue;
      let seen = this.merged.get(u.id);
      if (!seen) this.merged.set(u.id, (seen = new Set()));
      if (seen.has(key)) continue;
      seen.add(key);
      acc.mergePartial(u.value);
    }
  }
}
