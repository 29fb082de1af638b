import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../src/sip/clock.ts';
import { FakeNetwork, type Endpoint } from '../../../src/sip/transport/index.ts';
import { TransactionLayer, senderOver } from '../../../src/sip/transaction/index.ts';
import { LocalIdentity } from '../../../src/sip/local-address.ts';
import { NonceManager, buildChallenges, verifyRequest } from '../../../src/sip/auth/index.ts';
import { createResponse, type SipRequest } from '../../../src/sip/message/index.ts';
import { Trunk, type TrunkState } from '../../../src/pbx/trunks/index.ts';
import type { TrunkSettings } from '../../../src/config/index.ts';

const PBX: Endpoint = { transport: 'udp', address: '10.0.0.1', port: 5060 };
const CARRIER: Endpoint = { transport: 'udp', address: '203.0.113.5', port: 5060 };

/** A carrier's registrar on the fake network: digest-challenges REGISTER (realm "carrier"), answers OPTIONS. */
function setup(opts: { password?: string; silent?: boolean } = {}) {
  const clock = new FakeClock();
  const net = new FakeNetwork({ clock, delayMs: 5 });
  const nonces = new NonceManager({ lifetimeSec: 300, now: () => clock.now() });
  let carrier!: TransactionLayer;
  const registers: SipRequest[] = [];
  let behaviour = { silent: opts.silent ?? false };
  const ct = net.endpoint(CARRIER, { onMessage: (m, s) => { if (!behaviour.silent) carrier.receive(m, s); } });
  carrier = new TransactionLayer(senderOver(ct), clock);
  carrier.setUser({
    onRequest(req) {
      const tx = carrier.serverTransactionOf(req)!;
      if (req.method === 'OPTIONS') { tx.respond(createResponse(req, 200, 'OK', 'c')); return; }
      registers.push(req);
      const v = verifyRequest(req, { realm: 'carrier', header: 'authorization', nonces, algorithms: ['SHA-256', 'MD5'], lookup: (u) => (u === 'acct42' ? 'carrier-pass' : undefined) });
      if (!v.ok) {
        const res = createResponse(req, v.reason === 'no-credentials' ? 401 : 403, undefined, 'c');
        if (v.reason === 'no-credentials') for (const c of buildChallenges(nonces, { realm: 'carrier', algorithms: ['SHA-256', 'MD5'] })) res.headers.append('WWW-Authenticate', c);
        tx.respond(res);
        return;
      }
      const ok = createResponse(req, 200, 'OK', 'c');
      ok.headers.set('Contact', `${req.headers.get('Contact')};expires=120`);
      tx.respond(ok);
    },
    onAck() {},
  });
  let pbx!: TransactionLayer;
  const pt = net.endpoint(PBX, { onMessage: (m, s) => pbx.receive(m, s) });
  pbx = new TransactionLayer(senderOver(pt), clock);
  pbx.setUser({ onRequest() {}, onAck() {} });
  const states: TrunkState[] = [];
  const settings: TrunkSettings = {
    name: 'carrier', host: CARRIER.address, port: 5060, transport: 'udp', register: true, expiresSec: 3600, keepaliveSec: 30,
    username: 'acct42', password: opts.password ?? 'carrier-pass',
  };
  const trunk = new Trunk(settings, { tx: pbx, local: new LocalIdentity(PBX.address, { udp: 5060, tcp: 5060 }), clock, onStateChange: (_n, s) => states.push(s) });
  return { clock, trunk, registers, states, behaviour };
}

test('a trunk registers to its carrier with the carrier\'s digest challenge (SHA-256 first) and is up', () => {
  const { clock, trunk, registers } = setup();
  trunk.start();
  clock.advance(100);
  assert.equal(trunk.status().state, 'up');
  assert.equal(registers.length, 2, 'challenged once, then accepted');
  assert.match(registers[1].headers.get('Authorization')!, /algorithm=SHA-256/);
  assert.equal(registers[0].callId, registers[1].callId, 'one Call-ID for the registrations (RFC 3261 §10.2)');
});

test('the registration is refreshed before the granted expiry (120 s), not the one asked for', () => {
  const { clock, trunk, registers } = setup();
  trunk.start();
  clock.advance(100);
  clock.advance(100_000); // 0.8 × 120 s = 96 s
  assert.ok(registers.length >= 4, `refreshed (${registers.length} REGISTERs)`);
  assert.equal(trunk.status().state, 'up');
});

test('wrong credentials leave the trunk unregistered with the carrier\'s answer, and it retries with backoff', () => {
  const { clock, trunk, registers } = setup({ password: 'wrong' });
  trunk.start();
  clock.advance(100);
  assert.equal(trunk.status().state, 'unregistered');
  assert.equal(trunk.status().lastError, '403 Forbidden');
  const before = registers.length;
  clock.advance(31_000);
  assert.ok(registers.length > before, 'retried after 30 s');
});

test('a carrier that stops answering takes the trunk down; when it answers again the trunk registers and is up', () => {
  const { clock, trunk, behaviour } = setup();
  trunk.start();
  clock.advance(100);
  assert.equal(trunk.status().state, 'up');
  behaviour.silent = true;
  clock.advance(30_000 + 32_500); // the next OPTIONS times out (Timer F)
  assert.equal(trunk.status().state, 'down');
  behaviour.silent = false;
  clock.advance(31_000);
  clock.advance(200);
  assert.equal(trunk.status().state, 'up');
});
