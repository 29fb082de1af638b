import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakePhone, fakePbx } from './fake-phone.ts';

async function twoPhones(opts: Parameters<typeof fakePbx>[0] = {}) {
  const env = fakePbx(opts);
  const alice = new FakePhone(env, '1001', '10.0.0.11');
  const bob = new FakePhone(env, '1002', '10.0.0.12');
  alice.register();
  bob.register();
  await env.run(100);
  return { env, alice, bob };
}

test('an answered call: 100 and 407, then 100/180/200 to the caller, media anchored at the PBX on both legs, BYE from the caller ends both legs and writes one record with media figures', async () => {
  const { env, alice, bob } = await twoPhones();
  alice.call('1002');
  await env.run(100);
  assert.deepEqual(alice.statuses('INVITE'), [100, 407, 100, 180, 200]);
  const invite = bob.received.find((r) => r.method === 'INVITE')!;
  const session = env.media.only();
  assert.match(invite.body.toString(), new RegExp(`c=IN IP4 10\\.0\\.0\\.1\r\n[^]*m=audio ${session.b.rtpPort} RTP/AVP 0 8 101`), 'the callee got the PBX\'s offer: its b-leg port, the caller\'s law first');
  const answer = alice.responses.at(-1)!.body.toString();
  assert.match(answer, new RegExp(`m=audio ${session.a.rtpPort} RTP/AVP 0 101`), 'the caller got the PBX\'s answer on the a-leg port');
  assert.deepEqual(session.legs.a?.remote, { address: '10.0.0.11', rtpPort: 40000, rtcpPort: 40001 }, 'the relay sends to the caller');
  assert.deepEqual(session.legs.b?.remote, { address: '10.0.0.12', rtpPort: 42000, rtcpPort: 42001 }, 'and to the callee');
  assert.equal(env.stack.b2bua.activeCalls()[0].state, 'answered');
  await env.run(5_000);
  alice.bye();
  await env.run(100);
  assert.ok(bob.received.some((r) => r.method === 'BYE'), 'BYE relayed to the callee');
  assert.equal(alice.statuses('BYE').at(-1), 200);
  assert.equal(env.records.length, 1);
  const r = env.records[0];
  assert.equal(r.disposition, 'answered');
  assert.equal(r.caller, '1001');
  assert.equal(r.callee, '1002');
  assert.equal(r.hangupSide, 'caller');
  assert.equal(r.billableSec, 5);
  assert.deepEqual(r.quality?.a, { packetsIn: 100, packetsOut: 99, lost: 1, jitterMs: 2.5 }, 'media figures from the relay');
  assert.ok(session.released, 'relay ports released');
  assert.equal(env.stack.b2bua.activeCalls().length, 0);
});

test('the callee hanging up is recorded as the callee side', async () => {
  const { env, alice, bob } = await twoPhones();
  alice.call('1002');
  await env.run(100);
  bob.bye();
  await env.run(100);
  assert.ok(alice.received.some((r) => r.method === 'BYE'));
  assert.equal(env.records[0].hangupSide, 'callee');
});

test('an unauthenticated INVITE gets 407 and never reaches a phone (no free calls for scanners)', async () => {
  const { env, alice, bob } = await twoPhones();
  alice.call('1002', { noAuth: true });
  await env.run(100);
  assert.deepEqual(alice.statuses('INVITE'), [100, 407]);
  assert.equal(bob.received.filter((r) => r.method === 'INVITE').length, 0);
  assert.equal(env.records.length, 0);
});

test('the caller cancels while it rings: 487 to the caller, CANCEL to the callee, recorded as cancelled', async () => {
  const { env, alice, bob } = await twoPhones();
  bob.behaviour = 'ring';
  const c = alice.call('1002');
  await env.run(100);
  c.cancel();
  await env.run(100);
  assert.deepEqual(alice.statuses('INVITE'), [100, 407, 100, 180, 487]);
  assert.ok(bob.gotOnWire('CANCEL'));
  assert.equal(env.records[0].disposition, 'cancelled');
  assert.equal(env.records[0].hangupSide, 'caller');
});

test('a busy callee answers 486 and the caller gets 486, recorded as busy', async () => {
  const { env, alice, bob } = await twoPhones();
  bob.behaviour = 'busy';
  alice.call('1002');
  await env.run(100);
  assert.equal(alice.statuses('INVITE').at(-1), 486);
  assert.equal(env.records[0].disposition, 'busy');
});

test('an extension already in a call is busy (486) unless it has call waiting', async () => {
  const { env, alice, bob } = await twoPhones();
  const carol = new FakePhone(env, '1003', '10.0.0.13');
  carol.register();
  alice.call('1002');
  await env.run(100);
  carol.call('1002');
  await env.run(100);
  assert.equal(carol.statuses('INVITE').at(-1), 486);
  assert.equal(bob.received.filter((r) => r.method === 'INVITE').length, 1);
});

test('nobody answers: after the no-answer timeout the callee gets CANCEL and the caller 480, recorded as no-answer', async () => {
  const { env, alice, bob } = await twoPhones({ mutate: (c) => { c.sip.noAnswerTimeoutSec = 20; } });
  bob.behaviour = 'ring';
  alice.call('1002');
  await env.run(19_000);
  assert.equal(alice.statuses('INVITE').at(-1), 180);
  await env.run(1_100);
  assert.equal(alice.statuses('INVITE').at(-1), 480);
  assert.ok(bob.gotOnWire('CANCEL'));
  assert.equal(env.records[0].disposition, 'no-answer');
});

