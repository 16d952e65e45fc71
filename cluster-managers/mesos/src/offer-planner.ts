/**
 * Which offers to use for new executors, as Spark's MesosCoarseGrainedSchedulerBackend decides:
 * constraint filter, excluded agents, then executors packed round-robin across the usable offers
 * (one per offer per pass) while the executor target and kindling.cores.max allow; the rest are
 * declined, with a long filter when nothing more is wanted.
 */
import type { MesosSettings } from './mesos-config.js';
import type { Offer, Resource } from './mesos-types.js';
import { matchesConstraints } from './offer-constraints.js';
import { resourcePool, scalarTotal, takeScalar } from './offer-resources.js';

export interface PlannedExecutor {
  cores: number;
  resources: Resource[];
}

export interface OfferPlan {
  launches: { offer: Offer; executors: PlannedExecutor[] }[];
  /** refuseSeconds undefined: Mesos' default filter (5 s), so the agent is offered again soon. */
  declines: { offer: Offer; refuseSeconds: number | undefined; why: string }[];
}

export interface PlannerState {
  /** Executors launched and not yet ended (not counting ones asked to stop). */
  liveExecutors: number;
  target: number;
  coresAcquired: number;
  agentFailures: ReadonlyMap<string, number>;
  stopping: boolean;
}

type Settings = Pick<
  MesosSettings,
  | 'constraints'
  | 'executorCores'
  | 'maxCores'
  | 'executorMemoryMiB'
  | 'memoryOverheadMiB'
  | 'maxAgentFailures'
  | 'rejectOfferSeconds'
  | 'rejectOfferSecondsForUnmetConstraints'
  | 'rejectOfferSecondsForReachedMaxCores'
>;

export function planOffers(offers: readonly Offer[], settings: Settings, state: PlannerState): OfferPlan {
  const plan: OfferPlan = { launches: [], declines: [] };
  const usable: { offer: Offer; pool: Resource[]; executors: PlannedExecutor[] }[] = [];
  for (const offer of offers) {
    if (state.stopping) {
      plan.declines.push({ offer, refuseSeconds: settings.rejectOfferSeconds, why: 'stopping' });
    } else if (!matchesConstraints(offer.attributes, settings.constraints)) {
      plan.declines.push({ offer, refuseSeconds: settings.rejectOfferSecondsForUnmetConstraints, why: 'attributes do not meet kindling.mesos.constraints' });
    } else if ((state.agentFailures.get(offer.agent_id.value) ?? 0) >= settings.maxAgentFailures) {
      plan.declines.push({ offer, refuseSeconds: settings.rejectOfferSeconds, why: `agent excluded after ${settings.maxAgentFailures} executor failures` });
    } else {
      usable.push({ offer, pool: resourcePool(offer.resources), executors: [] });
    }
  }
  const memory = settings.executorMemoryMiB + settings.memoryOverheadMiB;
  let live = state.liveExecutors;
  let acquired = state.coresAcquired;
  const wantMore = () => live < state.target && acquired < settings.maxCores;
  for (let progress = true; progress && wantMore(); ) {
    progress = false;
    for (const u of usable) {
      if (!wantMore()) break;
      const cpus = scalarTotal(u.pool, 'cpus');
      const cores = settings.executorCores ?? Math.floor(Math.min(cpus, settings.maxCores - acquired));
      if (cores < 1 || cpus < cores || acquired + cores > settings.maxCores || scalarTotal(u.pool, 'mem') < memory) continue;
      const resources = [...takeScalar(u.pool, 'cpus', cores)!, ...takeScalar(u.pool, 'mem', memory)!];
      u.executors.push({ cores, resources });
      live++;
      acquired += cores;
      progress = true;
    }
  }
  const done = !wantMore();
  const reachedMaxCores = acquired >= settings.maxCores;
  for (const u of usable) {
    if (u.executors.length > 0) plan.launches.push({ offer: u.offer, executors: u.executors });
    else if (done) {
      plan.declines.push({
        offer: u.offer,
        refuseSeconds: reachedMaxCores ? settings.rejectOfferSecondsForReachedMaxCores : settings.rejectOfferSeconds,
        why: reachedMaxCores ? 'kindling.cores.max reached' : 'executor target reached',
      });
    } else {
      plan.declines.push({ offer: u.offer, refuseSeconds: undefined, why: `too small for an executor (${settings.executorCores ?? 1} cpus, ${memory} MB)` });
    }
  }
  return plan;
}
