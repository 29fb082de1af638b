import { chmod, mkdir, unlink } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import { moduleLogger } from '../log.ts';
import type { ControlErrorBody, ControlHandlers, ControlRoutes } from './types.ts';

const log = moduleLogger('control-server');

/** Another live process already serves the control socket (a second PBX was started). */
export class ControlSocketInUseError extends Error {
  override readonly name = 'ControlSocketInUseError';
  constructor(readonly socketPath: string) {
    super(`control socket ${socketPath} is in use by a running process`);
  }
}

/** Resolves true when something accepts connections on the unix socket. */
function socketAlive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function errorBody(err: unknown): ControlErrorBody {
  const e = err as { message?: string; errors?: Array<{ path: string; message: string }> };
  return Array.isArray(e.errors) ? { error: e.message ?? String(err), details: e.errors } : { error: e?.message ?? String(err) };
}

/** A refusal of a control request with its HTTP status (a binary stream route's 404, say). */
export class ControlRouteError extends Error {
  override readonly name = 'ControlRouteError';
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** How far a binary stream's reader may fall behind before it is disconnected (about 3 s of two G.711 channels). */
export const BINARY_BACKLOG_BYTES = 64 * 1024;

/** Control requests carry a few small JSON objects; anything bigger is a mistake. */
const MAX_BODY_BYTES = 64 * 1024;

/** The PBX's routes. */
function pbxRoutes(handlers: ControlHandlers): ControlRoutes {
  return {
    '/v1/status': { method: 'GET', run: () => handlers.status() },
    '/v1/config/reload': { method: 'POST', run: () => handlers.reloadConfig() },
    ...(handlers.recording ? { '/v1/recording': { method: 'POST' as const, run: (body: unknown) => handlers.recording!(body) } } : {}),
    ...(handlers.acd ? acdRoutes(handlers.acd) : {}),
  };
}

/** The call center's routes: wallboard snapshot, agent commands, and the CTI event stream (NDJSON, open until the client goes). */
function acdRoutes(acd: NonNullable<ControlHandlers['acd']>): ControlRoutes {
  return {
    '/v1/acd/snapshot': { method: 'GET', run: () => acd.snapshot() },
    '/v1/acd/agent': { method: 'POST', run: (body) => acd.agentCommand(body) },
    '/v1/cti/events': { method: 'GET', stream: (write) => acd.subscribe(write) },
    ...(acd.supervise ? { '/v1/acd/supervise': { method: 'POST' as const, run: (body: unknown) => acd.supervise!(body) } } : {}),
    ...(acd.conference ? { '/v1/acd/conference': { method: 'POST' as const, run: (body: unknown) => acd.conference!(body) } } : {}),
    ...(acd.call ? { '/v1/acd/call': { method: 'POST' as const, run: (body: unknown) => acd.call!(body) } } : {}),
  };
}

/** Reads a JSON body (undefined when empty); a bad one is a RangeError answered 400. */
async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new RangeError(`request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(c as Buffer);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new RangeError('request body is not JSON');
  }
}

/** Routes one request. Unknown path: 404; known path, wrong method: 405 with Allow (RFC 9110 §15.5.6). */
async function route(routes: ControlRoutes, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0]!;
  const r = Object.hasOwn(routes, path) ? routes[path] : undefined;
  if (!r) return send(res, 404, { error: `no route ${path}` });
  if (req.method !== r.method) {
    res.setHeader('allow', r.method);
    req.resume();
    return send(res, 405, { error: `${req.method} not allowed on ${path}` });
  }
  if ('binary' in r) {
    req.resume();
    const query = new URL(req.url ?? '/', 'http://control').searchParams;
    let stop: (() => void) | undefined;
    let gone = false;
    const out = {
      write: (chunk: Uint8Array) => {
        if (gone) return;
        // Never queue without bound for a reader that does not keep up: drop it instead.
        if (res.writableLength > BINARY_BACKLOG_BYTES) {
          gone = true;
          log.warn({ path, backlog: res.writableLength }, 'binary stream reader too slow: disconnected');
          res.destroy();
          return;
        }
        res.write(chunk);
      },
      end: () => { if (!gone) { gone = true; res.end(); } },
    };
    res.setHeader('content-type', 'application/octet-stream');
    try {
      stop = r.binary(query, out);
    } catch (err) {
      const status = err instanceof ControlRouteError ? err.status : err instanceof RangeError ? 400 : 500;
      return send(res, status, errorBody(err));
    }
    res.on('close', () => { gone = true; stop?.(); });
    if (!res.headersSent) res.flushHeaders();
    return;
  }
  if ('stream' in r) {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    // Each event is flushed as written; the subscription ends when the client disconnects.
    res.write('\n');
    const stop = r.stream((line) => { res.write(`${line}\n`); });
    res.on('close', stop);
    return;
  }
  try {
    send(res, 200, await r.run(await readBody(req)));
  } catch (err) {
    if (err instanceof RangeError) return send(res, 400, errorBody(err));
    // A refused reload is the caller's business (422), anything else is the service's fault (500).
    const refused = Array.isArray((err as { errors?: unknown }).errors);
    log.warn({ err, path }, 'control request failed');
    send(res, refused ? 422 : 500, errorBody(err));
  }
}

/** Serves the PBX control API (see {@link serveControl}). */
export function startControlServer(socketPath: string, handlers: ControlHandlers): Promise<{ close(): Promise<void> }> {
  return serveControl(socketPath, pbxRoutes(handlers));
}

/**
 * Serves a control API (HTTP/1.1 over a unix socket, DESIGN.md "control API"). A socket
 * file left by a crashed process is removed; one that still answers means another instance
 * runs and is an error. The socket is mode 0660 so only the hotline user and group can use it.
 */
export async function serveControl(socketPath: string, routes: ControlRoutes): Promise<{ close(): Promise<void> }> {
  await mkdir(dirname(socketPath), { recursive: true });
  if (await socketAlive(socketPath)) throw new ControlSocketInUseError(socketPath);
  await unlink(socketPath).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
  const server = createServer((req, res) => {
    route(routes, req, res).catch((err) => {
      log.error({ err }, 'control request crashed');
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  await chmod(socketPath, 0o660);
  log.info({ socketPath }, 'control API listening');
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        // node unlinks the socket file on close; the catch covers a file already removed by hand.
        server.close(() => void unlink(socketPath).catch(() => undefined).then(() => resolve()));
      }),
  };
}
