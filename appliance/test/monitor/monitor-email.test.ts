// The monitor service's alarm e-mail end to end: alarms from real polls, a real SMTP server
// (smtp-server, smtp-peer.ts) that is down, then up with authentication; what the status says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigStore, type EmailNotifyConfig } from '../../src/config/index.ts';
import { MonitorService } from '../../src/monitor/monitor-service.ts';
import { syntheticSnapshot } from '../../src/monitor/synthetic-snapshot.ts';
import { dataPaths } from '../../src/paths.ts';
import { startSmtpPeer, type SmtpPeer } from './smtp-peer.ts';

async function until(what: string, cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('mail server down: failures counted in the status, polling goes on; wrong password: a clear error; then delivery works', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'hotline-monitor-mail-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  // A port that was free a moment ago and has nothing listening on it: the server is "down".
  const probe = await startSmtpPeer();
  const port = probe.port;
  await probe.stop();

  const paths = dataPaths(dir);
  const store = await ConfigStore.open(paths);
  const email: EmailNotifyConfig = { host: '127.0.0.1', port, security: 'none', from: 'hotline@example.com', recipients: ['noc@example.com'], minSeverity: 'minor' };
  const setEmail = (over: Partial<EmailNotifyConfig>) => store.update((d) => {
    d.monitor = { pollIntervalSec: 3600, email: { ...email, ...over } };
  }, { author: 'test', comment: 'mail' });
  await store.update((d) => {
    d.snmp = { enabled: false };
  }, { author: 'test', comment: 'no snmp' });
  await setEmail({});
  let mgmtUp = false;
  const service = await MonitorService.start({
    paths,
    host: async () => syntheticSnapshot({ calls: 0, agents: 0 }).host,
    services: { pbx: () => Promise.reject(new Error('ENOENT')), analog: () => Promise.reject(new Error('ENOENT')), mgmtAlive: async () => mgmtUp },
  });
  t.after(() => service.stop());
  let peer: SmtpPeer | undefined;
  t.after(() => peer?.stop());

  // First poll: service-down:pbx (critical) and service-down:mgmt (minor) raised, two mails, both fail.
  await until('two failed mails', () => service.status().email.failed === 2);
  let s = service.status();
  assert.equal(s.email.configured, true);
  assert.equal(s.email.sent, 0);
  assert.match(s.email.lastError ?? '', new RegExp(`^cannot reach SMTP server 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
  assert.ok(s.email.lastErrorAt);
  await service.pollNow();
  assert.equal(service.status().polls, 2, 'the monitor polls on');

  // The server comes up and wants a login; the configuration has the wrong password.
  peer = await startSmtpPeer({ port, login: { user: 'hotline', password: 'right-password' } });
  await setEmail({ user: 'hotline', password: 'wrong-password' });
  mgmtUp = true; // the next poll clears service-down:mgmt: one mail
  await service.reloadConfig();
  await until('the third failure', () => service.status().email.failed === 3);
  s = service.status();
  assert.match(s.email.lastError ?? '', new RegExp(`^SMTP server 127\\.0\\.0\\.1:${port} refused authentication as hotline: 535`));
  assert.equal(peer.refusedLogins, 1);

  // Fixed password; mgmt goes down again: a new occurrence, mailed.
  await setEmail({ user: 'hotline', password: 'right-password' });
  mgmtUp = false;
  await service.reloadConfig();
  const [mail] = await peer.waitFor(1);
  assert.match(mail.subject, /^【.*】次要告警 #\d+：服务 mgmt 无响应：管理界面和接口不可用；通话不受影响 \/ minor alarm: Service mgmt does not answer/);
  assert.match(mail.body, /来源：monitor\/service\/mgmt/);
  await until('the status to count the delivery', () => service.status().email.sent === 1);
  s = service.status();
  assert.equal(s.email.failed, 3);
  assert.equal(s.email.lastError, undefined);
  assert.ok(s.alarms.some((a) => a.id === 'service-down:mgmt'));
});
