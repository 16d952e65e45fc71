import { execFileSync } from 'node:child_process';

/** An executor process started by this test process (local-cluster), found through `ps`. */
export interface ExecutorProcessInfo {
  pid: number;
  executorId: string;
  driverUrl: string;
  args: string[];
}

/** Executor processes whose parent is this process. */
export function executorProcesses(): ExecutorProcessInfo[] {
  const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  const found: ExecutorProcessInfo[] = [];
  for (const line of out.split('\n')) {
    const m = /^\s*(\d+)\s+(.*)$/.exec(line);
    if (!m || !/executor-main\.js|kindling-executor\.js/.test(m[2]!)) continue;
    const args = m[2]!.split(/\s+/);
    const opt = (name: string) => args[args.indexOf(name) + 1] ?? '';
    found.push({ pid: Number(m[1]), executorId: opt('--executor-id'), driverUrl: opt('--driver-url'), args });
  }
  return found;
}

export function executorPid(executorId: string): number {
  const p = executorProcesses().find((e) => e.executorId === executorId);
  if (!p) throw new Error(`No executor process with id ${executorId}`);
  return p.pid;
}
