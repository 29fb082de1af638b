import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createResponse, newTag, type SipRequest } from '../../../src/sip/message/index.ts';
import { NonceManager, buildChallenges, verifyRequest } from '../../../src/sip/auth/index.ts';
import type { ServerTransaction } from '../../../src/sip/transaction/index.ts';
import { ALAW_SILENCE, ULAW_TO_ALAW } from '@hotline/media';
import { FakePbx, FarRtp, farEndSdp, recordingEvents, sdpPort, sleep, startGateway, waitFor } from './fake-pbx.ts';

const STATION = { extension: '2001', secret: 's-2001', port: 1 };

/** A gateway with station 2001 on port 1 and FXO port 5 in line group "pstn", against a fake PBX. */
async function setup() {
  const pbx = await FakePbx.start();
  pbx.secrets = { 2001: 's-2001' };
  const gw = await startGateway(pbx, { stations: [STATION], lineGroupOf: (p) => (p === 5 ? 'pstn' : undefined) });
  const far = await FarRtp.open();
  let invite: { req: SipRequest; stx: ServerTransaction; tag: string } | undefined;
  pbx.onInvite = (req, stx) => { invite = { req, stx, tag: newTag() }; };
  const answer = (status: number, body?: string) => {
    const res = createResponse(invite!.req, status, undefined, invite!.tag);
    res.headers.set('Contact', `<sip:b2bua@127.0.0.1:${pbx.at.port}>`);
    if (body) { res.headers.set('Content-Type', 'application/sdp'); res.body = Buffer.from(body); }
    invite!.stx.respond(res);
  };
  const done = async () => { far.close(); await gw.stop(); await pbx.close(); };
  return { pbx, gw, far, answer, inv: () => invite, done };
}

test('an FXS call: INVITE to the dialled digits from the extension, PCMA + telephone-event offered, 180 → ringing, 200 → ACK and answered', async () => {
  const { pbx, gw, far, answer, inv, done } = await setup();
  try {
    const ev = recordingEvents();
    const call = gw.call(1, { number: '2001' }, '8#', ev);
    await waitFor(() => inv() !== undefined, 3000, 'INVITE');
    const req = inv()!.req;
    assert.equal(req.uri, `sip:8%23@127.0.0.1:${pbx.at.port}`, "'#' escaped in the Request-URI, no group");
    assert.equal(req.from.uri.user, '2001');
    assert.equal(req.from.uri.host, 'hotline');
    const sdp = req.body.toString();
    assert.match(sdp, /m=audio \d+ RTP\/AVP 8 101\r\n/);
    assert.match(sdp, /a=rtpmap:8 PCMA\/8000/);
    assert.match(sdp, /a=rtpmap:101 telephone-event\/8000/);
    assert.match(sdp, /c=IN IP4 127\.0\.0\.1/);
    answer(180);
    await waitFor(() => ev.log.length === 1, 2000, 'ringing');
    assert.deepEqual(ev.log, ['ringing:false']);
    assert.deepEqual(gw.calls(), [{ port: 1, direction: 'out', state: 'ringing', number: '8#' }]);
    answer(200, farEndSdp(far.port, 'PCMA'));
    await waitFor(() => ev.log.length === 2 && pbx.acks.length === 1, 2000, 'answered and ACKed');
    assert.deepEqual(ev.log, ['ringing:false', 'answered']);
    assert.equal(pbx.acks[0]!.cseq.seq, req.cseq.seq);
    assert.equal(gw.calls()[0]!.state, 'connected');

    // Audio from the port goes out as RTP: PT 8, sequence +1, timestamp +160, one SSRC.
    const frames = [0x11, 0x22, 0x33].map((b) => Buffer.alloc(160, b));
    for (const f of frames) call.audio.send(f);
    await waitFor(() => far.packets.length === 3, 2000, 'RTP at the far end');
    assert.deepEqual(far.packets.map((p) => p.payload), frames);
    assert.ok(far.packets.every((p) => p.pt === 8 && p.ssrc === far.packets[0]!.ssrc));
    assert.equal((far.packets[1]!.seq - far.packets[0]!.seq) & 0xffff, 1);
    assert.equal((far.packets[2]!.ts - far.packets[1]!.ts) >>> 0, 160);
    assert.equal(far.packets[0]!.marker, true, 'first packet marked (RFC 3551 §4.1)');

    // Audio from the far end in µ-law comes out of next() in the card's A-law, after the jitter buffer.
    const port = sdpPort(req.body);
    far.send(port, 0, Buffer.alloc(160, 0x05), true);
    far.send(port, 0, Buffer.alloc(160, 0x06));
    await sleep(100);
    const got: Array<Uint8Array | undefined> = [];
    for (let i = 0; i < 3; i++) got.push(Buffer.from(call.audio.next() ?? Buffer.alloc(0)));
    const nonEmpty = got.filter((g) => g && g.length === 160);
    assert.ok(nonEmpty.length >= 2, 'two frames played');
    assert.equal(nonEmpty[0]![0], ULAW_TO_ALAW[0x05], 'transcoded to A-law');
    assert.equal(nonEmpty[1]![0], ULAW_TO_ALAW[0x06]);

    // The port hangs up: BYE.
    call.hangup();
    await waitFor(() => pbx.received('BYE').length === 1, 2000, 'BYE');
    assert.deepEqual(gw.calls(), []);
  } finally {
    await done();
  }
});

