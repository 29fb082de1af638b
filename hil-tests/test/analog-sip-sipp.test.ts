// Interop of the analog gateway's SIP side (issue 5) with real peers: sipp plays the PBX
// (registrar with digest, callee, caller with and without ;group=, a caller that cancels),
// and the real Hotline PBX takes the gateway's registration and calls its station.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { GatewayUserAgent, type GatewayUserAgentOptions } from '@hotline/appliance/analog';
import { isParseFailure, parseRtp } from '@hotline/media';
import { buildToneRtpPcap } from '../src/pcap.ts';
import { startRtpCounter } from '../src/rtp-counter.ts';
import { freePort } from '../src/ports.ts';
import { runSipp, scenario, startSipp, waitForUdpBound } from '../src/sipp.ts';
import { eventually, startPbx } from '../src/pbx.ts';

type PortSide = GatewayUserAgentOptions['ports'];
type IncomingCall = Parameters<PortSide['offerToStation']>[1];

const STATION = { extension: '2001', secret: 'station-secret-2001', port: 1 };

/** A PortSide that records offers and lets the test act on each. */
function ports(onOffer: (call: IncomingCall) => void = () => {}) {
  const offers: Array<{ kind: 'station' | 'group'; target: string; call: IncomingCall }> = [];
  const side: PortSide = {
    offerToStation: (extension, call) => { offers.push({ kind: 'station', target: extension, call }); onOffer(call); },
    offerToLineGroup: (group, call) => { offers.push({ kind: 'group', target: group, call }); onOffer(call); },
  };
  return { side, offers };
}

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function udpSocket(): Promise<Socket> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  return s;
}

function gateway(pbxPort: number, side: PortSide, extra: Partial<GatewayUserAgentOptions> = {}): Promise<GatewayUserAgent> {
  return GatewayUserAgent.start({
    bindAddress: '127.0.0.1', port: 0, pbx: { host: '127.0.0.1', port: pbxPort }, domain: '127.0.0.1',
    stations: [STATION], law: 'alaw', ports: side, lineGroupOf: (p) => (p === 5 ? 'pstn' : undefined), ...extra,
  });
}

test('the gateway registers its station to a sipp registrar, answering the digest challenge', async () => {
  const port = await freePort();
  const registrar = startSipp({ scenarioFile: scenario('registrar-uas'), localPort: port, calls: 1, timeoutSec: 20, vars: { user: STATION.extension, secret: STATION.secret } });
  await waitForUdpBound(port);
  const gw = await gateway(port, ports().side);
  try {
    await until(() => gw.registrations()[0]?.state !== 'registering', 10_000, 'registration result');
    assert.equal(gw.registrations()[0]!.state, 'registered', JSON.stringify(gw.registrations()));
    const r = await registrar.done;
    assert.equal(r.stats.successful, 1, 'sipp verified the digest');
  } finally {
    await gw.stop();
    await registrar.stop();
  }
});

test('a call from the gateway: sipp sees PCMA + telephone-event offered, answers, and the frames sent arrive as RTP; the port hangs up with BYE', async () => {
  const port = await freePort();
  const media = await udpSocket();
  const got: Array<{ pt: number; payload: Buffer }> = [];
  media.on('message', (m) => {
    const p = parseRtp(m);
    if (!isParseFailure(p)) got.push({ pt: p.payloadType, payload: Buffer.from(p.payload) });
  });
  const uas = startSipp({ scenarioFile: scenario('gateway-uas-answer'), localPort: port, calls: 1, timeoutSec: 20, vars: { rtp_port: media.address().port } });
  await waitForUdpBound(port);
  const gw = await gateway(port, ports().side, { stations: [] });
  try {
    const log: string[] = [];
    const call = gw.call(5, { number: '13800138000', name: 'Zhang' }, '96000', {
      ringing: (e) => log.push(`ringing:${e}`), answered: () => log.push('answered'), failed: (t, s) => log.push(`failed:${t}:${s}`), ended: () => log.push('ended'),
    });
    await until(() => log.includes('answered') || log.some((l) => l.startsWith('failed')), 10_000, 'the answer');
    assert.deepEqual(log, ['ringing:false', 'answered']);
    const frames = Array.from({ length: 10 }, (_, i) => Buffer.alloc(160, 0x10 + i));
    for (const f of frames) {
      call.audio.send(f);
      await new Promise((r) => setTimeout(r, 20));
    }
    await until(() => got.length >= 10, 3000, 'RTP at the test socket');
    assert.ok(got.every((p) => p.pt === 8), 'PCMA');
    assert.deepEqual(got.slice(0, 10).map((p) => p.payload), frames, 'the frames as sent, in order');
    call.hangup();
    const r = await uas.done;
    assert.equal(r.stats.successful, 1, 'sipp: INVITE checked, BYE received');
  } finally {
    media.close();
    await gw.stop();
    await uas.stop();
  }
});

