import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakePhone, fakePbx } from './fake-phone.ts';
import { parseReferTo, ReferToError } from '../../src/pbx/transfer/refer-to.ts';
import type { Dialog } from '../../src/sip/dialog/index.ts';

async function threePhones(opts: Parameters<typeof fakePbx>[0] = {}) {
  const env = fakePbx(opts);
  const alice = new FakePhone(env, '1001', '10.0.0.11');
  const bob = new FakePhone(env, '1002', '10.0.0.12');
  const carol = new FakePhone(env, '1003', '10.0.0.13');
  for (const p of [alice, bob, carol]) p.register();
  await env.run(100);
  return { env, alice, bob, carol };
}

/** A Refer-To naming `number` with Replaces for `dialog` as its owner sees it (RFC 3891 §6.1). */
function replacing(number: string, dialog: Dialog): string {
  return `<sip:${number}@10.0.0.1?Replaces=${encodeURIComponent(`${dialog.callId};to-tag=${dialog.remoteTag};from-tag=${dialog.localTag}`)}>`;
}

const byes = (p: FakePhone) => p.received.filter((r) => r.method === 'BYE').length;

test('blind transfer by the callee: 202, NOTIFY 100/180/200, the new party gets the relay port the transferor used, the transferor is released, and the records show two segments', async () => {
  const { env, alice, bob, carol } = await threePhones();
  carol.behaviour = 'ring';
  alice.call('1002');
  await env.run(2_000);
  const session = env.media.only();
  bob.refer('<sip:1003@10.0.0.1>');
  await env.run(200);
  assert.equal(bob.statuses('REFER').at(-1), 202);
  const invite = carol.received.find((r) => r.method === 'INVITE')!;
  assert.ok(invite, 'the target is called');
  assert.match(invite.body.toString(), new RegExp(`m=audio ${session.b.rtpPort} `), 'offered the relay port of the transferor\'s leg');
  assert.match(invite.headers.get('From')!, /sip:1001@/, 'the target sees the transferee\'s number');
  await env.run(3_000);
  carol.answerNow();
  await env.run(200);
  assert.deepEqual(bob.notifies(), ['SIP/2.0 100 Trying', 'SIP/2.0 180 Ringing', 'SIP/2.0 200 OK']);
  const last = bob.received.filter((r) => r.method === 'NOTIFY').at(-1)!;
  assert.equal(last.headers.get('Event'), 'refer');
  assert.match(last.headers.get('Subscription-State')!, /^terminated/);
  assert.equal(last.headers.get('Content-Type'), 'message/sipfrag;version=2.0');
  assert.equal(byes(bob), 1, 'the transferor\'s leg is released');
  assert.equal(byes(alice), 0, 'the transferee stays');
  assert.deepEqual(session.legs.b?.remote, { address: '10.0.0.13', rtpPort: 42000, rtcpPort: 42001 }, 'the relay now sends the transferee\'s audio to the target');
  assert.equal(session.released, false, 'same relay session');
  const active = env.stack.b2bua.activeCalls();
  assert.equal(active.length, 1);
  assert.equal(active[0].callee, '1003');
  assert.equal(env.records.length, 1, 'the first segment is on record');
  assert.equal(env.records[0].callee, '1002');
  assert.equal(env.records[0].endCause, 'transferred');
  assert.equal(env.records[0].hangupSide, 'callee');
  assert.equal(env.records[0].billableSec, 5);
  await env.run(4_000);
  alice.bye();
  await env.run(200);
  assert.equal(byes(carol), 1, 'a BYE from the transferee reaches the target');
  assert.equal(env.records.length, 2);
  const r = env.records[1];
  assert.equal(r.callId, env.records[0].callId, 'both segments share the Call-ID');
  assert.equal(r.caller, '1001');
  assert.equal(r.callee, '1003');
  assert.equal(r.billableSec, 4);
  assert.equal(r.hangupSide, 'caller');
  assert.ok(session.released);
  assert.equal(env.stack.b2bua.transfers.counters.completed, 1);
});

