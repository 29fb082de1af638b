// RTP relay benchmark (issue 4): N concurrent calls, each with G.711 20 ms RTP in both
// directions through the relay, N ramped; then the largest N that held (loss < 0.1 %,
// added jitter < 5 ms) sustained for 60 s. Half the calls are µ-law↔A-law, so they are
// transcoded. The relay runs in this process (its worker threads), the load generator
// (hil-tests/src/rtp-load.ts) in its own. As a reference, the same load is run with the
// generator's endpoints sending straight to each other: the generator's own ceiling.
// Also runs media's DSP throughput bench (media/bench/dsp.bench.ts).
// `npm run bench:media`; BENCH_QUICK=1 for a smoke run; BENCH_WORKERS=1,2 picks the
// worker counts compared. See docs/media-relay.md.
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MediaRelay } from '@hotline/appliance/media-relay';
import type { LoadResult } from '../src/rtp-load.ts';

const quick = process.env.BENCH_QUICK === '1';
const STEPS = quick ? [50, 100] : [50, 100, 200, 300, 400, 500, 600, 800];
const STEP_SEC = quick ? 3 : Number(process.env.BENCH_STEP_SEC ?? 15);
const SUSTAIN_SEC = quick ? 5 : Number(process.env.BENCH_SUSTAIN_SEC ?? 60);
const WORKERS = (process.env.BENCH_WORKERS ?? '1,2').split(',').map(Number);
const MAX_LOSS = 0.001;
const MAX_JITTER_MS = 5;
const PORT_MIN = Number(process.env.BENCH_PORT_MIN ?? 40000);

/** The generator process and a promise for its next reply. */
class Generator {
  private constructor(readonly child: ChildProcess) {}

