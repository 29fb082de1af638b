import { test } from 'node:test';
import assert from 'node:assert/strict';
import { carrierTarget, type CarrierDirectory } from '../../src/pbx/carrier-targets.ts';
import { TRUNK_NO_ANSWER_MS, failsOver } from '../../src/pbx/carrier-failover.ts';
import type { TrunkSettings } from '../../src/config/index.ts';

const base = { port: 5060, transport: 'udp', register: false, expiresSec: 3600, keepaliveSec: 30 } as const;
const trunks: Record<string, TrunkSettings> = {
  tcp: { ...base, name: 'tcp', host: '192.0.2.1', port: 5070, transport: 'tcp', username: 'acct', password: 'pw', register: true },
  v6: { ...base, name: 'v6', host: '2001:db8::1' },
};
const dir: CarrierDirectory = { trunk: (n) => trunks[n], gatewayPort: 5062 };

test('a SIP trunk target: its host, port and transport, From = its account, credentials for a challenge', () => {
  assert.deepEqual(carrierTarget({ kind: 'trunk', name: 'tcp' }, '8613912345678', '1001', dir), {
    requestUri: 'sip:8613912345678@192.0.2.1:5070;transport=tcp', dest: { transport: 'tcp', address: '192.0.2.1', port: 5070 },
    fromUser: 'acct', toUser: '8613912345678', toHost: '192.0.2.1', credentials: { username: 'acct', password: 'pw' }, carrier: 'tcp',
  });
  const v6 = carrierTarget({ kind: 'trunk', name: 'v6' }, '110', '1001', dir)!;
  assert.equal(v6.requestUri, 'sip:110@[2001:db8::1]:5060');
  assert.equal(v6.fromUser, '1001', 'no account: the caller number');
  assert.equal(v6.credentials, undefined);
});

test('a line group target is the analog gateway with ;group=, and nothing without cards or for an unknown trunk', () => {
  assert.deepEqual(carrierTarget({ kind: 'line-group', name: 'pstn' }, '62345678', '8001', dir), {
    requestUri: 'sip:62345678@127.0.0.1:5062;group=pstn', dest: { transport: 'udp', address: '127.0.0.1', port: 5062 },
    fromUser: '8001', toUser: '62345678', toHost: '127.0.0.1', carrier: 'analog:pstn',
  });
  assert.equal(carrierTarget({ kind: 'line-group', name: 'pstn' }, '1', '8001', { ...dir, gatewayPort: undefined }), undefined);
  assert.equal(carrierTarget({ kind: 'trunk', name: 'gone' }, '1', '8001', dir), undefined);
});

test('failover statuses: carrier trouble moves on, answers about the callee do not', () => {
  for (const s of [408, 403, 401, 407, 500, 502, 503, 504]) assert.equal(failsOver(s), true, String(s));
  for (const s of [404, 480, 484, 486, 487, 488, 600, 603, 302]) assert.equal(failsOver(s), false, String(s));
  assert.ok(TRUNK_NO_ANSWER_MS < 32_000, 'shorter than Timer B');
});
