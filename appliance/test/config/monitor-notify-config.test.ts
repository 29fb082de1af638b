import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigValidationError, defaultConfig, devicesSettings, monitorSettings, snmpSettings, validateConfig, type HotlineConfig } from '../../src/config/index.ts';

function issues(patch: Partial<HotlineConfig>): string[] {
  try {
    validateConfig({ ...defaultConfig(), ...patch });
  } catch (err) {
    assert.ok(err instanceof ConfigValidationError);
    return err.errors.map((e) => `${e.path}: ${e.message}`).sort();
  }
  return [];
}

const email = { host: 'smtp.example.com', from: 'hotline@example.com', recipients: ['noc@example.com'] };

test('monitor.email defaults: STARTTLS on 587, certificate checked, minor and above, 30 an hour; the port follows the security mode', () => {
  const s = monitorSettings(validateConfig({ ...defaultConfig(), monitor: { email } }));
  assert.deepEqual(s.email, {
    enabled: true, host: 'smtp.example.com', port: 587, security: 'starttls', verifyCertificate: true,
    from: 'hotline@example.com', recipients: ['noc@example.com'], minSeverity: 'minor', maxPerHour: 30,
  });
  assert.equal(monitorSettings({ ...defaultConfig(), monitor: { email: { ...email, security: 'tls' } } }).email?.port, 465);
  assert.equal(monitorSettings({ ...defaultConfig(), monitor: { email: { ...email, security: 'none', port: 2525 } } }).email?.port, 2525);
  assert.deepEqual(monitorSettings({ ...defaultConfig(), monitor: { email: { ...email, user: 'u', password: 'p' } } }).email?.auth, { user: 'u', password: 'p' });
  assert.equal(monitorSettings(defaultConfig()).email, undefined, 'no section: no mail');
});

test('monitor.email refused: bad addresses, unknown security, half a login, a password in clear to a remote server', () => {
  assert.deepEqual(issues({ monitor: { email: { ...email, from: 'not an address', recipients: [] } } }).map((i) => i.split(':')[0]).sort(), ['/monitor/email/from', '/monitor/email/recipients']);
  assert.equal(issues({ monitor: { email: { ...email, security: 'ssl' as never } } }).length, 1);
  assert.deepEqual(issues({ monitor: { email: { ...email, user: 'u' } } }), ['/monitor/email/password: is required when user is set']);
  assert.deepEqual(issues({ monitor: { email: { ...email, password: 'p' } } }), ['/monitor/email/user: is required when password is set']);
  assert.deepEqual(issues({ monitor: { email: { ...email, security: 'none', user: 'u', password: 'p' } } }), [
    '/monitor/email/security: must be tls or starttls when authenticating to a remote server (the password would travel in clear)',
  ]);
  assert.deepEqual(issues({ monitor: { email: { ...email, host: '127.0.0.1', security: 'none', user: 'u', password: 'p' } } }), [], 'a relay on this machine may take a login in clear');
});

test('SMS minSeverity defaults to warning (everything); trap targets default to unconfirmed traps, informs with 3 retries from 5 s', () => {
  const d = devicesSettings({ ...defaultConfig(), devices: { smsModem: { port: '/dev/ttyUSB2', recipients: ['10086'] } } });
  assert.equal(d.smsModem?.minSeverity, 'warning');
  const s = snmpSettings({ ...defaultConfig(), snmp: { trapTargets: [{ host: '192.0.2.1', version: 'v2c', community: 'c' }, { host: '192.0.2.2', version: 'v2c', community: 'c', mode: 'inform', retries: 0 }] } });
  assert.deepEqual(s.trapTargets.map((t) => [t.mode, t.retries, t.timeoutSec]), [['trap', 3, 5], ['inform', 0, 5]]);
  assert.equal(issues({ snmp: { trapTargets: [{ host: '192.0.2.1', version: 'v2c', community: 'c', mode: 'confirmed' as never, retries: 11 }] } }).length, 2);
});

test('health thresholds and the interface watch list are validated', () => {
  assert.deepEqual(issues({ monitor: { thresholds: { fanMinRpm: 0, timeOffsetMs: 500 }, interfaces: ['eth0', 'name-far-too-long-for-linux'] } }).map((i) => i.split(':')[0]).sort(), [
    '/monitor/interfaces/1', '/monitor/thresholds/fanMinRpm',
  ]);
});
