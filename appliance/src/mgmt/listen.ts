// Live listen (issue 7, DESIGN.md "live call listening streams audio over the management
// WebSocket"): a supervisor or admin hears an ongoing recorded call in the browser. The recorder
// already receives the forked RTP of every recorded call; mgmt opens its control stream
// `/v1/live?id=` for each listening browser, cuts it into frames (recorder/live-frame.ts) and
// sends each as one binary WebSocket message. Text messages say what happens: hello, end.
//
// Buffering is bounded at both hops and a slow party is dropped, never waited for: the recorder
// disconnects mgmt if mgmt falls behind (control server), and mgmt closes a browser whose socket
// backlog passes LISTEN_BACKLOG_BYTES (close code 4008). Every listen is audited; refusals too.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { moduleLogger } from '../log.ts';
import { ControlRequestError } from '../control/index.ts';
import { LiveFrameSplitter } from '../recorder/live-frame.ts';
import type { UserRole } from '../records/index.ts';
import { auditFrom } from './audit.ts';
import { readCookie, SESSION_COOKIE } from './auth/cookies.ts';
import { originAllowed } from './auth/guard.ts';
import { allowedRoles } from './roles.ts';
import { RECORDING_LISTENERS } from './routes/recordings.ts';
import type { MgmtServices } from './services.ts';

/** URL of the live listen WebSocket: `?id=<recording id>` of an active recording. */
export const LISTEN_PATH = '/api/v1/recordings/listen';

/** A browser further behind than this (about 3 s of a two-party call with framing) is disconnected. */
export const LISTEN_BACKLOG_BYTES = 48 * 1024;

/** Close codes the page tells apart. */
export const LISTEN_CLOSE = { ended: 1000, tooSlow: 4008, sessionEnded: 4401, recorderGone: 4502 } as const;

const log = moduleLogger('mgmt-listen');

/** Handle of the listen hub. */
export interface ListenHub {
  close(): void;
  readonly clients: number;
}

/** Attaches the listen WebSocket to the servers' upgrade events (beside live.ts and cti.ts). */
export function attachListen(servers: Server[], svc: MgmtServices): ListenHub {
  // Browsers send nothing but close frames; a tiny maxPayload refuses anything else early.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  const sockets = new Map<WebSocket, { session: string; upstream: { close(): void } }>();
  let pinger: NodeJS.Timeout | undefined;
  const listeners = allowedRoles(RECORDING_LISTENERS);

  const stopIfIdle = () => {
    if (sockets.size > 0) return;
    clearInterval(pinger);
    pinger = undefined;
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== LISTEN_PATH) return;
    const refuse = (status: number, reason: string) => socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    if (!originAllowed(req.headers.origin, req.headers.host)) return refuse(403, 'Forbidden');
    const session = svc.sessions.touch(readCookie(req.headers.cookie, SESSION_COOKIE));
    const user = session && svc.accounts.users.get(session.username);
    if (!session || !user) return refuse(401, 'Unauthorized');
    if (user.mustChangePassword) return refuse(403, 'Forbidden');
    const id = url.searchParams.get('id') ?? '';
    const who = { username: user.username, role: user.role };
    const from = req.socket.remoteAddress;
    if (!listeners.includes(user.role as UserRole)) {
      // Agents (and auditors) never hear calls; the attempt is evidence too.
      auditFrom(svc, from, who, { action: 'recording.listened', target: id || '-', outcome: 'denied' });
      return refuse(403, 'Forbidden');
    }
    if (!/^[A-Za-z0-9._-]{1,128}$/.test(id)) return refuse(400, 'Bad Request');
    const recorder = svc.deps.recorder;
    if (!recorder) return refuse(503, 'Service Unavailable');

    // Open the recorder's stream first: an unknown or ended recording is a plain 404 to the
    // browser, before any WebSocket exists.
    let ws: WebSocket | undefined;
    const splitter = new LiveFrameSplitter();
    socket.once('close', () => { if (!ws) upstream.close(); }); // the browser gave up while the recorder was asked
    const upstream = recorder.openBinary(`/v1/live?id=${encodeURIComponent(id)}`, {
      onOpen: () => {
        wss.handleUpgrade(req, socket, head, (w) => {
          ws = w;
          sockets.set(w, { session: session.id, upstream });
          auditFrom(svc, from, who, { action: 'recording.listened', target: id, outcome: 'ok' });
          log.info({ id, user: user.username }, 'live listen started');
          w.on('close', () => {
            upstream.close();
            sockets.delete(w);
            stopIfIdle();
          });
          w.on('error', (err) => log.debug({ err }, 'listen socket error'));
          w.send(JSON.stringify({ type: 'hello', id }));
          pinger ??= setInterval(() => {
            for (const [s, info] of sockets) {
              // A session that expired or whose user was removed loses the socket too.
              if (!svc.sessions.peek(info.session)) s.close(LISTEN_CLOSE.sessionEnded, 'session ended');
            }
          }, svc.deps.livePingMs ?? 20_000);
        });
      },
      onChunk: (b) => {
        if (!ws || ws.readyState !== ws.OPEN) return;
        let frames: Uint8Array[];
        try {
          frames = splitter.push(b);
        } catch (err) {
          log.warn({ err: (err as Error).message, id }, 'recorder sent a broken live frame');
          ws.close(LISTEN_CLOSE.recorderGone, 'broken stream');
          return;
        }
        for (const f of frames) {
          if (ws.bufferedAmount > LISTEN_BACKLOG_BYTES) {
            log.warn({ id, user: user.username, backlog: ws.bufferedAmount }, 'live listener too slow: disconnected');
            ws.close(LISTEN_CLOSE.tooSlow, 'too slow');
            upstream.close();
            return;
          }
          ws.send(f, { binary: true });
        }
      },
      onClose: (err) => {
        if (!ws) {
          // Refused by the recorder (or it is not running): answer the upgrade with HTTP.
          if (err instanceof ControlRequestError && err.status === 404) return refuse(404, 'Not Found');
          if (err instanceof ControlRequestError && err.status === 503) return refuse(503, 'Service Unavailable');
          return refuse(502, 'Bad Gateway');
        }
        if (ws.readyState !== ws.OPEN) return;
        if (err) {
          ws.close(LISTEN_CLOSE.recorderGone, 'recorder stream lost');
        } else {
          ws.send(JSON.stringify({ type: 'end', id }));
          ws.close(LISTEN_CLOSE.ended, 'recording ended');
        }
      },
    });
  };
  for (const s of servers) s.on('upgrade', onUpgrade);
  return {
    close() {
      for (const s of servers) s.off('upgrade', onUpgrade);
      for (const [ws, info] of sockets) { info.upstream.close(); ws.terminate(); }
      sockets.clear();
      stopIfIdle();
      wss.close();
    },
    get clients() { return sockets.size; },
  };
}
