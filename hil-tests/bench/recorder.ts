// Recorder benchmark (issue 7): concurrent recorded calls with real RTP (two streams each,
// a tone per party) ramped against a real recorder process; a step holds when every
// session was accepted and every file is gap-free (no silence run of 20 ms or more inside
// the audio, duration within 0.5 s of what was sent). The largest step that held is then
// sustained for 60 s and checked the same way. Then short recordings (1 s) are churned to
// measure how many recordings the recorder closes and indexes per second.
// The calls are split over BENCH_GENERATORS (2) generator processes.
// `npm run bench:recorder`; BENCH_QUICK=1 for a smoke run; BENCH_STEPS=200,250 picks the ramp. Targets: ≥ 250 concurrent,
// ≥ 12 closed/s (docs/recorder.md).
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { readWavFile } from '@hotline/media';
import type { StoredRecording } from '@hotline/appliance/records';
import { startRecorder, type HilRecorder } from '../src/recorder.ts';

const quick = process.env.BENCH_QUICK === '1';
const STEPS = (process.env.BENCH_STEPS ?? (quick ? '20,50' : '50,100,150,200,250,300,350,400')).split(',').map(Number);
const STEP_SEC = Number(process.env.BENCH_STEP_SEC ?? (quick ? 5 : 15));
const SUSTAIN_SEC = Number(process.env.BENCH_SUSTAIN_SEC ?? (quick ? 10 : 60));
const CHURN_SEC = Number(process.env.BENCH_CHURN_SEC ?? (quick ? 8 : 30));
const CHURN_CONCURRENCY = Number(process.env.BENCH_CHURN_CONCURRENCY ?? 40);
const GAP_SAMPLES = 160; // 20 ms: one lost packet
/** Generator processes the calls are split over (each its own process, like a second SRC box). */
const GENERATORS = Number(process.env.BENCH_GENERATORS ?? 2);

