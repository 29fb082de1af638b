// The alarm e-mail against a real SMTP server (smtp-server, see smtp-peer.ts): UTF-8 Chinese
// subject and body as Python's MIME parser decodes them, plain / STARTTLS / implicit TLS,
// authentication accepted and refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import type { EmailSettings } from '../../src/config/index.ts';
import { alarmMail, EmailNotifier } from '../../src/monitor/email-notifier.ts';
import type { AlarmEvent } from '../../src/monitor/alarm-manager.ts';
import { startSmtpPeer } from './smtp-peer.ts';

const log = pino({ level: 'silent' });
const RAISED_AT = Date.UTC(2026, 10, 30, 11, 12, 5); // 19:12:05 in Shanghai
const CLEARED_AT = RAISED_AT + 65_000;
const occurrence = { seq: 7, id: 'ups-on-battery', scope: 'ups', severity: 'major' as const, source: 'monitor/ups', text: { en: 'UPS on battery', zh: 'UPS 正在使用电池供电' }, raisedAt: RAISED_AT };
const raised: AlarmEvent = { kind: 'raised', alarm: occurrence };
const cleared: AlarmEvent = { kind: 'cleared', alarm: { ...occurrence, clearedAt: CLEARED_AT } };
const CTX = { site: '供水热线', timeZone: 'Asia/Shanghai' };

const settings = (port: number, over: Partial<EmailSettings> = {}): EmailSettings => ({
  enabled: true, host: '127.0.0.1', port, security: 'none', verifyCertificate: true,
  from: 'hotline@example.com', recipients: ['noc@example.com', '值班@example.com'], minSeverity: 'minor', maxPerHour: 30, ...over,
});

