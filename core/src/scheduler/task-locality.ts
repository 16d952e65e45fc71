/** Locality levels, most local first, as Spark's TaskLocality. RACK_LOCAL needs a rack resolver. */
export const TaskLocality = {
  PROCESS_LOCAL: 0,
  NODE_LOCAL: 1,
  NO_PREF: 2,
  RACK_LOCAL: 3,
  ANY: 4,
} as const;

export type TaskLocality = (typeof TaskLocality)[keyof typeof TaskLocality];

export const TASK_LOCALITY_NAMES = ['PROCESS_LOCAL', 'NODE_LOCAL', 'NO_PREF', 'RACK_LOCAL', 'ANY'] as const;
export type TaskLocalityName = (typeof TASK_LOCALITY_NAMES)[number];

export function localityName(level: TaskLocality): TaskLocalityName {
  return TASK_LOCALITY_NAMES[level]!;
}
