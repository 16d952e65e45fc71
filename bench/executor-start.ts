/**
 * Executor start: from KindlingContext.create until every executor of a local-cluster has
 * registered (create resolves only then), against the floor for the same number of processes:
 * spawning that many bare `node` processes at once and waiting for them to exit.
 */
import { spawn } from 'node:child_process';
import { median, settle, timed, type Benchmark } from './harness.js';
import { fmtMs } from './table.js';

export interface ExecutorStartOptions {
  name?: string;
  master: string;
  executors: number;
  repetitions?: number;
}

function spawnBareNodes(count: number): Promise<void> {
  return Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<void>((resolve, reject) => {
          const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
          child.on('error', reject);
          child.on('exit', () => resolve());
        }),
    ),
  ).then(() => undefined);
}

export function executorStart(o: ExecutorStartOptions): Benchmark {
  const repetitions = o.repetitions ?? 5;
  return {
    name: o.name ?? 'executor-start',
    master: o.master,
    what: ({ master }) =>
      `\`${master}\`: from \`KindlingContext.create\` until all ${o.executors} executors registered, median of ${repetitions}; vs spawning ${o.executors} bare \`node\` processes`,
    async run(opts) {
      const starts: number[] = [];
      const floors: number[] = [];
      for (let r = 0; r < repetitions; r++) {
        const { ms, value: kc } = await timed(() => opts.context(opts.master));
        const registered = kc.executorInfos().length;
        await kc.stop();
        if (registered !== o.executors) throw new Error(`${registered} executors registered, expected ${o.executors}`);
        starts.push(ms);
        floors.push((await timed(() => spawnBareNodes(o.executors))).ms);
        opts.log(`  start ${r + 1}: ${fmtMs(ms)} (bare node processes: ${fmtMs(floors[floors.length - 1]!)})`);
        await settle(100);
      }
      const start = median(starts);
      const floor = median(floors);
      return {
        result: `${fmtMs(start)} median`,
        baseline: `${fmtMs(floor)} (${o.executors} bare node processes)`,
        ratio: floor / start,
        target: 'ms',
        met: undefined,
        notes: [`starts: ${starts.map(fmtMs).join(', ')}; bare spawns: ${floors.map(fmtMs).join(', ')}`],
      };
    },
  };
}
