// The card path's frame lateness as `npm run bench:card` measures it (drivers/bench/card.bench.ts:
// 120 simulated ports through the real FFI path and one I/O worker per card, lateness of every
// 20 ms frame at the main thread), run as its own process so another benchmark can load the
// machine beside it the way a neighbouring service would, and compare the two figures.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './paths.ts';

/** The card benchmark's figures for one run (echo cancellation off). */
export interface FrameLateness {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  missed: number;
  dropped: number;
  /** Its process CPU, percent of one core. */
  cpuPct: number;
}

const CARD_BENCH = join(REPO_ROOT, 'drivers/bench/card.bench.ts');

/** Parses the report of drivers/bench/card.bench.ts (one run). */
export function parseCardBench(out: string): FrameLateness {
  const late = /lateness \(main\)\s+p50 ([0-9.]+) ms\s+p99 ([0-9.]+) ms\s+max ([0-9.]+) ms/.exec(out);
  const frames = /missed ([0-9]+), dropped in rings ([0-9]+)/.exec(out);
  const cpu = /CPU\s+([0-9.]+) % of one core/.exec(out);
  if (!late || !frames || !cpu) throw new Error(`unexpected bench:card output:\n${out}`);
  return { p50Ms: Number(late[1]), p99Ms: Number(late[2]), maxMs: Number(late[3]), missed: Number(frames[1]), dropped: Number(frames[2]), cpuPct: Number(cpu[1]) };
}

/** Runs the card benchmark for `seconds` (echo cancellation off) in a child process; resolves with its figures. */
export function measureFrameLateness(seconds: number): Promise<FrameLateness> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CARD_BENCH], {
      cwd: REPO_ROOT, env: { ...process.env, BENCH_EC: 'off', BENCH_SECONDS: String(seconds) }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) reject(new Error(`bench:card exited ${code}:\n${out}`));
      else {
        try {
          resolve(parseCardBench(out));
        } catch (err) {
          reject(err);
        }
      }
    });
  });
}
