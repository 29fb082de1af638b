import type { IvrTimeConditionConfig } from '../config/index.ts';

/** Weekday (1 = Monday … 7 = Sunday), HH:MM and YYYY-MM-DD of an instant in a time zone. */
export function localTime(at: Date, timeZone: string): { weekday: number; hhmm: string; date: string } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone, weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(get('weekday')) + 1;
  return { weekday, hhmm: `${get('hour')}:${get('minute')}`, date: `${get('year')}-${get('month')}-${get('day')}` };
}

/** Whether the condition is open at `at`: inside some opening hours of the weekday and not on a holiday. */
export function isOpen(cond: IvrTimeConditionConfig, at: Date, timeZone: string): boolean {
  const t = localTime(at, timeZone);
  const monthDay = t.date.slice(5);
  if ((cond.holidays ?? []).some((h) => h === t.date || h === monthDay)) return false;
  // `to` is exclusive: 09:00-17:00 closes at 17:00 sharp.
  return cond.hours.some((h) => h.days.includes(t.weekday) && t.hhmm >= h.from && t.hhmm < h.to);
}
