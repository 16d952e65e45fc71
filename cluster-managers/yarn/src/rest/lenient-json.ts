/**
 * Hadoop's REST JSON differs between versions (Jersey 1 "natural" notation vs Jersey 2/MOXy in
 * 3.5): a one-element list may be a bare object, numbers may be strings, a root wrapper may be
 * missing or doubled. These readers accept every shape seen.
 */

export function asArray<T = unknown>(v: unknown): T[] {
  if (v === undefined || v === null || v === '') return [];
  return (Array.isArray(v) ? v : [v]) as T[];
}

export function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

export function asString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** `{"app": {...}}` or the bare record: the object under `key` if there is one. */
export function unwrap(body: unknown, key: string): Record<string, unknown> {
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      return {};
    }
  }
  if (!body || typeof body !== 'object') return {};
  const inner = (body as Record<string, unknown>)[key];
  return inner && typeof inner === 'object' ? (inner as Record<string, unknown>) : (body as Record<string, unknown>);
}

export interface RemoteException {
  exception?: string;
  message?: string;
  javaClassName?: string;
}

/** The RemoteException of an error body (JSON, XML, or HTML with a message), if any. */
export function remoteException(body: unknown): RemoteException | undefined {
  if (typeof body === 'string') {
    const trimmed = body.trim();
    if (trimmed.startsWith('{')) return remoteException(unwrap(trimmed, '__none__'));
    const tag = (t: string) => new RegExp(`<${t}>([\\s\\S]*?)</${t}>`).exec(trimmed)?.[1];
    if (trimmed.includes('<RemoteException>')) return { exception: tag('exception'), message: tag('message'), javaClassName: tag('javaClassName') };
    return undefined;
  }
  if (!body || typeof body !== 'object') return undefined;
  const re = (body as Record<string, unknown>)['RemoteException'] ?? body;
  if (!re || typeof re !== 'object') return undefined;
  const r = re as Record<string, unknown>;
  const out = { exception: asString(r['exception']), message: asString(r['message']), javaClassName: asString(r['javaClassName']) };
  return out.exception || out.message || out.javaClassName ? out : undefined;
}

/** Jersey natural-notation map: `{"entry":[{"key":k,"value":v}]}`. */
export function entryMap<V>(values: Record<string, V>): { entry: Array<{ key: string; value: V }> } {
  return { entry: Object.entries(values).map(([key, value]) => ({ key, value })) };
}
