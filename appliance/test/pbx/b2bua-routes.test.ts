import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakePhone, fakePbx } from './fake-phone.ts';
import { FakeCarrier } from './fake-carrier.ts';
import { TRUNK_NO_ANSWER_MS } from '../../src/pbx/carrier-failover.ts';
import type { HotlineConfig } from '../../src/config/index.ts';

const FIRST = { transport: 'udp' as const, address: '192.0.2.10', port: 5060 };
const SECOND = { transport: 'udp' as const, address: '192.0.2.20', port: 5080 };
const GATEWAY = { transport: 'udp' as const, address: '127.0.0.1', port: 5062 };
const ACCOUNT = { username: 'acct42', password: 'carrier-pass' };

/** A PBX with two trunks, a card (FXS 1003, FXO group pstn), and routes: 0… out through first then second, 9… through pstn then first. */
async function setup(mutate?: (c: HotlineConfig) => void) {
  const env = fakePbx({
    mutate: (c) => {
      c.trunks = [
        { name: 'first', host: FIRST.address, keepaliveSec: 30 },
        { name: 'second', host: SECOND.address, port: SECOND.port, ...ACCOUNT, register: false },
      ];
      c.analog = {
        cards: [{ name: 'card', driver: 'simulator', ports: [{ port: 1, kind: 'FXS', extension: '1003' }, { port: 2, kind: 'FXO', group: 'pstn' }] }],
        lineGroups: [{ name: 'pstn' }],
      };
      c.routes = {
        inbound: [{ name: 'hotline', did: '66100001', destination: { kind: 'extension', number: '1002' } }],
        outbound: [
          { name: 'national', patterns: ['_0X.'], strip: 1, prepend: '86', trunks: ['first', 'second'] },
          { name: 'local', patterns: ['_9X.'], strip: 1, trunks: ['pstn', 'first'] },
        ],
      };
      mutate?.(c);
    },
  });
  const first = new FakeCarrier(env, FIRST);
  const second = new FakeCarrier(env, SECOND, ACCOUNT);
  const gateway = new FakeCarrier(env, GATEWAY);
  const alice = new FakePhone(env, '1001', '10.0.0.11');
  const bob = new FakePhone(env, '1002', '10.0.0.12');
  alice.register();
  bob.register();
  return { env, first, second, gateway, alice, bob, start: async () => { env.stack.start(); await env.run(200); } };
}

test('an outbound call fails over from a trunk answering 503 to the next, which challenges: the PBX answers with the trunk account, strip/prepend applied, the record names the trunk', async () => {
  const { env, first, second, alice, start } = await setup();
  await start();
  first.behaviour = { refuse: 503 };
  alice.call('013912345678');
  await env.run(500);
  assert.equal(alice.statuses('INVITE').at(-1), 200, 'the caller is connected');
  assert.equal(first.invites.length, 1);
  assert.equal(first.invites[0].requestUri.user, '8613912345678');
  assert.equal(first.invites[0].from.uri.user, '1001', 'no trunk account: From is the caller');
  assert.equal(second.invites.length, 2, 'challenged once, then with credentials');
  const authed = second.invites[1];
  assert.equal(authed.requestUri.user, '8613912345678');
  assert.equal(authed.requestUri.port, 5080);
  assert.equal(authed.from.uri.user, 'acct42', 'From is the trunk account');
  assert.match(authed.headers.get('Proxy-Authorization') ?? '', /username="acct42"/);
  assert.ok(authed.cseq.seq > second.invites[0].cseq.seq, 'a new CSeq for the authenticated INVITE');
  alice.bye();
  await env.run(200);
  assert.equal(env.records.length, 1);
  assert.equal(env.records[0].disposition, 'answered');
  assert.equal(env.records[0].callee, '013912345678', 'the record keeps the number as dialled');
  assert.equal(env.records[0].trunk, 'second');
});

test(`a trunk that sends nothing is given up after ${TRUNK_NO_ANSWER_MS} ms (not Timer B) and the next one takes the call`, async () => {
  const { env, first, second, alice, start } = await setup();
  await start();
  // Up by its last keepalive, but gone now: not even the automatic 100 Trying comes back.
  first.reachable = false;
  alice.call('0101234567');
  await env.run(TRUNK_NO_ANSWER_MS - 500);
  assert.equal(env.stack.trunks.stateOf('first'), 'up');
  assert.equal(second.invites.length, 0, 'still waiting for the first trunk');
  await env.run(1000);
  assert.ok(second.invites.length > 0, 'moved on to the second trunk');
  await env.run(200);
  assert.equal(alice.statuses('INVITE').at(-1), 200);
});

test('a trunk given up for silence that answers late is acknowledged and hung up; the call stays with the next trunk', async () => {
  const { env, first, second, alice, start } = await setup();
  await start();
  first.reachable = false;
  alice.call('0101234567');
  await env.run(TRUNK_NO_ANSWER_MS + 500);
  assert.equal(alice.statuses('INVITE').at(-1), 200, 'connected through the second trunk');
  first.reachable = true; // the next INVITE retransmission (Timer A) gets through and is answered
  await env.run(10_000);
  assert.equal(first.invites.length, 1);
  const late = env.net.sentTo(FIRST, 'delivered').map((p) => p.firstLine.split(' ')[0]);
  assert.ok(late.includes('ACK') && late.includes('BYE'), `ACK and BYE to the late trunk (saw ${late.join(', ')})`);
  assert.equal(env.stack.b2bua.activeCalls()[0]?.state, 'answered', 'the call itself goes on');
});

