// Hosts stacked in front of the call center (prompt recording, supervision) must hand on the
// optional CallHost parts too: without them a REFER into a queue got 503 and an agent's number
// could not be dialled once a second host stood in front.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { ForwardingCallHost, type CallHost, type HostedDecision, type HostedTransfer } from '../../src/pbx/call-host.ts';
import type { Call } from '../../src/pbx/call.ts';

class Front extends ForwardingCallHost {
  accept(call: Call, decision: HostedDecision): void {
    this.inner.accept(call, decision);
  }
}

test('a forwarding host hands transfers, agent lookups and consult transfers to the host behind it', () => {
  const seen: string[] = [];
  const inner: CallHost = {
    accept: () => seen.push('accept'),
    onMediaEvent: () => seen.push('media'),
    ended: () => seen.push('ended'),
    agentExtension: (agent) => (agent === '8001' ? '2001' : undefined),
    transferIn: (_c, to, by) => { seen.push(`transferIn ${to.kind} by ${by}`); return true; },
    consultTransferred: () => { seen.push('consult'); },
  };
  const call = {} as Call;
  const to = { kind: 'queue', queue: 'repair' } as unknown as HostedTransfer;
  const front = new Front(new Front(inner));
  assert.equal(front.agentExtension('8001'), '2001');
  assert.equal(front.agentExtension('8009'), undefined);
  assert.equal(front.transferIn(call, to, '2001'), true);
  front.consultTransferred(call, call);
  front.ended(call);
  assert.deepEqual(seen, ['transferIn queue by 2001', 'consult', 'ended']);
});

test('behind a host without the optional parts, a transfer is refused (false), not thrown', () => {
  const front = new Front({ accept() {}, onMediaEvent() {}, ended() {} });
  assert.equal(front.transferIn({} as Call, { kind: 'ivr' } as unknown as HostedTransfer, '2001'), false);
  assert.equal(front.agentExtension('8001'), undefined);
});
