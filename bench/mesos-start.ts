/**
 * Mesos start-up on the simulated master (test/src/mesos/simulator): the time from SUBSCRIBE
 * (KindlingContext.create) until 4 executors registered, and the offer-to-launch latency (an
 * OFFERS event sent → the ACCEPT that launches on it received). Baseline, same run: 4 executors
 * of local-cluster[4,1,256], which start the same processes without Mesos in between.
 */
import { KindlingContext } from '@kindling/core';
import { startMesosSimulation } from '../test/src/mesos/simulator/index.js';
import { median, settle, timed, type Benchmark } from './harness.js';
import { fmtMs } from './table.js';

const EXECUTORS = 4;

async function waitForExecutors(kc: KindlingContext, n: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (kc.executorInfos().length < n) {
    if (Date.now() > deadline) throw new Error(`only ${kc.executorInfos().length} of ${n} Mesos executors registered in 120 s`);
    await settle(10);
  }
}

export function mesosStart(o: { repetitions?: number } = {}): Benchmark {
  const repetitions = o.repetitions ?? 3;
  return {
    name: 'mesos-start',
    master: 'mesos://127.0.0.1:5050',
    what: () =>
      `simulated Mesos master, 2 agents × 2 cpus: SUBSCRIBE → ${EXECUTORS} executors registered, median of ${repetitions}; vs \`local-cluster[${EXECUTORS},1,256]\` start`,
    async run(opts) {
      const starts: number[] = [];
      const latencies: number[] = [];
      const floors: number[] = [];
      const reps = opts.quick ? 1 : repetitions;
      for (let r = 0; r < reps; r++) {
        const sim = await startMesosSimulation([{ cpus: 2, memMb: 4096 }, { cpus: 2, memMb: 4096 }], { allocationIntervalMs: 1000, heartbeatIntervalMs: 15_000 });
        const { master } = sim;
        try {
          const { ms, value: kc } = await timed(async () => {
            const kc = await KindlingContext.create({
              master: master.url,
              appName: 'kindling-bench-mesos',
              conf: { 'kindling.executor.cores': '1', 'kindling.cores.max': String(EXECUTORS), 'kindling.executor.memory': '256m', 'kindling.executor.node': process.execPath },
            });
            await waitForExecutors(kc, EXECUTORS);
            return kc;
          });
          starts.push(ms);
          master.calls.forEach((c, i) => {
            if (c.type !== 'ACCEPT') return;
            for (const id of c.accept!.offer_ids) latencies.push(master.callTimes[i]! - master.allocator.offerSentAt.get(id.value)!);
          });
          await kc.stop();
        } finally {
          await sim.stop();
        }
        const { ms: floor, value: lc } = await timed(() => KindlingContext.create({ master: `local-cluster[${EXECUTORS},1,256]`, appName: 'kindling-bench-lc' }));
        await lc.stop();
        floors.push(floor);
        opts.log(`  mesos start ${r + 1}: ${fmtMs(starts[r]!)} (local-cluster: ${fmtMs(floor)})`);
      }
      const start = median(starts);
      const floor = median(floors);
      return {
        result: `${fmtMs(start)} median; offer→launch ${fmtMs(median(latencies))} median`,
        baseline: `${fmtMs(floor)} (local-cluster[${EXECUTORS},1,256])`,
        ratio: floor / start,
        target: 'ms',
        met: undefined,
        notes: [`mesos starts: ${starts.map(fmtMs).join(', ')}; local-cluster: ${floors.map(fmtMs).join(', ')}; offer→ACCEPT: ${latencies.map(fmtMs).join(', ')}`],
      };
    },
  };
}
