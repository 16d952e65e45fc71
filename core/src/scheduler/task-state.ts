export type TaskState = 'LAUNCHING' | 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED' | 'LOST';

export function isFinishedState(state: TaskState): boolean {
  return state === 'FINISHED' || state === 'FAILED' || state === 'KILLED' || state === 'LOST';
}