test('an FXO call carries the line group in the Request-URI and the caller ID in From', async () => {
  const { pbx, gw, inv, answer, done } = await setup();
  try {
    const ev = recordingEvents();
    gw.call(5, { number: '13800138000', name: '张三' }, '96000', ev);
    await waitFor(() => inv() !== undefined, 3000, 'INVITE');
    const req = inv()!.req;
    assert.equal(req.uri, `sip:96000@127.0.0.1:${pbx.at.port};group=pstn`);
    assert.equal(req.from.uri.user, '13800138000');
    assert.equal(req.from.displayName, '张三');
    assert.equal(req.headers.has('Authorization') || req.headers.has('Proxy-Authorization'), false);
    answer(486);
    await waitFor(() => ev.log.length === 1, 2000, 'failed');
    assert.deepEqual(ev.log, ['failed:busy:486']);

    const ev2 = recordingEvents();
    gw.call(5, {}, 's', ev2);
    await waitFor(() => inv()!.req !== req, 3000, 'second INVITE');
    assert.equal(inv()!.req.from.uri.user, 'anonymous', 'withheld caller ID');
    assert.equal(inv()!.req.from.displayName, undefined);
    answer(503);
    await waitFor(() => ev2.log.length === 1, 2000, 'failed');
    assert.deepEqual(ev2.log, ['failed:congestion:503']);
    assert.deepEqual(gw.calls(), []);
  } finally {
    await done();
  }
});

test('600 is busy too; a PBX that never answers the INVITE gives congestion (408)', async () => {
  const { pbx, gw, inv, answer, done } = await setup();
  try {
    const ev = recordingEvents();
    gw.call(1, { number: '2001' }, '1002', ev);
    await waitFor(() => inv() !== undefined, 3000, 'INVITE');
    answer(600);
    await waitFor(() => ev.log.length === 1, 2000, 'failed');
    assert.deepEqual(ev.log, ['failed:busy:600']);
    pbx.silent = true;
    const ev2 = recordingEvents();
    gw.call(1, { number: '2001' }, '1002', ev2);
    await waitFor(() => ev2.log.length === 1, 4000, 'Timer B');
    assert.deepEqual(ev2.log, ['failed:congestion:408']);
  } finally {
    await done();
  }
});

