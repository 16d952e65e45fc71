/** The master's state as plain data: what `/json` serves and the UI renders (Spark's MasterStateResponse). */
import { coresGranted, coresUsed, memoryUsed, type AppInfo, type DriverInfo, type MasterState, type WorkerInfo } from './master-model.js';

export interface DriverSnapshot {
  id: string;
  name: string;
  state: string;
  worker: string;
  cores: number;
  memory: number;
  supervise: boolean;
  starttime: number;
  message: string;
}

export interface WorkerSnapshot {
  id: string;
  host: string;
  webuiaddress: string;
  cores: number;
  coresused: number;
  coresfree: number;
  memory: number;
  memoryused: number;
  memoryfree: number;
  state: string;
  lastheartbeat: number;
  executors: Array<{ appId: string; executorId: string; cores: number; memoryMib: number; state: string }>;
}

export interface AppSnapshot {
  id: string;
  name: string;
  user: string;
  cores: number;
  memoryperslave: number;
  starttime: number;
  endtime: number | null;
  state: string;
  duration: number;
  message: string;
  executors: Array<{ executorId: string; workerId: string; cores: number; state: string }>;
}

export interface MasterSnapshot {
  url: string;
  workers: WorkerSnapshot[];
  aliveworkers: number;
  cores: number;
  coresused: number;
  memory: number;
  memoryused: number;
  activeapps: AppSnapshot[];
  completedapps: AppSnapshot[];
  activedrivers: DriverSnapshot[];
  completeddrivers: DriverSnapshot[];
  status: MasterState;
  starttime: number;
}

export function masterSnapshot(s: {
  url: string;
  status: MasterState;
  startTime: number;
  workers: WorkerInfo[];
  activeApps: AppInfo[];
  completedApps: AppInfo[];
  activeDrivers: DriverInfo[];
  completedDrivers: DriverInfo[];
}): MasterSnapshot {
  const alive = s.workers.filter((w) => w.state === 'ALIVE');
  const sum = (ws: WorkerInfo[], f: (w: WorkerInfo) => number) => ws.reduce((n, w) => n + f(w), 0);
  return {
    url: s.url,
    workers: s.workers.map(worker),
    aliveworkers: alive.length,
    cores: sum(alive, (w) => w.cores),
    coresused: sum(alive, coresUsed),
    memory: sum(alive, (w) => w.memoryMib),
    memoryused: sum(alive, memoryUsed),
    activeapps: s.activeApps.map(app),
    completedapps: [...s.completedApps].reverse().map(app),
    activedrivers: s.activeDrivers.map(driver),
    completeddrivers: [...s.completedDrivers].reverse().map(driver),
    status: s.status,
    starttime: s.startTime,
  };
}

function worker(w: WorkerInfo): WorkerSnapshot {
  const used = coresUsed(w);
  const mem = memoryUsed(w);
  return {
    id: w.id,
    host: w.host,
    webuiaddress: w.webUiUrl,
    cores: w.cores,
    coresused: used,
    coresfree: w.cores - used,
    memory: w.memoryMib,
    memoryused: mem,
    memoryfree: w.memoryMib - mem,
    state: w.state,
    lastheartbeat: w.lastHeartbeat,
    executors: [...w.executors.values()].map((e) => ({ appId: e.appId, executorId: e.executorId, cores: e.cores, memoryMib: e.memoryMib, state: e.state })),
  };
}

function app(a: AppInfo): AppSnapshot {
  return {
    id: a.id,
    name: a.desc.name,
    user: a.desc.user,
    cores: coresGranted(a),
    memoryperslave: a.desc.memoryPerExecutorMib,
    starttime: a.startTime,
    endtime: a.endTime ?? null,
    state: a.state,
    duration: (a.endTime ?? Date.now()) - a.startTime,
    message: a.endMessage ?? '',
    executors: [...a.executors.values()].map((e) => ({ executorId: e.executorId, workerId: e.workerId, cores: e.cores, state: e.state })),
  };
}

function driver(d: DriverInfo): DriverSnapshot {
  return {
    id: d.id,
    name: d.desc.appName,
    state: d.state,
    worker: d.workerId ?? '',
    cores: d.desc.cores,
    memory: d.desc.memoryMib,
    supervise: d.desc.supervise,
    starttime: d.submitTime,
    message: d.message,
  };
}
