import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SNMP_FIELD, fromSnmpDraft, newTarget, newUser, toSnmpDraft } from '../src/lib/snmp-draft.ts';
import type { SnmpSettingsView } from '../src/lib/api/types.ts';

const VIEW: SnmpSettingsView = {
  enabled: true, port: 1161, bindAddress: '0.0.0.0', engineId: '80007ed905aa', contact: 'noc', location: 'room 2',
  v2c: { enabled: true, community: '********', allowedSources: ['192.0.2.10', '198.51.100.0/24'] },
  v3Users: [{ name: 'nms', authProtocol: 'SHA-512', authKey: '********', privProtocol: 'AES-256', privKey: '********' }],
  trapTargets: [{ host: '192.0.2.10', port: 162, version: 'v2c', community: '********' }, { host: '192.0.2.11', port: 1162, version: 'v3', user: 'nms', mode: 'inform', retries: 5, timeoutSec: 2 }],
};

test('a shown section comes back unchanged with every secret left out (the server keeps them)', () => {
  const d = toSnmpDraft(VIEW);
  assert.equal(d.community, '', 'a masked value never lands in a field');
  assert.equal(d.communityStored, true);
  assert.equal(d.users[0]!.authKey, '');
  assert.equal(d.allowedSources, '192.0.2.10\n198.51.100.0/24');
  assert.deepEqual(fromSnmpDraft(d), {
    enabled: true, contact: 'noc', location: 'room 2',
    v2c: { enabled: true, allowedSources: ['192.0.2.10', '198.51.100.0/24'] },
    v3Users: [{ name: 'nms', authProtocol: 'SHA-512', privProtocol: 'AES-256' }],
    trapTargets: [{ host: '192.0.2.10', port: 162, version: 'v2c' }, { host: '192.0.2.11', port: 1162, version: 'v3', user: 'nms', mode: 'inform', retries: 5, timeoutSec: 2 }],
  });
});

test('typed secrets are sent; blank lines dropped; a port that is not a number is sent as typed for the server to name', () => {
  const d = toSnmpDraft(VIEW);
  d.community = ' new-one ';
  d.allowedSources = '\n 10.0.0.1 \n\n';
  const u = newUser();
  u.name = 'ops';
  u.authKey = 'auth-key-2';
  u.privKey = 'priv-key-2';
  d.users.push(u);
  const t = newTarget();
  t.host = '192.0.2.12';
  t.port = '16x';
  d.targets.push(t);
  const f = fromSnmpDraft(d);
  assert.equal(f.v2c.community, 'new-one');
  assert.deepEqual(f.v2c.allowedSources, ['10.0.0.1']);
  assert.deepEqual(f.v3Users[1], { name: 'ops', authProtocol: 'SHA-256', privProtocol: 'AES', authKey: 'auth-key-2', privKey: 'priv-key-2' });
  assert.deepEqual(f.trapTargets[2], { host: '192.0.2.12', version: 'v3', port: '16x', user: '' });
});

test('the page places the pointers the server sends for its fields', () => {
  for (const p of ['/snmp/v2c/community', '/snmp/v2c/allowedSources/3', '/snmp/v3Users/0/authKey', '/snmp/trapTargets/2/user']) assert.ok(SNMP_FIELD.test(p), p);
  for (const p of ['/snmp/port', '/snmp/trapTargets', '/snmp/v3Users/0']) assert.ok(!SNMP_FIELD.test(p), p);
});
