// Benchmark of the analog gateway's per-call audio path (RtpAudio, no sockets): one frame
// from the port packetized, one packet from the far end received into the jitter buffer,
// one frame popped for the port, each 50 times a second per call. The numbers bound how
// many simultaneous card calls one core can carry. Prints ops/s, median of 5 runs.
// Run: node --import tsx appliance/bench/gateway-rtp.bench.ts [seconds-per-case]
import { writeRtpHeader } from '@hotline/media';
import { RtpAudio } from '../src/analog/sip/rtp-audio.ts';

const seconds = Number(process.argv[2] ?? 1);

function bench(name: string, fn: () => unknown): void {
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const budgetNs = (seconds * 1e9) / 5;
    const start = process.hrtime.bigint();
    let n = 0;
    let elapsed = 0;
    while (elapsed < budgetNs) {
      for (let i = 0; i < 200; i++) fn();
      n += 200;
      elapsed = Number(process.hrtime.bigint() - start);
    }
    runs.push((n * 1e9) / elapsed);
  }
  runs.sort((a, b) => a - b);
  const median = runs[2]!;
  console.log(`${name.padEnd(40)} ${Math.round(median).toLocaleString('en-US').padStart(12)} ops/s  ${(1e9 / median).toFixed(0).padStart(7)} ns/op`);
}

const frame = Buffer.alloc(160, 0x55);
const out = Buffer.alloc(172);
const same = new RtpAudio('alaw');
same.remote = { address: '127.0.0.1', rtpPort: 4000, law: 'PCMA', payloadType: 8, telephoneEventPt: 101, direction: 'sendrecv' };
const other = new RtpAudio('alaw');
other.remote = { ...same.remote, law: 'PCMU', payloadType: 0 };

bench('packetize (same law)', () => same.packetize(frame, out));
bench('packetize (transcoded to µ-law)', () => other.packetize(frame, out));

// Receive + pop in step, as the socket and the port tick would: one packet in, one frame out per 20 ms.
const rx = new RtpAudio('alaw');
rx.remote = same.remote;
const pkt = Buffer.alloc(172);
let seq = 0;
let now = 0;
bench('receive + next (jitter buffer, same law)', () => {
  writeRtpHeader(pkt, 0, { marker: false, payloadType: 8, sequenceNumber: seq, timestamp: seq * 160, ssrc: 1 });
  seq = (seq + 1) & 0xffff;
  rx.receive(pkt, now);
  now += 20;
  return rx.next(now);
});