for (const withGroup of [false, true]) {
  test(`sipp calls the gateway ${withGroup ? 'with ;group= (a line group)' : 'for a station'}: the offer reaches the port side, sipp sees 180 and 200, its BYE ends the call`, async () => {
    const pbxPort = await freePort(); // nobody listens: the station's REGISTERs go unanswered, sipp only calls
    const rtp = await udpSocket();
    let ended = 0;
    const p = ports((call) => {
      call.onEnded = () => { ended++; };
      call.ringing();
      setTimeout(() => call.answer(), 200);
    });
    const gw = await gateway(pbxPort, p.side);
    try {
      const ruri = withGroup ? `sip:95598@127.0.0.1:${gw.address.port};group=pstn` : `sip:${STATION.extension}@127.0.0.1:${gw.address.port}`;
      const r = await runSipp({ scenarioFile: scenario('gateway-uac-call'), remote: `127.0.0.1:${gw.address.port}`, timeoutSec: 20, vars: { ruri, caller: '1001', rtp_port: rtp.address().port } });
      assert.equal(r.stats.successful, 1);
      assert.equal(p.offers.length, 1);
      assert.deepEqual({ kind: p.offers[0]!.kind, target: p.offers[0]!.target }, withGroup ? { kind: 'group', target: 'pstn' } : { kind: 'station', target: STATION.extension });
      assert.equal(p.offers[0]!.call.number, withGroup ? '95598' : STATION.extension);
      assert.deepEqual(p.offers[0]!.call.caller, { number: '1001', name: 'Caller 1001' });
      await until(() => ended === 1, 2000, 'onEnded');
      assert.deepEqual(gw.calls(), []);
    } finally {
      rtp.close();
      await gw.stop();
    }
  });
}

test('sipp cancels a ringing call: 487 to its INVITE and onCancelled at the port side', async () => {
  const pbxPort = await freePort();
  let cancelled = 0;
  const p = ports((call) => { call.onCancelled = () => { cancelled++; }; call.ringing(); });
  const gw = await gateway(pbxPort, p.side);
  try {
    const r = await runSipp({
      scenarioFile: scenario('gateway-uac-cancel'), remote: `127.0.0.1:${gw.address.port}`, timeoutSec: 20,
      vars: { ruri: `sip:${STATION.extension}@127.0.0.1:${gw.address.port}`, caller: '1001', rtp_port: 40000 },
    });
    assert.equal(r.stats.successful, 1);
    assert.equal(cancelled, 1);
    assert.deepEqual(gw.calls(), []);
  } finally {
    await gw.stop();
  }
});

