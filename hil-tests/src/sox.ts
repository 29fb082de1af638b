// Reads a recording back with sox (Debian package sox): duration and per-channel energy,
// the checks a person would make by ear and eye, by a tool that is not ours.
import { execFileSync, spawnSync } from 'node:child_process';

/** Duration in seconds (`sox --i -D`). */
export function soxDuration(path: string): number {
  return Number(execFileSync('sox', ['--i', '-D', path], { encoding: 'utf8' }).trim());
}

/** Channel count (`sox --i -c`). */
export function soxChannels(path: string): number {
  return Number(execFileSync('sox', ['--i', '-c', path], { encoding: 'utf8' }).trim());
}

/** RMS amplitude (0..1) of channel `channel` (1-based), from `sox <f> -n remix N stat`; `window` (seconds) trims to a part of the file first. */
export function soxChannelRms(path: string, channel: number, window?: { fromSec: number; toSec: number }): number {
  const trim = window ? ['trim', window.fromSec.toFixed(3), `=${window.toSec.toFixed(3)}`] : [];
  const r = spawnSync('sox', [path, '-n', ...trim, 'remix', String(channel), 'stat'], { encoding: 'utf8' });
  const m = /RMS\s+amplitude:\s+([0-9.]+)/.exec(r.stderr);
  if (!m) throw new Error(`sox stat gave no RMS amplitude for ${path}: ${r.stderr}`);
  return Number(m[1]);
}

/** Rough frequency (Hz) of channel `channel` from sox stat's zero-crossing estimate. */
export function soxChannelFrequency(path: string, channel: number): number {
  const r = spawnSync('sox', [path, '-n', 'remix', String(channel), 'stat'], { encoding: 'utf8' });
  const m = /Rough\s+frequency:\s+([0-9.]+)/.exec(r.stderr);
  return m ? Number(m[1]) : NaN;
}