test('regression: the transferor\'s own BYE after the NOTIFY 200 (crossing the PBX\'s BYE) does not end the transferred call (baresip hangs up on success)', async () => {
  const { env, alice, bob, carol } = await threePhones();
  alice.call('1002');
  await env.run(200);
  const oldDialog = bob.dialog!;
  bob.refer('<sip:1003@10.0.0.1>');
  await env.run(300);
  assert.equal(bob.notifies().at(-1), 'SIP/2.0 200 OK');
  bob.byeOn(oldDialog);
  await env.run(200);
  assert.equal(bob.statuses('BYE').at(-1), 200);
  assert.equal(byes(alice) + byes(carol), 0, 'neither far end is hung up');
  assert.equal(env.stack.b2bua.activeCalls()[0]?.callee, '1003');
});

test('regression: a blind transfer target that retransmits its 200 (our ACK lost) is acknowledged again, not hung up', async () => {
  const { env, alice, bob, carol } = await threePhones();
  carol.behaviour = 'ring';
  alice.call('1002');
  await env.run(200);
  bob.refer('<sip:1003@10.0.0.1>');
  await env.run(200);
  carol.answerNow();
  env.net.setConditions({ dropProbability: 1 });
  await env.run(20);
  env.net.setConditions({ dropProbability: 0 });
  await env.run(3000);
  assert.ok(carol.received.some((r) => r.method === 'ACK'), 'the retransmitted 200 got its ACK');
  assert.equal(byes(carol), 0, 'the target is not hung up');
  assert.equal(byes(alice), 0);
  assert.equal(env.stack.b2bua.activeCalls()[0]?.callee, '1003');
});

test('blind transfer by the caller moves the callee to the new party on the caller\'s leg', async () => {
  const { env, alice, bob, carol } = await threePhones();
  alice.call('1002');
  await env.run(200);
  const session = env.media.only();
  alice.refer('<sip:1003@10.0.0.1>');
  await env.run(300);
  assert.equal(alice.notifies().at(-1), 'SIP/2.0 200 OK');
  assert.equal(byes(alice), 1);
  assert.deepEqual(session.legs.a?.remote, { address: '10.0.0.13', rtpPort: 42000, rtcpPort: 42001 });
  bob.bye();
  await env.run(200);
  assert.equal(byes(carol), 1, 'the callee\'s BYE reaches the new party on leg a');
  assert.equal(env.records.at(-1)!.caller, '1003');
  assert.equal(env.records.at(-1)!.callee, '1002');
});

test('a blind transfer to a busy target: NOTIFY 486, the original call goes on untouched', async () => {
  const { env, alice, bob, carol } = await threePhones();
  carol.behaviour = 'busy';
  alice.call('1002');
  await env.run(200);
  bob.refer('<sip:1003@10.0.0.1>');
  await env.run(300);
  assert.equal(bob.notifies().at(-1), 'SIP/2.0 486 Busy Here');
  assert.equal(byes(bob) + byes(alice), 0);
  assert.equal(env.records.length, 0);
  bob.bye();
  await env.run(200);
  assert.equal(byes(alice), 1);
  assert.equal(env.records.length, 1);
  assert.equal(env.records[0].callee, '1002');
  assert.equal(env.records[0].endCause, null);
});

test('a blind transfer to a number nobody has: NOTIFY 404 and the call resumes', async () => {
  const { env, alice, bob } = await threePhones();
  alice.call('1002');
  await env.run(200);
  bob.refer('<sip:1099@10.0.0.1>');
  await env.run(300);
  assert.equal(bob.statuses('REFER').at(-1), 202);
  assert.equal(bob.notifies().at(-1), 'SIP/2.0 404 Not Found');
  assert.equal(env.stack.b2bua.activeCalls()[0].callee, '1002');
});

test('the transferor hangs up right after the 202: the transferee hears music, then the target answers and they talk', async () => {
  const { env, alice, bob, carol } = await threePhones();
  carol.behaviour = 'ring';
  alice.call('1002');
  await env.run(200);
  const session = env.media.only();
  bob.refer('<sip:1003@10.0.0.1>');
  await env.run(100);
  bob.bye();
  await env.run(200);
  assert.equal(bob.statuses('BYE').at(-1), 200);
  assert.equal(byes(alice), 0, 'the transferee stays');
  assert.equal(session.moh.a, true, 'on music while the target rings');
  carol.answerNow();
  await env.run(200);
  assert.equal(session.moh.a, false);
  assert.deepEqual(session.legs.b?.remote, { address: '10.0.0.13', rtpPort: 42000, rtcpPort: 42001 });
  assert.equal(env.stack.b2bua.activeCalls()[0].callee, '1003');
});