test('a trunk that answers 100 Trying and then nothing is not left early: the caller waits for the far end as for any call', async () => {
  const { env, first, second, alice, start } = await setup();
  await start();
  first.behaviour = { silent: true }; // its transaction layer still sends 100 Trying (RFC 3261 §17.2.1)
  alice.call('0101234567');
  await env.run(TRUNK_NO_ANSWER_MS * 2);
  assert.equal(first.invites.length, 1);
  assert.equal(second.invites.length, 0);
  assert.equal(env.stack.b2bua.activeCalls()[0]?.state, 'ringing');
});

test('a trunk whose state is down is skipped without an INVITE', async () => {
  const { env, first, second, alice, start } = await setup();
  first.reachable = false;
  await start();
  await env.run(40_000); // the OPTIONS keepalive times out (Timer F): the trunk is down
  assert.equal(env.stack.trunks.stateOf('first'), 'down');
  alice.call('0101234567');
  await env.run(500);
  assert.equal(first.invites.length, 0);
  assert.equal(second.invites.length, 2);
  assert.equal(alice.statuses('INVITE').at(-1), 200);
});

for (const status of [486, 404, 603]) {
  test(`${status} from the callee's side ends the call with ${status}; no other trunk is tried`, async () => {
    const { env, first, second, alice, start } = await setup();
    await start();
    first.behaviour = { refuse: status };
    alice.call('0101234567');
    await env.run(500);
    assert.equal(second.invites.length, 0);
    assert.equal(alice.statuses('INVITE').at(-1), status === 603 ? 486 : status, '600/603 read as busy, as for extensions');
    assert.equal(env.records[0].trunk, null);
  });
}

test('every carrier failing gives the caller the last failure', async () => {
  const { env, first, second, alice, start } = await setup();
  await start();
  first.behaviour = { refuse: 503 };
  second.behaviour = { refuse: 502 };
  alice.call('0101234567');
  await env.run(500);
  assert.equal(alice.statuses('INVITE').at(-1), 502);
  assert.equal(env.records[0].disposition, 'failed');
});

test('a number no route, extension or emergency number matches gets 404, and a cut-short one 484', async () => {
  const { env, alice, start } = await setup();
  await start();
  alice.call('5555');
  alice.call('100');
  await env.run(300);
  assert.deepEqual(alice.statuses('INVITE').filter((s) => s >= 400 && s !== 407).sort(), [404, 484]);
});

test('an emergency number with no outbound route goes out through a trunk that is up', async () => {
  const { env, first, alice, start } = await setup((c) => { c.routes!.outbound = []; });
  await start();
  alice.call('110');
  await env.run(500);
  assert.equal(first.invites.length, 1);
  assert.equal(first.invites[0].requestUri.user, '110');
  assert.equal(alice.statuses('INVITE').at(-1), 200);
});

test('an INVITE from a trunk host needs no digest and goes where the inbound route for its DID says; an unrouted DID gets 404', async () => {
  const { env, first, bob, start } = await setup();
  await start();
  first.call('13912345678', '66100001');
  await env.run(300);
  assert.deepEqual(first.responses.map((r) => r.status).filter((s) => s >= 200), [200]);
  const ringing = bob.received.find((r) => r.method === 'INVITE')!;
  assert.equal(ringing.from.uri.user, '13912345678', 'the callee sees the caller number');
  bob.bye();
  await env.run(200);
  assert.equal(env.records.at(-1)?.trunk, 'first', 'the record names the trunk the call came in on');
  first.call('13912345678', '66109999');
  await env.run(300);
  assert.equal(first.responses.at(-1)!.status, 404);
  assert.equal(env.records.find((r) => r.sipCode === 404)?.trunk, 'first');
});

test('the analog gateway: an FXO call (;group=) is routed inbound, an FXS phone calls as its extension, anyone else gets 403', async () => {
  const { env, gateway, bob, start } = await setup();
  await start();
  gateway.call('13912345678', '66100001', ';group=pstn');
  await env.run(300);
  assert.equal(gateway.responses.filter((r) => r.status >= 200).at(-1)?.status, 200);
  assert.ok(bob.received.some((r) => r.method === 'INVITE'));
  gateway.call('1001', '1002');
  await env.run(300);
  assert.equal(gateway.responses.at(-1)!.status, 403, '1001 is no FXS phone');
});

test('a line group is dialled through the gateway with ;group=, and its 503 (no free line) fails over to the next carrier', async () => {
  const { env, first, gateway, start } = await setup();
  await start();
  gateway.behaviour = { refuse: 503 };
  gateway.call('1003', '962345678');
  await env.run(500);
  const out = gateway.invites[0];
  assert.equal(out.uri, 'sip:62345678@127.0.0.1:5062;group=pstn');
  assert.equal(first.invites.length, 1, 'the next carrier took over');
  assert.equal(first.invites[0].from.uri.user, '1003');
});

test('without analog cards, line groups in a route are skipped', async () => {
  const { env, first, gateway, alice, start } = await setup((c) => { delete c.analog; });
  await start();
  alice.call('962345678');
  await env.run(500);
  assert.equal(gateway.invites.length, 0);
  assert.equal(first.invites.length, 1);
});

test('a config reload applies new routes at once', async () => {
  const { env, first, alice, start } = await setup();
  await start();
  const next = structuredClone(env.config);
  next.routes!.outbound = [{ name: 'all', patterns: ['_5XXX'], trunks: ['first'] }];
  env.stack.applyConfig(next);
  alice.call('5555');
  await env.run(500);
  assert.equal(first.invites[0]?.requestUri.user, '5555');
});
