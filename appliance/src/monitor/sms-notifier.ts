import { sendSms } from '@hotline/drivers/serial';
import type { Logger } from '../log.ts';
import type { AlarmEvent } from './alarm-manager.ts';
import { NotificationPolicy, type NotifierCounters, type PolicySettings } from './notification-policy.ts';
import { SerialDevice } from './probes/serial-device.ts';

/** The `devices.smsModem` section with its defaults (devicesSettings()). */
export interface SmsSettings extends PolicySettings {
  port: string;
  baudRate: number;
  recipients: string[];
}

/** The text of an alarm event: Chinese first (the operators'), then English for the vendor. */
export function alarmSmsText(site: string, e: AlarmEvent): string {
  const a = e.alarm;
  return e.kind === 'raised'
    ? `【${site}】告警(${a.severity}) #${a.seq}：${a.text.zh} / Alarm: ${a.text.en}`
    : `【${site}】告警恢复 #${a.seq}：${a.text.zh} / Cleared: ${a.text.en}`;
}

/**
 * Texts alarm raises and clears through the GSM modem to every recipient, under the shared
 * notification policy (minimum severity, `maxPerHour`, event order: NotificationPolicy).
 */
export class SmsNotifier {
  readonly #device = new SerialDevice();
  readonly #policy: NotificationPolicy;
  #ref = 0;

  constructor(private readonly log: Logger, now: () => number = Date.now) {
    this.#policy = new NotificationPolicy('sms', log, now);
  }

  get counters(): NotifierCounters {
    return this.#policy.counters;
  }

  /** Queues the texts of `e` to every recipient; resolves when they were sent (or failed, or held back). */
  notify(settings: SmsSettings, site: string, e: AlarmEvent): Promise<void> {
    return this.#policy.submit(settings, e, async () => {
      const text = alarmSmsText(site, e);
      const out = { sent: 0, failures: [] as string[] };
      for (const to of settings.recipients) {
        const ref = (this.#ref = (this.#ref + 1) & 0xff);
        const r = await this.#device.use(settings, (link) => sendSms(link, to, text, ref));
        if (r.ok) {
          out.sent++;
          this.log.info({ to, id: e.alarm.id, kind: e.kind, refs: r.value }, 'alarm SMS sent');
        } else {
          out.failures.push(`SMS to ${to}: ${r.error}`);
          this.log.error({ to, id: e.alarm.id, kind: e.kind, err: r.error }, 'alarm SMS failed');
        }
      }
      return out;
    });
  }

  async close(): Promise<void> {
    await this.#policy.idle();
    await this.#device.close();
  }
}
