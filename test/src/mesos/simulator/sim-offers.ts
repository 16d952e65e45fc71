/**
 * The simulated master's allocator: at each allocation interval, one offer per registered agent
 * per subscribed, unsuppressed framework, holding all the agent's unallocated resources (minus
 * other outstanding offers). Refused-resource filters from DECLINE and partial ACCEPT hold an
 * agent back while what it could offer is a subset of what was refused, until they expire or a
 * REVIVE clears them (hierarchical.cpp's RefusedOfferFilter).
 */
import type { FrameworkInfo } from '@kindling/cluster-manager-mesos';
import type { MesosMasterSimulator } from './mesos-master-simulator.js';
import type { SimStream } from './sim-stream.js';
import { add, contains, emptyAmounts, isEmpty, subtract, toResources, type Amounts } from './sim-resources.js';

export interface SimFramework {
  id: string;
  info: FrameworkInfo;
  stream: SimStream | undefined;
  offers: Map<string, { agentId: string; resources: Amounts }>;
  filters: Map<string, { refused: Amounts; expiresAt: number }>;
  suppressed: boolean;
  failoverTimer: NodeJS.Timeout | undefined;
}

/** Filters.refuse_seconds: default 5 s, negative → default, capped at 365 days. */
export function refuseMs(seconds: number | undefined): number {
  const s = seconds === undefined || seconds < 0 ? 5 : Math.min(seconds, 31_536_000);
  return s * 1000;
}

export class Allocator {
  private timer: NodeJS.Timeout | undefined;
  private nextOffer = 0;
  /** Every OFFERS event sent, for assertions: [frameworkId, agentId][]. */
  readonly offered: [string, string][] = [];
  /** When each offer was sent (performance.now()), for the offer-to-launch benchmark. */
  readonly offerSentAt = new Map<string, number>();

  constructor(
    private readonly master: MesosMasterSimulator,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => this.allocate(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  allocateSoon(): void {
    setImmediate(() => this.allocate());
  }

  /** What an agent has that neither live tasks nor outstanding offers hold. */
  free(agentId: string): Amounts {
    const agent = this.master.cluster.agents.get(agentId)!;
    let used = emptyAmounts();
    for (const t of this.master.cluster.liveTasksOn(agentId)) used = add(used, t.resources);
    for (const f of this.master.frameworks.values()) for (const o of f.offers.values()) if (o.agentId === agentId) used = add(used, o.resources);
    return subtract(agent.total, used);
  }

  allocate(): void {
    if (!this.master.isLeader) return;
    const now = Date.now();
    for (const f of this.master.frameworks.values()) {
      if (!f.stream?.open || f.suppressed) continue;
      const role = f.info.roles?.[0] ?? f.info.role ?? '*';
      const offers = [];
      for (const agentId of this.master.registeredAgents) {
        if ([...f.offers.values()].some((o) => o.agentId === agentId)) continue;
        const free = this.free(agentId);
        if (isEmpty(free) || (free.scalars.get('cpus') ?? 0) < 0.01) continue;
        const filter = f.filters.get(agentId);
        if (filter && filter.expiresAt > now && contains(filter.refused, free)) continue;
        if (filter && filter.expiresAt <= now) f.filters.delete(agentId);
        const agent = this.master.cluster.agents.get(agentId)!;
        const id = `${this.master.id}-O${this.nextOffer++}`;
        f.offers.set(id, { agentId, resources: free });
        offers.push({
          id: { value: id },
          framework_id: { value: f.id },
          agent_id: { value: agentId },
          hostname: agent.hostname,
          resources: toResources(free, role),
          attributes: agent.attributes,
          allocation_info: { role },
        });
        this.offered.push([f.id, agentId]);
        this.offerSentAt.set(id, performance.now());
      }
      if (offers.length) f.stream.send({ type: 'OFFERS', offers: { offers } });
    }
  }

  /** Refuse what was offered but not used, on that agent, for refuse_seconds. */
  refuse(f: SimFramework, agentId: string, refused: Amounts, seconds: number | undefined): void {
    if (isEmpty(refused)) return;
    f.filters.set(agentId, { refused, expiresAt: Date.now() + refuseMs(seconds) });
  }

  /** Invalidate a framework's offers (resubscribe, disconnect, agent gone); RESCIND if asked. */
  rescindAll(f: SimFramework, sendRescind: boolean): void {
    for (const id of f.offers.keys()) if (sendRescind) f.stream?.send({ type: 'RESCIND', rescind: { offer_id: { value: id } } });
    f.offers.clear();
  }

  /** The resources an accepted offer held, or undefined if it is not live (stale). */
  take(f: SimFramework, offerId: string): { agentId: string; resources: Amounts } | undefined {
    const o = f.offers.get(offerId);
    if (o) f.offers.delete(offerId);
    return o;
  }
}

