import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createResponse } from '../../../src/sip/message/index.ts';
import { recordingUser, request, twoLayers } from './harness.ts';

test('an INVITE is answered 100 Trying at once and a retransmission gets the last response again, not a second TU call', () => {
  const { clock, net, uac, uas, uasAt } = twoLayers();
  const tu = recordingUser(uas, () => undefined);
  const invite = request('INVITE');
  net.setConditions({ dropProbability: 0 });
  uac.sendStateless(invite, uasAt);
  uac.sendStateless(invite, uasAt);
  clock.advance(50);
  assert.equal(tu.requests.length, 1);
  const trying = net.log.filter((p) => p.firstLine.startsWith('SIP/2.0 100'));
  assert.equal(trying.length, 2);
  assert.equal(uas.counters.retransmissionsAbsorbed, 1);
});

test('a non-2xx final to an INVITE is retransmitted with Timer G until the ACK, then the transaction ends after Timer I', () => {
  const { clock, net, uac, uas, uasAt } = twoLayers();
  recordingUser(uas, (req) => createResponse(req, 486, 'Busy Here', 't'));
  // The UAC side drops nothing, but we send the INVITE statelessly so nobody ACKs.
  uac.setUser({ onRequest() {}, onAck() {} });
  uac.sendStateless(request('INVITE'), uasAt);
  clock.advance(4000);
  const finals = net.log.filter((p) => p.firstLine.startsWith('SIP/2.0 486')).map((p) => p.at - net.log[0].at);
  // 5 ms network delay, then 0.5, 1, 2, 4 s (capped at T2)
  assert.deepEqual(finals.slice(0, 4), [5, 505, 1505, 3505]);
});

test('Timer H ends an INVITE transaction whose ACK never comes, and tells the TU', () => {
  const { clock, uac, uas, uasAt } = twoLayers();
  let ackTimeout = false;
  recordingUser(uas, (req) => {
    const tx = uas.serverTransactionOf(req)!;
    tx.onAckTimeout = () => { ackTimeout = true; };
    return createResponse(req, 603, 'Decline', 't');
  });
  uac.setUser({ onRequest() {}, onAck() {} });
  uac.sendStateless(request('INVITE'), uasAt);
  clock.advance(32_100);
  assert.ok(ackTimeout);
  assert.equal(uas.size.server, 0);
});

test('a CANCEL for a pending INVITE gets 200 and the TU hears of it; a CANCEL for nothing gets 481', () => {
  const { clock, net, uac, uas, uasAt } = twoLayers();
  let cancelled = 0;
  recordingUser(uas, (req) => {
    uas.serverTransactionOf(req)!.onCancel = () => { cancelled++; };
    return createResponse(req, 180, 'Ringing', 't');
  });
  const tx = uac.request(request('INVITE'), uasAt, { onResponse() {}, onTimeout() {} });
  clock.advance(20);
  tx.cancel();
  clock.advance(20);
  assert.equal(cancelled, 1);
  assert.ok(net.log.some((p) => p.firstLine === 'SIP/2.0 200 OK' && p.data.toString().includes('CANCEL')));
  const stray = request('CANCEL');
  uac.request(stray, uasAt, { onResponse() {}, onTimeout() {} });
  clock.advance(20);
  assert.ok(net.log.some((p) => p.firstLine.startsWith('SIP/2.0 481')));
});

test('a branch that is only the magic cookie is matched by the RFC 2543 rules, not taken as a transaction id (RFC 4475 badbranch)', () => {
  const { clock, uac, uas, uasAt } = twoLayers();
  const tu = recordingUser(uas, (req) => createResponse(req, 200, 'OK', 't'));
  const a = request('OPTIONS');
  const b = request('OPTIONS');
  a.headers.set('Via', 'SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK');
  b.headers.set('Via', 'SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK');
  uac.sendStateless(a, uasAt);
  uac.sendStateless(b, uasAt);
  clock.advance(50);
  assert.equal(tu.requests.length, 2, 'two different requests despite the same bare-cookie branch');
});