class Generator {
  private constructor(readonly child: ChildProcess) {}
  static start(): Generator {
    return new Generator(fork(fileURLToPath(new URL('../src/siprec-load.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  }
  async ask<T>(msg: object, reply: string): Promise<T> {
    this.child.send(msg);
    for (;;) {
      const [m] = (await once(this.child, 'message')) as [{ type: string }];
      if (m.type === reply) return m as T;
    }
  }
}

/** Longest run of the silence byte inside one channel, ignoring the first and last 200 ms. */
function longestGap(data: Buffer, channels: number, channel: number, silence: number): number {
  const frames = Math.floor(data.length / channels);
  let run = 0;
  let worst = 0;
  for (let i = 1600; i < frames - 1600; i++) {
    if (data[i * channels + channel] === silence) { run++; if (run > worst) worst = run; } else run = 0;
  }
  return worst;
}

/** Checks the closed recordings of one step: count, duration, gaps. */
function checkFiles(rec: HilRecorder, rows: StoredRecording[], seconds: number): { files: number; gaps: number; badDuration: number; worstGapMs: number } {
  let gaps = 0;
  let badDuration = 0;
  let worst = 0;
  for (const r of rows) {
    const wav = readWavFile(join(rec.recordingsDir, r.path));
    const dur = wav.dataLength / wav.channels / 8000;
    if (Math.abs(dur - seconds) > 0.5) badDuration++;
    for (let c = 0; c < wav.channels; c++) {
      const g = longestGap(wav.data, wav.channels, c, 0xff);
      if (g > worst) worst = g;
      if (g >= GAP_SAMPLES) { gaps++; break; }
    }
  }
  return { files: rows.length, gaps, badDuration, worstGapMs: worst / 8 };
}

async function indexed(rec: HilRecorder, count: number, timeoutMs = 60_000): Promise<StoredRecording[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = rec.recordings().filter((r) => r.state === 'closed');
    if (rows.length >= count || Date.now() > deadline) return rows;
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function holdStep(gens: Generator[], calls: number, seconds: number): Promise<{ ok: boolean; line: string }> {
  const rec = await startRecorder({ HOTLINE_RECORDER_MAX_SESSIONS: '5000' });
  try {
    const parts = await Promise.all(gens.map((g, i) => {
      const share = Math.floor(calls / gens.length) + (i < calls % gens.length ? 1 : 0);
      return g.ask<{ opened: number; refused: number; packets: number; lateTicks: number }>({ type: 'hold', host: '127.0.0.1', port: rec.sipPort, calls: share, seconds }, 'held');
    }));
    const r = parts.reduce((t, p) => ({ opened: t.opened + p.opened, refused: t.refused + p.refused, packets: t.packets + p.packets, lateTicks: t.lateTicks + p.lateTicks }));
    const rows = await indexed(rec, r.opened);
    const st = await rec.status();
    const f = checkFiles(rec, rows, seconds);
    const ok = r.refused === 0 && r.opened === calls && f.files === calls && f.gaps === 0 && f.badDuration === 0;
    const line = `${String(calls).padStart(4)} calls × ${seconds}s: opened ${r.opened}, refused ${r.refused}, files ${f.files}, with gaps ${f.gaps}, bad duration ${f.badDuration}, worst silence run ${f.worstGapMs.toFixed(1)} ms, ` +
      `generator late ticks ${r.lateTicks}, recorder packets ${st.packetsReceived}, late at the recorder ${st.counters.latePackets ?? 0}, re-anchors ${st.counters.reanchors ?? 0} → ${ok ? 'held' : 'FAILED'}`;
    return { ok, line };
  } finally {
    await rec.stop();
  }
}

async function churnRun(gens: Generator[]): Promise<string> {
  const rec = await startRecorder({ HOTLINE_RECORDER_MAX_SESSIONS: '5000' });
  try {
    const t0 = Date.now();
    const parts = await Promise.all(gens.map((g) => g.ask<{ completed: number; failed: number }>({ type: 'churn', host: '127.0.0.1', port: rec.sipPort, concurrency: Math.ceil(CHURN_CONCURRENCY / gens.length), seconds: CHURN_SEC, audioSeconds: 1 }, 'churned')));
    const r = { completed: parts.reduce((n, p) => n + p.completed, 0), failed: parts.reduce((n, p) => n + p.failed, 0) };
    const rows = await indexed(rec, r.completed);
    const elapsed = (Date.now() - t0) / 1000;
    const f = checkFiles(rec, rows, 1);
    return `short recordings (1 s audio, ${CHURN_CONCURRENCY} in parallel, ${CHURN_SEC} s): ${r.completed} closed, ${r.failed} failed, ${rows.length} indexed with SHA-256 in ${elapsed.toFixed(1)} s → ` +
      `${(rows.length / elapsed).toFixed(1)} closed+indexed/s (files with gaps ${f.gaps}, bad duration ${f.badDuration})`;
  } finally {
    await rec.stop();
  }
}

const gens = Array.from({ length: GENERATORS }, () => Generator.start());
console.log(`recorder benchmark — ${new Date().toISOString()}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} (shared machine)`);
let best = 0;
for (const n of STEPS) {
  const r = await holdStep(gens, n, STEP_SEC);
  console.log(`  ramp ${r.line}`);
  if (!r.ok) break;
  best = n;
}
if (best > 0) {
  const r = await holdStep(gens, best, SUSTAIN_SEC);
  console.log(`  sustain ${r.line}`);
  console.log(`largest number of concurrent recorded calls held for ${SUSTAIN_SEC} s with no gap in any file: ${r.ok ? best : `none (the ${best}-call sustain failed)`} (target ≥ 250)`);
} else {
  console.log('no ramp step held');
}
console.log(await churnRun(gens));
console.log(`target: ≥ 12 recordings closed per second; load average now ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
for (const g of gens) g.child.send({ type: 'close' });
