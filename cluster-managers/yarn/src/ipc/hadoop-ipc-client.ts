import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import { HadoopIpcError } from '../yarn-errors.js';
import { digestResponse, parseDigestChallenge } from './digest-md5.js';
import { decodeMessage, encodeMessage } from './hadoop-protos.js';
import type { HadoopToken } from './hadoop-token.js';
import { CONNECTION_CONTEXT_CALL_ID, FrameReader, SASL_CALL_ID, frame, preamble, splitDelimited } from './ipc-framing.js';

export interface IpcConnectOptions {
  host: string;
  port: number;
  /** The ...ProtocolPB name, e.g. org.apache.hadoop.yarn.api.ApplicationMasterProtocolPB. */
  protocol: string;
  /** TOKEN auth (SASL DIGEST-MD5): AM↔RM and AM↔NM always need it, even on SIMPLE clusters. */
  token?: HadoopToken;
  /** SIMPLE auth: the effective user (only when no token). */
  user?: string;
  timeoutMs?: number;
}

interface Pending {
  responseType: string;
  defaults: boolean;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  method: string;
}

interface ResponseHeader {
  callId: number;
  status: string;
  exceptionClassName: string;
  errorMsg: string;
}

interface SaslMessage {
  state: string;
  token: Buffer;
  auths: Array<{ method: string; mechanism: string; protocol: string; serverId: string; challenge: Buffer }>;
}

/**
 * A Hadoop IPC client (RPC version 9, protobuf engine): preamble, SASL (TOKEN/DIGEST-MD5 with
 * qop=auth, or SIMPLE), the connection context, then calls multiplexed by call id. Request call
 * ids are sint32 on the wire, response call ids uint32, so -33 comes back as 4294967263.
 */
export class HadoopIpcClient {
  private nextCallId = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly clientId = randomBytes(16);
  private closedError: Error | undefined;

  private constructor(
    private readonly socket: net.Socket,
    readonly options: IpcConnectOptions,
  ) {}

