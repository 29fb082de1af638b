import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { moduleLogger } from '../log.ts';
import { readCookie, SESSION_COOKIE } from './auth/cookies.ts';
import { originAllowed } from './auth/guard.ts';
import type { MgmtServices } from './services.ts';
import { CTI_PATH } from './cti.ts';
import { LISTEN_PATH } from './listen.ts';

/** URL of the live WebSocket. */
export const LIVE_PATH = '/api/v1/live';

const log = moduleLogger('mgmt-live');

/** Refuses an upgrade with a plain HTTP status (the handshake never completes). */
function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** Handle of the live hub, to stop it with the server. */
export interface LiveHub {
  close(): void;
  /** Open sockets. */
  readonly clients: number;
}

/**
 * The live-state WebSocket on the same HTTP server. The upgrade is authenticated by the session
 * cookie and the Origin must be this host (browsers do not apply SameSite to the WebSocket
 * handshake's cross-origin check, so Origin is the check, RFC 6455 §10.2). One poller asks the PBX
 * for its status every `livePollMs` while someone listens and sends a snapshot only when it changed.
 */
export function attachLive(servers: Server[], svc: MgmtServices): LiveHub {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  const sockets = new Map<WebSocket, string>();
  let last = '';
  let timer: NodeJS.Timeout | undefined;
  let pinger: NodeJS.Timeout | undefined;

  const snapshot = async (): Promise<string> => {
    const s = await svc.deps.pbx.status().catch(() => undefined);
    return JSON.stringify({ type: 'snapshot', pbxRunning: s !== undefined, registrations: s?.registrations ?? [], activeCalls: s?.activeCalls ?? [] });
  };

  const tick = async () => {
    // A session that expired or whose user was removed loses the socket too.
    for (const [ws, sid] of sockets) {
      const sess = svc.sessions.peek(sid);
      if (!sess || !svc.accounts.users.get(sess.username)) ws.close(4401, 'session ended');
    }
    const next = await snapshot();
    if (next === last) return;
    last = next;
    for (const ws of sockets.keys()) ws.send(next);
  };

  const start = () => {
    if (timer) return;
    timer = setInterval(() => void tick().catch((err) => log.warn({ err }, 'live poll failed')), svc.deps.livePollMs ?? 1000);
    pinger = setInterval(() => {
      for (const ws of sockets.keys()) ws.send('{"type":"ping"}');
    }, svc.deps.livePingMs ?? 20_000);
  };
  const stopIfIdle = () => {
    if (sockets.size > 0) return;
    clearInterval(timer);
    clearInterval(pinger);
    timer = pinger = undefined;
    last = '';
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    // The CTI stream and live listen have their own hubs on the same servers (cti.ts, listen.ts).
    if (path === CTI_PATH || path === LISTEN_PATH) return;
    if (path !== LIVE_PATH) return refuse(socket, 404, 'Not Found');
    if (!originAllowed(req.headers.origin, req.headers.host)) return refuse(socket, 403, 'Forbidden');
    const session = svc.sessions.touch(readCookie(req.headers.cookie, SESSION_COOKIE));
    const user = session && svc.accounts.users.get(session.username);
    if (!session || !user) return refuse(socket, 401, 'Unauthorized');
    if (user.mustChangePassword) return refuse(socket, 403, 'Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.set(ws, session.id);
      ws.on('close', () => {
        sockets.delete(ws);
        stopIfIdle();
      });
      ws.on('error', (err) => log.debug({ err }, 'live socket error'));
      start();
      void snapshot().then((s) => ws.send(s));
    });
  };
  for (const s of servers) s.on('upgrade', onUpgrade);

  return {
    close() {
      for (const s of servers) s.off('upgrade', onUpgrade);
      for (const ws of sockets.keys()) ws.terminate();
      sockets.clear();
      stopIfIdle();
      wss.close();
    },
    get clients() {
      return sockets.size;
    },
  };
}
