/** What the master knows about workers, applications and their executors (Spark's WorkerInfo, ApplicationInfo). */
import type { RpcConnectionLike } from '@kindling/core/cluster-manager';
import type { ApplicationDescription, DriverDescription } from './standalone-messages.js';

export type WorkerState = 'ALIVE' | 'DEAD' | 'UNKNOWN';
export type AppState = 'WAITING' | 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED' | 'UNKNOWN';
export type ExecutorState = 'LAUNCHING' | 'RUNNING' | 'KILLED' | 'FAILED' | 'LOST' | 'EXITED';
export type MasterState = 'ALIVE' | 'RECOVERING' | 'STANDBY';

export const FINISHED_EXECUTOR_STATES: ReadonlySet<string> = new Set(['KILLED', 'FAILED', 'LOST', 'EXITED']);

export interface ExecutorInfo {
  appId: string;
  executorId: string;
  workerId: string;
  cores: number;
  memoryMib: number;
  state: ExecutorState;
}

export interface WorkerInfo {
  id: string;
  host: string;
  cores: number;
  memoryMib: number;
  webUiUrl: string;
  state: WorkerState;
  conn: RpcConnectionLike | undefined;
  lastHeartbeat: number;
  /** By `${appId}/${executorId}`. */
  executors: Map<string, ExecutorInfo>;
  /** Drivers (cluster deploy mode) running here, by id. */
  drivers: Map<string, DriverInfo>;
}

export type DriverState = 'SUBMITTED' | 'RUNNING' | 'FINISHED' | 'RELAUNCHING' | 'UNKNOWN' | 'KILLED' | 'FAILED' | 'ERROR';

export interface DriverInfo {
  id: string;
  desc: DriverDescription;
  state: DriverState;
  workerId?: string;
  submitTime: number;
  message: string;
}

export interface AppInfo {
  id: string;
  desc: ApplicationDescription;
  conn: RpcConnectionLike | undefined;
  state: AppState;
  startTime: number;
  endTime?: number;
  executors: Map<string, ExecutorInfo>;
  nextExecutorId: number;
  /** The dynamic-allocation target; Infinity = no limit. */
  executorLimit: number;
  /** Abnormal executor exits in a row (kindling.deploy.maxExecutorRetries). */
  retryCount: number;
  /** Why it ended, for the UI. */
  endMessage?: string;
}

export const executorKey = (appId: string, executorId: string): string => `${appId}/${executorId}`;

export function coresUsed(w: WorkerInfo): number {
  let n = 0;
  for (const d of w.drivers.values()) n += d.desc.cores;
  for (const e of w.executors.values()) n += e.cores;
  return n;
}

export function memoryUsed(w: WorkerInfo): number {
  let n = 0;
  for (const d of w.drivers.values()) n += d.desc.memoryMib;
  for (const e of w.executors.values()) n += e.memoryMib;
  return n;
}

export function coresGranted(a: AppInfo): number {
  let n = 0;
  for (const e of a.executors.values()) n += e.cores;
  return n;
}

/** Spark's id patterns: app-<yyyyMMddHHmmss>-<%04d>, worker-<yyyyMMddHHmmss>-<host>-<port>. */
export function timestampId(date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}${p(date.getMonth() + 1)}${p(date.getDate())}${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}`;
}
