/**
 * The simulated master's non-subscribe calls (mesos.md §3, §4.3), after the caller checks:
 * ACCEPT (stale offers → TASK_LOST/DROPPED with REASON_INVALID_OFFERS and no uuid; invalid tasks →
 * TASK_ERROR; leftovers refused), DECLINE, REVIVE, SUPPRESS, KILL (unknown → TASK_LOST),
 * ACKNOWLEDGE (400 unless a 16-byte uuid), RECONCILE (implicit and explicit, silent for agents
 * still reregistering), TEARDOWN, SHUTDOWN and MESSAGE.
 */
import type { SchedulerCall, TaskInfo, TaskStatus } from '@kindling/cluster-manager-mesos';
import { HttpError, type MesosMasterSimulator } from './mesos-master-simulator.js';
import type { SimFramework } from './sim-offers.js';
import { add, amountsOf, contains, emptyAmounts, subtract } from './sim-resources.js';

export function handleCall(m: MesosMasterSimulator, f: SimFramework, call: SchedulerCall): number {
  switch (call.type) {
    case 'ACCEPT':
      accept(m, f, call.accept!);
      return 202;
    case 'DECLINE':
      for (const id of call.decline!.offer_ids ?? []) {
        const o = m.allocator.take(f, id.value);
        if (o) m.allocator.refuse(f, o.agentId, o.resources, call.decline!.filters?.refuse_seconds);
      }
      return 202;
    case 'REVIVE':
      f.filters.clear();
      f.suppressed = false;
      m.allocator.allocateSoon();
      return 202;
    case 'SUPPRESS':
      f.suppressed = true;
      return 202;
    case 'KILL': {
      const task = m.cluster.task(f.id, call.kill!.task_id.value);
      if (task && m.registeredAgents.has(task.agentId)) m.cluster.kill(task);
      else if (!task) masterUpdate(f, { task_id: call.kill!.task_id, state: 'TASK_LOST', reason: 'REASON_TASK_UNKNOWN', message: 'Attempted to kill an unknown task', agent_id: call.kill!.agent_id });
      return 202;
    }
    case 'ACKNOWLEDGE': {
      const a = call.acknowledge!;
      if (!a.uuid || Buffer.from(a.uuid, 'base64').length !== 16) throw new HttpError(400, "Failed to validate scheduler::Call: 'uuid' is not a valid UUID");
      m.cluster.acknowledge(f.id, a.task_id.value, a.uuid); // unknown or already acknowledged: ignored
      return 202;
    }
    case 'RECONCILE':
      reconcile(m, f, call.reconcile!.tasks ?? []);
      return 202;
    case 'TEARDOWN':
      m.removeFramework(f);
      return 202;
    case 'SHUTDOWN':
    case 'MESSAGE':
      return 202; // command tasks have no custom executor to shut down or message
    default:
      throw new HttpError(501, `Unsupported call type ${call.type}`);
  }
}

function partitionAware(f: SimFramework): boolean {
  return f.info.capabilities?.some((c) => c.type === 'PARTITION_AWARE') ?? false;
}

/** Master-generated updates carry no uuid and must not be acknowledged. */
function masterUpdate(f: SimFramework, status: Omit<TaskStatus, 'source'>): void {
  f.stream?.send({ type: 'UPDATE', update: { status: { ...status, source: 'SOURCE_MASTER', timestamp: Date.now() / 1000 } } });
}