test('unknown numbers get 404 and unregistered extensions 480, both recorded as failed', async () => {
  const { env, alice } = await twoPhones();
  alice.call('9999');
  alice.call('1003');
  await env.run(200);
  const finals = alice.responses.filter((r) => r.cseq.method === 'INVITE' && r.status >= 400 && r.status !== 407).map((r) => r.status).sort();
  assert.deepEqual(finals, [404, 480]);
  assert.deepEqual(env.records.map((r) => r.disposition), ['failed', 'failed']);
});

test('a call forks to every registered contact; the first to answer wins and the others are cancelled', async () => {
  const env = fakePbx();
  const alice = new FakePhone(env, '1001', '10.0.0.11');
  const desk = new FakePhone(env, '1002', '10.0.0.12');
  const soft = new FakePhone(env, '1002', '10.0.0.22');
  desk.behaviour = 'ring';
  soft.behaviour = 'ring';
  alice.register(); desk.register(); soft.register();
  await env.run(100);
  alice.call('1002');
  await env.run(100);
  assert.equal(desk.received.filter((r) => r.method === 'INVITE').length, 1);
  assert.equal(soft.received.filter((r) => r.method === 'INVITE').length, 1);
  soft.answerNow();
  await env.run(100);
  assert.equal(alice.statuses('INVITE').at(-1), 200);
  assert.ok(desk.gotOnWire('CANCEL'), 'the desk phone stops ringing');
});

test('hold and resume are answered by the PBX: the held phone is told recvonly, the other hears music on hold and sees no re-INVITE', async () => {
  const { env, alice, bob } = await twoPhones();
  alice.call('1002');
  await env.run(100);
  alice.reinvite('sendonly');
  await env.run(100);
  assert.equal(bob.received.filter((r) => r.method === 'INVITE').length, 1, 'bob is not disturbed');
  assert.equal(alice.statuses('INVITE').at(-1), 200);
  assert.match(alice.responses.at(-1)!.body.toString(), /a=recvonly/);
  const session = env.media.only();
  assert.equal(session.moh.b, true, 'bob hears music on hold');
  assert.equal(session.legs.a?.direction, 'sendonly');
  alice.reinvite('sendrecv');
  await env.run(100);
  assert.match(alice.responses.at(-1)!.body.toString(), /a=sendrecv/);
  assert.equal(session.moh.b, false, 'music stops on resume');
  assert.equal(env.stack.b2bua.activeCalls().length, 1, 'the call is still up');
});

test('a caller offering only A-law to a µ-law-first callee: each leg keeps its law and the relay transcodes', async () => {
  const { env, alice, bob } = await twoPhones();
  void bob;
  alice.call('1002', { sdp: 'v=0\r\no=- 1 1 IN IP4 10.0.0.11\r\ns=-\r\nc=IN IP4 10.0.0.11\r\nt=0 0\r\nm=audio 40000 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n' });
  await env.run(100);
  const session = env.media.only();
  // bob (FakePhone) answers with the offer it got echoed back in its own SDP: PCMU first, so the relay has µ-law on b.
  assert.equal(session.legs.a?.law, 'PCMA');
  assert.equal(session.legs.a?.telephoneEventPt, undefined, 'the caller offered no telephone-event: digits will reach it in-band');
  assert.match(alice.responses.at(-1)!.body.toString(), /m=audio \d+ RTP\/AVP 8\r\n/);
});

test('an offer without G.711 gets 488 and no call is attempted', async () => {
  const { env, alice, bob } = await twoPhones();
  alice.call('1002', { sdp: 'v=0\r\no=- 1 1 IN IP4 10.0.0.11\r\ns=-\r\nc=IN IP4 10.0.0.11\r\nt=0 0\r\nm=audio 40000 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\n' });
  await env.run(100);
  assert.equal(alice.statuses('INVITE').at(-1), 488);
  assert.equal(bob.received.filter((r) => r.method === 'INVITE').length, 0);
});

test('when the relay has no ports left the caller gets 503 and the attempt is recorded', async () => {
  const { env, alice } = await twoPhones();
  env.media.exhausted = true;
  alice.call('1002');
  await env.run(100);
  assert.equal(alice.statuses('INVITE').at(-1), 503);
  assert.equal(env.records[0].endCause, 'no-media-ports');
});

test('a media timeout from the relay hangs the call up on both sides and is recorded as such', async () => {
  const { env, alice, bob } = await twoPhones();
  alice.call('1002');
  await env.run(100);
  env.media.emit({ type: 'media-timeout', sessionId: [...env.media.sessions.keys()][0], silentForMs: 60_000 });
  await env.run(100);
  assert.ok(alice.received.some((r) => r.method === 'BYE'));
  assert.ok(bob.received.some((r) => r.method === 'BYE'));
  assert.equal(env.records[0].endCause, 'media-timeout');
  assert.equal(env.records[0].hangupSide, 'system');
});

test('on a lossy network (20% loss) calls still connect and end, through retransmissions', async () => {
  const { env, alice, bob } = await twoPhones({ drop: 0.2 });
  await env.run(40_000); // let the registrations through their retransmissions
  assert.equal(env.stack.location.lookup('1002').length, 1);
  alice.call('1002');
  await env.run(40_000);
  assert.equal(alice.statuses('INVITE').filter((s) => s === 200).length >= 1, true);
  alice.bye();
  await env.run(40_000);
  assert.ok(bob.received.some((r) => r.method === 'BYE'));
  assert.equal(env.records.length, 1);
  assert.equal(env.records[0].disposition, 'answered');
  assert.deepEqual(env.stack.tx.size, { server: 0, client: 0 }, 'no transaction left behind');
});

test('a request inside an unknown dialog gets 481', async () => {
  const { env, alice } = await twoPhones();
  alice.call('1002');
  await env.run(100);
  alice.bye();
  await env.run(100);
  alice.bye(); // the same dialog again: gone
  await env.run(40_000);
  assert.equal(alice.statuses('BYE').at(-1), 481);
});
