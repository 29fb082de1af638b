// The relay worker thread: owns the UDP sockets of its sessions, feeds their datagrams
// to RelaySession and drives the 20 ms frame clock for generated audio. It runs on
// its own event loop so a busy SIP or management task never delays a packet.
import { createSocket, type Socket } from 'node:dgram';
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { DefaultMusic, PlaylistPlayback, PromptCache, type FrameSource } from '@hotline/media';
import { moduleLogger } from '../log.ts';
import { PortPool } from './port-pool.ts';
import { RelaySession, type SessionHooks } from './relay-session.ts';
import { RelayRoom } from './relay-room.ts';
import { H_PORTS, H_SESSIONS, readLegStats, type FromWorker, type ToWorker, type WorkerInit } from './protocol.ts';
import type { Law, RelayEvent } from './types.ts';

const init = workerData as WorkerInit;
const log = moduleLogger('media-relay').child({ worker: init.workerIndex });
const port = parentPort!;
const words = new Float64Array(init.stats);
const pool = new PortPool(init.firstPort, init.pairCount, init.workerIndex, init.workerCount);
const udpType = init.address.includes(':') ? 'udp6' : 'udp4';
/** Frame period of generated audio: 20 ms, the G.711 default ptime (RFC 3551 §4.5.14). */
const FRAME_MS = 20;

interface Live {
  session: RelaySession;
  sockets: Socket[];
  rtpPorts: [number, number];
}

const sessions = new Map<string, Live>();
/** Mixing rooms by id; a room goes when its last leg leaves. */
const rooms = new Map<string, RelayRoom>();
const freeSlots: number[] = [];
for (let s = Math.ceil(pool.size / 2) - 1; s >= 0; s--) freeSlots.push(s);

function post(msg: FromWorker): void {
  port.postMessage(msg);
}

const promptCache = new PromptCache();
const hooks: SessionHooks = {
  event(e: RelayEvent) {
    post({ op: 'event', event: e });
  },
  latched(sessionId, leg, rtcp, to) {
    post({ op: 'latched', sessionId, leg, rtcp, to });
  },
  moh(law: Law): FrameSource | null {
    const g = law === 'PCMU' ? 'pcmu' : 'pcma';
    // A held caller must never hear dead air: without configured files, generated music.
    if (init.mohPrompts.length === 0) return new DefaultMusic(g);
    try {
      return new PlaylistPlayback(init.mohPrompts.map((p) => promptCache.get(p, g)), { law: g, loop: true });
    } catch (err) {
      log.error({ err }, 'music on hold prompts unreadable; playing the built-in music');
      return new DefaultMusic(g);
    }
  },
  epochMs(monoMs) {
    return performance.timeOrigin + monoMs;
  },
};

/** Binds one socket; resolves it, or null when the port is taken. */
function bindOne(p: number): Promise<Socket | null> {
  return new Promise((resolve) => {
    const s = createSocket({ type: udpType });
    const onError = (err: Error) => {
      log.debug({ port: p, err: err.message }, 'port did not bind; skipping');
      s.close();
      resolve(null);
    };
    s.once('error', onError);
    s.bind({ port: p, address: init.address, exclusive: true }, () => {
      s.off('error', onError);
      resolve(s);
    });
  });
}

async function bindPair(rtp: number, into: Socket[]): Promise<boolean> {
  const a = await bindOne(rtp);
  if (!a) return false;
  const b = await bindOne(rtp + 1);
  if (!b) {
    a.close();
    return false;
  }
  into.push(a, b);
  return true;
}

function describeRange(): string {
  const last = init.firstPort + 2 * init.pairCount - 1;
  return `${init.firstPort}-${last}`;
}

async function allocate(id: number, sessionId: string): Promise<void> {
  const sockets: Socket[] = [];
  const slot = freeSlots.pop();
  if (slot === undefined) {
    post({ op: 'failed', id, code: 'ports-exhausted', message: `no free RTP port pair in ${describeRange()} (${pool.pairsInUse} pairs in use on worker ${init.workerIndex})` });
    return;
  }
  const first = await pool.acquire((p) => bindPair(p, sockets));
  const second = first.port === null ? first : await pool.acquire((p) => bindPair(p, sockets));
  if (first.port === null || second.port === null) {
    if (first.port !== null) pool.release(first.port);
    for (const s of sockets) s.close();
    freeSlots.push(slot);
    const failed = first.failed + second.failed;
    post({
      op: 'failed', id, code: 'ports-exhausted',
      message: `no free RTP port pair in ${describeRange()}: ${pool.pairsInUse} of ${pool.size} pairs of worker ${init.workerIndex} in use by calls${failed ? `, ${failed} held by other programs` : ''}`,
    });
    return;
  }
  const session = new RelaySession(sessionId, slot, words, [sockets[0]!, sockets[1]!, sockets[2]!, sockets[3]!], hooks, init.mediaTimeoutMs);
  for (let i = 0; i < 4; i++) {
    const leg = i >> 1;
    const s = sockets[i]!;
    // One listener per socket, made once here: nothing is created per datagram.
    // A bad packet never kills the listener (STYLE.md habit 9).
    if ((i & 1) === 0) {
      s.on('message', (msg, rinfo) => {
        try {
          session.onRtp(leg, msg, rinfo.address, rinfo.port, performance.now());
        } catch (err) {
          log.error({ err, from: `${rinfo.address}:${rinfo.port}`, bytes: msg.subarray(0, 32).toString('hex') }, 'RTP packet handling failed');
        }
      });
    } else {
      s.on('message', (msg, rinfo) => {
        try {
          session.onRtcp(leg, msg, rinfo.address, rinfo.port, performance.now());
        } catch (err) {
          log.error({ err, from: `${rinfo.address}:${rinfo.port}` }, 'RTCP packet handling failed');
        }
      });
    }
    s.on('error', (err) => log.warn({ err, sessionId }, 'socket error'));
  }
  sessions.set(sessionId, { session, sockets, rtpPorts: [first.port, second.port] });
  words[H_SESSIONS] = sessions.size;
  words[H_PORTS] = sessions.size * 4;
  post({ op: 'allocated', id, slot, a: { rtpPort: first.port, rtcpPort: first.port + 1 }, b: { rtpPort: second.port, rtcpPort: second.port + 1 } });
}

