/**
 * The Mesos v1 scheduler API messages in their JSON form (snake_case proto field names, enums as
 * names, bytes as base64 strings): the one in-memory shape the adapter works with, whichever
 * content type is on the wire (mesos-codec.ts converts protobuf to and from it).
 */
export interface Id {
  value: string;
}

export interface Scalar {
  value: number;
}
export interface Range {
  begin: number;
  end: number;
}

export type ValueType = 'SCALAR' | 'RANGES' | 'SET' | 'TEXT';

export interface Resource {
  name: string;
  type: ValueType;
  scalar?: Scalar;
  ranges?: { range?: Range[] };
  set?: { item?: string[] };
  role?: string;
  allocation_info?: { role?: string };
  reservation?: Record<string, unknown>;
  reservations?: Record<string, unknown>[];
}

export interface Attribute {
  name: string;
  type: ValueType;
  scalar?: Scalar;
  ranges?: { range?: Range[] };
  set?: { item?: string[] };
  text?: { value: string };
}

export interface Offer {
  id: Id;
  framework_id: Id;
  agent_id: Id;
  hostname: string;
  resources?: Resource[];
  attributes?: Attribute[];
  executor_ids?: Id[];
  allocation_info?: { role?: string };
}

export type TaskState =
  | 'TASK_STAGING'
  | 'TASK_STARTING'
  | 'TASK_RUNNING'
  | 'TASK_KILLING'
  | 'TASK_FINISHED'
  | 'TASK_FAILED'
  | 'TASK_KILLED'
  | 'TASK_ERROR'
  | 'TASK_LOST'
  | 'TASK_DROPPED'
  | 'TASK_UNREACHABLE'
  | 'TASK_GONE'
  | 'TASK_GONE_BY_OPERATOR'
  | 'TASK_UNKNOWN';

export interface TaskStatus {
  task_id: Id;
  state: TaskState;
  message?: string;
  source?: 'SOURCE_MASTER' | 'SOURCE_AGENT' | 'SOURCE_EXECUTOR';
  reason?: string;
  data?: string;
  agent_id?: Id;
  executor_id?: Id;
  timestamp?: number;
  /** base64 of 16 bytes; present only on reliably delivered updates, which must be acknowledged. */
  uuid?: string;
}

/** A SECRET variable's value is resolved by the agent and not shown by the master's endpoints. */
export type EnvironmentVariable =
  | { name: string; type?: 'VALUE'; value: string }
  | { name: string; type: 'SECRET'; secret: { type: 'VALUE'; value: { data: string } } };

export interface CommandInfo {
  uris?: { value: string; executable?: boolean; extract?: boolean; cache?: boolean; output_file?: string }[];
  environment?: { variables: EnvironmentVariable[] };
  shell?: boolean;
  value?: string;
  arguments?: string[];
  user?: string;
}

export interface TaskInfo {
  name: string;
  task_id: Id;
  agent_id: Id;
  resources: Resource[];
  command?: CommandInfo;
  labels?: { labels: { key: string; value?: string }[] };
}

export interface FrameworkInfo {
  user: string;
  name: string;
  id?: Id;
  failover_timeout?: number;
  checkpoint?: boolean;
  roles?: string[];
  role?: string;
  hostname?: string;
  principal?: string;
  webui_url?: string;
  capabilities?: { type: string }[];
  labels?: { labels: { key: string; value?: string }[] };
}

export interface MasterInfo {
  id: string;
  ip: number;
  port: number;
  pid?: string;
  hostname?: string;
  version?: string;
  address?: { hostname?: string; ip?: string; port: number };
}

export type EventType =
  | 'SUBSCRIBED'
  | 'OFFERS'
  | 'INVERSE_OFFERS'
  | 'RESCIND'
  | 'RESCIND_INVERSE_OFFER'
  | 'UPDATE'
  | 'UPDATE_OPERATION_STATUS'
  | 'MESSAGE'
  | 'FAILURE'
  | 'ERROR'
  | 'HEARTBEAT'
  | 'UNKNOWN';

export interface SchedulerEvent {
  type: EventType;
  subscribed?: { framework_id: Id; heartbeat_interval_seconds?: number; master_info?: MasterInfo };
  offers?: { offers?: Offer[] };
  rescind?: { offer_id: Id };
  update?: { status: TaskStatus };
  message?: { agent_id: Id; executor_id: Id; data: string };
  failure?: { agent_id?: Id; executor_id?: Id; status?: number };
  error?: { message: string };
}

export type CallType =
  | 'SUBSCRIBE'
  | 'TEARDOWN'
  | 'ACCEPT'
  | 'DECLINE'
  | 'REVIVE'
  | 'KILL'
  | 'SHUTDOWN'
  | 'ACKNOWLEDGE'
  | 'RECONCILE'
  | 'MESSAGE'
  | 'SUPPRESS';

export interface Filters {
  refuse_seconds?: number;
}

export interface SchedulerCall {
  type: CallType;
  framework_id?: Id;
  subscribe?: { framework_info: FrameworkInfo; suppressed_roles?: string[] };
  accept?: { offer_ids: Id[]; operations: { type: 'LAUNCH'; launch: { task_infos: TaskInfo[] } }[]; filters?: Filters };
  decline?: { offer_ids: Id[]; filters?: Filters };
  revive?: { roles?: string[] };
  suppress?: { roles?: string[] };
  kill?: { task_id: Id; agent_id?: Id };
  shutdown?: { executor_id: Id; agent_id: Id };
  acknowledge?: { agent_id: Id; task_id: Id; uuid: string };
  reconcile?: { tasks: { task_id: Id; agent_id?: Id }[] };
  message?: { agent_id: Id; executor_id: Id; data: string };
}

/** States after which the task no longer runs (TASK_LOST included, as Spark treats it). */
export const TERMINAL_STATES: ReadonlySet<TaskState> = new Set<TaskState>([
  'TASK_FINISHED',
  'TASK_FAILED',
  'TASK_KILLED',
  'TASK_ERROR',
  'TASK_LOST',
  'TASK_DROPPED',
  'TASK_UNREACHABLE',
  'TASK_GONE',
  'TASK_GONE_BY_OPERATOR',
  'TASK_UNKNOWN',
]);
