import type { CallDisposition, CdrQuarterCount } from '../records/index.ts';

/** Calls in one local hour, by disposition. `hour` is the ISO instant (UTC) the local hour starts. */
export interface HourBucket {
  hour: string;
  total: number;
  answered: number;
  busy: number;
  noAnswer: number;
  cancelled: number;
  failed: number;
}

const FIELD: Record<CallDisposition, keyof Omit<HourBucket, 'hour' | 'total'>> = {
  answered: 'answered',
  busy: 'busy',
  'no-answer': 'noAnswer',
  cancelled: 'cancelled',
  failed: 'failed',
};

const HOUR = 3_600_000;

/**
 * Start (epoch ms) of the local hour containing `t` in `timeZone`. Every zone offset in use is a
 * multiple of 15 minutes, so the local minute tells how far past the local hour `t` is.
 */
export function localHourStart(t: number, minuteFormat: Intl.DateTimeFormat): number {
  const minute = Number(minuteFormat.formatToParts(t).find((p) => p.type === 'minute')?.value ?? 0);
  return t - (t % 60_000) - minute * 60_000;
}

/**
 * Folds quarter-hour counts into local hours of `timeZone` between `from` and `to`, empty hours
 * included so a chart has no gaps. Pure: the store supplies the counts.
 */
export function hourlyBuckets(counts: readonly CdrQuarterCount[], from: number, to: number, timeZone: string): HourBucket[] {
  const fmt = new Intl.DateTimeFormat('en-GB', { timeZone, minute: '2-digit' });
  const byHour = new Map<number, HourBucket>();
  const bucket = (h: number) => {
    let b = byHour.get(h);
    if (!b) byHour.set(h, (b = { hour: new Date(h).toISOString(), total: 0, answered: 0, busy: 0, noAnswer: 0, cancelled: 0, failed: 0 }));
    return b;
  };
  for (let h = localHourStart(from, fmt); h < to; h += HOUR) bucket(h);
  for (const c of counts) {
    const b = bucket(localHourStart(c.start, fmt));
    b.total += c.n;
    b[FIELD[c.disposition]] += c.n;
  }
  return [...byHour.entries()].sort((a, b) => a[0] - b[0]).map(([, b]) => b);
}
