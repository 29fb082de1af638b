// Agent call control over fake calls: which call and leg a command acts on, what the relay is
// told (music on hold to the far party), the CTI events, and the refusals. The audio itself is
// checked in hil-tests/test/acd-call-control.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../src/sip/clock.ts';
import { AgentCallControl, agentCallCommand } from '../../../src/pbx/call-control/index.ts';
import type { Call, Leg } from '../../../src/pbx/call.ts';

/** The part of a Call that call control uses. */
class FakeCall {
  state: 'answered' | 'ended' = 'answered';
  readonly moh: Array<[Leg, boolean]> = [];
  readonly hungUp: Array<[string, string]> = [];
  readonly media = { musicOnHold: (leg: Leg, on: boolean) => { this.moh.push([leg, on]); } };
  constructor(readonly callId: string, readonly caller: string, readonly callee: string) {}
  partyOn(leg: Leg): string { return leg === 'a' ? this.caller : this.callee; }
  hangup(side: string, cause: string): void { this.state = 'ended'; this.hungUp.push([side, cause]); }
}

function setup() {
  // Agent 8001 on extension 2001 talks to a queue caller (its agent leg is b, callee shows the agent's extension).
  const queueCall = new FakeCall('q', '13800000001', '2001');
  const calls: FakeCall[] = [queueCall];
  const events: Array<Record<string, unknown>> = [];
  let connected: FakeCall | undefined = queueCall;
  const transfers: string[] = [];
  const control = new AgentCallControl({
    clock: new FakeClock(1000), publish: (e) => events.push(e as unknown as Record<string, unknown>),
    extensionOf: (a) => (a === '8001' ? '2001' : undefined),
    connectedCallOf: (a) => (a === '8001' ? connected as unknown as Call | undefined : undefined),
    callsOf: (ext) => calls.filter((c) => c.caller === ext || c.callee === ext) as unknown as Call[],
    blindTransfer: (call, leg, dialled) => { transfers.push(`${call.callId}/${leg}→${dialled}`); },
    // Dials and attended transfers run on the fake network in agent-dials.test.ts.
    dials: { of: () => undefined, dial: () => { throw new RangeError('no phone to ring'); } },
    consultInto: () => { throw new Error('not used here'); },
  });
  return { control, queueCall, calls, events, transfers, disconnect: () => { connected = undefined; } };
}

test('hold plays music on hold to the caller (the far leg a) and publishes CallHeld; resume stops it and publishes CallResumed', () => {
  const { control, queueCall, events } = setup();
  assert.deepEqual(control.command('8001', 'hold'), { agent: '8001', action: 'hold', callId: 'q' });
  assert.deepEqual(queueCall.moh, [['a', true]]);
  assert.deepEqual(events[0], { type: 'CallHeld', at: 1000, callId: 'q', agent: '8001', party: '13800000001' });
  control.command('8001', 'resume');
  assert.deepEqual(queueCall.moh, [['a', true], ['a', false]]);
  assert.equal(events[1]!.type, 'CallResumed');
});

test('hold twice and resume without hold are refused with the reason', () => {
  const { control } = setup();
  assert.throws(() => control.command('8001', 'resume'), /no call on hold/);
  control.command('8001', 'hold');
  assert.throws(() => control.command('8001', 'hold'), /already on hold/);
  assert.equal(control.counters.refused, 2);
});

test('hangup ends the agent\'s call from the agent\'s side', () => {
  const { control, queueCall } = setup();
  control.command('8001', 'hangup');
  assert.deepEqual(queueCall.hungUp, [['callee', 'agent-api']]);
});

test('on an extension call the agent placed (leg a), hold plays music to leg b', () => {
  const { control, calls, disconnect } = setup();
  disconnect();
  calls.length = 0;
  const out = new FakeCall('o', '2001', '2002');
  calls.push(out);
  control.command('8001', 'hold');
  assert.deepEqual(out.moh, [['b', true]]);
});

test('with the queue call held and a consult call up, hold acts on the consult call and resume on the held one', () => {
  const { control, queueCall, calls } = setup();
  control.command('8001', 'hold');
  const consult = new FakeCall('k', '2001', '2002');
  calls.push(consult);
  control.command('8001', 'hold');
  assert.deepEqual(consult.moh, [['b', true]]);
  control.command('8001', 'hangup');
  assert.equal(consult.state, 'ended', 'hang up acts on the consult call, the newest one');
  assert.equal(queueCall.state, 'answered');
});

test('answer is refused: only the phone itself can answer; an agent not logged in or without a call is refused', () => {
  const { control, calls, disconnect } = setup();
  assert.throws(() => control.command('8001', 'answer'), /only be answered on the phone itself/);
  assert.throws(() => control.command('9999', 'hold'), /not logged in/);
  disconnect();
  calls.length = 0;
  assert.throws(() => control.command('8001', 'hangup'), /no answered call/);
});

test('the control socket command checks its body', () => {
  const { control } = setup();
  assert.throws(() => agentCallCommand(control, null), /agent must be/);
  assert.throws(() => agentCallCommand(control, { agent: '8001', action: 'explode' }), /action must be one of/);
  assert.deepEqual(agentCallCommand(control, { agent: '8001', action: 'hold' }), { agent: '8001', action: 'hold', callId: 'q' });
});

test('transfer hands the agent\'s leg and the number to the blind transfer; a held caller comes off hold first; no number is refused', () => {
  const { control, queueCall, transfers } = setup();
  assert.throws(() => control.command('8001', 'transfer'), /needs the number/);
  control.command('8001', 'hold');
  control.command('8001', 'transfer', '8002');
  assert.deepEqual(transfers, ['q/b→8002']);
  assert.deepEqual(queueCall.moh, [['a', true], ['a', false]]);
  assert.throws(() => agentCallCommand(control, { agent: '8001', action: 'transfer', to: 'sip:evil@example.com' }), /to must be a number/);
});
