import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { moduleLogger } from '../log.ts';
import { readCookie, SESSION_COOKIE } from './auth/cookies.ts';
import { originAllowed } from './auth/guard.ts';
import type { MgmtServices } from './services.ts';

/** URL of the CTI event WebSocket (agent desktops, wallboards). `?agent=8001` keeps only that agent's call and state events. */
export const CTI_PATH = '/api/v1/cti';

const log = moduleLogger('mgmt-cti');

/** Handle of the CTI hub. */
export interface CtiHub {
  close(): void;
  readonly clients: number;
}

/**
 * Relays the PBX's CTI events (its control stream `/v1/cti/events`) to authenticated WebSocket
 * clients, as they arrive: no polling, so a CallOffered reaches the desktop while the PBX still
 * waits its screen-pop lead before ringing the phone. The upstream is followed only while a
 * client listens, and reopened a second after it drops (PBX restart).
 */
export function attachCti(servers: Server[], svc: MgmtServices): CtiHub {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  const sockets = new Map<WebSocket, { session: string; agent?: string }>();
  let upstream: { close(): void } | undefined;
  let retry: NodeJS.Timeout | undefined;
  let pinger: NodeJS.Timeout | undefined;

  const deliver = (e: unknown) => {
    if (typeof e !== 'object' || e === null) return;
    const agent = (e as { agent?: unknown }).agent;
    const text = JSON.stringify(e);
    for (const [ws, who] of sockets) {
      if (who.agent !== undefined && agent !== undefined && agent !== who.agent) continue;
      ws.send(text);
    }
  };
  const follow = () => {
    retry = undefined;
    if (upstream || sockets.size === 0 || !svc.deps.pbx.follow) return;
    upstream = svc.deps.pbx.follow('/v1/cti/events', deliver, (err) => {
      upstream = undefined;
      if (err) log.debug({ err: err.message }, 'CTI upstream closed');
      if (sockets.size > 0) retry ??= setTimeout(follow, 1000);
    });
  };
  const stopIfIdle = () => {
    if (sockets.size > 0) return;
    upstream?.close();
    upstream = undefined;
    clearTimeout(retry);
    clearInterval(pinger);
    retry = pinger = undefined;
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== CTI_PATH) return;
    const refuse = (status: number, reason: string) => socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    if (!originAllowed(req.headers.origin, req.headers.host)) return refuse(403, 'Forbidden');
    const session = svc.sessions.touch(readCookie(req.headers.cookie, SESSION_COOKIE));
    const user = session && svc.accounts.users.get(session.username);
    if (!session || !user) return refuse(401, 'Unauthorized');
    if (user.mustChangePassword) return refuse(403, 'Forbidden');
    const agent = url.searchParams.get('agent') ?? undefined;
    if (agent !== undefined && !/^[0-9]{2,8}$/.test(agent)) return refuse(400, 'Bad Request');
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.set(ws, { session: session.id, ...(agent ? { agent } : {}) });
      ws.on('close', () => { sockets.delete(ws); stopIfIdle(); });
      ws.on('error', (err) => log.debug({ err }, 'CTI socket error'));
      ws.send(JSON.stringify({ type: 'hello', agent: agent ?? null }));
      pinger ??= setInterval(() => {
        for (const [w, who] of sockets) {
          // A session that expired or whose user was removed loses the socket too.
          if (!svc.sessions.peek(who.session)) w.close(4401, 'session ended');
          else w.send('{"type":"ping"}');
        }
      }, svc.deps.livePingMs ?? 20_000);
      follow();
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
    get clients() { return sockets.size; },
  };
}
