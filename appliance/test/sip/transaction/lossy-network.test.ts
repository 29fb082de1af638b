import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createResponse } from '../../../src/sip/message/index.ts';
import { recordingUser, request, twoLayers } from './harness.ts';

test('over a network that loses 30% of packets with jitter, retransmissions complete nearly every transaction and every one terminates', () => {
  const { clock, uac, uas, uasAt } = twoLayers({ drop: 0.3, seed: 42, delayMs: 20, jitterMs: 80 });
  const tu = recordingUser(uas, (req) => createResponse(req, req.method === 'INVITE' ? 486 : 200, undefined, 't'));
  let done = 0;
  let timedOut = 0;
  const n = 200;
  for (let i = 0; i < n; i++) {
    uac.request(request(i % 2 ? 'INVITE' : 'OPTIONS'), uasAt, {
      onResponse(r) { if (r.status >= 200) done++; },
      onTimeout() { timedOut++; },
    });
  }
  clock.advance(120_000);
  assert.equal(done + timedOut, n, 'every transaction reached an outcome');
  assert.ok(done >= n * 0.95, `completed ${done}/${n}`);
  assert.equal(new Set(tu.requests.map((r) => r.callId)).size, tu.requests.length, 'the TU saw each request once despite retransmissions');
  assert.deepEqual(uac.size, { server: 0, client: 0 });
  assert.deepEqual(uas.size, { server: 0, client: 0 });
  assert.equal(clock.pending, 0, 'no timer left behind');
});
