// Listen/whisper/barge started by the API: Supervision rings the supervisor's phone (a FakePhone
// registered on a whole PBX stack over the fake network) and joins it to the agent's call when it
// answers. The agent's call is a fake; the relay's mixing orders are recorded. The audio itself
// is checked in hil-tests/test/acd-supervision.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakePbx, FakePhone } from '../fake-phone.ts';
import { CallRooms } from '../../../src/pbx/conference/index.ts';
import { Supervision } from '../../../src/pbx/supervision/index.ts';
import type { Call, Leg } from '../../../src/pbx/call.ts';
import type { PromptSet } from '../../../src/pbx/call-center/prompt-set.ts';
import type { MediaMixer, MixRole } from '../../../src/pbx/media-anchor.ts';

/** The part of a Call supervision uses: the agent's queue call (agent on leg b). */
class FakeCall {
  state: 'answered' | 'ended' = 'answered';
  mixing: undefined;
  readonly media = { session: { sessionId: 'agent-call#1' } };
  readonly callId = 'q1';
  partyOn(leg: Leg): string { return leg === 'a' ? '13800000001' : '1001'; }
  dialogOf(): object { return {}; }
  hangup(): void { this.state = 'ended'; }
}

async function setup(opts: { register?: boolean } = {}) {
  const env = fakePbx();
  const sup = new FakePhone(env, '1003', '10.0.0.13');
  if (opts.register !== false) sup.register();
  await env.run(200);
  const orders: Array<[string, string, MixRole | null, string?]> = [];
  const mixer: MediaMixer = { mix: (_room, session, leg, role, target) => { orders.push([session, leg, role, target && `${target.sessionId}/${target.leg}`]); } };
  const target = new FakeCall();
  const events: Array<Record<string, unknown>> = [];
  const supervision = new Supervision({
    rooms: new CallRooms(mixer),
    media: { play: () => undefined },
    // Only the forcing codes play prompts; none here.
    prompts: { paths: () => [] } as unknown as PromptSet,
    clock: env.clock,
    supervisors: () => ['1002', '1003'],
    agents: {
      extensionOf: (a) => (a === '8001' ? '1001' : undefined),
      connectedCallOf: (a) => (a === '8001' && target.state === 'answered' ? target as unknown as Call : undefined),
      setReady: () => undefined,
      logout: () => undefined,
    },
    callsOf: () => [],
    publish: (e) => events.push(e as unknown as Record<string, unknown>),
    lines: {
      sip: { ...env.stack.b2bua.origination(), media: env.media },
      contactsOf: (ext, fromUser) => env.stack.b2bua.contactsOf(ext, fromUser),
      ringTimeoutMs: () => 10_000,
    },
  });
  const invites = () => sup.received.filter((r) => r.method === 'INVITE');
  return { env, sup, orders, target, events, supervision, invites };
}

test('listen from the API rings the supervisor\'s phone as "listen 8001", joins it when answered; the mode switches; its BYE ends it', async () => {
  const { env, sup, orders, events, supervision, invites } = await setup();
  const r = supervision.command('8001', 'listen', '1003');
  assert.deepEqual(r, { agent: '8001', action: 'listen', callId: 'q1', supervisor: '1003', ringing: true });
  await env.run(500);
  assert.equal(invites().length, 1);
  assert.match(invites()[0]!.headers.get('From')!, /^"listen 8001" <sip:8001@/);
  assert.match(invites()[0]!.headers.get('To')!, /sip:1003@/);
  const line = [...env.media.sessions.entries()].find(([, s]) => s.callId.startsWith('supervise-1003-'));
  assert.ok(line, 'the line has its own relay session');
  const lineSession = line[0];
  // Answered: the agent's call becomes a room (both legs members), the supervisor's leg a listens.
  assert.deepEqual(orders, [
    ['agent-call#1', 'a', 'member', undefined],
    ['agent-call#1', 'b', 'member', undefined],
    [lineSession, 'a', 'listen', 'agent-call#1/b'],
  ]);
  assert.equal(env.media.sessions.get(lineSession)!.moh.a, false, 'no music on hold: the supervisor hears the room');
  assert.deepEqual(events.map((e) => e.type), ['SupervisionStarted']);
  assert.deepEqual(supervision.sessions(), [{ agent: '8001', supervisor: '1003', callId: 'q1', mode: 'listen' }]);

  // Switched by the API without naming the supervisor: the one in the call.
  assert.equal(supervision.command('8001', 'whisper').supervisor, '1003');
  assert.deepEqual(orders.at(-1), [lineSession, 'a', 'whisper', 'agent-call#1/b']);

  sup.bye();
  await env.run(500);
  // The line's own session is released (the relay drops its legs itself); the agent's legs leave the room.
  assert.deepEqual(orders.slice(-2).map((o) => `${o[0]}/${o[1]}/${o[2]}`), ['agent-call#1/a/null', 'agent-call#1/b/null'], 'the supervisor left and the call is forwarded directly again');
  assert.deepEqual(events.map((e) => e.type), ['SupervisionStarted', 'SupervisionModeChanged', 'SupervisionEnded']);
  assert.deepEqual(supervision.sessions(), []);
  assert.equal(env.media.sessions.get(lineSession)!.released, true);
});

