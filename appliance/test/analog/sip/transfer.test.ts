// The gateway as transferor: PortCall.transfer sends REFER in the held call's dialog —
// with Replaces when the consult call was answered, after cancelling it when it still rang —
// and hangs up both calls when the PBX reports a failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createResponse, newTag, parseNameAddr, type SipRequest } from '../../../src/sip/message/index.ts';
import type { ServerTransaction } from '../../../src/sip/transaction/index.ts';
import { FakePbx, FarRtp, farEndSdp, recordingEvents, startGateway, waitFor } from './fake-pbx.ts';

async function setup() {
  const pbx = await FakePbx.start();
  pbx.secrets = { 2001: 's-2001' };
  const gw = await startGateway(pbx, { stations: [{ extension: '2001', secret: 's-2001', port: 1 }], lineGroupOf: () => undefined });
  const far = await FarRtp.open();
  const invites: Array<{ req: SipRequest; stx: ServerTransaction; tag: string }> = [];
  pbx.onInvite = (req, stx) => {
    const entry = { req, stx, tag: newTag() };
    invites.push(entry);
    stx.onCancel = () => stx.respond(createResponse(req, 487, 'Request Terminated', entry.tag));
  };
  const respond = (i: number, status: number) => {
    const { req, stx, tag } = invites[i]!;
    const res = createResponse(req, status, undefined, tag);
    res.headers.set('Contact', `<sip:b2bua@127.0.0.1:${pbx.at.port}>`);
    if (status === 200) { res.headers.set('Content-Type', 'application/sdp'); res.body = Buffer.from(farEndSdp(far.port, 'PCMA')); }
    stx.respond(res);
  };
  const done = async () => { far.close(); await gw.stop(); await pbx.close(); };
  return { pbx, gw, invites, respond, done };
}

test('an answered consult call is transferred attended: REFER in the first dialog, Refer-To with Replaces naming the consult dialog; a failure NOTIFY hangs up both', async () => {
  const { pbx, gw, invites, respond, done } = await setup();
  try {
    const first = gw.call(1, { number: '2001' }, '1001', recordingEvents());
    await waitFor(() => invites.length === 1, 3000, 'first INVITE');
    respond(0, 200);
    await waitFor(() => pbx.acks.length === 1, 2000, 'ACK');
    first.hold(true);
    await waitFor(() => pbx.received('INVITE').length === 2, 2000, 'hold re-INVITE');
    const consult = gw.call(1, { number: '2001' }, '1003', recordingEvents());
    await waitFor(() => invites.length === 2, 3000, 'consult INVITE');
    respond(1, 200);
    await waitFor(() => pbx.acks.some((a) => a.callId === invites[1]!.req.callId), 2000, 'consult ACK');
    first.transfer(consult);
    await waitFor(() => pbx.received('REFER').length === 1, 2000, 'REFER');
    const refer = pbx.received('REFER')[0]!;
    assert.equal(refer.callId, invites[0]!.req.callId, 'in the held call\'s dialog');
    const uri = parseNameAddr(refer.headers.get('Refer-To')!).uri;
    assert.equal(uri.user, '1003');
    const replaces = decodeURIComponent(uri.headers.get('Replaces')!);
    const c = invites[1]!;
    assert.equal(replaces, `${c.req.callId};to-tag=${c.tag};from-tag=${c.req.from.params.get('tag')}`);
    // The PBX could not complete it.
    pbx.requestInUacDialog('NOTIFY', invites[0]!.req, invites[0]!.tag, 10, {
      headers: [['Event', 'refer'], ['Subscription-State', 'terminated;reason=noresource'], ['Content-Type', 'message/sipfrag;version=2.0']],
      body: 'SIP/2.0 503 Service Unavailable\r\n',
    });
    await waitFor(() => pbx.received('BYE').length === 2, 2000, 'both calls hung up');
    assert.deepEqual(new Set(pbx.received('BYE').map((b) => b.callId)), new Set([invites[0]!.req.callId, c.req.callId]));
  } finally {
    await done();
  }
});

test('a consult call still ringing is cancelled, then the first call is REFERred blind to the dialled number; success leaves the BYEs to the PBX', async () => {
  const { pbx, gw, invites, respond, done } = await setup();
  try {
    const first = gw.call(1, { number: '2001' }, '1001', recordingEvents());
    await waitFor(() => invites.length === 1, 3000, 'first INVITE');
    respond(0, 200);
    await waitFor(() => pbx.acks.length === 1, 2000, 'ACK');
    const consult = gw.call(1, { number: '2001' }, '1003', recordingEvents());
    await waitFor(() => invites.length === 2, 3000, 'consult INVITE');
    respond(1, 180);
    await new Promise((r) => setTimeout(r, 100));
    first.transfer(consult);
    await waitFor(() => pbx.received('REFER').length === 1, 3000, 'REFER');
    assert.ok(invites[1]!.stx.finalSent, 'the consult was cancelled (487) before the REFER');
    assert.equal(parseNameAddr(pbx.received('REFER')[0]!.headers.get('Refer-To')!).uri.user, '1003');
    assert.equal(parseNameAddr(pbx.received('REFER')[0]!.headers.get('Refer-To')!).uri.headers.size, 0, 'no Replaces');
    pbx.requestInUacDialog('NOTIFY', invites[0]!.req, invites[0]!.tag, 10, {
      headers: [['Event', 'refer'], ['Subscription-State', 'terminated;reason=noresource'], ['Content-Type', 'message/sipfrag;version=2.0']],
      body: 'SIP/2.0 200 OK\r\n',
    });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(pbx.received('BYE').length, 0, 'the gateway leaves the release to the PBX');
  } finally {
    await done();
  }
});
