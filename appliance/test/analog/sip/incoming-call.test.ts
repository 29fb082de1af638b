import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { createResponse } from '../../../src/sip/message/index.ts';
import { ALAW_TO_ULAW, writeRtpHeader, writeTelephoneEvent } from '@hotline/media';
import { FakePbx, FarRtp, RecordingPorts, farEndSdp, sdpPort, sleep, startGateway, waitFor } from './fake-pbx.ts';

async function setup(law: 'alaw' | 'ulaw' = 'alaw') {
  const pbx = await FakePbx.start();
  pbx.secrets = { 2001: 's' };
  const ports = new RecordingPorts();
  const gw = await startGateway(pbx, { stations: [{ extension: '2001', secret: 's', port: 3 }], ports, law });
  const far = await FarRtp.open();
  const gwAt = gw.address;
  const done = async () => { far.close(); await gw.stop(); await pbx.close(); };
  return { pbx, gw, ports, far, gwAt, done };
}

test('an INVITE for a station is offered to it with the caller from From; ringing → 180, answer → 200 with an SDP answer in the card\'s law, ACK, BYE → 200 and onEnded', async () => {
  const { pbx, gw, ports, far, gwAt, done } = await setup();
  try {
    const c = pbx.invite(gwAt, `sip:2001@127.0.0.1:${gwAt.port}`, { from: '"王五" <sip:1001@hotline>', sdp: farEndSdp(far.port, 'both') });
    await waitFor(() => ports.offers.length === 1, 2000, 'offer');
    const { kind, target, call } = ports.offers[0]!;
    assert.equal(kind, 'station');
    assert.equal(target, '2001');
    assert.equal(call.number, '2001');
    assert.deepEqual(call.caller, { number: '1001', name: '王五' });
    assert.deepEqual(gw.calls(), [{ port: 3, direction: 'in', state: 'offered', number: '2001' }]);
    let ended = 0;
    call.onEnded = () => { ended++; };
    call.ringing();
    await waitFor(() => c.responses.some((r) => r.status === 180), 2000, '180');
    call.answer();
    await waitFor(() => c.responses.some((r) => r.status === 200), 2000, '200');
    const ok = c.responses.find((r) => r.status === 200)!;
    const sdp = ok.body.toString();
    assert.match(sdp, /m=audio \d+ RTP\/AVP 8 101\r\n/, 'PCMA chosen from PCMU+PCMA (the card\'s law), telephone-event kept');
    assert.equal(ok.to.params.get('tag'), c.responses.find((r) => r.status === 180)!.to.params.get('tag'), 'one To tag');
    c.ack(ok);
    assert.equal(gw.calls()[0]!.state, 'connected');

    // Audio both ways.
    call.audio.send(Buffer.alloc(160, 0x2a));
    await waitFor(() => far.packets.length === 1, 2000, 'RTP out');
    assert.equal(far.packets[0]!.pt, 8);
    assert.deepEqual(far.packets[0]!.payload, Buffer.alloc(160, 0x2a));
    // The 2xx may have been retransmitted once before the ACK (T1 is 20 ms here), never after it.
    const afterAck = c.responses.filter((r) => r.status === 200).length;
    await sleep(700);
    assert.ok(c.responses.filter((r) => r.status === 200).length <= afterAck + 1, 'retransmissions stop at the ACK');

    const bye = c.request('BYE', 2, ok);
    await waitFor(() => bye.length === 1 && ended === 1, 2000, 'BYE');
    assert.equal(bye[0]!.status, 200);
    assert.deepEqual(gw.calls(), []);
  } finally {
    await done();
  }
});

test('an INVITE with ;group= goes to the line group with the number to dial; µ-law in, A-law card: transcoded', async () => {
  const { pbx, ports, far, gwAt, done } = await setup();
  try {
    const c = pbx.invite(gwAt, `sip:95598@127.0.0.1:${gwAt.port};group=pstn`, { sdp: farEndSdp(far.port, 'PCMU') });
    await waitFor(() => ports.offers.length === 1, 2000, 'offer');
    const { kind, target, call } = ports.offers[0]!;
    assert.equal(kind, 'group');
    assert.equal(target, 'pstn');
    assert.equal(call.number, '95598');
    call.answer();
    await waitFor(() => c.responses.some((r) => r.status === 200), 2000, '200');
    const ok = c.responses.find((r) => r.status === 200)!;
    assert.match(ok.body.toString(), /m=audio \d+ RTP\/AVP 0 101\r\n/, 'answered with the only law offered');
    c.ack(ok);
    // The card speaks A-law; the far end hears µ-law.
    call.audio.send(Buffer.alloc(160, 0x55));
    await waitFor(() => far.packets.length === 1, 2000, 'RTP out');
    assert.equal(far.packets[0]!.pt, 0);
    assert.equal(far.packets[0]!.payload[0], ALAW_TO_ULAW[0x55]);
  } finally {
    await done();
  }
});

