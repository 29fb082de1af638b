// Conference keys (*61 merge, *62 leave) over fake calls: only an agent's leg may key them,
// they reach the conferences' merge and leave, refusals are logged not thrown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../src/sip/clock.ts';
import { ConferenceKeys } from '../../../src/pbx/call-control/index.ts';
import type { Call, Leg } from '../../../src/pbx/call.ts';

class FakeCall {
  state: 'answered' | 'ended' = 'answered';
  readonly media: { session: { sessionId: string } };
  constructor(readonly callId: string, readonly caller: string, readonly callee: string) {
    this.media = { session: { sessionId: `${callId}#1` } };
  }
  partyOn(leg: Leg): string { return leg === 'a' ? this.caller : this.callee; }
}

function setup(refuse = false) {
  const clock = new FakeClock(0);
  const calls = [new FakeCall('q', '13800000001', '2001'), new FakeCall('k', '2001', '2002')];
  const done: string[] = [];
  const keys = new ConferenceKeys({
    clock,
    callOfSession: (id) => calls.find((c) => c.media.session.sessionId === id) as unknown as Call | undefined,
    agentOn: (ext) => (ext === '2001' ? '8001' : undefined),
    merge: (a) => { if (refuse) throw new RangeError('nothing to merge'); done.push(`merge ${a}`); },
    leave: (a) => { done.push(`leave ${a}`); },
  });
  const key = (sessionId: string, leg: Leg, digits: string) => {
    for (const d of digits) { clock.advance(100); keys.onMediaEvent({ type: 'dtmf', sessionId, leg, digit: d, durationMs: 80 }); }
  };
  return { keys, key, done, clock, calls };
}

test('*61 from the agent\'s leg of the consult call merges, *62 leaves', () => {
  const { key, done } = setup();
  key('k#1', 'a', '*61');
  key('k#1', 'a', '*62');
  assert.deepEqual(done, ['merge 8001', 'leave 8001']);
});

test('*61 from the agent\'s leg b of a queue call merges too', () => {
  const { key, done } = setup();
  key('q#1', 'b', '*61');
  assert.deepEqual(done, ['merge 8001']);
});

test('the customer keying *61 does nothing, nor does an extension that is no agent', () => {
  const { key, done } = setup();
  key('q#1', 'a', '*61');
  key('k#1', 'b', '*61');
  assert.deepEqual(done, []);
});

test('digits of an IVR or card number around the code do not confuse it, slow keys start over', () => {
  const { key, done, clock, keys } = setup();
  key('k#1', 'a', '12*6');
  clock.advance(5000);
  keys.onMediaEvent({ type: 'dtmf', sessionId: 'k#1', leg: 'a', digit: '1', durationMs: 80 });
  assert.deepEqual(done, []);
  key('k#1', 'a', '9*61');
  assert.deepEqual(done, ['merge 8001']);
});

test('a refused merge is counted and the PBX goes on; unknown sessions and other events are ignored', () => {
  const { keys, key } = setup(true);
  key('k#1', 'a', '*61');
  assert.equal(keys.counters.refused, 1);
  keys.onMediaEvent({ type: 'dtmf', sessionId: 'nope', leg: 'a', digit: '*', durationMs: 80 });
  keys.onMediaEvent({ type: 'media-timeout', sessionId: 'k#1', silentForMs: 1 } as never);
});
