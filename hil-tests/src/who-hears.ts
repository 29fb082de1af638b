// "Who hears whom" checks for tests where every party streams its own tone into an RTP
// analyzer (supervision, conferences, call control): the share of one frequency in the frames
// that arrived in a time window (performance.now() ms, the analyzers' clock).
import assert from 'node:assert/strict';
import { toneEnergyRatio, type RtpAnalysis } from './rtp-analyzer.ts';

/** Mean share of `hz` in the frames that arrived in [from, to); needs at least 20 frames (0.4 s). */
export function share(a: RtpAnalysis, hz: number, from: number, to: number): number {
  const pcm = a.pcm();
  const frames = a.frames().filter((f) => f.atMs >= from && f.atMs < to);
  assert.ok(frames.length >= 20, `only ${frames.length} frames in the window`);
  let sum = 0;
  for (const f of frames) sum += toneEnergyRatio(pcm, hz, f.sampleStart, f.sampleStart + f.sampleCount);
  return sum / frames.length;
}

/** Asserts who hears what in a window: `hears` frequencies above 20 % of the energy, `deaf` ones under 5 %. */
export function check(name: string, a: RtpAnalysis, window: [number, number], hears: number[], deaf: number[]): void {
  for (const hz of hears) assert.ok(share(a, hz, ...window) > 0.2, `${name} should hear ${hz} Hz (share ${share(a, hz, ...window).toFixed(3)})`);
  for (const hz of deaf) assert.ok(share(a, hz, ...window) < 0.05, `${name} should not hear ${hz} Hz (share ${share(a, hz, ...window).toFixed(3)})`);
}

/** Waits `ms` and returns the window it covered, trimmed at the start for the jitter buffers and a mode change to settle. */
export async function window(ms: number): Promise<[number, number]> {
  const from = performance.now() + 400;
  await new Promise((r) => setTimeout(r, ms));
  return [from, performance.now()];
}