test('a 407 challenge to an FXS INVITE is answered with the station\'s credentials', async () => {
  const { pbx, gw, done } = await setup();
  const nonces = new NonceManager({ lifetimeSec: 60, now: () => Date.now() });
  const invites: SipRequest[] = [];
  pbx.onInvite = (req, stx) => {
    invites.push(req);
    const v = verifyRequest(req, { realm: 'hotline', header: 'proxy-authorization', nonces, algorithms: ['MD5'], lookup: (u) => (u === '2001' ? 's-2001' : undefined) });
    if (!v.ok) {
      const res = createResponse(req, 407, undefined, newTag());
      for (const c of buildChallenges(nonces, { realm: 'hotline', algorithms: ['MD5'] })) res.headers.append('Proxy-Authenticate', c);
      stx.respond(res);
      return;
    }
    stx.respond(createResponse(req, 486, undefined, newTag()));
  };
  try {
    const ev = recordingEvents();
    gw.call(1, { number: '2001' }, '1002', ev);
    await waitFor(() => ev.log.length === 1, 3000, 'final');
    assert.equal(invites.length, 2);
    assert.match(invites[1]!.headers.get('Proxy-Authorization')!, /username="2001"/);
    assert.equal(invites[1]!.callId, invites[0]!.callId);
    assert.equal(invites[1]!.cseq.seq, invites[0]!.cseq.seq + 1);
    assert.deepEqual(ev.log, ['failed:busy:486'], 'the authenticated INVITE reached the callee');
  } finally {
    await done();
  }
});

test('hanging up before the answer sends CANCEL and reports nothing more to the port', async () => {
  const { pbx, gw, inv, answer, done } = await setup();
  try {
    const ev = recordingEvents();
    const call = gw.call(1, { number: '2001' }, '1002', ev);
    await waitFor(() => inv() !== undefined, 3000, 'INVITE');
    let cancelled = false;
    inv()!.stx.onCancel = () => { cancelled = true; answer(487); };
    answer(180);
    await waitFor(() => ev.log.length === 1, 2000, 'ringing');
    call.hangup();
    await waitFor(() => cancelled, 2000, 'CANCEL at the PBX');
    await waitFor(() => gw.calls().length === 0, 2000, 'call gone');
    await sleep(50);
    assert.deepEqual(ev.log, ['ringing:false']);
    assert.equal(pbx.received('BYE').length, 0);
  } finally {
    await done();
  }
});

test('183 with SDP is early audio; hook flash holds (a=sendonly) and resumes (a=sendrecv) by re-INVITE; BYE from the PBX ends the call', async () => {
  const { pbx, gw, far, inv, answer, done } = await setup();
  const reinvites: SipRequest[] = [];
  pbx.onInDialog = (req, stx) => {
    if (req.method === 'INVITE') {
      reinvites.push(req);
      const ok = createResponse(req, 200, 'OK');
      ok.headers.set('Contact', `<sip:b2bua@127.0.0.1:${pbx.at.port}>`);
      ok.headers.set('Content-Type', 'application/sdp');
      ok.body = Buffer.from(farEndSdp(far.port, 'PCMA', /sendonly/.test(req.body.toString()) ? 'recvonly' : 'sendrecv'));
      stx.respond(ok);
      return;
    }
    stx.respond(createResponse(req, 200, 'OK'));
  };
  try {
    const ev = recordingEvents();
    const call = gw.call(1, { number: '2001' }, '1002', ev);
    await waitFor(() => inv() !== undefined, 3000, 'INVITE');
    answer(183, farEndSdp(far.port, 'PCMA'));
    await waitFor(() => ev.log.length === 1, 2000, 'ringing');
    assert.deepEqual(ev.log, ['ringing:true']);
    assert.equal(gw.calls()[0]!.state, 'early-media');
    call.audio.send(Buffer.alloc(160, ALAW_SILENCE));
    await waitFor(() => far.packets.length === 1, 2000, 'early RTP');
    answer(200, farEndSdp(far.port, 'PCMA'));
    await waitFor(() => ev.log.length === 2, 2000, 'answered');

    call.hold(true);
    await waitFor(() => reinvites.length === 1 && gw.calls()[0]?.state === 'held', 2000, 'hold');
    assert.match(reinvites[0]!.body.toString(), /a=sendonly/);
    await waitFor(() => pbx.acks.length === 2, 2000, 'ACK of the re-INVITE');
    call.hold(false);
    await waitFor(() => reinvites.length === 2 && gw.calls()[0]?.state === 'connected', 2000, 'resume');
    assert.match(reinvites[1]!.body.toString(), /a=sendrecv/);
    assert.ok(reinvites[1]!.cseq.seq > reinvites[0]!.cseq.seq);
    const v0 = /o=hotline \d+ (\d+)/.exec(inv()!.req.body.toString())![1];
    const v2 = /o=hotline \d+ (\d+)/.exec(reinvites[1]!.body.toString())![1];
    assert.ok(Number(v2) > Number(v0), 'o= version goes up (RFC 3264 §8)');

    // A BYE with a dialog the gateway does not know gets 481 and changes nothing.
    const stray = pbx.requestInUacDialog('BYE', inv()!.req, 'not-the-tag', 50);
    await waitFor(() => stray.length === 1, 2000, '481');
    assert.equal(stray[0]!.status, 481);
    assert.deepEqual(ev.log, ['ringing:true', 'answered']);

    // The PBX hangs up.
    const rs = pbx.requestInUacDialog('BYE', inv()!.req, inv()!.tag, 51);
    await waitFor(() => rs.length === 1 && ev.log.length === 3, 2000, 'BYE answered and the port told');
    assert.equal(rs[0]!.status, 200);
    assert.deepEqual(ev.log, ['ringing:true', 'answered', 'ended']);
    assert.deepEqual(gw.calls(), []);
    call.audio.send(Buffer.alloc(160, ALAW_SILENCE));
    assert.equal(call.audio.next(), undefined, 'silent after the end');
  } finally {
    await done();
  }
});

