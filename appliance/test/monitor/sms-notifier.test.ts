import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { alarmSmsText, SmsNotifier } from '../../src/monitor/sms-notifier.ts';
import type { AlarmEvent } from '../../src/monitor/alarm-manager.ts';

const event = (kind: 'raised' | 'cleared', seq: number): AlarmEvent => ({
  kind,
  alarm: { seq, id: 'ups-on-battery', scope: 'ups', severity: 'major', source: 'monitor/ups', text: { en: 'UPS on battery', zh: 'UPS 正在使用电池供电' }, raisedAt: 0 },
});

test('SMS text: Chinese then English, raise and clear told apart', () => {
  assert.equal(alarmSmsText('Plant A', event('raised', 7)), '【Plant A】告警(major) #7：UPS 正在使用电池供电 / Alarm: UPS on battery');
  assert.equal(alarmSmsText('Plant A', event('cleared', 7)), '【Plant A】告警恢复 #7：UPS 正在使用电池供电 / Cleared: UPS on battery');
});

test('an unreachable modem is counted as failed with its reason; beyond maxPerHour events are held back until the hour has passed', async () => {
  let now = 0;
  const sms = new SmsNotifier(pino({ level: 'silent' }), () => now);
  const settings = { port: '/nonexistent/ttyGSM', baudRate: 115200, recipients: ['+8613800138000', '10086'], maxPerHour: 2, minSeverity: 'warning' as const };
  await sms.notify(settings, 'A', event('raised', 1));
  await sms.notify(settings, 'A', event('cleared', 1));
  await sms.notify(settings, 'A', event('raised', 2));
  const c = sms.counters;
  assert.deepEqual({ sent: c.sent, failed: c.failed, suppressed: c.suppressed }, { sent: 0, failed: 4, suppressed: 1 });
  assert.match(c.lastError ?? '', /^SMS to 10086: .*\/nonexistent\/ttyGSM/);
  now = 3_600_001;
  await sms.notify(settings, 'A', event('cleared', 2));
  assert.deepEqual({ failed: sms.counters.failed, suppressed: sms.counters.suppressed }, { failed: 6, suppressed: 1 });
  // The shared severity filter: a major alarm is not texted when only critical ones are wanted.
  await sms.notify({ ...settings, minSeverity: 'critical' }, 'A', event('raised', 3));
  assert.deepEqual({ failed: sms.counters.failed, filtered: sms.counters.filtered }, { failed: 6, filtered: 1 });
  await sms.close();
});