  static async connect(o: IpcConnectOptions): Promise<HadoopIpcClient> {
    const socket = net.connect({ host: o.host, port: o.port });
    socket.setNoDelay(true);
    const where = `${o.host}:${o.port}`;
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new HadoopIpcError(`Cannot connect to ${where} (${o.protocol}): timed out`)), o.timeoutMs ?? 20_000);
      socket.once('connect', () => (clearTimeout(t), resolve()));
      socket.once('error', (e) => (clearTimeout(t), reject(new HadoopIpcError(`Cannot connect to ${where} (${o.protocol}): ${e.message}`))));
    });
    const client = new HadoopIpcClient(socket, o);
    await client.handshake();
    return client;
  }

  /** One call; resolves with the decoded response or rejects with the server's exception. */
  call<T = Record<string, unknown>>(method: string, requestType: string, request: Record<string, unknown>, responseType: string, defaults = true): Promise<T> {
    if (this.closedError) return Promise.reject(this.closedError);
    const callId = this.nextCallId;
    this.nextCallId = (this.nextCallId + 1) & 0x7fffffff; // Java masks call ids the same way
    const header = this.rpcHeader(callId, 0);
    const reqHeader = encodeMessage('hadoop.common.RequestHeaderProto', { methodName: method, declaringClassProtocolName: this.options.protocol, clientProtocolVersion: 1 });
    return new Promise<T>((resolve, reject) => {
      this.pending.set(callId, { responseType, defaults, resolve: resolve as (v: unknown) => void, reject, method });
      this.socket.write(frame([header, reqHeader, encodeMessage(requestType, request)]));
    });
  }

  close(): void {
    this.fail(new HadoopIpcError(`Connection to ${this.options.host}:${this.options.port} closed`));
    this.socket.destroy();
  }

  private rpcHeader(callId: number, retryCount: number): Uint8Array {
    return encodeMessage('hadoop.common.RpcRequestHeaderProto', {
      rpcKind: 'RPC_PROTOCOL_BUFFER',
      rpcOp: 'RPC_FINAL_PACKET',
      callId,
      clientId: callId < 0 ? Buffer.alloc(0) : this.clientId,
      retryCount,
    });
  }

  private async handshake(): Promise<void> {
    const o = this.options;
    const where = `${o.host}:${o.port}`;
    const saslQueue: Array<(m: { header: ResponseHeader; body?: Buffer }) => void> = [];
    const saslFrames: Array<{ header: ResponseHeader; body?: Buffer }> = [];
    let handshaking = true;
    const reader = new FrameReader((body) => {
      const [h, payload] = splitDelimited(body);
      const header = decodeMessage<ResponseHeader>('hadoop.common.RpcResponseHeaderProto', h!);
      const callId = header.callId | 0;
      if (handshaking && callId === SASL_CALL_ID) {
        const item = { header, body: payload };
        const waiter = saslQueue.shift();
        if (waiter) waiter(item);
        else saslFrames.push(item);
        return;
      }
      this.onResponse(callId, header, payload);
    });
    this.socket.on('data', (chunk) => {
      try {
        reader.push(chunk);
      } catch (e) {
        this.fail(new HadoopIpcError(`Bad frame from ${where}: ${(e as Error).message}`));
        this.socket.destroy();
      }
    });
    this.socket.on('close', () => this.fail(new HadoopIpcError(`Connection to ${where} (${o.protocol}) closed by the server`)));
    this.socket.on('error', (e) => this.fail(new HadoopIpcError(`Connection to ${where} failed: ${e.message}`)));
    const closed = new Promise<never>((_, reject) => this.socket.once('close', () => reject(this.closedError ?? new HadoopIpcError(`Connection to ${where} closed during the handshake`))));
    closed.catch(() => {});
    const nextSasl = () =>
      Promise.race([
        new Promise<{ header: ResponseHeader; body?: Buffer }>((resolve) => {
          const ready = saslFrames.shift();
          if (ready) resolve(ready);
          else saslQueue.push(resolve);
        }),
        closed,
      ]).then(({ header, body }) => {
        if (header.status !== 'SUCCESS') throw new HadoopIpcError(`${where} refused the connection: ${header.exceptionClassName}: ${header.errorMsg}`, header.exceptionClassName, true);
        return decodeMessage<SaslMessage>('hadoop.common.RpcSaslProto', body!);
      });
    const sendSasl = (msg: Record<string, unknown>) => this.socket.write(frame([this.rpcHeader(SASL_CALL_ID, -1), encodeMessage('hadoop.common.RpcSaslProto', msg)]));

    this.socket.write(preamble(!!o.token));
    if (o.token) {
      sendSasl({ state: 'NEGOTIATE' });
      const negotiate = await nextSasl();
      const auth = negotiate.auths.find((a) => a.method === 'TOKEN' && a.mechanism === 'DIGEST-MD5');
      if (!auth) throw new HadoopIpcError(`${where} offers no TOKEN/DIGEST-MD5 SASL (offered: ${negotiate.auths.map((a) => `${a.method}/${a.mechanism}`).join(', ') || negotiate.state})`);
      let challenge = auth.challenge?.length ? auth.challenge : undefined;
      if (!challenge) {
        sendSasl({ state: 'INITIATE', auths: [{ method: auth.method, mechanism: auth.mechanism, protocol: auth.protocol, serverId: auth.serverId }], token: Buffer.alloc(0) });
        challenge = (await nextSasl()).token;
      }
      const response = digestResponse(parseDigestChallenge(challenge.toString('utf8')), o.token.identifier.toString('base64'), o.token.password.toString('base64'), `${auth.protocol}/${auth.serverId}`);
      sendSasl({ state: 'INITIATE', auths: [{ method: auth.method, mechanism: auth.mechanism, protocol: auth.protocol, serverId: auth.serverId }], token: Buffer.from(response) });
      for (let reply = await nextSasl(); reply.state !== 'SUCCESS'; reply = await nextSasl()) {
        if (reply.state !== 'CHALLENGE') throw new HadoopIpcError(`${where}: unexpected SASL state ${reply.state}`);
        sendSasl({ state: 'RESPONSE', token: Buffer.alloc(0) }); // rspauth: nothing more to send
      }
    }
    handshaking = false;
    const context = encodeMessage('hadoop.common.IpcConnectionContextProto', {
      // With TOKEN auth the identity is the token's; claiming a user too is refused.
      ...(o.token ? {} : { userInfo: { effectiveUser: o.user ?? 'kindling' } }),
      protocol: o.protocol,
    });
    this.socket.write(frame([this.rpcHeader(CONNECTION_CONTEXT_CALL_ID, -1), context]));
  }

  private onResponse(callId: number, header: ResponseHeader, payload: Buffer | undefined): void {
    if (header.status === 'FATAL') {
      this.fail(new HadoopIpcError(`${this.options.host}:${this.options.port} closed the connection: ${header.exceptionClassName}: ${header.errorMsg}`, header.exceptionClassName, true));
      this.socket.destroy();
      return;
    }
    const p = this.pending.get(callId);
    if (!p) return;
    this.pending.delete(callId);
    if (header.status === 'SUCCESS') {
      try {
        p.resolve(decodeMessage(p.responseType, payload ?? Buffer.alloc(0), p.defaults));
      } catch (e) {
        p.reject(new HadoopIpcError(`${p.method}: cannot decode ${p.responseType}: ${(e as Error).message}`));
      }
    } else {
      p.reject(new HadoopIpcError(`${p.method} failed: ${header.exceptionClassName}: ${header.errorMsg}`, header.exceptionClassName));
    }
  }

  private fail(e: Error): void {
    if (!this.closedError) this.closedError = e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}
