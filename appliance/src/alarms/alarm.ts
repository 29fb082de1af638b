/**
 * Alarms as the services report them. Each service derives its active alarms from the
 * state it already keeps (a trunk that is down, a missing card, a port stuck off-hook), so
 * there is no separate raise/clear bookkeeping to drift from the truth: an alarm is active
 * exactly while its condition holds, and `raisedAt` is when the condition began. The health
 * monitor (issue 8) pairs raises and clears over time, stores them and sends traps.
 */

/** ITU-T X.733 perceived severities, the ones an NMS maps to colours. */
export type AlarmSeverity = 'critical' | 'major' | 'minor' | 'warning';

/** One active alarm. */
export interface Alarm {
  /** Stable identity of the condition, e.g. `trunk-down:carrier-a`, `port-stuck-offhook:3`. */
  id: string;
  severity: AlarmSeverity;
  /** Service and object that raised it, e.g. `pbx/trunk/carrier-a`, `analog/port/3`. */
  source: string;
  /** What is wrong and what it means for calls, in English and Chinese. */
  text: { en: string; zh: string };
  /** ISO time the condition began. */
  raisedAt: string;
}

/** Newest first, then by id, so lists are stable between polls. */
export function sortAlarms(alarms: Alarm[]): Alarm[] {
  return alarms.sort((a, b) => b.raisedAt.localeCompare(a.raisedAt) || a.id.localeCompare(b.id));
}