async function release(id: number, sessionId: string): Promise<void> {
  const live = sessions.get(sessionId);
  if (!live) {
    post({ op: 'released', id, a: readLegStats(words, 0, 0, undefined), b: readLegStats(words, 0, 1, undefined) });
    return;
  }
  sessions.delete(sessionId);
  const s = live.session;
  for (const leg of s.legs) {
    const room = leg.member?.room;
    if (room) {
      room.leave(leg);
      if (room.size === 0) rooms.delete(room.id);
    }
  }
  const a = readLegStats(words, s.slot, 0, undefined);
  const b = readLegStats(words, s.slot, 1, undefined);
  await Promise.all(live.sockets.map((sock) => new Promise<void>((resolve) => sock.close(() => resolve()))));
  pool.release(live.rtpPorts[0]);
  pool.release(live.rtpPorts[1]);
  freeSlots.push(s.slot);
  words[H_SESSIONS] = sessions.size;
  words[H_PORTS] = sessions.size * 4;
  post({ op: 'released', id, a, b });
}

port.on('message', (m: ToWorker) => {
  switch (m.op) {
    case 'allocate':
      void allocate(m.id, m.sessionId);
      break;
    case 'update':
      sessions.get(m.sessionId)?.session.update(m.legs, performance.now());
      break;
    case 'fork': {
      const s = sessions.get(m.sessionId)?.session;
      if (s && m.a !== undefined) s.setFork(0, m.a);
      if (s && m.b !== undefined) s.setFork(1, m.b);
      break;
    }
    case 'moh':
      sessions.get(m.sessionId)?.session.setMusicOnHold(m.leg === 'a' ? 0 : 1, m.on, performance.now());
      break;
    case 'play': {
      const live = sessions.get(m.sessionId);
      if (!live) break;
      const i = m.leg === 'a' ? 0 : 1;
      const g = live.session.legs[i]!.law === 'PCMU' ? 'pcmu' : 'pcma';
      try {
        live.session.play(i, new PlaylistPlayback(m.prompts.map((p) => promptCache.get(p, g)), { law: g }), m.playId);
      } catch (err) {
        // A missing or unreadable prompt must not leave the caller waiting forever: report it as played.
        log.error({ err, prompts: m.prompts }, 'prompt unreadable');
        post({ op: 'event', event: { type: 'prompt-finished', sessionId: m.sessionId, leg: m.leg, playId: m.playId, error: (err as Error).message } });
      }
      break;
    }
    case 'detect-dtmf':
      sessions.get(m.sessionId)?.session.detectInbandDtmf(m.leg === 'a' ? 0 : 1, m.on);
      break;
    case 'mix':
      mix(m);
      break;
    case 'release':
      void release(m.id, m.sessionId);
      break;
    case 'crash':
      // Test hook: an uncaught exception, as a bug in the packet path would cause.
      setImmediate(() => {
        throw new Error('media relay worker crash requested');
      });
      break;
  }
});

/** Puts a leg into a room, changes its role, or (role null) takes it out; unknown sessions are ignored (a late order). */
function mix(m: Extract<ToWorker, { op: 'mix' }>): void {
  const live = sessions.get(m.sessionId);
  if (!live) return;
  const leg = live.session.legs[m.leg === 'a' ? 0 : 1]!;
  let room = rooms.get(m.roomId);
  if (m.role === null) {
    room?.leave(leg);
    if (room && room.size === 0) rooms.delete(room.id);
    return;
  }
  if (!room) {
    room = new RelayRoom(m.roomId);
    rooms.set(m.roomId, room);
  }
  const previous = leg.member?.room;
  const target = m.target ? sessions.get(m.target.sessionId)?.session.legs[m.target.leg === 'a' ? 0 : 1] : undefined;
  room.join(m.sessionId, leg, live.session, m.role, target);
  if (previous && previous !== room && previous.size === 0) rooms.delete(previous.id);
}

// The 20 ms frame clock. setInterval drifts and bunches under load, so frames due are
// counted against the monotonic clock; after a long stall at most a few are caught up.
let nextFrameMs = performance.now() + FRAME_MS;
setInterval(() => {
  const now = performance.now();
  let due = 0;
  while (nextFrameMs <= now && due < 5) {
    due++;
    nextFrameMs += FRAME_MS;
  }
  if (nextFrameMs <= now) nextFrameMs = now + FRAME_MS;
  for (let f = 0; f < due; f++) {
    for (const live of sessions.values()) {
      try {
        live.session.tick(now);
      } catch (err) {
        log.error({ err, sessionId: live.session.id }, 'session tick failed');
      }
    }
    for (const room of rooms.values()) {
      try {
        room.tick(now);
      } catch (err) {
        log.error({ err, roomId: room.id }, 'room tick failed');
      }
    }
  }
}, FRAME_MS / 2);

post({ op: 'ready' });
