/**
 * Kindling benchmark suite.
 *
 *   node --import tsx bench/run.ts [--quick] [--only name[,name...]] [--master url] [--list]
 *
 * Prints a Markdown table (stdout); progress goes to stderr. Every benchmark compares with a
 * baseline measured in the same run, or with its target. Each benchmark runs on the master URL
 * it is registered with; one whose master cannot be created is reported as "skipped: <reason>".
 * Exits 1 if a benchmark failed (threw), never because a target was missed.
 */
import * as os from 'node:os';
import { DATA_DIR, ContextPool, SkipBenchmark, masterUnavailable, type Benchmark } from './harness.js';
import { schedulerThroughput } from './scheduler-throughput.js';
import { shuffleSort } from './shuffle-sort.js';
import { formatTable, fmtRatio, type Row } from './table.js';
import { trivialJobLatency } from './trivial-job-latency.js';
import { wordCount } from './word-count.js';
import { shuffleSortCluster } from './shuffle-sort-cluster.js';
import { executorStart } from './executor-start.js';
import { fairScheduling } from './fair-scheduling.js';
import { fairSchedulingOffers } from './fair-scheduling-offers.js';
import { packagingBench } from './packaging.js';
import { packagingFirstTask } from './packaging-first-task.js';
import { approxDistinct } from './approx-distinct.js';
import { standaloneExecutorStart } from './standalone-executor-start.js';
import { mesosStart } from './mesos-start.js';
import { yarnStartup } from './yarn-startup.js';

/**
 * The suite, in run order. To add a cluster variant, register the same benchmark again with
 * another master and name, e.g.
 *   schedulerThroughput({ name: 'scheduler-throughput/local-cluster', master: 'local-cluster[2,1,512]' })
 */
export const BENCHMARKS: Benchmark[] = [
  schedulerThroughput({ master: 'local[2]' }),
  fairScheduling({ master: 'local[2]' }),
  fairSchedulingOffers({ master: 'local[1]' }),
  trivialJobLatency({ master: 'local[2]' }),
  wordCount({ master: 'local[2]' }),
  shuffleSort({ master: 'local[2]' }),
  // Executors as processes (local-cluster): the distributed path on one machine.
  schedulerThroughput({ name: 'scheduler-throughput/local-cluster', master: 'local-cluster[2,1,512]', targetTasksPerSec: 3_000 }),
  shuffleSortCluster({ master: 'local-cluster[2,1,1024]', baselineMaster: 'local[2]' }),
  executorStart({ master: 'local-cluster[4,1,256]', executors: 4 }),
  // Shipping the application: packing, and what a cached package saves at submit.
  packagingBench({ master: 'local[1]' }),
  packagingFirstTask({ master: 'local-cluster[2,1,512]' }),
  approxDistinct({ master: 'local[2]' }),
  standaloneExecutorStart(),
  // Mesos on its simulated master: SUBSCRIBE to 4 executors, offer-to-launch latency.
  mesosStart(),
  // A real YARN (MiniYARNCluster); skipped without java and mvn.
  yarnStartup(),
];

interface Args {
  quick: boolean;
  /** Runs every selected benchmark on this master instead of its own. */
  master: string | undefined;
  only: string[] | undefined;
  list: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { quick: false, master: undefined, only: undefined, list: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') args.quick = true;
    else if (a === '--list') args.list = true;
    else if (a === '--master' || a.startsWith('--master=')) {
      const value = a === '--master' ? argv[++i] : a.slice('--master='.length);
      if (!value) usage('--master needs a master URL');
      args.master = value;
    }
    else if (a === '--only' || a.startsWith('--only=')) {
      const value = a === '--only' ? argv[++i] : a.slice('--only='.length);
      if (!value) usage('--only needs a benchmark name');
      (args.only ??= []).push(...value.split(',').map((s) => s.trim()).filter(Boolean));
    } else if (a === '--help' || a === '-h') usage();
    else usage(`unknown argument '${a}'`);
  }
  return args;
}

function usage(error?: string): never {
  const names = BENCHMARKS.map((b) => b.name).join(', ');
  const text = `usage: node --import tsx bench/run.ts [--quick] [--only name[,name...]] [--master url] [--list]\nbenchmarks: ${names}`;
  if (error) {
    console.error(`error: ${error}\n${text}`);
    process.exit(2);
  }
  console.log(text);
  process.exit(0);
}

function log(msg: string): void {
  process.stderr.write(`${msg}\n`);
}

async function runOne(b: Benchmark, quick: boolean, master: string): Promise<{ row: Row; notes: string[]; failed: boolean }> {
  const row: Row = { benchmark: b.name, what: b.what({ quick, master }), result: '', baseline: '', ratio: '', target: '', met: '' };
  const unavailable = await masterUnavailable(master);
  if (unavailable) {
    log(`${b.name}: skipped (${unavailable})`);
    return { row: { ...row, result: '—', baseline: '—', ratio: '—', target: '—', met: `skipped: ${unavailable}` }, notes: [], failed: false };
  }
  const pool = new ContextPool(master);
  log(`${b.name} on ${master}${quick ? ' (quick)' : ''}...`);
  const started = performance.now();
  try {
    const o = await b.run({ quick, master, dataDir: DATA_DIR, log, context: (m, c) => pool.context(m, c) });
    log(`${b.name}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const met = o.met === undefined ? 'n/a' : o.met ? 'yes' : 'no';
    return { row: { ...row, result: o.result, baseline: o.baseline, ratio: fmtRatio(o.ratio), target: o.target, met }, notes: o.notes ?? [], failed: false };
  } catch (e) {
    if (e instanceof SkipBenchmark) {
      log(`${b.name}: skipped (${e.message})`);
      return { row: { ...row, result: '—', baseline: '—', ratio: '—', target: '—', met: `skipped: ${e.message}` }, notes: [], failed: false };
    }
    const err = e as Error;
    log(`${b.name}: FAILED\n${err.stack ?? err.message}`);
    return { row: { ...row, result: '—', baseline: '—', ratio: '—', target: '—', met: `failed: ${err.message}` }, notes: [], failed: true };
  } finally {
    await pool.stopAll().catch((e: Error) => log(`${b.name}: stopping its context failed: ${e.message}`));
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.list) {
    for (const b of BENCHMARKS) console.log(`${b.name}\t${b.master}`);
    return;
  }
  const unknown = (args.only ?? []).filter((n) => !BENCHMARKS.some((b) => b.name === n));
  if (unknown.length > 0) usage(`unknown benchmark(s): ${unknown.join(', ')}`);
  const selected = args.only ? BENCHMARKS.filter((b) => args.only!.includes(b.name)) : BENCHMARKS;

  const loadBefore = os.loadavg()[0]!;
  const rows: Row[] = [];
  const notes: string[] = [];
  let failed = false;
  for (const b of selected) {
    const r = await runOne(b, args.quick, args.master ?? b.master);
    rows.push(r.row);
    for (const n of r.notes) notes.push(`- ${b.name}: ${n}`);
    failed ||= r.failed;
  }

  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(`## Kindling benchmarks${args.quick ? ' (quick)' : ''}\n`);
  const load = `load average ${loadBefore.toFixed(2)} at start, ${os.loadavg()[0]!.toFixed(2)} at end`;
  console.log(`Node ${process.version}, ${os.availableParallelism()} cores (${cpu}), ${os.platform()} ${os.release()}, ${new Date().toISOString()}, ${load}\n`);
  console.log(formatTable(rows));
  if (notes.length > 0) console.log(`\n${notes.join('\n')}`);
  process.exitCode = failed ? 1 : 0;
}

await main();
