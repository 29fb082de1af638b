import type { Alarm } from '../../alarms/index.ts';
import type { TimeSyncState } from '../health-state.ts';
import { runCommand } from './command.ts';

/** `key=value` lines of `timedatectl show`: NTP (sync service on), NTPSynchronized (kernel clock synced). */
export function parseTimedatectl(text: string): Pick<TimeSyncState, 'state'> | undefined {
  const kv = new Map<string, string>();
  for (const line of text.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) kv.set(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  const synced = kv.get('NTPSynchronized');
  if (synced === undefined) return undefined;
  return { state: synced === 'yes' ? 'synchronized' : 'unsynchronized' };
}

/**
 * `chronyc -c tracking`, one CSV line: reference ID, reference name, stratum, reference time,
 * system time offset (s; the clock is this much fast), last offset, RMS offset, frequency, residual
 * frequency, skew, root delay, root dispersion, update interval, leap status. "Not synchronised"
 * as leap status (or reference ID 0, stratum 0) means chrony has no source it trusts.
 */
export function parseChronyTracking(csv: string): TimeSyncState | undefined {
  const f = csv.trim().split('\n')[0]?.split(',') ?? [];
  if (f.length < 14) return undefined;
  const offset = Number(f[4]);
  const leap = f[13]!.trim();
  const synced = leap !== 'Not synchronised' && Number(f[2]) > 0 && f[0] !== '00000000';
  const out: TimeSyncState = { state: synced ? 'synchronized' : 'unsynchronized', source: 'chrony', offsetSec: synced && Number.isFinite(offset) ? offset : null };
  if (synced && f[1]) out.server = f[1];
  return out;
}

/**
 * Reads the clock's synchronisation: chrony first (it knows the offset), then timedated (systemd-
 * timesyncd or any NTP client the kernel flag reflects). Neither readable (a container, no systemd,
 * no chrony): unknown, which raises no alarm.
 */
export async function probeTimeSync(): Promise<TimeSyncState> {
  const chrony = await runCommand('chronyc', ['-c', 'tracking'], 3000);
  const fromChrony = chrony && chrony.code === 0 ? parseChronyTracking(chrony.stdout) : undefined;
  if (fromChrony) return fromChrony;
  const td = await runCommand('timedatectl', ['show'], 3000);
  const fromTd = td && td.code === 0 ? parseTimedatectl(td.stdout) : undefined;
  if (fromTd) return { ...fromTd, source: 'timedatectl', offsetSec: null };
  return { state: 'unknown', source: 'none', offsetSec: null };
}

/** `time-unsynchronized` when a client says the clock is not synced; `time-offset` when chrony's offset is beyond the threshold. */
export function timeSyncAlarms(t: TimeSyncState, thresholds: { timeOffsetMs: number }, at: string): Alarm[] {
  const out: Alarm[] = [];
  if (t.state === 'unsynchronized') {
    out.push({
      id: 'time-unsynchronized', severity: 'minor', source: 'host/time', raisedAt: at,
      text: {
        en: `The system clock is not synchronised (${t.source}): call records, recordings and logs may carry wrong times`,
        zh: `系统时钟未同步（${t.source}）：话单、录音和日志的时间可能不准确`,
      },
    });
  }
  if (t.offsetSec !== null && Math.abs(t.offsetSec) * 1000 >= thresholds.timeOffsetMs) {
    const ms = Math.round(t.offsetSec * 1000);
    out.push({
      id: 'time-offset', severity: 'minor', source: 'host/time', raisedAt: at,
      text: { en: `The system clock is ${ms} ms off the time server (threshold ${thresholds.timeOffsetMs} ms)`, zh: `系统时钟与时间服务器相差 ${ms} 毫秒（阈值 ${thresholds.timeOffsetMs} 毫秒）` },
    });
  }
  return out;
}
