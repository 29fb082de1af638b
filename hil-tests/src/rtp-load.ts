// RTP load generator for `npm run bench:media`, run as its own process (spawned with
// node --import tsx and an IPC channel), so its CPU is not charged to the relay.
//
// For N calls it binds 2N UDP endpoints, and each endpoint sends G.711 20 ms RTP
// (RFC 3551 §4.5.14: 160 bytes per packet, 50 packets/s) to a target port: the relay's
// port for its leg, or, for the reference run, the other endpoint directly. Sending is
// paced by a timer wheel: endpoints are spread over 20 one-millisecond slots, so the
// 100·N packets per second leave evenly rather than in one burst every 20 ms.
//
// Every packet carries its send time (performance.now(), float64) in an RFC 8285
// one-byte header extension, which the relay forwards untouched even when it
// transcodes the payload. The receiver, in this same process and clock, measures the
// exact one-way delay of each packet, and from it the RFC 3550 A.8 jitter per stream
// (the delay variation a phone would see) and the spread of delays.
//
// Protocol over IPC:
//   → { type: 'prepare', calls }                      ← { type: 'prepared', ports: number[2N] }
//   → { type: 'run', targets: number[2N], address, seconds, payloadTypes?: number[2N] }
//                                                     ← { type: 'result', ...LoadResult }
//   → { type: 'close' }
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';

/** What one run measured. */
export interface LoadResult {
  /** Calls (endpoint pairs). */
  calls: number;
  /** Seconds of sending. */
  seconds: number;
  /** Packets sent by all endpoints. */
  sent: number;
  /** Packets received by all endpoints. */
  received: number;
  /** 1 − received/sent. */
  loss: number;
  /** Mean over streams of the RFC 3550 A.8 jitter of the one-way delay, ms. */
  jitterMeanMs: number;
  /** Worst stream's A.8 jitter, ms. */
  jitterMaxMs: number;
  /** Median one-way delay, ms. */
  delayP50Ms: number;
  /** 99th percentile one-way delay, ms. */
  delayP99Ms: number;
  /** Packets the generator sent more than 5 ms after their slot (its own lag). */
  lateSends: number;
  /** CPU the generator used during the run, ms (user + system). */
  cpuMs: number;
}

const PAYLOAD = 160;
const EXT_WORDS = 3; // id/len byte + 8-byte time + 3 bytes padding = 12 bytes (RFC 8285 §4.2)
const HEADER = 12;
const EXT_OFFSET = HEADER + 4;
const PACKET = HEADER + 4 + EXT_WORDS * 4 + PAYLOAD;
const SLOTS = 20; // one per millisecond of the 20 ms packet interval
const HIST_BUCKET_MS = 0.1;
const HIST_BUCKETS = 20_000; // up to 2 s

/** One sending/receiving endpoint. */
class Endpoint {
  readonly buf = Buffer.alloc(PACKET);
  seq = 0;
  ts = 0;
  target = 0;
  address = '127.0.0.1';
  sent = 0;
  received = 0;
  jitter = 0;
  prevDelay = -1;
  constructor(readonly socket: Socket, readonly port: number, ssrc: number) {
    const b = this.buf;
    b[0] = 0x90; // V=2, X=1 (RFC 3550 §5.1)
    b.writeUInt32BE(ssrc, 8);
    b.writeUInt16BE(0xbede, HEADER); // RFC 8285 one-byte header form
    b.writeUInt16BE(EXT_WORDS, HEADER + 2);
    b[EXT_OFFSET] = (1 << 4) | 7; // element id 1, 8 bytes
    // A 1 kHz-ish µ-law pattern; the content does not matter to the relay.
    for (let i = 0; i < PAYLOAD; i++) b[HEADER + 4 + EXT_WORDS * 4 + i] = 0x20 + (i & 0x1f);
  }
}

const endpoints: Endpoint[] = [];
const hist = new Uint32Array(HIST_BUCKETS);
let running = false;
let lateSends = 0;

