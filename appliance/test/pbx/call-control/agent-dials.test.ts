// Click-to-dial and the API's attended transfer on a whole PBX stack over the fake network: the
// agent's phone (FakePhone 1001, agent 8001) is rung first, the number dialled is routed as if
// 1001 dialled it, and `complete` moves the consulted party into the held call by re-INVITE.
// The audio itself is checked in hil-tests/test/acd-call-control.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakePbx, FakePhone } from '../fake-phone.ts';
import { AgentCallControl, AgentDials } from '../../../src/pbx/call-control/index.ts';

async function setup(opts: { register?: string[] } = {}) {
  const env = fakePbx();
  const phones = {
    agent: new FakePhone(env, '1001', '10.0.0.11'),
    other: new FakePhone(env, '1002', '10.0.0.12'),
    customer: new FakePhone(env, '1003', '10.0.0.13'),
  };
  for (const p of Object.values(phones)) if (!opts.register || opts.register.includes(p.number)) p.register();
  await env.run(200);
  const events: Array<Record<string, unknown>> = [];
  const b2bua = env.stack.b2bua;
  const dials = new AgentDials({
    sip: { ...b2bua.origination(), media: env.media }, clock: env.clock,
    publish: (e) => events.push(e as unknown as Record<string, unknown>),
    contactsOf: (ext, fromUser) => b2bua.contactsOf(ext, fromUser),
    route: (from, number) => b2bua.origination().route(from, number),
    ringTimeoutMs: () => 10_000,
  });
  const control = new AgentCallControl({
    clock: env.clock, publish: (e) => events.push(e as unknown as Record<string, unknown>),
    extensionOf: (a) => (a === '8001' ? '1001' : undefined),
    connectedCallOf: () => undefined,
    callsOf: (ext) => b2bua.answeredCallsOf(ext),
    blindTransfer: (call, leg, dialled) => b2bua.transfers.blindTransfer(call, leg, dialled),
    dials,
    consultInto: (call, leg, far, party, moved, failed) => b2bua.transfers.consultInto(call, leg, far, party, moved, failed),
  });
  const invites = (p: FakePhone) => p.received.filter((r) => r.method === 'INVITE' && !r.to.params.get('tag'));
  const byes = (p: FakePhone) => p.received.filter((r) => r.method === 'BYE').length;
  return { env, phones, events, control, dials, invites, byes, types: () => events.map((e) => e.type) };
}

test('dial rings the agent\'s phone first (showing the number), then calls it as if the agent\'s extension dialled; bridged; hangup ends both', async () => {
  const { env, phones, control, invites, byes, types, events } = await setup();
  const r = control.command('8001', 'dial', '1002');
  assert.equal(r.action, 'dial');
  assert.match(r.callId, /^dial-8001-/);
  await env.run(300);
  assert.equal(invites(phones.agent).length, 1, 'the agent\'s phone rang');
  assert.match(invites(phones.agent)[0]!.headers.get('From')!, /sip:1002@/, 'its display shows the number being called');
  assert.equal(invites(phones.other).length, 1, 'the number was called once the agent answered');
  assert.match(invites(phones.other)[0]!.headers.get('From')!, /sip:1001@/, 'as if extension 1001 dialled it');
  assert.deepEqual(types(), ['DialStarted', 'DialAnswered', 'DialConnected']);
  assert.deepEqual(events[0], { type: 'DialStarted', at: events[0]!.at, callId: r.callId, agent: '8001', to: '1002', purpose: 'dial' });
  const session = [...env.media.sessions.values()].find((s) => s.callId === r.callId)!;
  assert.equal(session.moh.a, false, 'the agent hears the far party, not music');
  assert.throws(() => control.command('8001', 'dial', '1003'), /already dialling 1002/);

  control.command('8001', 'hangup');
  await env.run(200);
  assert.equal(byes(phones.agent), 1);
  assert.equal(byes(phones.other), 1);
  assert.deepEqual(types().at(-1), 'DialEnded');
  assert.equal(events.at(-1)!.side, 'caller');
  assert.equal(session.released, true, 'the relay session is given back');
  assert.throws(() => control.command('8001', 'hangup'), /no answered call/, 'nothing left to hang up');
});