  static async start(): Promise<Generator> {
    const child = fork(fileURLToPath(new URL('../src/rtp-load.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new Generator(child);
  }

  private async ask<T>(msg: object, reply: string): Promise<T> {
    this.child.send(msg);
    for (;;) {
      const [m] = (await once(this.child, 'message')) as [{ type: string }];
      if (m.type === reply) return m as T;
    }
  }

  async prepare(calls: number): Promise<number[]> {
    return (await this.ask<{ ports: number[] }>({ type: 'prepare', calls }, 'prepared')).ports;
  }

  async run(targets: number[], seconds: number, payloadTypes: number[]): Promise<LoadResult> {
    return this.ask<LoadResult & { type: string }>({ type: 'run', targets, address: '127.0.0.1', seconds, payloadTypes }, 'result');
  }

  async close(): Promise<void> {
    this.child.send({ type: 'close' });
    await once(this.child, 'exit');
  }
}

/** One measured step. */
interface Step extends LoadResult {
  /** CPU of this process (relay threads) during the step, ms; NaN for the reference. */
  relayCpuMs: number;
  held: boolean;
}

const held = (r: LoadResult) => r.loss < MAX_LOSS && r.jitterMeanMs < MAX_JITTER_MS;

/** Payload types: even calls PCMU both ways, odd calls PCMU on a and PCMA on b (transcoded). */
function payloadTypes(calls: number): number[] {
  const pts: number[] = [];
  for (let i = 0; i < calls; i++) pts.push(0, i % 2 === 1 ? 8 : 0);
  return pts;
}

async function stepThroughRelay(gen: Generator, relay: MediaRelay, calls: number, seconds: number): Promise<Step> {
  const ports = await gen.prepare(calls);
  const targets: number[] = [];
  const ids: string[] = [];
  for (let i = 0; i < calls; i++) {
    const s = await relay.allocate(`bench-${calls}-${i}`);
    ids.push(s.sessionId);
    const ep = (p: number) => ({ address: '127.0.0.1', rtpPort: p, rtcpPort: p + 1 });
    relay.update(s.sessionId, {
      a: { law: 'PCMU', payloadType: 0, direction: 'sendrecv', remote: ep(ports[2 * i]!) },
      b: i % 2 === 1 ? { law: 'PCMA', payloadType: 8, direction: 'sendrecv', remote: ep(ports[2 * i + 1]!) } : { law: 'PCMU', payloadType: 0, direction: 'sendrecv', remote: ep(ports[2 * i + 1]!) },
    });
    targets.push(s.a.rtpPort, s.b.rtpPort);
  }
  const cpu0 = process.cpuUsage();
  const r = await gen.run(targets, seconds, payloadTypes(calls));
  const cpu = process.cpuUsage(cpu0);
  for (const id of ids) await relay.release(id);
  return { ...r, relayCpuMs: (cpu.user + cpu.system) / 1000, held: held(r) };
}

async function stepDirect(gen: Generator, calls: number, seconds: number): Promise<Step> {
  const ports = await gen.prepare(calls);
  const targets: number[] = [];
  for (let i = 0; i < calls; i++) targets.push(ports[2 * i + 1]!, ports[2 * i]!);
  const r = await gen.run(targets, seconds, payloadTypes(calls).map(() => 0));
  return { ...r, relayCpuMs: NaN, held: held(r) };
}

function line(label: string, s: Step): void {
  const pps = Math.round(s.received / s.seconds);
  const cpuPerCall = Number.isNaN(s.relayCpuMs) ? '' : `  relay CPU ${(s.relayCpuMs / s.seconds / 10).toFixed(1)}% = ${((s.relayCpuMs / s.seconds / s.calls) * 1000).toFixed(0)} µs/s per call`;
  console.log(
    `${label.padEnd(18)} N=${String(s.calls).padStart(4)}  ${pps.toLocaleString('en-US').padStart(7)} pkt/s  loss ${(s.loss * 100).toFixed(3)}%  jitter mean ${s.jitterMeanMs.toFixed(2)} max ${s.jitterMaxMs.toFixed(2)} ms  delay p50 ${s.delayP50Ms.toFixed(2)} p99 ${s.delayP99Ms.toFixed(2)} ms  gen CPU ${(s.cpuMs / s.seconds / 10).toFixed(0)}%  late sends ${s.lateSends}${cpuPerCall}  ${s.held ? 'held' : 'FAILED'}`,
  );
}

async function ramp(label: string, run: (calls: number, seconds: number) => Promise<Step>): Promise<{ best: number; steps: Step[] }> {
  let best = 0;
  const steps: Step[] = [];
  for (const n of STEPS) {
    const s = await run(n, STEP_SEC);
    steps.push(s);
    line(label, s);
    if (!s.held) break;
    best = n;
  }
  return { best, steps };
}

console.log(`media relay benchmark: ${STEP_SEC} s steps ${STEPS.join(', ')}; sustain ${SUSTAIN_SEC} s; held = loss < ${MAX_LOSS * 100} % and mean A.8 jitter < ${MAX_JITTER_MS} ms`);
console.log('(shared 2-core machine: figures are noisy; compare ratios within one run)\n');
const gen = await Generator.start();
const summary: string[] = [];
try {
  const ref = await ramp('generator direct', (n, sec) => stepDirect(gen, n, sec));
  summary.push(`generator ceiling (direct, no relay): ${ref.best}${ref.best === STEPS[STEPS.length - 1] ? '+' : ''} calls`);
  for (const workers of WORKERS) {
    const portMax = PORT_MIN + 4 * STEPS[STEPS.length - 1]! + 64;
    const relay = await MediaRelay.start({ address: '127.0.0.1', portMin: PORT_MIN, portMax, mediaTimeoutMs: 60_000, workers });
    try {
      const label = `relay ${workers} worker${workers > 1 ? 's' : ''}`;
      const r = await ramp(label, (n, sec) => stepThroughRelay(gen, relay, n, sec));
      if (r.best > 0) {
        const s = await stepThroughRelay(gen, relay, r.best, SUSTAIN_SEC);
        line(`${label} ${SUSTAIN_SEC}s`, s);
        const c = relay.counters();
        summary.push(
          `${label}: largest N held ${r.best}${r.best === STEPS[STEPS.length - 1] ? '+' : ''} (step), ${SUSTAIN_SEC} s at N=${r.best} ${s.held ? 'held' : 'FAILED'}: ` +
          `${Math.round(s.received / s.seconds).toLocaleString('en-US')} pkt/s relayed, CPU per call ${((s.relayCpuMs / s.seconds / s.calls) * 1000).toFixed(0)} µs/s (${((s.relayCpuMs / s.seconds / s.calls) / 10).toFixed(3)} % of a core), ` +
          `relay/generator ratio ${ref.best > 0 ? (r.best / ref.best).toFixed(2) : 'n/a'}; dropped ${c.packetsDropped}, transcoded ${c.transcoded}`,
        );
      } else {
        summary.push(`${label}: did not hold N=${STEPS[0]}`);
      }
    } finally {
      await relay.close();
    }
  }
} finally {
  await gen.close();
}
console.log('\nsummary');
for (const s of summary) console.log(`  ${s}`);
console.log(`  target: >= 300 concurrent calls`);

// media's codec, DSP and mixer throughput: every media/bench/*.bench.ts there is, with
// its own default duration (a short one under BENCH_QUICK).
const benchDir = fileURLToPath(new URL('../../media/bench/', import.meta.url));
const mediaBenches = existsSync(benchDir) ? readdirSync(benchDir).filter((f) => f.endsWith('.bench.ts')).sort() : [];
for (const f of mediaBenches) {
  console.log(`\nmedia/bench/${f}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(benchDir, f), ...(quick ? ['0.2'] : [])], { stdio: 'inherit' });
  if (r.status !== 0) console.log(`  (exited with ${r.status})`);
}
