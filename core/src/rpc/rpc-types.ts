/**
 * The transport contract the driver and executors program against. Messages are the
 * `Envelope` payloads of proto/kindling.proto, named by their oneof field in camelCase
 * (e.g. 'registerExecutor'); `payload` is the decoded message as a plain object with
 * camelCase fields (uint64 as number); `body` is the frame's raw bytes, if any.
 */
export interface RpcMessage {
  type: string;
  payload: Record<string, unknown>;
  body?: Uint8Array;
}

export type Reply = (type: string, payload: Record<string, unknown>, body?: Uint8Array) => void;

export interface RpcConnectionLike {
  readonly remoteAddress: string;
  readonly closed: boolean;
  /** One-way message. Throws ProtocolError if the frame would exceed the size limit. */
  send(type: string, payload: Record<string, unknown>, body?: Uint8Array): void;
  /** Request/response; rejects on an `error` reply, timeout, or connection loss. */
  ask(type: string, payload: Record<string, unknown>, body?: Uint8Array, timeoutMs?: number): Promise<RpcMessage>;
  /** Handles messages that are not replies; `reply` answers an ask (a no-op for one-way messages). */
  onMessage(handler: (msg: RpcMessage, reply: Reply) => void | Promise<void>): void;
  onClose(handler: (error?: Error) => void): void;
  close(): void;
  /** Lifts limits for peers that have not proved who they are (see RpcServerOptions.untrusted). */
  trust?(): void;
}