test('CANCEL before the answer: 487 to the INVITE and onCancelled', async () => {
  const { pbx, ports, gw, gwAt, done } = await setup();
  try {
    const c = pbx.invite(gwAt, `sip:2001@127.0.0.1:${gwAt.port}`);
    await waitFor(() => ports.offers.length === 1, 2000, 'offer');
    const call = ports.offers[0]!.call;
    let cancelled = 0;
    call.onCancelled = () => { cancelled++; };
    call.ringing();
    await waitFor(() => c.responses.some((r) => r.status === 180), 2000, '180');
    c.cancel();
    await waitFor(() => c.responses.some((r) => r.status === 487) && cancelled === 1, 2000, '487');
    assert.deepEqual(gw.calls(), []);
    call.answer(); // too late: nothing happens
    await sleep(50);
    assert.equal(c.responses.some((r) => r.status === 200), false);
  } finally {
    await done();
  }
});

test('reject gives the port\'s status; hangup before the answer gives 480; hangup after gives BYE', async () => {
  const { pbx, ports, gwAt, far, done } = await setup();
  try {
    const c1 = pbx.invite(gwAt, `sip:2001@127.0.0.1:${gwAt.port}`);
    await waitFor(() => ports.offers.length === 1, 2000, 'offer 1');
    ports.offers[0]!.call.reject(486);
    await waitFor(() => c1.responses.some((r) => r.status === 486), 2000, '486');

    const c2 = pbx.invite(gwAt, `sip:x@127.0.0.1:${gwAt.port};group=pstn`);
    await waitFor(() => ports.offers.length === 2, 2000, 'offer 2');
    ports.offers[1]!.call.hangup();
    await waitFor(() => c2.responses.some((r) => r.status === 480), 2000, '480');

    const c3 = pbx.invite(gwAt, `sip:2001@127.0.0.1:${gwAt.port}`, { sdp: farEndSdp(far.port, 'PCMA') });
    await waitFor(() => ports.offers.length === 3, 2000, 'offer 3');
    const call = ports.offers[2]!.call;
    call.answer();
    await waitFor(() => c3.responses.some((r) => r.status === 200), 2000, '200');
    c3.ack(c3.responses.find((r) => r.status === 200)!);
    call.hangup();
    await waitFor(() => pbx.received('BYE').length === 1, 2000, 'BYE');
    assert.equal(pbx.received('BYE')[0]!.callId, c3.invite.callId);
  } finally {
    await done();
  }
});

test('the PBX holds the call (re-INVITE sendonly): answered recvonly and the gateway stops sending; RFC 4733 digits play as in-band tones', async () => {
  const { pbx, ports, gwAt, far, done } = await setup();
  try {
    const c = pbx.invite(gwAt, `sip:2001@127.0.0.1:${gwAt.port}`, { sdp: farEndSdp(far.port, 'PCMA') });
    await waitFor(() => ports.offers.length === 1, 2000, 'offer');
    const call = ports.offers[0]!.call;
    call.answer();
    await waitFor(() => c.responses.some((r) => r.status === 200), 2000, '200');
    const ok = c.responses.find((r) => r.status === 200)!;
    c.ack(ok);
    const gwRtp = sdpPort(ok.body);

    // A digit '5' as RFC 4733 events: the port hears DTMF tones (not silence).
    const ev = Buffer.alloc(4);
    const sock = dgram.createSocket('udp4');
    for (const [dur, end] of [[160, false], [320, false], [800, true]] as const) {
      const pkt = Buffer.alloc(16);
      writeRtpHeader(pkt, 0, { marker: dur === 160, payloadType: 101, sequenceNumber: dur, timestamp: 5000, ssrc: 9 });
      writeTelephoneEvent({ event: 5, end, volume: 10, duration: dur }, ev, 0);
      ev.copy(pkt, 12);
      sock.send(pkt, gwRtp, '127.0.0.1');
    }
    await sleep(100);
    const tone = call.audio.next();
    assert.ok(tone && tone.length === 160, 'a frame is due');
    assert.ok(new Set(tone).size > 10, 'it carries a tone, not a constant');
    sock.close();

    const re = c.request('INVITE', 2, ok, farEndSdp(far.port, 'PCMA', 'sendonly'));
    await waitFor(() => re.some((r) => r.status >= 200), 2000, 're-INVITE answered');
    const reOk = re.find((r) => r.status >= 200)!;
    assert.equal(reOk.status, 200);
    assert.match(reOk.body.toString(), /a=recvonly/);
    c.ack(reOk);
    const before = far.packets.length;
    call.audio.send(Buffer.alloc(160, 1));
    await sleep(100);
    assert.equal(far.packets.length, before, 'nothing sent while held by the far end');
  } finally {
    await done();
  }
});

