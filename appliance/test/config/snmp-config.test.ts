import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigValidationError, defaultConfig, defaultEngineId, monitorSettings, snmpSettings, validateConfig, type HotlineConfig } from '../../src/config/index.ts';

function pathsOf(snmp: unknown): string[] {
  try {
    validateConfig({ ...defaultConfig(), snmp });
  } catch (err) {
    assert.ok(err instanceof ConfigValidationError);
    return err.errors.map((e) => `${e.path}: ${e.message}`).sort();
  }
  return [];
}

test('snmp defaults: agent on at 1161, v2c off, no users or targets, a stable engine ID from the host name', () => {
  const s = snmpSettings(defaultConfig());
  assert.equal(s.enabled, true);
  assert.equal(s.port, 1161);
  assert.equal(s.v2c.enabled, false);
  assert.deepEqual(s.v3Users, []);
  assert.equal(s.engineId, defaultEngineId());
  assert.equal(defaultEngineId('a'), defaultEngineId('a'));
  assert.notEqual(defaultEngineId('a'), defaultEngineId('b'));
  assert.match(s.engineId, /^80007ed905[0-9a-f]{16}$/);
});

test('a v3 user gets SHA-256 and AES unless it names other protocols', () => {
  const config: HotlineConfig = { ...defaultConfig(), snmp: { v3Users: [{ name: 'nms', authKey: 'authpass1', privKey: 'privpass1' }] } };
  const [u] = snmpSettings(validateConfig(config)).v3Users;
  assert.equal(u?.authProtocol, 'SHA-256');
  assert.equal(u?.privProtocol, 'AES');
});

test('v2c that is enabled needs a community and at least one allowed source', () => {
  assert.deepEqual(pathsOf({ v2c: { enabled: true } }), [
    '/snmp/v2c/allowedSources: must list at least one address when SNMPv2c is enabled',
    '/snmp/v2c/community: is required when SNMPv2c is enabled',
  ]);
  assert.deepEqual(pathsOf({ v2c: { enabled: true, community: 'nms-ro', allowedSources: ['192.0.2.0/24', '::1'] } }), []);
  assert.deepEqual(pathsOf({ v2c: { allowedSources: ['192.0.2.0/33', 'nms.example'] } }), [
    '/snmp/v2c/allowedSources/0: must be an IP address or a CIDR block (e.g. 192.0.2.0/24)',
    '/snmp/v2c/allowedSources/1: must be an IP address or a CIDR block (e.g. 192.0.2.0/24)',
  ]);
});

test('v3 keys shorter than 8 characters, MD5 and DES are refused', () => {
  const paths = pathsOf({ v3Users: [{ name: 'nms', authKey: 'short', privKey: 'privpass1', authProtocol: 'MD5', privProtocol: 'DES' }] });
  assert.deepEqual(paths.map((p) => p.split(':')[0]), ['/snmp/v3Users/0/authKey', '/snmp/v3Users/0/authProtocol', '/snmp/v3Users/0/privProtocol']);
});

test('trap targets: v2c needs a community, v3 must name a configured user, hosts are IP literals', () => {
  assert.deepEqual(pathsOf({
    v3Users: [{ name: 'nms', authKey: 'authpass1', privKey: 'privpass1' }],
    trapTargets: [
      { host: '192.0.2.9', version: 'v2c' },
      { host: '192.0.2.9', version: 'v3', user: 'other' },
      { host: 'nms.local', version: 'v3', user: 'nms' },
    ],
  }), [
    '/snmp/trapTargets/0/community: is required for a v2c trap target',
    '/snmp/trapTargets/1/user: names no user in /snmp/v3Users (other)',
    '/snmp/trapTargets/2/host: must be an IPv4 or IPv6 address literal',
  ]);
});

test('monitor thresholds default to 90 % disk and memory, 95 % CPU, 85 °C, and can be set one by one', () => {
  assert.deepEqual(monitorSettings(defaultConfig()), {
    pollIntervalSec: 10, interfaces: [],
    thresholds: {
      diskUsedPercent: 90, memoryUsedPercent: 90, cpuLoadPercent: 95, temperatureCelsius: 85,
      timeOffsetMs: 1000, diskTemperatureCelsius: 60, diskReallocatedSectors: 10, sensorTemperatureCelsius: 90, fanMinRpm: 300, interfaceErrorsPerMinute: 10,
    },
  });
  const m = monitorSettings(validateConfig({ ...defaultConfig(), monitor: { thresholds: { diskUsedPercent: 1 } } }));
  assert.equal(m.thresholds.diskUsedPercent, 1);
  assert.equal(m.thresholds.memoryUsedPercent, 90);
});