test('dial refusals come at once with the reason; a busy number is a DialFailed event and the agent\'s phone is released', async () => {
  const { env, phones, control, invites, byes, types, events } = await setup();
  assert.throws(() => control.command('8001', 'dial'), /dial needs the number to call/);
  assert.throws(() => control.command('8001', 'dial', '1001'), /agent's own extension/);
  assert.throws(() => control.command('8001', 'dial', '99999'), /99999 cannot be dialled from extension 1001 \(SIP 404\)/);
  assert.throws(() => control.command('8002', 'dial', '1002'), /agent 8002 is not logged in/);
  assert.equal(invites(phones.agent).length, 0, 'nothing rang');
  assert.equal(control.counters.refused, 4);

  phones.other.behaviour = 'busy';
  control.command('8001', 'dial', '1002');
  await env.run(300);
  assert.deepEqual(types(), ['DialStarted', 'DialAnswered', 'DialFailed']);
  assert.equal(events.at(-1)!.status, 486);
  assert.equal(byes(phones.agent), 1, 'the agent\'s phone is hung up');
  // Finished: the agent may dial again.
  phones.other.behaviour = 'answer';
  control.command('8001', 'dial', '1002');
  await env.run(300);
  assert.equal(types().at(-1), 'DialConnected');
});

test('dial to an agent whose phone is not registered is refused; an unanswered agent phone is cancelled and reported', async () => {
  const none = await setup({ register: ['1002'] });
  assert.throws(() => none.control.command('8001', 'dial', '1002'), /extension 1001 has no registered phone/);
  const { env, phones, control, types, events } = await setup();
  phones.agent.behaviour = 'ring';
  control.command('8001', 'dial', '1002');
  await env.run(10_500);
  assert.deepEqual(types(), ['DialStarted', 'DialFailed']);
  assert.equal(events.at(-1)!.status, 408);
  assert.equal(phones.agent.gotOnWire('CANCEL'), true);
  assert.equal(phones.other.received.length, 0, 'the number was never called');
});

/** The customer (1003) calls the agent's phone (1001), which answers: the call the agent will transfer. */
async function inCall() {
  const s = await setup();
  s.phones.customer.call('1001');
  await s.env.run(300);
  const call = s.env.stack.b2bua.answeredCallsOf('1001')[0];
  assert.ok(call, 'customer and agent talk');
  const session = () => s.env.media.sessions.get(call.media.session!.sessionId)!;
  return { ...s, call, session };
}

test('consult holds the customer with music and dials from the agent\'s phone; complete moves the consulted party into the call and the agent leaves', async () => {
  const { env, phones, control, call, session, invites, byes, types, events } = await inCall();
  assert.throws(() => control.command('8001', 'complete'), /no consult call to complete/);
  const r = control.command('8001', 'consult', '1002');
  assert.equal(r.callId, call.callId);
  assert.match(r.dialCallId!, /^dial-8001-/);
  assert.equal(session().moh.a, true, 'the customer (leg a) hears music');
  assert.throws(() => control.command('8001', 'consult', '1002'), /already (consulting|dialling)/);
  await env.run(300);
  assert.equal(invites(phones.agent).length, 2, 'the consult call rang the agent\'s phone');
  assert.deepEqual(types(), ['DialStarted', 'CallHeld', 'DialAnswered', 'DialConnected'], 'dialled first: a refusal would leave the call off hold');
  assert.equal(events.find((e) => e.type === 'DialStarted')!.purpose, 'consult');

  control.command('8001', 'complete');
  await env.run(300);
  const reinvites = phones.other.received.filter((m) => m.method === 'INVITE' && m.to.params.get('tag'));
  assert.equal(reinvites.length, 1, 'the consulted party was moved by re-INVITE');
  assert.equal(call.state, 'answered');
  assert.equal(call.partyOn('b'), '1002', 'the consulted party took the agent\'s place');
  assert.equal(session().moh.a, false, 'the customer is off hold');
  assert.equal(byes(phones.agent), 2, 'the agent left both calls');
  assert.equal(byes(phones.other), 0, 'the consulted party stays');
  assert.deepEqual(types().slice(4), ['ConsultTransferred', 'DialEnded']);
  assert.equal(events.at(-1)!.side, 'transferred');
  // The customer and the consulted party are one call now: the customer's BYE reaches 1002.
  phones.customer.bye();
  await env.run(200);
  assert.equal(byes(phones.other), 1);
  assert.equal(call.state, 'ended');
});

test('cancel drops the consult call and resumes the customer; complete before the consulted party answers is refused', async () => {
  const { env, phones, control, call, session, byes, types } = await inCall();
  phones.other.behaviour = 'ring';
  control.command('8001', 'consult', '1002');
  await env.run(300);
  assert.throws(() => control.command('8001', 'complete'), /1002 has not answered the consult call/);
  assert.equal(session().moh.a, true, 'still on hold after a refused complete');
  phones.other.answerNow();
  await env.run(300);
  assert.equal(types().at(-1), 'DialConnected');
  control.command('8001', 'cancel');
  await env.run(300);
  assert.equal(session().moh.a, false, 'the customer hears the agent again');
  assert.equal(byes(phones.other), 1, 'the consulted party is hung up');
  assert.equal(call.state, 'answered', 'the customer\'s call goes on');
  assert.equal(call.partyOn('b'), '1001');
  assert.deepEqual(types().slice(-2), ['CallResumed', 'DialEnded']);
  assert.throws(() => control.command('8001', 'cancel'), /no consult call to cancel/);
  // A refused consult (bad number) leaves the call off hold.
  assert.throws(() => control.command('8001', 'consult', '99999'), /cannot be dialled/);
  assert.equal(session().moh.a, false);
});

test('hangup during a consult ends the consult call only: the customer stays on hold, complete is refused, cancel resumes', async () => {
  const { env, phones, control, call, session, byes, types } = await inCall();
  control.command('8001', 'consult', '1002');
  await env.run(300);
  assert.equal(types().at(-1), 'DialConnected');
  control.command('8001', 'hangup');
  await env.run(200);
  assert.equal(byes(phones.other), 1, 'the consulted party is hung up');
  assert.equal(call.state, 'answered');
  assert.equal(session().moh.a, true, 'the customer still waits on hold');
  assert.throws(() => control.command('8001', 'complete'), /the consult call to 1002 has ended; cancel/);
  control.command('8001', 'cancel');
  assert.equal(session().moh.a, false);
  assert.equal(types().at(-1), 'CallResumed');
});
