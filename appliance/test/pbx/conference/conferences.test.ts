// Conferences over fake calls and a fake relay: which legs the relay is told to mix, what a
// party hanging up does to the room, when the room ends. The audio itself is checked in
// hil-tests/test/acd-supervision.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../src/sip/clock.ts';
import { CallRooms, Conferences } from '../../../src/pbx/conference/index.ts';
import type { Call, Leg } from '../../../src/pbx/call.ts';
import type { MediaMixer, MixRole } from '../../../src/pbx/media-anchor.ts';

/** The part of a Call the conferences use. */
class FakeCall {
  state: 'answered' | 'ended' = 'answered';
  mixing: unknown;
  readonly dialogs = new Set<Leg>(['a', 'b']);
  readonly ended: string[] = [];
  readonly media: { session: { sessionId: string } };
  constructor(readonly callId: string, readonly caller: string, readonly callee: string) {
    this.media = { session: { sessionId: `${callId}#1` } };
  }
  partyOn(leg: Leg): string { return leg === 'a' ? this.caller : this.callee; }
  dialogOf(leg: Leg): unknown { return this.dialogs.has(leg) ? {} : undefined; }
  dropLeg(leg: Leg): void { this.dialogs.delete(leg); }
  hangup(_side: string, cause: string): void { if (this.state === 'ended') return; this.state = 'ended'; this.ended.push(cause); }
}

function setup() {
  const orders: Array<[string, string, string, MixRole | null]> = [];
  const mixer: MediaMixer = { mix: (room, session, leg, role) => { orders.push([room, session, leg, role]); } };
  const rooms = new CallRooms(mixer);
  const queueCall = new FakeCall('q', '13800000001', '95598');
  const consult = new FakeCall('k', '2001', '2002');
  const consult2 = new FakeCall('k2', '2001', '2003');
  const calls: FakeCall[] = [queueCall, consult];
  const events: Array<Record<string, unknown>> = [];
  const conferences = new Conferences({
    rooms, clock: new FakeClock(0), publish: (e) => events.push(e as unknown as Record<string, unknown>),
    extensionOf: (a) => (a === '8001' ? '2001' : undefined),
    connectedCallOf: (a) => (a === '8001' ? queueCall as unknown as Call : undefined),
    callsOf: (ext) => calls.filter((c) => c.caller === ext || c.callee === ext) as unknown as Call[],
  });
  const bye = (c: FakeCall, leg: Leg) => {
    // What Call does on a BYE: ask the room, then detach the leg or end the call.
    const stays = conferences.partyLeft(c as unknown as Call, leg);
    c.dialogs.delete(leg);
    if (!stays) { c.hangup('caller', 'bye'); conferences.ended(c as unknown as Call); }
    return stays;
  };
  return { orders, rooms, queueCall, consult, consult2, calls, events, conferences, bye };
}

const tick = () => new Promise((r) => setImmediate(r));

test('merge mixes the caller, the consult party and the agent\'s newest dialog; the agent\'s held dialog is parked', () => {
  const { orders, conferences, queueCall, consult, events } = setup();
  const r = conferences.merge('8001');
  assert.deepEqual(r.parties, ['2001', '13800000001', '2002']);
  const mixed = orders.filter((o) => o[3] !== null).map((o) => `${o[1]}/${o[2]}`);
  assert.deepEqual(mixed, ['q#1/a', 'k#1/b', 'k#1/a']);
  assert.equal(queueCall.mixing, conferences);
  assert.equal(consult.mixing, conferences);
  assert.equal(events[0]!.type, 'ConferenceStarted');
});

test('merge is refused without a consult call, for an agent not logged in, and with nothing new to add', () => {
  const { conferences, calls } = setup();
  calls.pop();
  assert.throws(() => conferences.merge('8001'), /needs a call and a consult call/);
  assert.throws(() => conferences.merge('9999'), /not logged in/);
  const s = setup();
  s.conferences.merge('8001');
  assert.throws(() => s.conferences.merge('8001'), /no new call/);
});

test('the agent hanging up its active dialog leaves: its held dialog is hung up, the caller and the third party stay', async () => {
  const { conferences, queueCall, consult, bye, events } = setup();
  conferences.merge('8001');
  assert.equal(bye(consult, 'a'), true, 'the consult call stays up for the third party');
  assert.equal(queueCall.dialogs.has('b'), false, 'the agent\'s held dialog got a BYE');
  await tick();
  assert.equal(queueCall.state, 'answered');
  assert.equal(consult.state, 'answered');
  assert.ok(events.some((e) => e.type === 'ConferencePartyLeft' && e.party === '2001'));
  // The caller hangs up: one party is left, the room ends and the third party is hung up.
  assert.equal(bye(queueCall, 'a'), false);
  await tick();
  assert.deepEqual(consult.ended, ['conference-ended']);
  assert.ok(events.some((e) => e.type === 'ConferenceEnded'));
  assert.equal(conferences.size, 0);
});

test('a second consult call and merge add a party; the agent\'s voice moves to the newest dialog', () => {
  const { conferences, calls, consult2, orders } = setup();
  conferences.merge('8001');
  calls.push(consult2);
  const r = conferences.merge('8001');
  assert.deepEqual(r.parties, ['2001', '13800000001', '2002', '2003']);
  const last = orders.slice(-3).map((o) => `${o[1]}/${o[2]}:${o[3]}`);
  assert.deepEqual(last, ['k2#1/b:member', 'k#1/a:null', 'k2#1/a:member']);
});

test('the third party hanging up leaves the agent and the caller talking', async () => {
  const { conferences, queueCall, consult, bye } = setup();
  conferences.merge('8001');
  assert.equal(bye(consult, 'b'), true, 'the consult call stays up: the agent talks on it');
  await tick();
  assert.equal(queueCall.state, 'answered');
  assert.equal(conferences.size, 1);
});

test('a call in a supervisor\'s room cannot be merged', () => {
  const { conferences, rooms, queueCall } = setup();
  const room = rooms.open('supervision', 'q');
  rooms.put(room, queueCall as unknown as Call, 'a', 'member');
  assert.throws(() => conferences.merge('8001'), /being supervised/);
});
