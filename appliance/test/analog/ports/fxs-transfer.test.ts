// FXS hook-flash transfer through AnalogPorts with a fake card and clock and the recording
// SIP side: flash holds the call and gives a second dial tone, the consult call is placed,
// hanging up transfers, a second flash goes back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../src/sip/clock.ts';
import { AnalogPorts, type PortPlan } from '../../../src/analog/ports/index.ts';
import type { DigitPlan } from '../../../src/analog/call-legs.ts';
import { FakeCard, FakeIncoming, FakeSip, settings, toneLevel } from './fakes.ts';

const plan: DigitPlan = (d) => (/^800[1-9]$/.test(d) ? { full: true, canExtend: false } : /^8(0(0)?)?$/.test(d) ? { full: false, canExtend: true } : { full: false, canExtend: false });
const PLANS: PortPlan[] = [{ port: 1, kind: 'FXS', card: 'c1', extension: '8001' }];

function setup() {
  const clock = new FakeClock(Date.UTC(2026, 10, 30, 8, 30));
  const card = new FakeCard([{ port: 1, span: 1, kind: 'FXS' }], 'alaw', clock);
  const sip = new FakeSip();
  const ports = new AnalogPorts({ card, ports: PLANS, settings: settings(), sip, dialPlan: plan, clock });
  ports.start();
  const state = () => ports.status().find((s) => s.port === 1)!.state;
  const dial = (digits: string) => { for (const d of digits) { card.emit({ type: 'Dtmf', port: 1, digit: d }); card.run(200); } };
  return { card, sip, state, dial, portsOffer: (c: FakeIncoming) => ports.offerToStation('8001', c) };
}

/** The phone called 8002, who answered. */
function inCall() {
  const env = setup();
  env.card.emit({ type: 'OffHook', port: 1 });
  env.dial('8002');
  env.sip.calls[0]!.events.answered();
  env.card.run(100);
  return env;
}

test('flash in a call holds the far end and gives a second dial tone; the digits place a consult call from the same extension', () => {
  const { card, sip, state, dial } = inCall();
  card.takePlayed(1);
  card.emit({ type: 'HookFlash', port: 1 });
  card.run(1000);
  assert.deepEqual(sip.calls[0]!.holds, [true]);
  assert.equal(state(), 'consult-dialtone');
  assert.ok(toneLevel(card.takePlayed(1), 450, 800, 4000) > 500, 'second dial tone at 450 Hz');
  dial('8003');
  assert.equal(sip.calls.length, 2);
  assert.equal(sip.calls[1]!.to, '8003');
  assert.equal(sip.calls[1]!.from.number, '8001');
  sip.calls[1]!.events.ringing(false);
  assert.equal(state(), 'consult-ringback');
});

test('hanging up while the consult call rings transfers the held call to it; neither call is hung up by the port', () => {
  const { card, sip, state, dial } = inCall();
  card.emit({ type: 'HookFlash', port: 1 });
  dial('8003');
  sip.calls[1]!.events.ringing(false);
  card.emit({ type: 'OnHook', port: 1 });
  assert.equal(sip.calls[0]!.transferredTo, sip.calls[1]);
  assert.equal(sip.calls[0]!.hangups + sip.calls[1]!.hangups, 0);
  assert.equal(state(), 'idle');
  // The PBX ends both dialogs afterwards: the idle port ignores those ends.
  sip.calls[0]!.events.ended();
  sip.calls[1]!.events.ended();
  assert.equal(state(), 'idle');
});

test('an answered consult call carries the phone\'s audio, and hanging up then transfers (attended)', () => {
  const { card, sip, state, dial } = inCall();
  card.emit({ type: 'HookFlash', port: 1 });
  dial('8003');
  sip.calls[1]!.events.answered();
  assert.equal(state(), 'consult-connected');
  const before = sip.calls[0]!.audio.sent.length;
  card.run(400);
  assert.ok(sip.calls[1]!.audio.sent.length >= 10, 'the phone talks to the consulted party');
  assert.equal(sip.calls[0]!.audio.sent.length, before, 'not to the held one');
  card.emit({ type: 'OnHook', port: 1 });
  assert.equal(sip.calls[0]!.transferredTo, sip.calls[1]);
});

test('a busy consult call gives busy tone; a flash then goes back to the held call', () => {
  const { card, sip, state, dial } = inCall();
  card.emit({ type: 'HookFlash', port: 1 });
  dial('8003');
  sip.calls[1]!.events.failed('busy', 486);
  card.run(100);
  assert.equal(state(), 'consult-failed');
  card.emit({ type: 'HookFlash', port: 1 });
  card.run(100);
  assert.equal(state(), 'connected');
  assert.deepEqual(sip.calls[0]!.holds, [true, false]);
  assert.equal(sip.calls[0]!.hangups, 0);
  card.emit({ type: 'OnHook', port: 1 });
  assert.equal(sip.calls[0]!.hangups, 1, 'an ordinary hang-up afterwards');
  assert.equal(sip.calls[0]!.transferredTo, undefined);
});

test('a flash while talking to the consulted party drops that call and takes the held one back', () => {
  const { card, sip, state, dial } = inCall();
  card.emit({ type: 'HookFlash', port: 1 });
  dial('8003');
  sip.calls[1]!.events.answered();
  card.emit({ type: 'HookFlash', port: 1 });
  assert.equal(sip.calls[1]!.hangups, 1);
  assert.equal(state(), 'connected');
  assert.deepEqual(sip.calls[0]!.holds, [true, false]);
});

test('hanging up at the second dial tone ends the held call too (no consult call to hand it to)', () => {
  const { card, sip, state } = inCall();
  card.emit({ type: 'HookFlash', port: 1 });
  card.emit({ type: 'OnHook', port: 1 });
  assert.equal(sip.calls[0]!.hangups, 1);
  assert.equal(sip.calls[0]!.transferredTo, undefined);
  assert.equal(state(), 'idle');
});

test('the held party hanging up while the phone consults leaves the consult call as an ordinary call', () => {
  const { card, sip, state, dial } = inCall();
  card.emit({ type: 'HookFlash', port: 1 });
  dial('8003');
  sip.calls[1]!.events.answered();
  sip.calls[0]!.events.ended();
  assert.equal(state(), 'connected');
  card.emit({ type: 'OnHook', port: 1 });
  assert.equal(sip.calls[1]!.hangups, 1);
  assert.equal(sip.calls[0]!.transferredTo, undefined);
});

test('a call the phone answered can be transferred the same way', () => {
  const env = setup();
  const call = new FakeIncoming('8001', { number: '8002' });
  env.portsOffer(call);
  env.card.emit({ type: 'OffHook', port: 1 });
  assert.deepEqual(call.log, ['ringing', 'answer']);
  env.card.emit({ type: 'HookFlash', port: 1 });
  env.dial('8003');
  env.sip.calls[0]!.events.ringing(false);
  env.card.emit({ type: 'OnHook', port: 1 });
  assert.deepEqual(call.holds, [true]);
  assert.deepEqual(call.log, ['ringing', 'answer', 'transfer to 8003']);
});
