import type { AlarmSeverity } from '../alarms/index.ts';
import type { Logger } from '../log.ts';
import type { AlarmEvent } from './alarm-manager.ts';

/** Most severe first; a notifier sends an event whose severity is at or above its minimum. */
export const SEVERITY_RANK: Record<AlarmSeverity, number> = { critical: 4, major: 3, minor: 2, warning: 1 };

/** What every alarm notifier (SMS, e-mail) is configured with besides its transport. */
export interface PolicySettings {
  /** Events of alarms below this severity are not sent (counted as `filtered`). */
  minSeverity: AlarmSeverity;
  /** Events sent per rolling hour at most; beyond, they are logged and counted as `suppressed`. */
  maxPerHour: number;
}

/** Counters of one notifier, as the monitor's status shows them. */
export interface NotifierCounters {
  /** Messages delivered (one per recipient for SMS, one per event for e-mail). */
  sent: number;
  failed: number;
  /** Events held back by the hourly limit. */
  suppressed: number;
  /** Events below the minimum severity. */
  filtered: number;
  /** The last failure, in words, and when (ISO); cleared by the next success. */
  lastError?: string;
  lastErrorAt?: string;
}

/** What a delivery reports back: how many messages went out and the failures with their reason. */
export interface DeliveryResult {
  sent: number;
  failures: string[];
}

/**
 * The notification policy the SMS and e-mail notifiers share: a severity filter, an hourly
 * limit, and one delivery at a time in event order (a clear never overtakes its raise). A
 * clear has its raise's severity, so both halves of a pair pass or fail the filter together.
 * The limit exists so a flapping sensor cannot flood the people on call (or empty a SIM); a
 * failed delivery is counted and logged, never retried into a storm: the NMS and the alarm
 * table still have the event.
 */
export class NotificationPolicy {
  readonly counters: NotifierCounters = { sent: 0, failed: 0, suppressed: 0, filtered: 0 };
  #chain: Promise<void> = Promise.resolve();
  #sentAt: number[] = [];

  constructor(private readonly channel: string, private readonly log: Logger, private readonly now: () => number = Date.now) {}

  /**
   * Queues `deliver` for `e` when the policy lets it through; resolves when it has run (or at
   * once, with the queue's tail, when the event was held back).
   */
  submit(settings: PolicySettings, e: AlarmEvent, deliver: () => Promise<DeliveryResult>): Promise<void> {
    const fields = { channel: this.channel, id: e.alarm.id, seq: e.alarm.seq, kind: e.kind };
    if (SEVERITY_RANK[e.alarm.severity] < SEVERITY_RANK[settings.minSeverity]) {
      this.counters.filtered++;
      this.log.debug({ ...fields, minSeverity: settings.minSeverity }, 'alarm notification not sent: below minimum severity');
      return this.#chain;
    }
    const at = this.now();
    this.#sentAt = this.#sentAt.filter((t) => at - t < 3_600_000);
    if (this.#sentAt.length >= settings.maxPerHour) {
      this.counters.suppressed++;
      this.log.warn({ ...fields, maxPerHour: settings.maxPerHour }, 'alarm notification not sent: hourly limit reached');
      return this.#chain;
    }
    this.#sentAt.push(at);
    const run = async () => {
      let r: DeliveryResult;
      try {
        r = await deliver();
      } catch (err) {
        r = { sent: 0, failures: [(err as Error).message] };
      }
      this.counters.sent += r.sent;
      this.counters.failed += r.failures.length;
      if (r.failures.length > 0) {
        this.counters.lastError = r.failures[r.failures.length - 1];
        this.counters.lastErrorAt = new Date(this.now()).toISOString();
      } else if (r.sent > 0) {
        delete this.counters.lastError;
        delete this.counters.lastErrorAt;
      }
    };
    this.#chain = this.#chain.then(run);
    return this.#chain;
  }

  /** Resolves when every queued delivery has run. */
  idle(): Promise<void> {
    return this.#chain;
  }
}
