import { MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';

/**
 * Blocking calls from a task thread to its executor's main thread. Task code is synchronous
 * (iterators), but cached blocks, broadcasts and stage plans live with the executor, which may
 * have to fetch them from the driver. The caller posts a request and sleeps on a shared flag;
 * the main thread answers on the port and wakes it, and the caller reads the reply synchronously.
 */
export interface SyncRequest {
  op: string;
  args: unknown;
}

type Reply = { ok: true; value: unknown } | { ok: false; error: { name: string; message: string; stack?: string } };

/** Created on the main thread; `workerSide` is transferred to the worker. */
export function createSyncChannel(handle: (req: SyncRequest) => Promise<unknown> | unknown): {
  workerSide: { port: MessagePort; flag: SharedArrayBuffer };
  close(): void;
} {
  const { port1, port2 } = new MessageChannel();
  const flag = new SharedArrayBuffer(4);
  const signal = new Int32Array(flag);
  port1.on('message', async (req: SyncRequest) => {
    let reply: Reply;
    try {
      reply = { ok: true, value: await handle(req) };
    } catch (e) {
      const err = e as Error;
      reply = { ok: false, error: { name: err?.name ?? 'Error', message: err?.message ?? String(e), stack: err?.stack } };
    }
    port1.postMessage(reply);
    Atomics.store(signal, 0, 1);
    Atomics.notify(signal, 0);
  });
  port1.unref();
  return { workerSide: { port: port2, flag }, close: () => port1.close() };
}

/** The worker's end: `call` blocks this thread until the main thread answers. */
export class SyncCaller {
  private readonly signal: Int32Array;

  constructor(
    private readonly port: MessagePort,
    flag: SharedArrayBuffer,
    private readonly timeoutMs = 120_000,
  ) {
    this.signal = new Int32Array(flag);
  }

  call<T>(op: string, args: unknown): T {
    Atomics.store(this.signal, 0, 0);
    this.port.postMessage({ op, args } satisfies SyncRequest);
    const r = Atomics.wait(this.signal, 0, 0, this.timeoutMs);
    const msg = receiveMessageOnPort(this.port);
    if (!msg) {
      throw new Error(`Executor main thread did not answer '${op}' within ${this.timeoutMs} ms (${r})`);
    }
    const reply = msg.message as Reply;
    if (!reply.ok) {
      const e = new Error(reply.error.message);
      e.name = reply.error.name;
      if (reply.error.stack) e.stack = reply.error.stack;
      throw e;
    }
    return reply.value as T;
  }
}
