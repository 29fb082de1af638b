import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakePhone, fakePbx } from './fake-phone.ts';

function twoPhones(opts: Parameters<typeof fakePbx>[0] = {}) {
  const env = fakePbx(opts);
  const alice = new FakePhone(env, '1001', '10.0.0.11');
  const bob = new FakePhone(env, '1002', '10.0.0.12');
  alice.register();
  bob.register();
  env.clock.advance(100);
  return { env, alice, bob };
}

test('an answered call: 100 and 407, then 100/180/200 to the caller, SDP passed through both ways, BYE from the caller ends both legs and writes one record', () => {
  const { env, alice, bob } = twoPhones();
  alice.call('1002');
  env.clock.advance(100);
  assert.deepEqual(alice.statuses('INVITE'), [100, 407, 100, 180, 200]);
  const invite = bob.received.find((r) => r.method === 'INVITE')!;
  assert.match(invite.body.toString(), /c=IN IP4 10\.0\.0\.11/, 'the callee got the caller\'s offer');
  assert.match(alice.responses.at(-1)!.body.toString(), /c=IN IP4 10\.0\.0\.12/, 'the caller got the callee\'s answer');
  assert.equal(env.stack.b2bua.activeCalls()[0].state, 'answered');
  env.clock.advance(5_000);
  alice.bye();
  env.clock.advance(100);
  assert.ok(bob.received.some((r) => r.method === 'BYE'), 'BYE relayed to the callee');
  assert.equal(alice.statuses('BYE').at(-1), 200);
  assert.equal(env.records.length, 1);
  const r = env.records[0];
  assert.equal(r.disposition, 'answered');
  assert.equal(r.caller, '1001');
  assert.equal(r.callee, '1002');
  assert.equal(r.hangupSide, 'caller');
  assert.equal(r.billableSec, 5);
  assert.equal(env.stack.b2bua.activeCalls().length, 0);
});

test('the callee hanging up is recorded as the callee side', () => {
  const { env, alice, bob } = twoPhones();
  alice.call('1002');
  env.clock.advance(100);
  bob.bye();
  env.clock.advance(100);
  assert.ok(alice.received.some((r) => r.method === 'BYE'));
  assert.equal(env.records[0].hangupSide, 'callee');
});

test('an unauthenticated INVITE gets 407 and never reaches a phone (no free calls for scanners)', () => {
  const { env, alice, bob } = twoPhones();
  alice.call('1002', { noAuth: true });
  env.clock.advance(100);
  assert.deepEqual(alice.statuses('INVITE'), [100, 407]);
  assert.equal(bob.received.filter((r) => r.method === 'INVITE').length, 0);
  assert.equal(env.records.length, 0);
});

test('the caller cancels while it rings: 487 to the caller, CANCEL to the callee, recorded as cancelled', () => {
  const { env, alice, bob } = twoPhones();
  bob.behaviour = 'ring';
  const c = alice.call('1002');
  env.clock.advance(100);
  c.cancel();
  env.clock.advance(100);
  assert.deepEqual(alice.statuses('INVITE'), [100, 407, 100, 180, 487]);
  assert.ok(bob.gotOnWire('CANCEL'));
  assert.equal(env.records[0].disposition, 'cancelled');
  assert.equal(env.records[0].hangupSide, 'caller');
});

test('a busy callee answers 486 and the caller gets 486, recorded as busy', () => {
  const { env, alice, bob } = twoPhones();
  bob.behaviour = 'busy';
  alice.call('1002');
  env.clock.advance(100);
  assert.equal(alice.statuses('INVITE').at(-1), 486);
  assert.equal(env.records[0].disposition, 'busy');
});

test('an extension already in a call is busy (486) unless it has call waiting', () => {
  const { env, alice, bob } = twoPhones();
  const carol = new FakePhone(env, '1003', '10.0.0.13');
  carol.register();
  alice.call('1002');
  env.clock.advance(100);
  carol.call('1002');
  env.clock.advance(100);
  assert.equal(carol.statuses('INVITE').at(-1), 486);
  assert.equal(bob.received.filter((r) => r.method === 'INVITE').length, 1);
});