test('a call from a port that is neither a station nor in a line group is refused without an INVITE (caller ID never stands in for an extension)', async () => {
  const { pbx, gw, done } = await setup();
  try {
    const ev = recordingEvents();
    gw.call(9, { number: '2001' }, '1002', ev);
    await waitFor(() => ev.log.length === 1, 1000, 'failed');
    assert.deepEqual(ev.log, ['failed:congestion:500']);
    await sleep(50);
    assert.equal(pbx.received('INVITE').length, 0);
    assert.deepEqual(gw.calls(), []);
  } finally {
    await done();
  }
});

test('a port side that throws on an event does not break the call or the gateway', async () => {
  const { pbx, gw, far, inv, answer, done } = await setup();
  try {
    const ev = recordingEvents();
    const throwing = { ...ev, ringing: () => { ev.log.push('ringing'); throw new Error('port bug'); } };
    gw.call(1, { number: '2001' }, '1002', throwing);
    await waitFor(() => inv() !== undefined, 3000, 'INVITE');
    answer(180);
    await waitFor(() => ev.log.length === 1, 2000, 'ringing');
    answer(200, farEndSdp(far.port, 'PCMA'));
    await waitFor(() => ev.log.length === 2 && pbx.acks.length === 1, 2000, 'answered');
    assert.deepEqual(ev.log, ['ringing', 'answered']);
    // Timer-driven events too: a refused call whose failed() throws leaves the gateway running.
    const bad = { ...recordingEvents(), failed: () => { throw new Error('port bug'); } };
    gw.call(9, {}, 's', bad);
    await sleep(50);
    assert.equal(gw.calls().length, 1);
  } finally {
    await done();
  }
});

test('stop() cancels a call still ringing and waits for the 487 before closing', async () => {
  const { pbx, gw, inv, answer, done } = await setup();
  try {
    const ev = recordingEvents();
    gw.call(1, { number: '2001' }, '1002', ev);
    await waitFor(() => inv() !== undefined, 3000, 'INVITE');
    let cancelled = false;
    inv()!.stx.onCancel = () => { cancelled = true; answer(487); };
    answer(180);
    await waitFor(() => ev.log.length === 1, 2000, 'ringing');
    await gw.stop();
    assert.equal(cancelled, true, 'the CANCEL went out before the socket closed');
    assert.deepEqual(ev.log, ['ringing:false']);
    assert.deepEqual(gw.calls(), []);
  } finally {
    await done();
  }
});
