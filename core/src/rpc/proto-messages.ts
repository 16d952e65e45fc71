/**
 * Envelope encoding for proto/kindling.proto, by runtime reflection: the .proto file is the
 * single source of truth, so no generated code can drift from it. Messages are plain
 * camelCase objects (uint64 as number, bytes as Buffer) named by their `payload` oneof field.
 */
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { ProtocolError } from '../errors.js';

/** dist/rpc/ and src/rpc/ are both two levels below the package root, next to proto/. */
const PROTO_URL = new URL('../../proto/kindling.proto', import.meta.url);

const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, defaults: true, oneofs: true };
/** The envelope field that carries adapter-defined messages. */
const EXTENSION = 'extension';
/** Adapter message types by full name (registerRpcMessages). */
const extensions = new Map<string, protobuf.Type>();
const MAX_U32 = 0xffff_ffff;

export interface Envelope {
  /** The oneof field name, e.g. 'fetchBlock'. */
  type: string;
  payload: Record<string, unknown>;
  /** > 0 on an ask. */
  requestId: number;
  /** The ask's requestId on a reply, else 0. */
  replyTo: number;
}

interface Schema {
  envelope: protobuf.Type;
  types: ReadonlySet<string>;
}

let schema: Schema | undefined;

// Loaded on first use, into a private Root so users' protobufjs roots never clash with ours.
function load(): Schema {
  if (schema) return schema;
  const path = fileURLToPath(PROTO_URL);
  let root: protobuf.Root;
  try {
    root = new protobuf.Root().loadSync(path);
  } catch (e) {
    throw new ProtocolError(`Cannot load the Kindling RPC schema ${path}: ${(e as Error).message}`, { cause: e });
  }
  const envelope = root.lookupType('kindling.rpc.Envelope');
  const types = new Set(envelope.oneofs['payload']!.fieldsArray.map((f) => f.name).filter((n) => n !== EXTENSION));
  schema = { envelope, types };
  return schema;
}

/** Every core message type an Envelope can carry, in .proto order. */
export function messageTypes(): readonly string[] {
  return [...load().types];
}

export function isMessageType(type: string): boolean {
  return load().types.has(type) || extensions.has(type);
}

/**
 * Lets an adapter send messages of its own schema over core's RPC: every message type in
 * `protoFile` becomes sendable by its full name (e.g. 'kindling.standalone.RegisterWorker').
 * Idempotent; returns the names registered.
 */
export function registerRpcMessages(protoFile: string | URL): string[] {
  const file = protoFile instanceof URL ? fileURLToPath(protoFile) : protoFile;
  let root: protobuf.Root;
  try {
    root = new protobuf.Root().loadSync(file);
    root.resolveAll();
  } catch (e) {
    throw new ProtocolError(`Cannot load RPC schema ${file}: ${(e as Error).message}`, { cause: e });
  }
  const names: string[] = [];
  const visit = (ns: protobuf.NamespaceBase): void => {
    for (const nested of ns.nestedArray) {
      if (nested instanceof protobuf.Type) {
        const name = nested.fullName.replace(/^\./, '');
        if (load().types.has(name)) throw new ProtocolError(`RPC schema ${file} redefines core message '${name}'`);
        extensions.set(name, nested);
        names.push(name);
      }
      if (nested instanceof protobuf.Namespace) visit(nested);
    }
  };
  visit(root);
  return names;
}

export function encodeEnvelope(e: {
  type: string;
  payload?: Record<string, unknown>;
  requestId?: number;
  replyTo?: number;
}): Uint8Array {
  const { envelope, types } = load();
  const extension = extensions.get(e.type);
  if (!types.has(e.type) && !extension) {
    throw new ProtocolError(`Unknown RPC message type '${e.type}'; known types: ${[...types, ...extensions.keys()].join(', ')}`);
  }
  const requestId = e.requestId ?? 0;
  const replyTo = e.replyTo ?? 0;
  checkU32('requestId', requestId);
  checkU32('replyTo', replyTo);
  const plain = { requestId, replyTo, [extension ? EXTENSION : e.type]: extension ? encodeExtension(extension, e.type, e.payload ?? {}) : (e.payload ?? {}) };
  // fromObject silently coerces wrong types to defaults; verify turns them into errors instead.
  const problem = envelope.verify(plain);
  if (problem) throw new ProtocolError(`Invalid '${e.type}' message: ${problem}`);
  return envelope.encode(envelope.fromObject(plain)).finish();
}

export function decodeEnvelope(bytes: Uint8Array): Envelope {
  const { envelope } = load();
  let obj: Record<string, unknown>;
  try {
    obj = envelope.toObject(envelope.decode(bytes), TO_OBJECT);
  } catch (e) {
    throw new ProtocolError(`Malformed RPC envelope (${bytes.byteLength} bytes): ${(e as Error).message}`, { cause: e });
  }
  const type = obj['payload'];
  if (typeof type !== 'string') {
    throw new ProtocolError(`Malformed RPC envelope (${bytes.byteLength} bytes): it carries no message`);
  }
  const requestId = obj['requestId'] as number;
  const replyTo = obj['replyTo'] as number;
  if (type === EXTENSION) return { ...decodeExtension(obj[type] as Record<string, unknown>), requestId, replyTo };
  return { type, payload: obj[type] as Record<string, unknown>, requestId, replyTo };
}

function encodeExtension(t: protobuf.Type, name: string, payload: Record<string, unknown>): { type: string; value: Uint8Array } {
  const problem = t.verify(payload);
  if (problem) throw new ProtocolError(`Invalid '${name}' message: ${problem}`);
  return { type: name, value: t.encode(t.fromObject(payload)).finish() };
}

function decodeExtension(ext: Record<string, unknown>): { type: string; payload: Record<string, unknown> } {
  const name = String(ext['type'] ?? '');
  const t = extensions.get(name);
  if (!t) throw new ProtocolError(`Unknown adapter RPC message type '${name}': this process has not registered its schema`);
  try {
    return { type: name, payload: t.toObject(t.decode(ext['value'] as Uint8Array), { longs: Number, defaults: true }) };
  } catch (e) {
    throw new ProtocolError(`Malformed '${name}' message: ${(e as Error).message}`, { cause: e });
  }
}

function checkU32(name: string, n: number): void {
  if (!Number.isInteger(n) || n < 0 || n > MAX_U32) {
    throw new ProtocolError(`Envelope ${name} must be an integer in [0, ${MAX_U32}], got ${String(n)}`);
  }
}