function accept(m: MesosMasterSimulator, f: SimFramework, a: NonNullable<SchedulerCall['accept']>): void {
  const ids = (a.offer_ids ?? []).map((o) => o.value);
  const tasks = (a.operations ?? []).flatMap((op) => (op.type === 'LAUNCH' ? (op.launch?.task_infos ?? []) : []));
  const live = ids.map((id) => ({ id, offer: f.offers.get(id) }));
  const stale = live.find((x) => !x.offer);
  const agents = new Set(live.map((x) => x.offer?.agentId));
  if (stale || new Set(ids).size !== ids.length || agents.size !== 1) {
    for (const x of live) m.allocator.take(f, x.id);
    const why = stale ? `Offer ${stale.id} is no longer valid` : 'Offers must be distinct and from one agent';
    for (const t of tasks) {
      masterUpdate(f, {
        task_id: t.task_id,
        state: partitionAware(f) ? 'TASK_DROPPED' : 'TASK_LOST',
        reason: 'REASON_INVALID_OFFERS',
        message: `Task launched with invalid offers: ${why}`,
        agent_id: t.agent_id,
      });
    }
    return;
  }
  let remaining = emptyAmounts();
  let agentId = '';
  for (const x of live) {
    const o = m.allocator.take(f, x.id)!;
    remaining = add(remaining, o.resources);
    agentId = o.agentId;
  }
  for (const t of tasks) {
    const problem = invalidTask(m, f, t, agentId, remaining);
    if (problem) {
      masterUpdate(f, { task_id: t.task_id, state: 'TASK_ERROR', reason: 'REASON_TASK_INVALID', message: problem, agent_id: t.agent_id });
      continue;
    }
    remaining = subtract(remaining, amountsOf(t.resources));
    m.cluster.launch(f.id, t);
  }
  m.allocator.refuse(f, agentId, remaining, a.filters?.refuse_seconds);
}

function invalidTask(m: MesosMasterSimulator, f: SimFramework, t: TaskInfo, agentId: string, remaining: ReturnType<typeof emptyAmounts>): string | undefined {
  if (!t.name || !t.task_id?.value || !t.agent_id?.value) return 'Task is missing a required field (name, task_id, agent_id)';
  if (t.agent_id.value !== agentId) return `Task uses agent ${t.agent_id.value} but the offer is for ${agentId}`;
  const existing = m.cluster.task(f.id, t.task_id.value);
  if (existing) return `Task has duplicate ID: ${t.task_id.value}`;
  if (!t.resources?.length) return 'Task uses no resources';
  if (!t.command === !('executor' in t && (t as { executor?: unknown }).executor)) return "Task should have at least one (but not both) of CommandInfo or ExecutorInfo present";
  const role = f.info.roles?.[0] ?? '*';
  if (t.resources.some((r) => r.allocation_info && r.allocation_info.role !== role)) return 'Task resources are allocated to another role';
  if (!contains(remaining, amountsOf(t.resources))) return `Task uses more resources than the offer holds: ${JSON.stringify(t.resources)}`;
  return undefined;
}

function reconcile(m: MesosMasterSimulator, f: SimFramework, tasks: NonNullable<SchedulerCall['reconcile']>['tasks']): void {
  const answer = (status: Omit<TaskStatus, 'source'>) => masterUpdate(f, { ...status, reason: 'REASON_RECONCILIATION', uuid: undefined });
  if (tasks.length === 0) {
    // Implicit: the latest state of every task the master knows (on reregistered agents).
    for (const t of m.cluster.tasksOf(f.id)) {
      if (m.registeredAgents.has(t.agentId)) answer({ task_id: t.info.task_id, state: t.state, agent_id: t.info.agent_id, message: t.latest.message });
    }
    return;
  }
  for (const q of tasks) {
    const agentId = q.agent_id?.value;
    const t = m.cluster.task(f.id, q.task_id.value);
    if (t && m.registeredAgents.has(t.agentId)) {
      answer({ task_id: t.info.task_id, state: t.state, agent_id: t.info.agent_id, message: t.latest.message });
    } else if (agentId && m.cluster.agents.has(agentId) && !m.registeredAgents.has(agentId)) {
      // The agent has not reregistered yet: no answer, the scheduler retries later.
    } else {
      const state = !partitionAware(f) ? 'TASK_LOST' : agentId && m.registeredAgents.has(agentId) ? 'TASK_GONE' : 'TASK_UNKNOWN';
      answer({ task_id: q.task_id, state, agent_id: q.agent_id, message: 'Reconciliation: task is unknown' });
    }
  }
}
