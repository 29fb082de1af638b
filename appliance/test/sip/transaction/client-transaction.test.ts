import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createResponse } from '../../../src/sip/message/index.ts';
import { recordingUser, request, twoLayers } from './harness.ts';

test('an INVITE over UDP with no answer is retransmitted at T1, 2T1, 4T1… and times out with Timer B (64*T1)', () => {
  const { clock, net, uac, uasAt } = twoLayers();
  net.setConditions({ dropProbability: 1 });
  let timedOut = 0;
  uac.request(request('INVITE'), uasAt, { onResponse() {}, onTimeout() { timedOut++; } });
  clock.advance(32_000);
  const sends = net.log.filter((p) => p.firstLine.startsWith('INVITE')).map((p) => p.at - net.log[0].at);
  // RFC 3261 §17.1.1.2: 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s.
  assert.deepEqual(sends, [0, 500, 1500, 3500, 7500, 15500, 31500]);
  assert.equal(timedOut, 1);
  assert.equal(uac.size.client, 0, 'the transaction left the table');
  assert.equal(uac.counters.timeouts, 1);
});

test('a non-INVITE request backs off to T2 (Timer E) and times out with Timer F', () => {
  const { clock, net, uac, uasAt } = twoLayers();
  net.setConditions({ dropProbability: 1 });
  let timedOut = false;
  uac.request(request('OPTIONS'), uasAt, { onResponse() {}, onTimeout() { timedOut = true; } });
  clock.advance(32_000);
  const t0 = net.log[0].at;
  const sends = net.log.map((p) => p.at - t0);
  assert.deepEqual(sends.slice(0, 6), [0, 500, 1500, 3500, 7500, 11500]); // capped at T2 = 4 s
  assert.ok(timedOut);
  assert.equal(uac.size.client, 0);
});

test('over TCP nothing is retransmitted, and a non-2xx final is acknowledged by the client transaction', () => {
  const { clock, net, uac, uas, uasAt } = twoLayers({ transport: 'tcp' });
  recordingUser(uas, (req) => createResponse(req, 486, 'Busy Here', 'callee'));
  const statuses: number[] = [];
  uac.request(request('INVITE', 'tcp'), uasAt, { onResponse(r) { statuses.push(r.status); }, onTimeout() { assert.fail('no timeout expected'); } });
  clock.advance(40_000);
  assert.deepEqual(net.log.map((p) => p.firstLine.split(' ').slice(0, 2).join(' ')), ['INVITE sip:bob@10.0.0.2', 'SIP/2.0 100', 'SIP/2.0 486', 'ACK sip:bob@10.0.0.2']);
  assert.deepEqual(statuses, [100, 486]);
  assert.equal(uac.size.client, 0);
  assert.equal(uas.size.server, 0);
  assert.equal(clock.pending, 0, 'every timer was released');
});

test('a retransmitted final response is ACKed again and not passed up twice (Timer D absorbs it)', () => {
  const { clock, net, uac, uas, uasAt } = twoLayers();
  const tu = recordingUser(uas, (req) => createResponse(req, 404, 'Not Found', 'x'));
  const statuses: number[] = [];
  uac.request(request('INVITE'), uasAt, { onResponse(r) { statuses.push(r.status); }, onTimeout() {} });
  // Lose the first ACK so the UAS retransmits its 404 with Timer G.
  clock.advance(6);
  net.setConditions({ dropProbability: 1 });
  clock.advance(10);
  net.setConditions({ dropProbability: 0 });
  clock.advance(40_000);
  assert.deepEqual(statuses, [100, 404]);
  const acks = net.log.filter((p) => p.firstLine.startsWith('ACK'));
  assert.ok(acks.length >= 2, `ACK resent on the retransmitted 404 (got ${acks.length})`);
  assert.equal(tu.acks.length, 0, 'ACK for a non-2xx stays in the transaction layer');
  assert.equal(uac.size.client + uas.size.server, 0);
});

test('CANCEL waits for a provisional response before it is sent (RFC 3261 §9.1)', () => {
  const { clock, net, uac, uas, uasAt } = twoLayers();
  let ringing = false;
  recordingUser(uas, () => undefined);
  net.setConditions({ dropProbability: 1 }); // the INVITE and its 100 get lost for now
  const tx = uac.request(request('INVITE'), uasAt, { onResponse() { ringing = true; }, onTimeout() {} });
  tx.cancel();
  clock.advance(100);
  assert.equal(net.log.filter((p) => p.firstLine.startsWith('CANCEL')).length, 0);
  net.setConditions({ dropProbability: 0 });
  clock.advance(600); // Timer A retransmits; the UAS answers 100
  assert.ok(ringing);
  assert.equal(net.log.filter((p) => p.firstLine.startsWith('CANCEL')).length, 1);
});