test('refusals known at once: not registered, not a supervisor, agent not logged in or on no call, phone already ringing', async () => {
  const { env, sup, target, supervision } = await setup();
  assert.throws(() => supervision.command('8001', 'listen', '1002'), /supervisor phone 1002 is not registered/);
  assert.throws(() => supervision.command('8001', 'listen', '1001'), /extension 1001 is not a supervisor/);
  assert.throws(() => supervision.command('8002', 'barge', '1003'), /agent 8002 is not logged in/);
  sup.behaviour = 'ring';
  supervision.command('8001', 'barge', '1003');
  await env.run(100);
  assert.throws(() => supervision.command('8001', 'listen', '1003'), /supervisor phone 1003 is busy/);
  // Without a supervisor named, nothing to switch: the old refusal.
  target.state = 'ended';
  assert.throws(() => supervision.command('8001', 'whisper'), /no supervisor is in agent 8001's call/);
});

test('refusals known later are CTI events: busy, no answer (the ringing is cancelled), the agent\'s call ending first', async () => {
  const busy = await setup();
  busy.sup.behaviour = 'busy';
  busy.supervision.command('8001', 'listen', '1003');
  await busy.env.run(500);
  assert.deepEqual(busy.events.map((e) => [e.type, e.status, e.reason]), [['SupervisionCallFailed', 486, 'busy']]);
  assert.equal(busy.orders.length, 0);

  const silent = await setup();
  silent.sup.behaviour = 'ring';
  silent.supervision.command('8001', 'whisper', '1003');
  await silent.env.run(11_000);
  assert.deepEqual(silent.events.map((e) => [e.type, e.status, e.reason, e.mode]), [['SupervisionCallFailed', 408, 'no answer', 'whisper']]);
  assert.equal(silent.sup.gotOnWire('CANCEL'), true);
  // The phone is free again: a new attempt rings it.
  silent.supervision.command('8001', 'listen', '1003');

  const gone = await setup();
  gone.sup.behaviour = 'ring';
  gone.supervision.command('8001', 'listen', '1003');
  await gone.env.run(300);
  gone.target.state = 'ended';
  gone.supervision.ended(gone.target as unknown as Call);
  await gone.env.run(300);
  assert.deepEqual(gone.events.map((e) => [e.type, e.status]), [['SupervisionCallFailed', 0]]);
  assert.equal(gone.sup.gotOnWire('CANCEL'), true);
});

test('the agent\'s call ending hangs up a joined supervisor\'s phone', async () => {
  const { env, sup, target, events, supervision } = await setup();
  supervision.command('8001', 'barge', '1003');
  await env.run(500);
  assert.deepEqual(supervision.sessions().map((s) => s.mode), ['barge']);
  target.state = 'ended';
  supervision.ended(target as unknown as Call);
  await env.run(500);
  assert.equal(sup.received.some((r) => r.method === 'BYE'), true);
  assert.deepEqual(events.map((e) => e.type), ['SupervisionStarted', 'SupervisionEnded']);
  assert.deepEqual(supervision.sessions(), []);
});
