/**
 * The REST submission server (Spark's StandaloneRestServer, port 6066): JSON protocol messages
 * named by their `action`, under /v1/submissions/{create,kill/<id>,status/<id>}. Off unless
 * kindling.master.rest.enabled=true; with kindling.authenticate=true every request needs the
 * secret (HTTP Basic password, or `Authorization: Bearer <secret>`), since unauthenticated
 * submission endpoints are a known way to get code run on clusters.
 *
 * Kindling's create request names an application package already on the master's machine
 * (`appResource`, a .tgz made by packApplication) and its entry file (`mainClass`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { StandaloneError } from './standalone-error.js';
import { presentsSecret } from './web-ui.js';

export const PROTOCOL_VERSION = 'v1';
const SERVER_VERSION = '0.1.0';
const MAX_BODY = 1024 * 1024;

export interface RestBackend {
  /** Submits a driver from the archive at `appResource`; resolves with its id. */
  submit(r: { appResource: string; entry: string; appArgs: string[]; conf: Record<string, string>; env: Record<string, string> }): Promise<string>;
  status(id: string): Record<string, unknown>;
  kill(id: string): Record<string, unknown>;
}

type Json = Record<string, unknown>;

export class RestSubmissionServer {
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static listen(host: string, port: number, backend: RestBackend, secret: string | undefined): Promise<RestSubmissionServer> {
    const server = createServer((req, res) => void handle(req, res, backend, secret, `${host}:${port}`));
    return new Promise((resolve, reject) => {
      server.once('error', (e) => reject(new StandaloneError(`Cannot start the REST submission server on ${host}:${port}: ${e.message}`, { cause: e })));
      server.listen({ host, port }, () => {
        const a = server.address();
        resolve(new RestSubmissionServer(server, typeof a === 'object' && a ? a.port : port));
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

async function handle(req: IncomingMessage, res: ServerResponse, backend: RestBackend, secret: string | undefined, where: string): Promise<void> {
  const send = (status: number, body: Json) => {
    res.writeHead(status, { 'Content-Type': 'application/json;charset=utf-8' });
    res.end(JSON.stringify({ serverSparkVersion: SERVER_VERSION, ...body }, null, 2));
  };
  const error = (status: number, message: string) => send(status, { action: 'ErrorResponse', message, highestProtocolVersion: PROTOCOL_VERSION });
  const hint = ` Please submit requests through http://[host]:[port]/${PROTOCOL_VERSION}/submissions/...`;
  try {
    if (secret !== undefined && !presentsSecret(req, secret)) {
      res.setHeader('WWW-Authenticate', 'Basic realm="kindling"');
      return error(401, 'Authentication required: kindling.authenticate is on; send the secret (HTTP Basic password or Bearer token)');
    }
    const parts = new URL(req.url ?? '/', 'http://rest').pathname.split('/').filter(Boolean);
    if (parts.length === 0) return error(400, `Missing protocol version.${hint}`);
    if (parts[0] !== PROTOCOL_VERSION) return error(468, `Unknown protocol version '${parts[0]}'.${hint}`);
    if (parts[1] !== 'submissions') return error(400, `Missing the /submissions prefix.${hint}`);
    const [, , action, id] = parts;
    if (action === 'create' && req.method === 'POST') return send(...(await create(await readJson(req), backend)));
    if (action === 'kill' && req.method === 'POST') {
      if (!id) return error(400, 'Submission ID is missing in kill request.');
      const k = backend.kill(id);
      return send(200, { action: 'KillSubmissionResponse', submissionId: id, success: Boolean(k['found']), message: String(k['message']) });
    }
    if (action === 'status' && req.method === 'GET') {
      if (!id) return error(400, 'Submission ID is missing in status request.');
      const s = backend.status(id);
      const body: Json = { action: 'SubmissionStatusResponse', submissionId: id, success: Boolean(s['found']), driverState: String(s['state']) };
      if (s['workerId']) Object.assign(body, { workerId: s['workerId'], workerHostPort: s['workerHost'] });
      if (s['message']) body['message'] = s['message'];
      return send(200, body);
    }
    return error(400, `Missing an action: please specify one of /create, /kill, or /status.${hint}`);
  } catch (e) {
    if (e instanceof BadRequest) return error(400, e.message);
    return error(500, `Internal error on ${where}: ${(e as Error).message}`);
  }
}

class BadRequest extends Error {}

const KNOWN = new Set(['action', 'appResource', 'mainClass', 'appArgs', 'sparkProperties', 'environmentVariables', 'clientSparkVersion']);

async function create(body: Json, backend: RestBackend): Promise<[number, Json]> {
  const fail = (message: string): [number, Json] => [400, { action: 'ErrorResponse', message, highestProtocolVersion: PROTOCOL_VERSION }];
  if (body['action'] !== 'CreateSubmissionRequest') return fail(`Malformed request: expected action 'CreateSubmissionRequest', got '${String(body['action'])}'`);
  if (typeof body['clientSparkVersion'] !== 'string') return fail('Malformed request: Client Spark version is missing.');
  const props = body['sparkProperties'];
  if (!props || typeof props !== 'object') return fail('Malformed request: No Spark properties set!');
  if (typeof body['appResource'] !== 'string' || !body['appResource']) return fail('Malformed request: Main application resource is missing.');
  if (typeof body['mainClass'] !== 'string' || !body['mainClass']) return fail('Malformed request: Main class (the entry file inside the package) is missing.');
  const conf: Record<string, string> = {};
  for (const [k, v] of Object.entries(props as Json)) conf[k] = String(v);
  if (!conf['kindling.app.name']) return fail('Malformed request: Application name is missing (kindling.app.name).');
  const check = (key: string, type: string, ok: (v: string) => boolean) => {
    const v = conf[key];
    if (v !== undefined && !ok(v)) throw new BadRequest(`Malformed request: Property '${key}' expected ${type} value: actual was '${v}'.`);
  };
  check('kindling.driver.supervise', 'boolean', (v) => v === 'true' || v === 'false');
  check('kindling.driver.cores', 'numeric', (v) => /^[0-9]+$/.test(v));
  check('kindling.cores.max', 'numeric', (v) => /^[0-9]+$/.test(v));
  check('kindling.driver.memory', 'memory string', (v) => /^[0-9]+[kmgt]?b?$/i.test(v));
  check('kindling.executor.memory', 'memory string', (v) => /^[0-9]+[kmgt]?b?$/i.test(v));
  const args = Array.isArray(body['appArgs']) ? (body['appArgs'] as unknown[]).map(String) : [];
  const env = (body['environmentVariables'] as Record<string, string> | undefined) ?? {};
  const submissionId = await backend.submit({ appResource: body['appResource'] as string, entry: body['mainClass'] as string, appArgs: args, conf, env });
  const unknownFields = Object.keys(body).filter((k) => !KNOWN.has(k));
  const out: Json = { action: 'CreateSubmissionResponse', success: true, message: `Driver successfully submitted as ${submissionId}`, submissionId };
  if (unknownFields.length > 0) out['unknownFields'] = unknownFields;
  return [200, out];
}

function readJson(req: IncomingMessage): Promise<Json> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.byteLength;
      if (size > MAX_BODY) {
        reject(new BadRequest(`Malformed request: the body exceeds ${MAX_BODY} bytes`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      try {
        const v = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
        if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not a JSON object');
        resolve(v as Json);
      } catch (e) {
        reject(new BadRequest(`Malformed request: ${(e as Error).message}`));
      }
    });
    req.on('error', reject);
  });
}