test('bad input: unknown station 404, unusable SDP 488, unknown dialog 481, garbage and other sources do not disturb the gateway', async () => {
  const { pbx, ports, gw, gwAt, done } = await setup();
  try {
    const a = pbx.invite(gwAt, `sip:2999@127.0.0.1:${gwAt.port}`);
    await waitFor(() => a.responses.some((r) => r.status >= 300), 2000, '404');
    assert.equal(a.responses.at(-1)!.status, 404);

    const b = pbx.invite(gwAt, `sip:2001@127.0.0.1:${gwAt.port}`, { sdp: 'v=0\r\no=x 1 1 IN IP4 127.0.0.1\r\ns=x\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\n' });
    await waitFor(() => b.responses.some((r) => r.status >= 300), 2000, '488');
    assert.equal(b.responses.at(-1)!.status, 488);
    assert.equal(ports.offers.length, 0);

    const fake = createResponse(b.invite, 200, 'OK', 'nope');
    const c = b.request('BYE', 5, fake);
    await waitFor(() => c.length === 1, 2000, '481');
    assert.equal(c[0]!.status, 481);

    // Garbage on the SIP port, and a request from an address that is not the PBX.
    const sock = dgram.createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, '127.0.0.2', () => r()));
    const answers: string[] = [];
    sock.on('message', (m) => answers.push(m.toString().split('\r\n')[0]!));
    sock.send(Buffer.from('\x00\x01garbage\r\n\r\n'), gwAt.port, '127.0.0.1');
    sock.send(Buffer.from(`OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.2:${sock.address().port};branch=z9hG4bKx1\r\nFrom: <sip:x@y>;tag=1\r\nTo: <sip:g@127.0.0.1>\r\nCall-ID: c1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`), gwAt.port, '127.0.0.1');
    await waitFor(() => answers.length === 1, 2000, 'answer to the stranger');
    assert.equal(answers[0], 'SIP/2.0 403 Forbidden');
    sock.close();

    // Still working.
    const d = pbx.invite(gwAt, `sip:2001@127.0.0.1:${gwAt.port}`);
    await waitFor(() => ports.offers.length === 1, 2000, 'offer after the bad input');
    ports.offers[0]!.call.reject(480);
    await waitFor(() => d.responses.some((r) => r.status === 480), 2000, '480');
    assert.deepEqual(gw.calls(), []);
  } finally {
    await done();
  }
});

test('stop() hangs up answered calls with BYE and refuses what is still ringing', async () => {
  const { pbx, ports, gw, gwAt, far, done } = await setup();
  try {
    const c1 = pbx.invite(gwAt, `sip:2001@127.0.0.1:${gwAt.port}`, { sdp: farEndSdp(far.port, 'PCMA') });
    await waitFor(() => ports.offers.length === 1, 2000, 'offer 1');
    ports.offers[0]!.call.answer();
    await waitFor(() => c1.responses.some((r) => r.status === 200), 2000, '200');
    c1.ack(c1.responses.find((r) => r.status === 200)!);
    const c2 = pbx.invite(gwAt, `sip:x@127.0.0.1:${gwAt.port};group=pstn`);
    await waitFor(() => ports.offers.length === 2, 2000, 'offer 2');
    await gw.stop();
    assert.equal(pbx.received('BYE').length, 1);
    await waitFor(() => c2.responses.some((r) => r.status === 480), 2000, '480 for the ringing call');
  } finally {
    await done();
  }
});
