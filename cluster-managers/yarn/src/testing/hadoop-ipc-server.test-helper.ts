import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import { digestResponseValue } from '../ipc/digest-md5.js';
import { decodeMessage, encodeMessage } from '../ipc/hadoop-protos.js';
import { CONNECTION_CONTEXT_CALL_ID, FrameReader, SASL_CALL_ID, frame, splitDelimited } from '../ipc/ipc-framing.js';

/** What a handler throws to make the server answer status ERROR with a Java exception. */
export class SimulatedRemoteException extends Error {
  constructor(
    readonly className: string,
    message: string,
  ) {
    super(message);
  }
}

export interface SimulatedCall {
  protocol: string;
  method: string;
  callId: number;
  request: Record<string, unknown>;
  /** The identifier of the token the connection authenticated with (base64), or the SIMPLE user. */
  principal: string;
}

export interface IpcMethod {
  requestType: string;
  responseType: string;
  handle(request: Record<string, unknown>, call: SimulatedCall): Record<string, unknown> | Promise<Record<string, unknown>>;
}

export interface SimulatorOptions {
  /** token identifier (base64) → password (base64); TOKEN auth is required when set (as the RM's scheduler and the NM do). */
  tokens?: Map<string, string>;
  methods: Record<string, IpcMethod>;
}

/**
 * A Hadoop IPC server over real loopback sockets, faithful to what the Kindling AM relies on:
 * the 7-byte preamble, 4-byte framing with varint-delimited messages, zigzag request / unsigned
 * response call ids, SASL TOKEN with a DIGEST-MD5 challenge in NEGOTIATE (RFC 2831 response
 * checked, rspauth sent), the connection context, and SUCCESS/ERROR/FATAL response headers.
 */
