/**
 * The daemons' small HTTP servers (master UI 8080, worker UI 8081): read-only pages, `/json`, and
 * executor logs. Binds like the RPC port (loopback unless told otherwise); with
 * kindling.authenticate=true every request needs HTTP Basic auth with the secret as password.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { StandaloneError } from './standalone-error.js';

export type Route = (url: URL, req: IncomingMessage) => { status?: number; type: 'html' | 'json' | 'text'; body: string } | undefined;

const TYPES = { html: 'text/html; charset=utf-8', json: 'application/json', text: 'text/plain; charset=utf-8' };

export class WebUi {
  private constructor(
    private readonly server: Server,
    readonly host: string,
    readonly port: number,
  ) {}

  static listen(host: string, port: number, route: Route, secret: string | undefined): Promise<WebUi> {
    const server = createServer((req, res) => handle(req, res, route, secret));
    return new Promise((resolve, reject) => {
      server.once('error', (e) => reject(new StandaloneError(`Cannot start the web UI on ${host}:${port}: ${e.message}`, { cause: e })));
      server.listen({ host, port }, () => {
        const a = server.address();
        resolve(new WebUi(server, host, typeof a === 'object' && a ? a.port : port));
      });
    });
  }

  get url(): string {
    return `http://${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

function handle(req: IncomingMessage, res: ServerResponse, route: Route, secret: string | undefined): void {
  const headers = { 'X-Content-Type-Options': 'nosniff', 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'", 'X-Frame-Options': 'DENY' };
  if (secret !== undefined && !presentsSecret(req, secret)) {
    res.writeHead(401, { ...headers, 'WWW-Authenticate': 'Basic realm="kindling"', 'Content-Type': TYPES.text });
    res.end('Authentication required: kindling.authenticate is on; use HTTP Basic auth with the secret as password\n');
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...headers, Allow: 'GET, HEAD', 'Content-Type': TYPES.text });
    res.end('Only GET\n');
    return;
  }
  try {
    const out = route(new URL(req.url ?? '/', 'http://ui'), req);
    if (!out) {
      res.writeHead(404, { ...headers, 'Content-Type': TYPES.text });
      res.end('Not found\n');
      return;
    }
    res.writeHead(out.status ?? 200, { ...headers, 'Content-Type': TYPES[out.type] });
    res.end(req.method === 'HEAD' ? undefined : out.body);
  } catch (e) {
    res.writeHead(400, { ...headers, 'Content-Type': TYPES.text });
    res.end(`${(e as Error).message}\n`);
  }
}

/** Whether the request carries the secret: as the HTTP Basic password, or as `Authorization: Bearer <secret>`. */
export function presentsSecret(req: IncomingMessage, secret: string): boolean {
  const h = req.headers.authorization ?? '';
  const bearer = /^Bearer (.+)$/.exec(h);
  const basic = /^Basic (.+)$/.exec(h);
  let presented: string | undefined;
  if (bearer) presented = bearer[1];
  else if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    presented = decoded.slice(decoded.indexOf(':') + 1);
  }
  if (presented === undefined) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A table; every cell is escaped unless it is given as { html } built from escaped parts. */
export function table(id: string, headers: string[], rows: Array<Array<string | number | { html: string }>>): string {
  const cell = (c: string | number | { html: string }) => `<td>${typeof c === 'object' ? c.html : escapeHtml(c)}</td>`;
  return (
    `<table id="${escapeHtml(id)}"><thead><tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>` +
    `<tbody>${rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('')}</tbody></table>`
  );
}

export function link(href: string, text: string): { html: string } {
  return { html: `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>` };
}

export function page(title: string, body: string): string {
  return (
    `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
    '<style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse;margin-bottom:1.5em}' +
    'td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}</style></head>' +
    `<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`
  );
}

export const mib = (n: number): string => (n >= 1024 ? `${(n / 1024).toFixed(1)} GiB` : `${n} MiB`);
