import { getPriority, setPriority } from 'node:os';
import type { Logger } from '../log.ts';

/** How much nicer than the telephony processes the monitor runs, unless HOTLINE_MONITOR_NICE says otherwise. */
export const DEFAULT_MONITOR_NICE = 10;

/**
 * Lowers the monitor's CPU priority (raises its nice value by `HOTLINE_MONITOR_NICE`, default
 * 10, 0 to leave it), so an SNMP walk or a poll yields the CPU to the PBX's and the analog
 * gateway's 20 ms frames when the cores are busy (issue 8: "no PBX frame lateness caused by the
 * walk"), while on an idle core it answers as fast as before. On Linux the nice value belongs to
 * the thread: this is the main thread, where net-snmp encodes and decodes. Never fails the start.
 */
export function lowerCpuPriority(log: Logger, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.HOTLINE_MONITOR_NICE;
  const by = raw !== undefined && /^[0-9]{1,2}$/.test(raw) ? Number(raw) : DEFAULT_MONITOR_NICE;
  const before = getPriority();
  if (by === 0) return before;
  try {
    setPriority(Math.min(19, before + by));
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'monitor CPU priority not lowered');
  }
  const now = getPriority();
  log.info({ nice: now }, 'monitor CPU priority');
  return now;
}
