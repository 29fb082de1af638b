import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admit, snmpVersionOf, SourceList } from '../../src/monitor/snmp/source-filter.ts';

// snmpget -v2c -c public 127.0.0.1 sysDescr.0, as captured.
const V2C_GET = Buffer.from('302902010104067075626c6963a01c02045a7b1c6e020100020100300e300c06082b060102010101000500', 'hex');
// The first bytes of an SNMPv3 discovery GetRequest (msgVersion 3), long-form length.
const V3_GET = Buffer.from('3081ff020103300f02030091c8020205c0040104020103', 'hex');
const V1_GET = Buffer.from('302902010004067075626c6963a01c', 'hex');

test('reads msgVersion from the raw BER header, short or long length', () => {
  assert.equal(snmpVersionOf(V2C_GET), 1);
  assert.equal(snmpVersionOf(V3_GET), 3);
  assert.equal(snmpVersionOf(V1_GET), 0);
  assert.equal(snmpVersionOf(Buffer.from('GET / HTTP/1.1')), undefined);
  assert.equal(snmpVersionOf(Buffer.from('30', 'hex')), undefined);
});

test('v3 always reaches USM; v2c only when enabled and from a listed address or block; v1 never', () => {
  const sources = new SourceList(['192.0.2.0/24', '2001:db8::1', '127.0.0.1']);
  const on = { enabled: true, sources };
  assert.equal(admit(V3_GET, '203.0.113.9', { enabled: false, sources }), 'accept');
  assert.equal(admit(V2C_GET, '192.0.2.77', on), 'accept');
  assert.equal(admit(V2C_GET, '::ffff:127.0.0.1', on), 'accept', 'IPv4-mapped sources count as IPv4');
  assert.equal(admit(V2C_GET, '2001:db8::1', on), 'accept');
  assert.equal(admit(V2C_GET, '198.51.100.1', on), 'drop-source');
  assert.equal(admit(V2C_GET, '192.0.2.77', { enabled: false, sources }), 'drop-version');
  assert.equal(admit(V1_GET, '192.0.2.77', on), 'drop-version');
});
