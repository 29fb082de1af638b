import { sendSms } from '@hotline/drivers/serial';
import type { SmsModemConfig } from '../config/index.ts';
import type { Logger } from '../log.ts';
import type { AlarmEvent } from './alarm-manager.ts';
import { SerialDevice } from './probes/serial-device.ts';

/** The text of an alarm event: Chinese first (the operators'), then English for the vendor. */
export function alarmSmsText(site: string, e: AlarmEvent): string {
  const a = e.alarm;
  return e.kind === 'raised'
    ? `【${site}】告警(${a.severity}) #${a.seq}：${a.text.zh} / Alarm: ${a.text.en}`
    : `【${site}】告警恢复 #${a.seq}：${a.text.zh} / Cleared: ${a.text.en}`;
}

/**
 * Texts alarm raises and clears through the GSM modem, one send at a time in event order.
 * At most `maxPerHour` events an hour go out (a flapping sensor must not empty the SIM's
 * credit or flood the people on call); the rest are counted and logged. A failed send is
 * logged and counted, never retried into a storm: the NMS and the alarm table still have it.
 */
export class SmsNotifier {
  readonly #device = new SerialDevice();
  #chain: Promise<void> = Promise.resolve();
  #sentAt: number[] = [];
  #ref = 0;
  sent = 0;
  failed = 0;
  suppressed = 0;

  constructor(private readonly log: Logger, private readonly now: () => number = Date.now) {}

  /** Queues the texts of `e` to every recipient; resolves when they were sent (or failed). */
  notify(settings: Required<SmsModemConfig>, site: string, e: AlarmEvent): Promise<void> {
    const at = this.now();
    this.#sentAt = this.#sentAt.filter((t) => at - t < 3_600_000);
    if (this.#sentAt.length >= settings.maxPerHour) {
      this.suppressed++;
      this.log.warn({ id: e.alarm.id, kind: e.kind, maxPerHour: settings.maxPerHour }, 'alarm SMS not sent: hourly limit reached');
      return this.#chain;
    }
    this.#sentAt.push(at);
    const text = alarmSmsText(site, e);
    const run = async () => {
      for (const to of settings.recipients) {
        const ref = (this.#ref = (this.#ref + 1) & 0xff);
        const r = await this.#device.use(settings, (link) => sendSms(link, to, text, ref));
        if (r.ok) {
          this.sent++;
          this.log.info({ to, id: e.alarm.id, kind: e.kind, refs: r.value }, 'alarm SMS sent');
        } else {
          this.failed++;
          this.log.error({ to, id: e.alarm.id, kind: e.kind, err: r.error }, 'alarm SMS failed');
        }
      }
    };
    this.#chain = this.#chain.then(run);
    return this.#chain;
  }

  async close(): Promise<void> {
    await this.#chain;
    await this.#device.close();
  }
}