function onMessage(ep: Endpoint, msg: Buffer): void {
  if (!running || msg.length < EXT_OFFSET + 9 || (msg[0]! & 0x10) === 0) return;
  const delay = performance.now() - msg.readDoubleBE(EXT_OFFSET + 1);
  ep.received++;
  let bucket = Math.floor(delay / HIST_BUCKET_MS);
  if (bucket >= HIST_BUCKETS) bucket = HIST_BUCKETS - 1;
  if (bucket < 0) bucket = 0;
  hist[bucket]!++;
  // RFC 3550 A.8 with the exact transit time: J += (|D| − J) / 16.
  if (ep.prevDelay >= 0) {
    const d = Math.abs(delay - ep.prevDelay);
    ep.jitter += (d - ep.jitter) / 16;
  }
  ep.prevDelay = delay;
}

async function prepare(calls: number): Promise<number[]> {
  for (const ep of endpoints) ep.socket.close();
  endpoints.length = 0;
  for (let i = 0; i < 2 * calls; i++) {
    const s = createSocket('udp4');
    s.bind(0, '127.0.0.1');
    await once(s, 'listening');
    const ep = new Endpoint(s, s.address().port, (0x10000000 + i) >>> 0);
    s.on('message', (msg) => onMessage(ep, msg));
    endpoints.push(ep);
  }
  return endpoints.map((e) => e.port);
}

function percentile(p: number, total: number): number {
  let acc = 0;
  const want = total * p;
  for (let i = 0; i < HIST_BUCKETS; i++) {
    acc += hist[i]!;
    if (acc >= want) return (i + 0.5) * HIST_BUCKET_MS;
  }
  return HIST_BUCKETS * HIST_BUCKET_MS;
}

async function run(targets: number[], address: string, seconds: number, payloadTypes?: number[]): Promise<LoadResult> {
  hist.fill(0);
  lateSends = 0;
  const slots: Endpoint[][] = Array.from({ length: SLOTS }, () => []);
  endpoints.forEach((ep, i) => {
    ep.target = targets[i]!;
    ep.address = address;
    ep.sent = 0;
    ep.received = 0;
    ep.jitter = 0;
    ep.prevDelay = -1;
    ep.buf[1] = payloadTypes?.[i] ?? 0;
    slots[i % SLOTS]!.push(ep);
  });
  running = true;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now() + 5;
  const end = t0 + seconds * 1000;
  let cursor = 0; // next slot tick to serve, in ms after t0
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      while (t0 + cursor <= now) {
        const due = t0 + cursor;
        if (due >= end) {
          clearInterval(timer);
          resolve();
          return;
        }
        if (now - due > 5) lateSends += slots[cursor % SLOTS]!.length;
        for (const ep of slots[cursor % SLOTS]!) {
          const b = ep.buf;
          b.writeUInt16BE(ep.seq, 2);
          b.writeUInt32BE(ep.ts, 4);
          b.writeDoubleBE(performance.now(), EXT_OFFSET + 1);
          ep.seq = (ep.seq + 1) & 0xffff;
          ep.ts = (ep.ts + PAYLOAD) >>> 0;
          ep.socket.send(b, 0, PACKET, ep.target, ep.address);
          ep.sent++;
        }
        cursor++;
      }
    }, 1);
  });
  // Let the last packets arrive.
  await new Promise((r) => setTimeout(r, 300));
  running = false;
  const cpu = process.cpuUsage(cpu0);
  let sent = 0;
  let received = 0;
  let jSum = 0;
  let jMax = 0;
  for (const ep of endpoints) {
    sent += ep.sent;
    received += ep.received;
    jSum += ep.jitter;
    if (ep.jitter > jMax) jMax = ep.jitter;
  }
  return {
    calls: endpoints.length / 2, seconds, sent, received, loss: sent > 0 ? Math.max(0, 1 - received / sent) : 0,
    jitterMeanMs: jSum / endpoints.length, jitterMaxMs: jMax, delayP50Ms: percentile(0.5, received), delayP99Ms: percentile(0.99, received),
    lateSends, cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

type Command =
  | { type: 'prepare'; calls: number }
  | { type: 'run'; targets: number[]; address: string; seconds: number; payloadTypes?: number[] }
  | { type: 'close' };

if (process.send) {
  process.on('message', (m: Command) => {
    void (async () => {
      if (m.type === 'prepare') process.send!({ type: 'prepared', ports: await prepare(m.calls) });
      else if (m.type === 'run') process.send!({ type: 'result', ...(await run(m.targets, m.address, m.seconds, m.payloadTypes)) });
      else if (m.type === 'close') {
        for (const ep of endpoints) ep.socket.close();
        process.disconnect();
      }
    })();
  });
}
