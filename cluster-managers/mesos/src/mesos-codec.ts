/**
 * The two wire encodings of the v1 scheduler API (kindling.mesos.contentType). Both map to the
 * JSON-shaped objects of mesos-types.ts: application/json is that shape as text (the master
 * matches snake_case proto field names only and silently drops unknown keys, so the shape must be
 * exact); application/x-protobuf goes through protobufjs with the .proto files in ../proto,
 * loaded with keepCase so field names stay snake_case.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { MesosError } from './mesos-errors.js';
import type { SchedulerCall, SchedulerEvent } from './mesos-types.js';

export const CONTENT_TYPES = ['application/json', 'application/x-protobuf'] as const;
export type MesosContentType = (typeof CONTENT_TYPES)[number];

export interface MesosCodec {
  readonly contentType: MesosContentType;
  encodeCall(call: SchedulerCall): Buffer;
  decodeEvent(bytes: Buffer): SchedulerEvent;
  /** The master's side, for simulators and tests. */
  decodeCall(bytes: Buffer): SchedulerCall;
  encodeEvent(event: SchedulerEvent): Buffer;
}

/** dist/ and src/ sit next to proto/ in the package. */
const PROTO_DIR = fileURLToPath(new URL('../proto/', import.meta.url));
const TO_JSON_SHAPE: protobuf.IConversionOptions = { enums: String, longs: Number, bytes: String, defaults: false };

let schema: { call: protobuf.Type; event: protobuf.Type } | undefined;

function load(): { call: protobuf.Type; event: protobuf.Type } {
  if (schema) return schema;
  const root = new protobuf.Root();
  // Imports are written as upstream does ("mesos/v1/mesos.proto"), relative to the proto dir.
  root.resolvePath = (_origin, target) => (path.isAbsolute(target) ? target : path.join(PROTO_DIR, target));
  try {
    root.loadSync('mesos/v1/scheduler/scheduler.proto', { keepCase: true });
  } catch (e) {
    throw new MesosError(`Cannot load the Mesos v1 scheduler protos from ${PROTO_DIR}: ${(e as Error).message}`, undefined, { cause: e });
  }
  schema = { call: root.lookupType('mesos.v1.scheduler.Call'), event: root.lookupType('mesos.v1.scheduler.Event') };
  return schema;
}

/** Removes undefined members so neither encoding sends an unset field as null or a default. */
function clean<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

class JsonCodec implements MesosCodec {
  readonly contentType = 'application/json' as const;
  encodeCall(call: SchedulerCall): Buffer {
    return Buffer.from(JSON.stringify(call), 'utf8');
  }
  decodeEvent(bytes: Buffer): SchedulerEvent {
    return parseJson(bytes, 'event') as SchedulerEvent;
  }
  decodeCall(bytes: Buffer): SchedulerCall {
    return parseJson(bytes, 'call') as SchedulerCall;
  }
  encodeEvent(event: SchedulerEvent): Buffer {
    return Buffer.from(JSON.stringify(event), 'utf8');
  }
}

function parseJson(bytes: Buffer, what: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new MesosError(`Failed to parse a Mesos ${what} as JSON: ${(e as Error).message}`, undefined, { cause: e });
  }
}

class ProtobufCodec implements MesosCodec {
  readonly contentType = 'application/x-protobuf' as const;
  encodeCall(call: SchedulerCall): Buffer {
    return encode(load().call, call);
  }
  decodeEvent(bytes: Buffer): SchedulerEvent {
    return decode(load().event, bytes, 'event') as unknown as SchedulerEvent;
  }
  decodeCall(bytes: Buffer): SchedulerCall {
    return decode(load().call, bytes, 'call') as unknown as SchedulerCall;
  }
  encodeEvent(event: SchedulerEvent): Buffer {
    return encode(load().event, event);
  }
}

function encode(type: protobuf.Type, value: object): Buffer {
  // fromObject turns enum names into numbers and base64 strings into bytes.
  const message = type.fromObject(clean(value) as Record<string, unknown>);
  return Buffer.from(type.encode(message).finish());
}

function decode(type: protobuf.Type, bytes: Buffer, what: string): Record<string, unknown> {
  try {
    return type.toObject(type.decode(bytes), TO_JSON_SHAPE);
  } catch (e) {
    throw new MesosError(`Failed to decode a Mesos ${what} as protobuf: ${(e as Error).message}`, undefined, { cause: e });
  }
}

const JSON_CODEC = new JsonCodec();
const PROTOBUF_CODEC = new ProtobufCodec();

/** The codec for a content type; anything but the two exact strings is refused (the master answers 415). */
export function codecFor(contentType: string): MesosCodec {
  if (contentType === 'application/json') return JSON_CODEC;
  if (contentType === 'application/x-protobuf') return PROTOBUF_CODEC;
  throw new MesosError(
    `Invalid kindling.mesos.contentType '${contentType}': the Mesos master accepts exactly 'application/json' or 'application/x-protobuf'`,
  );
}