export class HadoopIpcSimulator {
  readonly calls: SimulatedCall[] = [];
  readonly contexts: Array<{ protocol: string; userInfo?: { effectiveUser?: string } }> = [];
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(o: SimulatorOptions): Promise<HadoopIpcSimulator> {
    let sim!: HadoopIpcSimulator;
    const server = net.createServer((s) => sim.accept(s, o));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    sim = new HadoopIpcSimulator(server, (server.address() as net.AddressInfo).port);
    return sim;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket, o: SimulatorOptions): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
    let preamble: Buffer | undefined = Buffer.alloc(0);
    let authenticated = !o.tokens;
    let principal = '';
    let protocol = '';
    const nonce = randomBytes(12).toString('base64');
    const respond = (callId: number, status: 'SUCCESS' | 'ERROR' | 'FATAL', body?: Uint8Array, ex?: { className: string; message: string }) => {
      const header = encodeMessage('hadoop.common.RpcResponseHeaderProto', {
        callId: callId >>> 0, // uint32 on the wire: -33 goes out as 4294967263
        status,
        serverIpcVersionNum: 9,
        ...(ex ? { exceptionClassName: ex.className, errorMsg: ex.message } : {}),
      });
      socket.write(frame(body ? [header, body] : [header]));
      if (status === 'FATAL') socket.end();
    };
    const reader = new FrameReader((f) => {
      const [h, ...rest] = splitDelimited(f);
      const header = decodeMessage<{ callId: number; clientId: Buffer; retryCount: number }>('hadoop.common.RpcRequestHeaderProto', h!);
      if (header.callId === SASL_CALL_ID) {
        const sasl = decodeMessage<{ state: string; token: Buffer; auths: Array<{ method: string }> }>('hadoop.common.RpcSaslProto', rest[0]!);
        if (sasl.state === 'NEGOTIATE') {
          const challenge = `realm="default",nonce="${nonce}",qop="auth",charset=utf-8,algorithm=md5-sess`;
          respond(SASL_CALL_ID, 'SUCCESS', encodeMessage('hadoop.common.RpcSaslProto', { state: 'NEGOTIATE', auths: [{ method: 'TOKEN', mechanism: 'DIGEST-MD5', protocol: '', serverId: 'default', challenge: Buffer.from(challenge) }] }));
        } else if (sasl.state === 'INITIATE') {
          const fields = parseFields(sasl.token.toString('utf8'));
          const password = o.tokens?.get(fields['username'] ?? '');
          const input = { username: fields['username'] ?? '', password: password ?? '', realm: fields['realm'] ?? '', nonce, cnonce: fields['cnonce'] ?? '', digestUri: fields['digest-uri'] ?? '', nc: fields['nc'], qop: fields['qop'] };
          if (password === undefined || fields['nonce'] !== nonce || digestResponseValue(input) !== fields['response']) {
            respond(SASL_CALL_ID, 'FATAL', undefined, { className: 'javax.security.sasl.SaslException', message: 'DIGEST-MD5: digest response format violation. Mismatched response.' });
            return;
          }
          authenticated = true;
          principal = input.username;
          respond(SASL_CALL_ID, 'SUCCESS', encodeMessage('hadoop.common.RpcSaslProto', { state: 'SUCCESS', token: Buffer.from(`rspauth=${digestResponseValue(input, '')}`) }));
        }
        return;
      }
      if (header.callId === CONNECTION_CONTEXT_CALL_ID) {
        const ctx = decodeMessage<{ protocol: string; userInfo?: { effectiveUser?: string } }>('hadoop.common.IpcConnectionContextProto', rest[0]!, false);
        this.contexts.push(ctx);
        protocol = ctx.protocol;
        if (!o.tokens) principal = ctx.userInfo?.effectiveUser ?? '';
        else if (ctx.userInfo?.effectiveUser) {
          respond(CONNECTION_CONTEXT_CALL_ID, 'FATAL', undefined, { className: 'org.apache.hadoop.security.AccessControlException', message: `Authenticated user (${principal}) doesn't match what the client claims to be (${ctx.userInfo.effectiveUser})` });
        }
        return;
      }
      void this.call(header.callId, rest, o, protocol, principal, authenticated, respond);
    });
    socket.on('data', (received: Buffer) => {
      let chunk: Buffer = received;
      if (preamble) {
        preamble = Buffer.concat([preamble, chunk]);
        if (preamble.length < 7) return;
        const p = preamble;
        preamble = undefined;
        if (p.toString('latin1', 0, 4) !== 'hrpc' || p[4] !== 9) {
          socket.end('HTTP/1.1 404 Not Found\r\n\r\nIt looks like you are making an HTTP request to a Hadoop IPC port.'); // what Hadoop sends to a wrong client
          return;
        }
        if (o.tokens && p[6] !== 0xdf) {
          respond(-1, 'FATAL', undefined, { className: 'org.apache.hadoop.security.AccessControlException', message: 'SIMPLE authentication is not enabled.  Available:[TOKEN]' });
          return;
        }
        chunk = p.subarray(7);
        if (chunk.length === 0) return;
      }
      reader.push(chunk);
    });
  }

  private async call(
    callId: number,
    rest: Buffer[],
    o: SimulatorOptions,
    protocol: string,
    principal: string,
    authenticated: boolean,
    respond: (callId: number, status: 'SUCCESS' | 'ERROR' | 'FATAL', body?: Uint8Array, ex?: { className: string; message: string }) => void,
  ): Promise<void> {
    if (!authenticated) return respond(callId, 'FATAL', undefined, { className: 'org.apache.hadoop.security.AccessControlException', message: 'Not authenticated' });
    const rh = decodeMessage<{ methodName: string; declaringClassProtocolName: string; clientProtocolVersion: number }>('hadoop.common.RequestHeaderProto', rest[0]!);
    const m = o.methods[rh.methodName];
    if (!m || rh.declaringClassProtocolName !== protocol) {
      return respond(callId, 'ERROR', undefined, { className: 'org.apache.hadoop.ipc.RpcNoSuchMethodException', message: `Unknown method ${rh.methodName} called on ${rh.declaringClassProtocolName} protocol.` });
    }
    const request = decodeMessage(m.requestType, rest[1] ?? Buffer.alloc(0), false);
    const call: SimulatedCall = { protocol, method: rh.methodName, callId, request, principal };
    this.calls.push(call);
    try {
      respond(callId, 'SUCCESS', encodeMessage(m.responseType, await m.handle(request, call)));
    } catch (e) {
      const ex = e instanceof SimulatedRemoteException ? e : new SimulatedRemoteException('java.io.IOException', (e as Error).message);
      respond(callId, 'ERROR', undefined, { className: ex.className, message: ex.message });
    }
  }
}

function parseFields(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /\s*([a-zA-Z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,]*))\s*,?/g;
  for (let m = re.exec(s); m; m = re.exec(s)) out[m[1]!] = (m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1');
  return out;
}
