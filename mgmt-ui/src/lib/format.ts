// Formatting of figures and times. Times are shown in the appliance's time zone (not
// the browser's), since a call record at 09:00 must read 09:00 wherever it is viewed.

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Parses an epoch-ms number or ISO string; undefined for null/empty. */
export function toDate(v: number | string | null | undefined): Date | undefined {
  if (v === null || v === undefined || v === '') return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/**
 * `2024-05-01 09:03:12` in `timeZone`. The same numeric layout in both languages: staff
 * compare these with log files and CSV exports, which use it too.
 */
export function formatDateTime(v: number | string | null | undefined, timeZone: string, _locale?: string): string {
  const d = toDate(v);
  if (!d) return '—';
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  const parts = f.formatToParts(d);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')}`;
}

/** The hour of a time in `timeZone`, `09:00`. */
export function formatHour(v: string | number, timeZone: string): string {
  const d = toDate(v);
  if (!d) return '';
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
}

/** Bytes in binary units, one decimal. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

/** Seconds as `3d 04:05:06` or `04:05`. */
export function formatDuration(sec: number): string {
  const s = Math.max(0, Math.floor(sec));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  const pad = (x: number) => String(x).padStart(2, '0');
  const hms = h > 0 || d > 0 ? `${pad(h)}:${pad(m)}:${pad(r)}` : `${pad(m)}:${pad(r)}`;
  return d > 0 ? `${d}d ${hms}` : hms;
}

/** Percentage 0..100 of used over total, 0 when total is 0. */
export function percent(used: number, total: number): number {
  return total > 0 ? Math.min(100, Math.max(0, (used / total) * 100)) : 0;
}

/** `YYYY-MM-DDTHH:mm` of a Date in `timeZone`, for datetime-local inputs. */
export function toLocalInput(d: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
}

/** Offset of `timeZone` from UTC at `d`, in minutes. */
function offsetMinutes(d: Date, timeZone: string): number {
  const asUtc = Date.parse(`${toLocalInput(d, timeZone)}:00Z`);
  return Math.round((asUtc - Math.floor(d.getTime() / 60000) * 60000) / 60000);
}

/** A datetime-local value read as wall time in `timeZone`, as an ISO UTC string. */
export function fromLocalInput(value: string, timeZone: string): string | undefined {
  if (!value) return undefined;
  const guess = Date.parse(`${value}:00Z`);
  if (Number.isNaN(guess)) return undefined;
  const off = offsetMinutes(new Date(guess), timeZone);
  return new Date(guess - off * 60000).toISOString();
}