test('nobody answers: after the no-answer timeout the callee gets CANCEL and the caller 480, recorded as no-answer', () => {
  const { env, alice, bob } = twoPhones({ mutate: (c) => { c.sip.noAnswerTimeoutSec = 20; } });
  bob.behaviour = 'ring';
  alice.call('1002');
  env.clock.advance(19_000);
  assert.equal(alice.statuses('INVITE').at(-1), 180);
  env.clock.advance(1_100);
  assert.equal(alice.statuses('INVITE').at(-1), 480);
  assert.ok(bob.gotOnWire('CANCEL'));
  assert.equal(env.records[0].disposition, 'no-answer');
});

test('unknown numbers get 404 and unregistered extensions 480, both recorded as failed', () => {
  const { env, alice } = twoPhones();
  alice.call('9999');
  alice.call('1003');
  env.clock.advance(200);
  const finals = alice.responses.filter((r) => r.cseq.method === 'INVITE' && r.status >= 400 && r.status !== 407).map((r) => r.status).sort();
  assert.deepEqual(finals, [404, 480]);
  assert.deepEqual(env.records.map((r) => r.disposition), ['failed', 'failed']);
});

test('a call forks to every registered contact; the first to answer wins and the others are cancelled', () => {
  const env = fakePbx();
  const alice = new FakePhone(env, '1001', '10.0.0.11');
  const desk = new FakePhone(env, '1002', '10.0.0.12');
  const soft = new FakePhone(env, '1002', '10.0.0.22');
  desk.behaviour = 'ring';
  soft.behaviour = 'ring';
  alice.register(); desk.register(); soft.register();
  env.clock.advance(100);
  alice.call('1002');
  env.clock.advance(100);
  assert.equal(desk.received.filter((r) => r.method === 'INVITE').length, 1);
  assert.equal(soft.received.filter((r) => r.method === 'INVITE').length, 1);
  soft.answerNow();
  env.clock.advance(100);
  assert.equal(alice.statuses('INVITE').at(-1), 200);
  assert.ok(desk.gotOnWire('CANCEL'), 'the desk phone stops ringing');
});

test('hold and resume: re-INVITEs with sendonly/sendrecv are relayed to the other party and answered', () => {
  const { env, alice, bob } = twoPhones();
  alice.call('1002');
  env.clock.advance(100);
  alice.reinvite('sendonly');
  env.clock.advance(100);
  const reinvites = bob.received.filter((r) => r.method === 'INVITE');
  assert.equal(reinvites.length, 2);
  assert.match(reinvites[1].body.toString(), /a=sendonly/);
  assert.equal(alice.statuses('INVITE').at(-1), 200);
  alice.reinvite('sendrecv');
  env.clock.advance(100);
  assert.match(bob.received.filter((r) => r.method === 'INVITE')[2].body.toString(), /a=sendrecv/);
  assert.equal(env.stack.b2bua.activeCalls().length, 1, 'the call is still up');
});

test('on a lossy network (20% loss) calls still connect and end, through retransmissions', () => {
  const { env, alice, bob } = twoPhones({ drop: 0.2 });
  env.clock.advance(40_000); // let the registrations through their retransmissions
  assert.equal(env.stack.location.lookup('1002').length, 1);
  alice.call('1002');
  env.clock.advance(40_000);
  assert.equal(alice.statuses('INVITE').filter((s) => s === 200).length >= 1, true);
  alice.bye();
  env.clock.advance(40_000);
  assert.ok(bob.received.some((r) => r.method === 'BYE'));
  assert.equal(env.records.length, 1);
  assert.equal(env.records[0].disposition, 'answered');
  assert.deepEqual(env.stack.tx.size, { server: 0, client: 0 }, 'no transaction left behind');
});

test('a request inside an unknown dialog gets 481', () => {
  const { env, alice } = twoPhones();
  alice.call('1002');
  env.clock.advance(100);
  alice.bye();
  env.clock.advance(100);
  alice.bye(); // the same dialog again: gone
  env.clock.advance(40_000);
  assert.equal(alice.statuses('BYE').at(-1), 481);
});
