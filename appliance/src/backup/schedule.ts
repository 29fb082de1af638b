import type { ScheduleSettings } from './settings.ts';

/** Wall-clock parts of an instant in a time zone. */
function zoned(ms: number, timeZone: string): { y: number; m: number; d: number; hh: number; mm: number; weekday: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', weekday: 'short' }).formatToParts(new Date(ms));
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return { y: +get('year'), m: +get('month'), d: +get('day'), hh: +get('hour'), mm: +get('minute'), weekday: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday')) };
}

/** The instant at which the wall clock of `timeZone` shows the given local date and time (DST gaps: the hour after). */
export function zonedInstant(y: number, m: number, d: number, hh: number, mm: number, timeZone: string): number {
  let guess = Date.UTC(y, m - 1, d, hh, mm);
  // Two corrections converge for every real offset (offsets change at most once per day).
  for (let i = 0; i < 2; i++) {
    const z = zoned(guess, timeZone);
    const shown = Date.UTC(z.y, z.m - 1, z.d, z.hh, z.mm);
    guess += Date.UTC(y, m - 1, d, hh, mm) - shown;
  }
  return guess;
}

/** Scheduled instants of `s` on the local days around `fromMs` (from 8 days before to 8 after). */
function slotsAround(s: ScheduleSettings, fromMs: number, timeZone: string): number[] {
  const [hh, mm] = s.time.split(':').map(Number);
  const out: number[] = [];
  for (let k = -8; k <= 8; k++) {
    const day = zoned(fromMs + k * 86_400_000, timeZone);
    if (s.every === 'weekly' && day.weekday !== s.weekday) continue;
    out.push(zonedInstant(day.y, day.m, day.d, hh, mm, timeZone));
  }
  return [...new Set(out)].sort((a, b) => a - b);
}

/** The first scheduled instant strictly after `afterMs`. */
export function nextRun(s: ScheduleSettings, afterMs: number, timeZone: string): number {
  return slotsAround(s, afterMs, timeZone).find((t) => t > afterMs)!;
}

/** The last scheduled instant at or before `nowMs` (the run that should have happened). */
export function lastDue(s: ScheduleSettings, nowMs: number, timeZone: string): number {
  return slotsAround(s, nowMs, timeZone).filter((t) => t <= nowMs).pop()!;
}