test('the transferor hung up and the target is busy: the transferee is hung up too', async () => {
  const { env, alice, bob, carol } = await threePhones();
  carol.behaviour = 'ring';
  alice.call('1002');
  await env.run(200);
  bob.refer('<sip:1003@10.0.0.1>');
  await env.run(100);
  bob.bye();
  await env.run(200);
  // Nobody answers within the no-answer timeout.
  await env.run(env.config.sip.noAnswerTimeoutSec * 1000 + 500);
  assert.equal(byes(alice), 1);
  assert.equal(env.records.at(-1)!.endCause, 'transfer-failed');
  assert.equal(env.stack.b2bua.activeCalls().length, 0);
});

test('attended transfer: REFER with Replaces naming the transferor\'s second call bridges the two far ends by a re-INVITE, and both of the transferor\'s legs end', async () => {
  const { env, alice, bob, carol } = await threePhones();
  alice.call('1002');
  await env.run(200);
  const first = env.media.only();
  bob.call('1003');
  await env.run(200);
  const second = env.media.only();
  assert.notEqual(first, second);
  const toCarol = bob.dialogs[1];
  bob.refer(replacing('1003', toCarol), bob.dialogs[0]);
  await env.run(300);
  assert.equal(bob.statuses('REFER').at(-1), 202);
  const reinvite = carol.received.filter((r) => r.method === 'INVITE').at(-1)!;
  assert.ok(reinvite.to.params.get('tag'), 'a re-INVITE in Carol\'s existing dialog');
  assert.match(reinvite.body.toString(), new RegExp(`m=audio ${first.b.rtpPort} `), 'moved onto the first call\'s relay port');
  assert.deepEqual(bob.notifies(), ['SIP/2.0 100 Trying', 'SIP/2.0 200 OK']);
  assert.equal(byes(bob), 2, 'both of the transferor\'s legs end');
  assert.equal(byes(alice) + byes(carol), 0);
  assert.deepEqual(first.legs.b?.remote, { address: '10.0.0.13', rtpPort: 42000, rtcpPort: 42001 });
  assert.ok(second.released, 'the second call\'s relay session is released');
  const active = env.stack.b2bua.activeCalls();
  assert.equal(active.length, 1);
  assert.equal(active[0].caller, '1001');
  assert.equal(active[0].callee, '1003');
  carol.bye();
  await env.run(200);
  assert.equal(byes(alice), 1, 'the far ends now talk to each other: Carol\'s BYE reaches Alice');
  const byCallee = env.records.map((r) => `${r.caller}>${r.callee}:${r.endCause ?? ''}`).sort();
  assert.deepEqual(byCallee, ['1001>1002:transferred', '1001>1003:', '1002>1003:transferred']);
});

test('attended transfer where the transferor took both calls: A→B and C→B, B REFERs A with Replaces naming the C→B dialog; the re-INVITE goes to the caller C', async () => {
  const { env, alice, bob, carol } = await threePhones({ mutate: (c) => { c.extensions[1]!.callWaiting = true; } });
  alice.call('1002');
  await env.run(200);
  const first = env.media.only();
  carol.call('1002');
  await env.run(200);
  assert.equal(bob.dialogs.length, 2);
  const fromCarol = bob.dialogs[1];
  bob.refer(replacing('1003', fromCarol), bob.dialogs[0]);
  await env.run(300);
  const reinvite = carol.received.find((r) => r.method === 'INVITE')!;
  assert.ok(reinvite, 'the caller of the second call gets the re-INVITE');
  assert.match(reinvite.body.toString(), new RegExp(`m=audio ${first.b.rtpPort} `));
  assert.equal(bob.notifies().at(-1), 'SIP/2.0 200 OK');
  assert.equal(byes(bob), 2);
  const active = env.stack.b2bua.activeCalls();
  assert.equal(active.length, 1);
  assert.deepEqual([active[0].caller, active[0].callee], ['1001', '1003']);
  alice.bye();
  await env.run(200);
  assert.equal(byes(carol), 1, 'Alice\'s BYE reaches Carol');
});