test('against the real PBX: the station registers and the PBX shows it; a sipp extension calling it reaches the port with audio; the station calls a sipp extension through the PBX\'s 407 with audio both ways', async () => {
  const CALLER = { number: '1001', secret: 'caller-secret-1001' };
  const pbx = await startPbx({ extensions: [{ number: STATION.extension, secret: STATION.secret }, CALLER], noAnswerTimeoutSec: 10 });
  let answered: IncomingCall | undefined;
  const p = ports((call) => { call.ringing(); setTimeout(() => { call.answer(); answered = call; }, 200); });
  const gw = await gateway(pbx.sipPort, p.side);
  try {
    await until(() => gw.registrations()[0]?.state !== 'registering', 10_000, 'registration result');
    assert.equal(gw.registrations()[0]!.state, 'registered', JSON.stringify(gw.registrations()));
    const status = await pbx.status();
    const reg = status.registrations.find((r) => r.extension === STATION.extension);
    assert.ok(reg, `the PBX lists ${STATION.extension}: ${JSON.stringify(status.registrations)}`);
    assert.equal(reg.contact, `sip:${STATION.extension}@127.0.0.1:${gw.address.port}`);

    // A desk phone (sipp, extension 1001) calls 2001: the PBX forks to the gateway's contact.
    const rtpPort = await freePort();
    const caller = startSipp({
      scenarioFile: scenario('uac-call'), remote: `127.0.0.1:${pbx.sipPort}`, service: STATION.extension, timeoutSec: 25,
      auth: { username: CALLER.number, password: CALLER.secret }, authUri: `${STATION.extension}@127.0.0.1:${pbx.sipPort}`,
      vars: { caller: CALLER.number, rtp_port: rtpPort }, files: { 'tone.pcap': buildToneRtpPcap({ durationMs: 2000 }) },
    });
    await until(() => answered !== undefined, 15_000, 'the station answered');
    assert.deepEqual(p.offers[0]!.call.caller.number, CALLER.number);
    // The caller's tone comes through the PBX's relay to the port.
    let frames = 0;
    const end = Date.now() + 2000;
    while (Date.now() < end && frames < 20) {
      const f = answered!.audio.next();
      if (f && f.length === 160) frames++;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(frames >= 20, `the port got ${frames} audio frames`);
    const r = await caller.done;
    assert.equal(r.stats.successful, 1);

    // The station dials 1001, now a sipp callee registered at the PBX: the PBX challenges the
    // gateway's INVITE (127.0.0.1 is not a trusted peer here), the gateway answers with the
    // station's secret, and audio flows both ways through the PBX's relay.
    const uasPort = await freePort();
    const counter = await startRtpCounter(await freePort());
    const callee = startSipp({
      scenarioFile: scenario('uas-answer'), localPort: uasPort, service: CALLER.number, timeoutSec: 25,
      vars: { rtp_port: counter.port }, files: { 'tone.pcap': buildToneRtpPcap({ durationMs: 3000 }) },
    });
    try {
      await waitForUdpBound(uasPort);
      await runSipp({
        scenarioFile: scenario('register'), remote: `127.0.0.1:${pbx.sipPort}`, service: CALLER.number, timeoutSec: 10,
        auth: { username: CALLER.number, password: CALLER.secret }, vars: { contact_port: uasPort, expires: 300 },
      });
      const log: string[] = [];
      const out = gw.call(STATION.port, { number: STATION.extension }, CALLER.number, {
        ringing: (e) => log.push(`ringing:${e}`), answered: () => log.push('answered'), failed: (t, st) => log.push(`failed:${t}:${st}`), ended: () => log.push('ended'),
      });
      await until(() => log.includes('answered') || log.some((l) => l.startsWith('failed')), 15_000, 'the answer');
      assert.ok(log.includes('answered'), log.join(', '));
      let heard = 0;
      for (let i = 0; i < 75; i++) {
        out.audio.send(Buffer.alloc(160, i % 2 ? 0x2a : 0xaa));
        const f = out.audio.next();
        if (f && f.length === 160) heard++;
        await new Promise((res) => setTimeout(res, 20));
      }
      assert.ok(heard >= 20, `the station heard ${heard} frames of the callee's tone`);
      assert.ok(counter.counts().pcmu >= 20, `the callee got ${counter.counts().pcmu} PCMU packets (A-law transcoded by the PBX)`);
      out.hangup();
      const c = await callee.done;
      assert.equal(c.stats.successful, 1, 'the callee saw our BYE');
    } finally {
      await counter.stop();
      await callee.stop();
    }
  } finally {
    await gw.stop();
    await pbx.stop();
  }
});
