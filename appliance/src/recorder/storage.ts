// Where recordings live and how full the disk is. Files go to <root>/YYYY/MM/DD/<id>.wav
// (DESIGN.md "Data"), the date being the start of the recording in the recorder's local
// time, so one folder holds one day and retention and backups work folder by folder.
import { mkdirSync, statfsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** A recording id: start time plus randomness, sortable and unique without coordination. */
export function newRecordingId(startedAt: number, random: () => Buffer = () => randomBytes(5)): string {
  const d = new Date(startedAt);
  return `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}T${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}-${random().toString('hex')}`;
}

/** Path of a recording relative to the recordings root: YYYY/MM/DD/<id>.wav. */
export function recordingRelPath(startedAt: number, id: string): string {
  const d = new Date(startedAt);
  return join(String(d.getFullYear()), pad(d.getMonth() + 1), pad(d.getDate()), `${id}.wav`);
}

/** Creates the date folder of a file (recursive, cheap when it exists). */
export function ensureParent(path: string): void {
  mkdirSync(dirname(path), { recursive: true });
}

/** Filesystem figures of the recordings folder. */
export interface DiskFigures {
  totalBytes: number;
  freeBytes: number;
  /** Percent of the filesystem in use, as `df` shows it (blocks used / (used + available to us)). */
  usedPercent: number;
}

/** Reads the filesystem holding `dir` (statfs(2)). */
export function diskFigures(dir: string): DiskFigures {
  const s = statfsSync(dir);
  const total = s.blocks * s.bsize;
  const free = s.bavail * s.bsize;
  const used = (s.blocks - s.bfree) * s.bsize;
  // df's Use%: used / (used + available to unprivileged users), rounded up.
  const usedPercent = used + free > 0 ? Math.ceil((used * 100) / (used + free)) : 100;
  return { totalBytes: total, freeBytes: free, usedPercent };
}

/** Disk state against the watermarks: whether new sessions are taken, and the alarm level reached. */
export interface DiskWatermarkState extends DiskFigures {
  /** True when usedPercent ≥ the refuse watermark: new sessions get 503. */
  refusing: boolean;
  /** Highest alarm level reached (percent), or null. */
  alarmLevel: number | null;
  refusePercent: number;
  alarmPercents: number[];
}

/** Judges disk figures against the watermarks. Pure. */
export function judgeDisk(f: DiskFigures, refusePercent: number, alarmPercents: number[]): DiskWatermarkState {
  let alarmLevel: number | null = null;
  for (const p of alarmPercents) if (f.usedPercent >= p) alarmLevel = p;
  const refusing = f.usedPercent >= refusePercent;
  if (refusing) alarmLevel = refusePercent;
  return { ...f, refusing, alarmLevel, refusePercent, alarmPercents };
}
