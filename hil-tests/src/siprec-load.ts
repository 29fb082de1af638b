// SIPREC load generator for `npm run bench:recorder`, run as its own process (node
// --import tsx with an IPC channel) so its CPU is not charged to the recorder. Each
// recorded call is a SiprecClient: its own UDP socket, a multipart INVITE, two streams
// of G.711 20 ms RTP (a tone per party), BYE. Sending is paced on a 20-slot wheel so the
// 100·N packets per second leave evenly rather than in one burst every 20 ms.
//
//   → { type: 'hold', host, port, calls, seconds }      ← { type: 'held', opened, refused, packets, lateTicks }
//   → { type: 'churn', host, port, concurrency, seconds, audioSeconds }
//                                                        ← { type: 'churned', completed, failed, elapsedMs }
import { linearToUlaw } from '@hotline/media';
import { SiprecClient, toneFrames } from './siprec-client.ts';

const PARTIES = [
  { label: '1', aor: 'sip:13800138000@pstn', name: 'caller', role: 'caller' },
  { label: '2', aor: 'sip:8001@hotline', name: '8001', role: 'agent' },
];
const encode = (x: number) => linearToUlaw(x);
/** One period of both tones is enough: frames are rewritten with the right header per send. */
const TONE_A = toneFrames({ frequencyHz: 440, frames: 50, ssrc: 1, encode });
const TONE_B = toneFrames({ frequencyHz: 1000, frames: 50, ssrc: 2, encode, amplitude: 0.25 });

/** Opens `n` sessions, at most `parallel` INVITEs in flight. */
async function openMany(host: string, port: number, n: number, parallel = 25): Promise<{ clients: SiprecClient[]; refused: number }> {
  const clients: SiprecClient[] = [];
  let refused = 0;
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      const c = await SiprecClient.open({ host, port });
      const r = await c.invite({ parties: PARTIES, hotline: { callId: `bench-${c.callId}`, direction: 'inbound', queue: 'bench', agent: '8001' } }).catch(() => undefined);
      if (r?.status === 200) clients.push(c);
      else { refused++; c.close(); }
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return { clients, refused };
}

/** Streams RTP from every client for `seconds` on a 20-slot wheel; returns packets sent and ticks that ran late (> 5 ms). */
async function stream(clients: SiprecClient[], seconds: number): Promise<{ packets: number; lateTicks: number }> {
  const frames = Math.round(seconds * 50);
  let packets = 0;
  let lateTicks = 0;
  const t0 = performance.now() + 5;
  // Slot s (0..19 ms) carries clients i ≡ s (mod 20).
  for (let tick = 0; tick < frames * 20; tick++) {
    if (tick % 20 >= clients.length) continue; // empty slot: nothing to wait for
    const at = t0 + tick;
    const wait = at - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    else if (wait < -5) lateTicks++;
    const f = Math.floor(tick / 20);
    const slot = tick % 20;
    for (let i = slot; i < clients.length; i += 20) {
      for (let s = 0; s < 2; s++) {
        const src = (s === 0 ? TONE_A : TONE_B)[f % 50]!;
        // A fresh buffer per packet: dgram sends asynchronously, a reused one would be rewritten in flight.
        const p = Buffer.from(src);
        p[1] = (f === 0 ? 0x80 : 0) | 0;
        p.writeUInt16BE(f & 0xffff, 2);
        p.writeUInt32BE((f * 160) >>> 0, 4);
        p.writeUInt32BE(((i + 1) * 2 + s) >>> 0, 8);
        clients[i]!.sendRtp(s, p);
        packets++;
      }
    }
  }
  return { packets, lateTicks };
}

async function hold(host: string, port: number, calls: number, seconds: number) {
  const { clients, refused } = await openMany(host, port, calls);
  const sent = await stream(clients, seconds);
  await Promise.all(clients.map((c) => c.bye().catch(() => undefined).finally(() => c.close())));
  return { opened: clients.length, refused, ...sent };
}

/** Keeps `concurrency` short recordings going for `seconds`: INVITE, `audioSeconds` of RTP, BYE, repeat. */
async function churn(host: string, port: number, concurrency: number, seconds: number, audioSeconds: number) {
  const end = performance.now() + seconds * 1000;
  let completed = 0;
  let failed = 0;
  const t0 = performance.now();
  const lane = async () => {
    while (performance.now() < end) {
      const { clients } = await openMany(host, port, 1, 1);
      const c = clients[0];
      if (!c) { failed++; continue; }
      await stream([c], audioSeconds);
      const r = await c.bye().catch(() => undefined);
      c.close();
      if (r?.status === 200) completed++;
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return { completed, failed, elapsedMs: performance.now() - t0 };
}

process.on('message', (m: { type: string; host: string; port: number; calls: number; seconds: number; concurrency: number; audioSeconds: number }) => {
  if (m.type === 'hold') void hold(m.host, m.port, m.calls, m.seconds).then((r) => process.send!({ type: 'held', ...r }));
  else if (m.type === 'churn') void churn(m.host, m.port, m.concurrency, m.seconds, m.audioSeconds).then((r) => process.send!({ type: 'churned', ...r }));
  else if (m.type === 'close') process.exit(0);
});
