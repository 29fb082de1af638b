// Benchmark of a mixing room in the media relay (supervision, conferences), no sockets: per
// 20 ms frame every member's packet goes through RelaySession.onRtp into its jitter buffer,
// then RelayRoom.tick pops, decodes, mixes (media's ConferenceMixer, N-1) and encodes one frame
// per member. One "room-frame" is that whole step for all members; 50 of them make one second
// of one room. Prints room-frames/s and rooms per core (median of 5 runs) and, to spot
// allocation on the path, minor GCs per million member-frames.
// Run: node --import tsx appliance/bench/relay-room.bench.ts [seconds-per-case]
import { PerformanceObserver } from 'node:perf_hooks';
import { writeRtpHeader } from '@hotline/media';
import { RelaySession, type SendPort, type SessionHooks } from '../src/media-relay/relay-session.ts';
import { RelayRoom } from '../src/media-relay/relay-room.ts';
import { statsBytes } from '../src/media-relay/protocol.ts';

const seconds = Number(process.argv[2] ?? 1);
const sink: SendPort = { send() {} };
const hooks: SessionHooks = { event() {}, latched() {}, moh: () => null, epochMs: (m) => m };
let gcs = 0;
new PerformanceObserver((l) => { gcs += l.getEntries().filter((e) => (e as unknown as { detail?: { kind?: number } }).detail?.kind === 1).length; }).observe({ entryTypes: ['gc'] });

/** A room of `members` legs, each its own session's leg a (a conference of phones, the worst case for sessions). */
function room(members: number) {
  const words = new Float64Array(new SharedArrayBuffer(statsBytes(members)));
  const r = new RelayRoom('bench');
  const legs = Array.from({ length: members }, (_, i) => {
    const s = new RelaySession(`s${i}`, i, words, [sink, sink, sink, sink], hooks, 60_000);
    s.update({ a: { law: i % 2 ? 'PCMA' : 'PCMU', payloadType: i % 2 ? 8 : 0, direction: 'sendrecv', remote: { address: '10.0.0.1', rtpPort: 4000 + 2 * i, rtcpPort: 4001 + 2 * i } } }, 0);
    r.join(`s${i}`, s.legs[0], s, i === members - 1 ? 'listen' : 'member');
    const pkt = Buffer.alloc(172, 0x55);
    return { s, pkt, port: 4000 + 2 * i, pt: i % 2 ? 8 : 0 };
  });
  let seq = 0;
  let now = 0;
  // One header object, rewritten: the bench itself must not allocate per packet.
  const h = { marker: false, payloadType: 0, sequenceNumber: 0, timestamp: 0, ssrc: 7 };
  return () => {
    for (let i = 0; i < legs.length; i++) {
      const l = legs[i]!;
      h.payloadType = l.pt;
      h.sequenceNumber = seq;
      h.timestamp = (seq * 160) >>> 0;
      writeRtpHeader(l.pkt, 0, h);
      l.s.onRtp(0, l.pkt, '10.0.0.1', l.port, now);
    }
    seq = (seq + 1) & 0xffff;
    now += 20;
    r.tick(now);
  };
}

for (const members of [3, 4, 10]) {
  const step = room(members);
  const runs: number[] = [];
  let frames = 0;
  const gcBefore = gcs;
  for (let r = 0; r < 5; r++) {
    const budgetNs = (seconds * 1e9) / 5;
    const start = process.hrtime.bigint();
    let n = 0;
    let elapsed = 0;
    while (elapsed < budgetNs) {
      for (let i = 0; i < 100; i++) step();
      n += 100;
      elapsed = Number(process.hrtime.bigint() - start);
    }
    frames += n * members;
    runs.push((n * 1e9) / elapsed);
  }
  runs.sort((a, b) => a - b);
  const median = runs[2]!;
  // GC entries are delivered between turns of the event loop.
  await new Promise((r) => setTimeout(r, 50));
  console.log(`room of ${String(members).padStart(2)} (${members - 1} members + 1 listener)  ${Math.round(median).toLocaleString('en-US').padStart(9)} room-frames/s  ${Math.round(median / 50).toLocaleString('en-US').padStart(6)} rooms/core  ${(((gcs - gcBefore) * 1e6) / frames).toFixed(1)} GC/M member-frames`);
}
