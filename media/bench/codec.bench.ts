// Benchmark of the media hot paths: G.711 frame encode/decode (table and segment
// method), A-law↔µ-law transcoding, RTP parsing into a reused packet, and a jitter
// buffer push+pop cycle. Each case runs 5 times for ~`seconds` each; the median
// operations per second is printed with its ratio to a trivial reference measured
// in the same run: Buffer.copy of one 160-byte frame. Time is process CPU time
// (user + system) so other work on the shared machine skews it less. The minor GCs
// (scavenges) seen during each case are printed per million operations as the
// allocation check, the analogue of Go's ReportAllocs: ~0 means nothing is allocated.
// Run: npm run bench:codec [-- seconds-per-run]
import { PerformanceObserver, constants as perfConstants } from 'node:perf_hooks';
import {
  decodeAlaw, decodeUlaw, encodeAlaw, encodeUlaw, linearToUlawSegment, ulawToAlawFrame, writeRtpHeader, RtpPacket, parseRtp, JitterBuffer,
} from '../src/index.ts';

const seconds = Number(process.argv[2] ?? 0.3);
const FRAME = 160;

const pcm = new Int16Array(FRAME);
for (let i = 0; i < FRAME; i++) pcm[i] = Math.round(12000 * Math.sin((2 * Math.PI * 1000 * i) / 8000));
const ulaw = Buffer.alloc(FRAME);
encodeUlaw(pcm, ulaw);
const alaw = Buffer.alloc(FRAME);
encodeAlaw(pcm, alaw);
const pcmOut = new Int16Array(FRAME);
const byteOut = Buffer.alloc(FRAME);
const copyDst = Buffer.alloc(FRAME);

const rtp = Buffer.alloc(12 + FRAME);
writeRtpHeader(rtp, 0, { marker: false, payloadType: 0, sequenceNumber: 1, timestamp: 160, ssrc: 0x1234 });
ulaw.copy(rtp, 12);
const pkt = new RtpPacket();

const jb = new JitterBuffer({ law: 'pcmu' });
const jbPkt = { sequenceNumber: 0, timestamp: 0, ssrc: 1, marker: false, buffer: ulaw as Uint8Array, payloadOffset: 0, payloadLength: FRAME };
let jbSeq = 0;
let jbT = 0;

// Kept small with & 0xffff: a captured number that outgrows a Smi is re-boxed on each store.
let sink = 0;
const cases: [string, () => void][] = [
  ['reference: Buffer.copy 160 B', () => { ulaw.copy(copyDst, 0, 0, FRAME); sink = (sink + copyDst[7]!) & 0xffff; }],
  ['µ-law decode frame', () => { decodeUlaw(ulaw, pcmOut); sink = (sink + pcmOut[3]!) & 0xffff; }],
  ['A-law decode frame', () => { decodeAlaw(alaw, pcmOut); sink = (sink + pcmOut[3]!) & 0xffff; }],
  ['µ-law encode frame (64K table)', () => { encodeUlaw(pcm, byteOut); sink = (sink + byteOut[3]!) & 0xffff; }],
  ['µ-law encode frame (segment method)', () => { for (let i = 0; i < FRAME; i++) byteOut[i] = linearToUlawSegment(pcm[i]!); sink = (sink + byteOut[3]!) & 0xffff; }],
  ['A-law encode frame (64K table)', () => { encodeAlaw(pcm, byteOut); sink = (sink + byteOut[3]!) & 0xffff; }],
  ['µ-law→A-law transcode frame', () => { ulawToAlawFrame(ulaw, byteOut); sink = (sink + byteOut[3]!) & 0xffff; }],
  ['RTP parse (reused packet)', () => { parseRtp(rtp, pkt); sink = (sink + pkt.payloadLength) & 0xffff; }],
  ['jitter buffer push+pop', () => {
    jbPkt.sequenceNumber = jbSeq & 0xffff;
    jbPkt.timestamp = (jbSeq * FRAME) >>> 0;
    jbSeq++;
    jbT += 20;
    jb.push(jbPkt, jbT);
    sink = (sink + jb.pop(jbT).frame[0]!) & 0xffff;
  }],
];

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function runOnce(fn: () => void): number {
  // Calibrate a batch so the clock is read rarely.
  let batch = 1000;
  let ops = 0;
  const start = cpuMs();
  let now = start;
  while (now - start < seconds * 1000) {
    for (let i = 0; i < batch; i++) fn();
    ops += batch;
    now = cpuMs();
    if (batch < 1e6) batch *= 2;
  }
  return (ops * 1000) / (now - start);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

for (const [, fn] of cases) for (let i = 0; i < 20000; i++) fn(); // warm up the JIT

let scavenges = 0;
const obs = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if ((e as unknown as { detail?: { kind?: number } }).detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MINOR) scavenges++;
});
obs.observe({ entryTypes: ['gc'] });
const tick = () => new Promise((r) => setTimeout(r, 50)); // GC entries arrive on a later task

await tick(); // the observer starts on a later task
const results: [string, number, number][] = [];
for (const [name, fn] of cases) {
  const runs: number[] = [];
  await tick();
  const gc0 = scavenges;
  let ops = 0;
  for (let r = 0; r < 5; r++) {
    const o = runOnce(fn);
    runs.push(o);
    ops += o * seconds;
  }
  await tick();
  results.push([name, median(runs), ((scavenges - gc0) * 1e6) / ops]);
}
obs.disconnect();
const ref = results[0]![1];
console.log(`media codec benchmark — median of 5 runs of ${seconds}s CPU each, node ${process.version}`);
console.log(`${'case'.padEnd(40)} ${'ops/s'.padStart(14)} ${'ns/op'.padStart(9)} ${'copy/op'.padStart(9)} ${'GC/Mop'.padStart(8)}`);
for (const [name, ops, gcs] of results) {
  console.log(`${name.padEnd(40)} ${Math.round(ops).toLocaleString('en-US').padStart(14)} ${(1e9 / ops).toFixed(0).padStart(9)} ${(ref / ops).toFixed(2).padStart(9)} ${gcs.toFixed(1).padStart(8)}`);
}
console.log('copy/op: how many 160-byte Buffer.copy calls take the time of one operation (one 20 ms frame per op for codec cases).');
console.log('GC/Mop: minor GCs per million operations (the allocation check): ~0 means the case allocates nothing per operation.');
if (sink === 42) console.log('');