test('Replaces naming the transferor\'s consult call while it still rings: the consult is cancelled and its target called for the transferee (semi-attended)', async () => {
  const { env, alice, bob, carol } = await threePhones();
  alice.call('1002');
  await env.run(200);
  const first = env.media.only();
  carol.behaviour = 'ring';
  const consult = bob.call('1003');
  await env.run(200);
  const ringing = bob.responses.find((r) => r.status === 180 && r.callId === consult.invite()!.callId)!;
  const early = `${ringing.callId};to-tag=${ringing.to.params.get('tag')};from-tag=${ringing.from.params.get('tag')}`;
  bob.refer(`<sip:1003@10.0.0.1?Replaces=${encodeURIComponent(early)}>`, bob.dialogs[0]);
  await env.run(300);
  assert.ok(carol.gotOnWire('CANCEL'), 'the consult INVITE is cancelled');
  const invites = carol.received.filter((r) => r.method === 'INVITE');
  assert.equal(invites.length, 2, 'and the target called again');
  assert.match(invites[1].body.toString(), new RegExp(`m=audio ${first.b.rtpPort} `), 'on the first call\'s relay port');
  carol.answerNow();
  await env.run(300);
  assert.equal(bob.notifies().at(-1), 'SIP/2.0 200 OK');
  assert.deepEqual(first.legs.b?.remote, { address: '10.0.0.13', rtpPort: 42000, rtcpPort: 42001 });
  assert.equal(env.stack.b2bua.activeCalls().length, 1);
  assert.equal(env.stack.b2bua.activeCalls()[0].callee, '1003');
});

test('attended transfer naming a dialog the PBX does not have: NOTIFY 481 and both calls go on', async () => {
  const { env, alice, bob } = await threePhones();
  alice.call('1002');
  await env.run(200);
  bob.refer(`<sip:1003@10.0.0.1?Replaces=${encodeURIComponent('nope@x;to-tag=1;from-tag=2')}>`);
  await env.run(300);
  assert.equal(bob.notifies().at(-1), 'SIP/2.0 481 Call/Transaction Does Not Exist');
  assert.equal(byes(alice) + byes(bob), 0);
});

test('attended transfer may only replace the transferor\'s own call', async () => {
  const { env, alice, bob, carol } = await threePhones({ mutate: (c) => { c.extensions[0]!.callWaiting = true; } });
  alice.call('1002');
  await env.run(200);
  carol.call('1001');
  await env.run(200);
  // Bob tries to take over the Carol→Alice dialog he is not part of.
  const carolsDialog = carol.dialogs[0];
  bob.refer(replacing('1001', carolsDialog));
  await env.run(300);
  assert.equal(bob.notifies().at(-1), 'SIP/2.0 403 Forbidden');
  assert.equal(env.stack.b2bua.activeCalls().length, 2);
});

test('a REFER without a usable Refer-To gets 400 and changes nothing', async () => {
  const { env, alice, bob } = await threePhones();
  alice.call('1002');
  await env.run(200);
  bob.refer('<mailto:x@y>');
  await env.run(200);
  assert.equal(bob.statuses('REFER').at(-1), 400);
  assert.equal(env.stack.b2bua.activeCalls().length, 1);
});

test('parseReferTo reads the number and an escaped Replaces, and refuses what it cannot route', () => {
  assert.deepEqual(parseReferTo('<sip:1003@pbx>'), { user: '1003' });
  assert.deepEqual(parseReferTo('"C" <sip:1003@pbx?Replaces=a%40b%3Bto-tag%3D1%3Bfrom-tag%3D2>'), { user: '1003', replaces: { callId: 'a@b', toTag: '1', fromTag: '2' } });
  assert.deepEqual(parseReferTo('sip:95598@pbx'), { user: '95598' });
  assert.throws(() => parseReferTo(undefined), ReferToError);
  assert.throws(() => parseReferTo('<sip:pbx.example>'), ReferToError);
  assert.throws(() => parseReferTo('<sip:1@pbx?Replaces=a%40b%3Bto-tag%3D1>'), ReferToError);
});
