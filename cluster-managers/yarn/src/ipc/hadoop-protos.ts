import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

let root: protobuf.Root | undefined;

/** The Hadoop IPC and YARN messages of proto/hadoop_ipc.proto and proto/yarn_am.proto. */
export function hadoopType(name: string): protobuf.Type {
  if (!root) {
    const dir = fileURLToPath(new URL('../../proto/', import.meta.url));
    const r = new protobuf.Root();
    r.resolvePath = (_origin, target) => (target.startsWith('/') ? target : dir + target);
    root = r.loadSync(['hadoop_ipc.proto', 'yarn_am.proto']);
    root.resolveAll();
  }
  return root.lookupType(name);
}

/**
 * Decode to a plain object: longs as numbers (ids and sizes fit in 2^53), enums as names, repeated
 * fields as arrays. With `defaults` (the default) unset fields read as their proto default; pass
 * false where presence matters (AllocateResponseProto.a_m_command's default would read as AM_RESYNC).
 */
export function decodeMessage<T = Record<string, unknown>>(type: string, bytes: Uint8Array, defaults = true): T {
  const t = hadoopType(type);
  return t.toObject(t.decode(bytes), { longs: Number, enums: String, defaults, arrays: true, bytes: Buffer as unknown as typeof Array }) as T;
}

export function encodeMessage(type: string, value: Record<string, unknown>): Uint8Array {
  const t = hadoopType(type);
  const err = t.verify(t.fromObject(value));
  if (err) throw new Error(`Invalid ${type}: ${err}`);
  return t.encode(t.fromObject(value)).finish();
}