test('subject and body: Chinese then English, severity, source, text, raise and clear time in the site time zone', () => {
  const r = alarmMail(CTX, raised);
  assert.equal(r.subject, '【供水热线】重要告警 #7：UPS 正在使用电池供电 / major alarm: UPS on battery');
  assert.match(r.text, /^告警 #7 已产生\n级别：重要（major）\n来源：monitor\/ups\n内容：UPS 正在使用电池供电\n产生时间：2026-11-30 19:12:05 \(Asia\/Shanghai\)\n恢复时间：尚未恢复\n/);
  assert.match(r.text, /\nAlarm #7 raised\nSeverity: major\nSource: monitor\/ups\nText: UPS on battery\nRaised: 2026-11-30 19:12:05 \(Asia\/Shanghai\)\nCleared: not yet\n/);
  const c = alarmMail(CTX, cleared);
  assert.equal(c.subject, '【供水热线】告警恢复 #7：UPS 正在使用电池供电 / Cleared: UPS on battery');
  assert.match(c.text, /恢复时间：2026-11-30 19:13:10 \(Asia\/Shanghai\)/);
  assert.match(c.text, /Cleared: 2026-11-30 19:13:10 \(Asia\/Shanghai\)/);
});

test('raise and clear arrive at a real SMTP server with UTF-8 Chinese subject and body, to every recipient, with authentication', async (t) => {
  const peer = await startSmtpPeer({ login: { user: 'hotline', password: 'mail-pass' } });
  t.after(() => peer.stop());
  const email = new EmailNotifier(log);
  const s = settings(peer.port, { auth: { user: 'hotline', password: 'mail-pass' } });
  await email.notify(s, CTX, raised);
  await email.notify(s, CTX, cleared);
  const [r, c] = await peer.waitFor(2);
  assert.equal(r.subject, '【供水热线】重要告警 #7：UPS 正在使用电池供电 / major alarm: UPS on battery');
  assert.match(r.rawSubject, /=\?UTF-8\?[BQ]\?/i, 'non-ASCII subject goes as RFC 2047 encoded words');
  assert.equal(r.charset, 'utf-8');
  assert.match(r.body, /内容：UPS 正在使用电池供电\n产生时间：2026-11-30 19:12:05/);
  assert.deepEqual(r.envelopeTo, ['noc@example.com', '值班@example.com']);
  assert.equal(r.envelopeFrom, 'hotline@example.com');
  assert.equal(c.subject, '【供水热线】告警恢复 #7：UPS 正在使用电池供电 / Cleared: UPS on battery');
  assert.match(c.body, /Cleared: 2026-11-30 19:13:10 \(Asia\/Shanghai\)/);
  assert.deepEqual(email.counters, { sent: 2, failed: 0, suppressed: 0, filtered: 0 });
  await email.close();
});

for (const [mode, security] of [['starttls', 'starttls'], ['implicit', 'tls']] as const) {
  test(`security ${security}: delivered over TLS; with certificate checking on, the self-signed server is refused with a TLS error`, async (t) => {
    const peer = await startSmtpPeer({ tls: mode, login: { user: 'u', password: 'secret-pw' } });
    t.after(() => peer.stop());
    const email = new EmailNotifier(log);
    const s = settings(peer.port, { security, auth: { user: 'u', password: 'secret-pw' }, verifyCertificate: false });
    await email.notify(s, CTX, raised);
    assert.equal((await peer.waitFor(1))[0].subject.includes('重要告警 #7'), true);
    await email.notify({ ...s, verifyCertificate: true }, CTX, cleared);
    assert.equal(email.counters.failed, 1);
    assert.match(email.counters.lastError ?? '', /self[- ]signed certificate/);
    assert.equal(peer.received.length, 1);
    await email.close();
  });
}

test('wrong password: refused by the server, the reason is the notifier\'s lastError; the right one works after', async (t) => {
  const peer = await startSmtpPeer({ login: { user: 'hotline', password: 'mail-pass' } });
  t.after(() => peer.stop());
  const email = new EmailNotifier(log);
  await email.notify(settings(peer.port, { auth: { user: 'hotline', password: 'wrong' } }), CTX, raised);
  assert.equal(peer.refusedLogins, 1);
  assert.equal(email.counters.failed, 1);
  assert.match(email.counters.lastError ?? '', new RegExp(`^SMTP server 127\\.0\\.0\\.1:${peer.port} refused authentication as hotline: 535`));
  // No credentials at all against a server that requires them: a different, equally clear reason.
  await email.notify(settings(peer.port), CTX, raised);
  assert.equal(email.counters.failed, 2);
  assert.match(email.counters.lastError ?? '', /530|authentication required|needs a user/i);
  await email.notify(settings(peer.port, { auth: { user: 'hotline', password: 'mail-pass' } }), CTX, cleared);
  assert.equal((await peer.waitFor(1)).length, 1);
  assert.equal(email.counters.lastError, undefined, 'a success clears the last error');
  await email.close();
});

test('a recipient the server refuses: the others still get the mail and the refusal is reported; all refused is a failure that says so', async (t) => {
  const peer = await startSmtpPeer({ refuseRecipient: 'gone@example.com' });
  t.after(() => peer.stop());
  const email = new EmailNotifier(log);
  await email.notify(settings(peer.port, { recipients: ['gone@example.com', 'noc@example.com'] }), CTX, raised);
  assert.deepEqual((await peer.waitFor(1))[0]!.envelopeTo, ['noc@example.com']);
  assert.deepEqual([email.counters.sent, email.counters.failed], [1, 1]);
  assert.equal(email.counters.lastError, `SMTP server 127.0.0.1:${peer.port} refused recipients gone@example.com`);
  await email.notify(settings(peer.port, { recipients: ['gone@example.com'] }), CTX, cleared);
  assert.equal(email.counters.failed, 2);
  assert.match(email.counters.lastError ?? '', /refused the sender or recipients: .*550.*gone@example\.com/);
  await email.close();
});

test('security starttls against a server that offers no STARTTLS: refused, nothing sent in clear', async (t) => {
  const peer = await startSmtpPeer({ tls: 'none' });
  t.after(() => peer.stop());
  const email = new EmailNotifier(log);
  await email.notify(settings(peer.port, { security: 'starttls' }), CTX, raised);
  assert.equal(email.counters.failed, 1);
  assert.match(email.counters.lastError ?? '', /TLS failed \(starttls\): .*STARTTLS/);
  assert.equal(peer.received.length, 0);
  await email.close();
});
