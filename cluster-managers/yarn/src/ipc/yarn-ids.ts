/** YARN id records and their string forms (ContainerId.toString, ApplicationAttemptId.toString). */
export interface ApplicationId {
  id: number;
  clusterTimestamp: number;
}
export interface ApplicationAttemptId {
  applicationId: ApplicationId;
  attemptId: number;
}
export interface ContainerId {
  appId?: ApplicationId;
  appAttemptId: ApplicationAttemptId;
  id: number;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export function containerIdString(c: ContainerId): string {
  const app = c.appAttemptId.applicationId;
  const epoch = Math.floor(c.id / 2 ** 40);
  const seq = c.id % 2 ** 40;
  return `container_${epoch ? `e${pad(epoch, 2)}_` : ''}${app.clusterTimestamp}_${pad(app.id, 4)}_${pad(c.appAttemptId.attemptId, 2)}_${pad(seq, 6)}`;
}

export function attemptIdString(a: ApplicationAttemptId): string {
  return `appattempt_${a.applicationId.clusterTimestamp}_${pad(a.applicationId.id, 4)}_${pad(a.attemptId, 6)}`;
}

/** Parses CONTAINER_ID (what the NM sets in every container) into its attempt. */
export function parseContainerId(s: string): ContainerId {
  const m = /^container_(?:e(\d+)_)?(\d+)_(\d+)_(\d+)_(\d+)$/.exec(s);
  if (!m) throw new Error(`Not a YARN container id: '${s}'`);
  const applicationId = { id: Number(m[3]), clusterTimestamp: Number(m[2]) };
  const appAttemptId = { applicationId, attemptId: Number(m[4]) };
  return { appId: applicationId, appAttemptId, id: Number(m[1] ?? 0) * 2 ** 40 + Number(m[5]) };
}
