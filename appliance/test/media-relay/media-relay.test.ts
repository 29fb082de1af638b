// The relay over real UDP sockets on 127.0.0.1: two fake phones send RTP through a
// session and check what comes out the other side.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ALAW_DECODE, ALAW_TO_ULAW, DtmfDetector, ULAW_DECODE, ULAW_TO_ALAW, wavHeader, writeTelephoneEvent,
} from '@hotline/media';
import { MediaRelay, MediaRelayError, type LegMedia, type RelayEvent } from '../../src/media-relay/index.ts';
import { UdpEndpoint, ptOf, sleep, ssrcOf } from './udp-endpoint.ts';

// A port area of its own per run, away from the SIP tests' ports.
const BASE = 31000 + 40 * Math.floor(Math.random() * 200);

const pcmu = (ep: UdpEndpoint, extra: Partial<LegMedia> = {}): Partial<LegMedia> => ({
  law: 'PCMU', payloadType: 0, direction: 'sendrecv', remote: { address: ep.address, rtpPort: ep.port, rtcpPort: ep.port + 1 }, ...extra,
});
const pcma = (ep: UdpEndpoint, extra: Partial<LegMedia> = {}): Partial<LegMedia> => ({
  law: 'PCMA', payloadType: 8, direction: 'sendrecv', remote: { address: '127.0.0.1', rtpPort: ep.port, rtcpPort: ep.port + 1 }, ...extra,
});

function telephoneEvent(event: number, end: boolean, duration: number): Buffer {
  const b = Buffer.alloc(4);
  writeTelephoneEvent({ event, end, volume: 10, duration }, b);
  return b;
}

/** A 400 Hz PCM16 WAV, 1 s: the music on hold of these tests. */
function writeMohWav(): string {
  const dir = mkdtempSync(join(tmpdir(), 'relay-moh-'));
  const n = 8000;
  const data = Buffer.alloc(2 * n);
  for (let i = 0; i < n; i++) data.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 400 * i) / 8000)), 2 * i);
  const path = join(dir, 'moh.wav');
  writeFileSync(path, Buffer.concat([wavHeader({ encoding: 'pcm16', channels: 1, sampleRate: 8000 }, data.length), data]));
  return path;
}

describe('media relay between two loopback endpoints', () => {
  let relay: MediaRelay;
  const events: RelayEvent[] = [];
  const open: UdpEndpoint[] = [];
  const ep = async () => {
    const e = await UdpEndpoint.open();
    open.push(e);
    return e;
  };

  before(async () => {
    relay = await MediaRelay.start({ address: '127.0.0.1', portMin: BASE, portMax: BASE + 39, mediaTimeoutMs: 60_000, mohPrompts: [writeMohWav()] });
    relay.onEvent((e) => events.push(e));
  });
  after(async () => {
    for (const e of open) e.close();
    await relay.close();
  });

  test('allocates even RTP ports with RTCP on the next odd port', async () => {
    const s = await relay.allocate('call-ports');
    for (const l of [s.a, s.b]) {
      assert.equal(l.rtpPort % 2, 0);
      assert.equal(l.rtcpPort, l.rtpPort + 1);
      assert.ok(l.rtpPort >= BASE && l.rtcpPort <= BASE + 39);
    }
    assert.notEqual(s.a.rtpPort, s.b.rtpPort);
    await relay.release(s.sessionId);
  });

  test('relays RTP both ways with the payload untouched and the payload type rewritten to the target leg', async () => {
    const a = await ep();
    const b = await ep();
    const s = await relay.allocate('call-basic');
    // Leg b agreed PCMU under a dynamic payload type: only the PT byte may change.
    relay.update(s.sessionId, { a: pcmu(a), b: pcmu(b, { payloadType: 96 }) });
    const payload = Buffer.from(Array.from({ length: 160 }, (_, i) => i));
    a.sendRtp(s.a.rtpPort, { pt: 0, seq: 100, ts: 1000, ssrc: 0x11111111, marker: true }, payload);
    await b.waitFor((r) => r.length >= 1);
    const got = b.received[0]!;
    assert.equal(got.from, s.b.rtpPort, 'b hears from its own relay port (symmetric RTP)');
    assert.equal(ptOf(got.data), 96);
    assert.equal((got.data[1]! & 0x80) !== 0, true, 'marker kept');
    assert.equal(ssrcOf(got.data), 0x11111111, 'source SSRC kept');
    assert.equal(got.data.readUInt16BE(2), 100, 'sequence kept');
    assert.deepEqual(got.data.subarray(12), payload);
    b.sendRtp(s.b.rtpPort, { pt: 96, seq: 7, ts: 0, ssrc: 0x22222222 }, payload);
    await a.waitFor((r) => r.length >= 1);
    assert.equal(ptOf(a.received[0]!.data), 0);
    assert.deepEqual(a.received[0]!.data.subarray(12), payload);
    const st = relay.stats(s.sessionId)!;
    assert.equal(st.a.packetsIn, 1);
    assert.equal(st.b.packetsOut, 1);
    assert.equal(st.a.bytesIn, 172);
    assert.ok(st.a.lastPacketAt !== null && Math.abs(st.a.lastPacketAt - Date.now()) < 5000);
    await relay.release(s.sessionId);
  });

  test('forks each leg\'s RTP to a recording server, as received or in the law asked for, and stops on null', async () => {
    const a = await ep();
    const b = await ep();
    const recA = await ep();
    const recB = await ep();
    const s = await relay.allocate('call-fork');
    relay.update(s.sessionId, { a: pcmu(a), b: pcma(b) });
    // Leg b's copy is asked for in leg a's law (one law per recording file).
    relay.fork(s.sessionId, { a: { address: '127.0.0.1', port: recA.port }, b: { address: '127.0.0.1', port: recB.port, law: 'PCMU', payloadType: 0 } });
    const payload = Buffer.from(Array.from({ length: 160 }, (_, i) => i));
    await sleep(50); // the fork message reaches the worker before the packets
    a.sendRtp(s.a.rtpPort, { pt: 0, seq: 1, ts: 160, ssrc: 0xa }, payload);
    b.sendRtp(s.b.rtpPort, { pt: 8, seq: 1, ts: 160, ssrc: 0xb }, payload);
    await recA.waitFor((r) => r.length >= 1, 2000, 'leg a fork');
    await recB.waitFor((r) => r.length >= 1, 2000, 'leg b fork');
    assert.equal(ptOf(recA.received[0]!.data), 0);
    assert.deepEqual(recA.received[0]!.data.subarray(12), payload, 'leg a forked as µ-law, untranscoded');
    assert.equal(ssrcOf(recB.received[0]!.data), 0xb);
    assert.equal(ptOf(recB.received[0]!.data), 0);
    assert.deepEqual(recB.received[0]!.data.subarray(12), Buffer.from(Array.from(payload, (x) => ALAW_TO_ULAW[x]!)), 'leg b\'s A-law copy delivered as µ-law');
    assert.equal(recA.received[0]!.from, s.a.rtpPort, 'the copy leaves from the leg\'s own RTP port');
    await b.waitFor((r) => r.length >= 1);
    relay.fork(s.sessionId, { a: null });
    await sleep(50);
    a.sendRtp(s.a.rtpPort, { pt: 0, seq: 2, ts: 320, ssrc: 0xa }, payload);
    await b.waitFor((r) => r.length >= 2);
    await sleep(50);
    assert.equal(recA.received.length, 1, 'no copy after the fork stopped');
    await relay.release(s.sessionId);
  });

  test('transcodes µ-law to A-law and back byte-exact with the G.711 tables', async () => {
    const a = await ep();
    const b = await ep();
    const s = await relay.allocate('call-transcode');
    relay.update(s.sessionId, { a: pcmu(a), b: pcma(b) });
    const every = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const before = relay.counters().transcoded;
    a.sendRtp(s.a.rtpPort, { pt: 0, seq: 1, ts: 0, ssrc: 1 }, every);
    b.sendRtp(s.b.rtpPort, { pt: 8, seq: 1, ts: 0, ssrc: 2 }, every);
    await b.waitFor((r) => r.length >= 1);
    await a.waitFor((r) => r.length >= 1);
    assert.equal(ptOf(b.received[0]!.data), 8);
    assert.deepEqual(b.received[0]!.data.subarray(12), Buffer.from(every.map((c) => ULAW_TO_ALAW[c]!)));
    assert.equal(ptOf(a.received[0]!.data), 0);
    assert.deepEqual(a.received[0]!.data.subarray(12), Buffer.from(every.map((c) => ALAW_TO_ULAW[c]!)));
    assert.equal(relay.counters().transcoded - before, 2);
    await relay.release(s.sessionId);
  });

  test('behind NAT (packets from another address than the SDP) latches to where the leg really sends from, and ignores a stray source within 2 s', async () => {
    const sdpA = await UdpEndpoint.open(0, '127.0.0.2'); // the private address a's SDP names
    open.push(sdpA);
    const natA = await ep(); // where a's packets really come from (NAT)
    const stray = await ep();
    const b = await ep();
    const s = await relay.allocate('call-latch');
    relay.update(s.sessionId, { a: pcmu(sdpA), b: pcmu(b) });
    const frame = Buffer.alloc(160, 0x55);
    // Before a has sent anything, b's audio goes where a's SDP says.
    b.sendRtp(s.b.rtpPort, { pt: 0, seq: 1, ts: 0, ssrc: 2 }, frame);
    await sdpA.waitFor((r) => r.length >= 1);
    natA.sendRtp(s.a.rtpPort, { pt: 0, seq: 1, ts: 0, ssrc: 1 }, frame);
    await b.waitFor((r) => r.length >= 1);
    b.sendRtp(s.b.rtpPort, { pt: 0, seq: 2, ts: 160, ssrc: 2 }, frame);
    await natA.waitFor((r) => r.length >= 1, 2000, 'audio at the latched address');
    assert.equal(relay.stats(s.sessionId)!.a.latchedTo, `127.0.0.1:${natA.port}`);
    // A stray packet to a's port must neither reach b nor move the latch.
    const dropped = relay.counters().packetsDropped;
    stray.sendRtp(s.a.rtpPort, { pt: 0, seq: 9, ts: 0, ssrc: 9 }, Buffer.alloc(160, 0x11));
    await sleep(100);
    b.sendRtp(s.b.rtpPort, { pt: 0, seq: 3, ts: 320, ssrc: 2 }, frame);
    await natA.waitFor((r) => r.length >= 2, 2000, 'audio still at the latched address');
    assert.equal(sdpA.received.length, 1, 'only the packet sent before the latch went to the SDP address');
    assert.equal(b.received.length, 1, 'the stray packet was not relayed to b');
    assert.equal(stray.received.length, 0);
    assert.equal(relay.counters().packetsDropped - dropped, 1);
    assert.equal(relay.stats(s.sessionId)!.a.latchedTo, `127.0.0.1:${natA.port}`);
    await relay.release(s.sessionId);
  });

  test('without NAT (same address as the SDP) audio goes to the SDP port even if the phone sends from another one', async () => {
    const listen = await ep(); // where the phone's SDP says it listens
    const sender = await ep(); // the port it sends from (sipp does this)
    const b = await ep();
    const s = await relay.allocate('call-asym');
    relay.update(s.sessionId, { a: pcmu(listen), b: pcmu(b) });
    const frame = Buffer.alloc(160, 0x55);
    sender.sendRtp(s.a.rtpPort, { pt: 0, seq: 1, ts: 0, ssrc: 1 }, frame);
    await b.waitFor((r) => r.length >= 1);
    b.sendRtp(s.b.rtpPort, { pt: 0, seq: 1, ts: 0, ssrc: 2 }, frame);
    await listen.waitFor((r) => r.length >= 1, 2000, 'audio at the SDP port');
    assert.equal(sender.received.length, 0);
    await relay.release(s.sessionId);
  });

  test('relays RTCP between the legs\' RTCP ports as is', async () => {
    const a = await ep();
    const b = await ep();
    const bRtcp = await UdpEndpoint.open(b.port + 1).catch(() => null);
    if (bRtcp === null) {
      // The odd port after b was taken: use a=rtcp semantics instead (any port).
    }
    const bc = bRtcp ?? (await ep());
    open.push(bc);
    const s = await relay.allocate('call-rtcp');
    relay.update(s.sessionId, { a: pcmu(a), b: { ...pcmu(b), remote: { address: '127.0.0.1', rtpPort: b.port, rtcpPort: bc.port } } });
    // A minimal RTCP RR: V=2, RC=0, PT=201, length 1, SSRC.
    const rr = Buffer.from([0x80, 201, 0, 1, 1, 2, 3, 4]);
    a.send(s.a.rtcpPort, rr);
    await bc.waitFor((r) => r.length >= 1);
    assert.deepEqual(bc.received[0]!.data, rr);
    assert.equal(bc.received[0]!.from, s.b.rtcpPort);
    await relay.release(s.sessionId);
  });

  test('forwards RFC 4733 events with the target leg\'s payload type when both legs have telephone-event, and reports the digit once', async () => {
    const a = await ep();
    const b = await ep();
    const s = await relay.allocate('call-dtmf-fwd');
    relay.update(s.sessionId, { a: pcmu(a, { telephoneEventPt: 101 }), b: pcma(b, { telephoneEventPt: 100 }) });
    const ts = 8000;
    a.sendRtp(s.a.rtpPort, { pt: 101, seq: 1, ts, ssrc: 1, marker: true }, telephoneEvent(5, false, 400));
    a.sendRtp(s.a.rtpPort, { pt: 101, seq: 2, ts, ssrc: 1 }, telephoneEvent(5, false, 800));
    for (let i = 0; i < 3; i++) a.sendRtp(s.a.rtpPort, { pt: 101, seq: 3 + i, ts, ssrc: 1 }, telephoneEvent(5, true, 960));
    await b.waitFor((r) => r.length >= 5);
    for (const r of b.received) assert.equal(ptOf(r.data), 100);
    assert.deepEqual(b.received[4]!.data.subarray(12), telephoneEvent(5, true, 960));
    await sleep(50);
    const digits = events.filter((e) => e.type === 'dtmf' && e.sessionId === s.sessionId);
    assert.deepEqual(digits, [{ type: 'dtmf', sessionId: s.sessionId, leg: 'a', digit: '5', durationMs: 120 }]);
    await relay.release(s.sessionId);
  });

  test('translates RFC 4733 events into in-band DTMF audio for a leg without telephone-event', async () => {
    const a = await ep();
    const b = await ep();
    const s = await relay.allocate('call-dtmf-inband');
    relay.update(s.sessionId, { a: pcmu(a, { telephoneEventPt: 101 }), b: pcma(b) });
    const ts = 16000;
    // A 160 ms digit '7', updates every 40 ms as a phone would send them.
    a.sendRtp(s.a.rtpPort, { pt: 101, seq: 10, ts, ssrc: 1, marker: true }, telephoneEvent(7, false, 320));
    for (let d = 2; d <= 4; d++) {
      await sleep(40);
      a.sendRtp(s.a.rtpPort, { pt: 101, seq: 9 + d, ts, ssrc: 1 }, telephoneEvent(7, false, 320 * d));
    }
    for (let i = 0; i < 3; i++) a.sendRtp(s.a.rtpPort, { pt: 101, seq: 14 + i, ts, ssrc: 1 }, telephoneEvent(7, true, 1280));
    // 160 ms of tone is 8 frames, then 3 silent frames keep the next digit apart.
    await b.waitFor((r) => r.length >= 11, 3000, 'generated DTMF frames');
    await sleep(100);
    for (const r of b.received) {
      assert.equal(ptOf(r.data), 8, 'in b\'s law and payload type');
      assert.notEqual(ssrcOf(r.data), 1, 'the relay\'s own stream');
    }
    // Continuous sequence numbers in the generated stream.
    for (let i = 1; i < b.received.length; i++) {
      assert.equal(b.received[i]!.data.readUInt16BE(2), (b.received[i - 1]!.data.readUInt16BE(2) + 1) & 0xffff);
    }
    const pcm = new Int16Array(b.received.length * 160);
    b.received.forEach((r, i) => r.data.subarray(12).forEach((c, j) => { pcm[i * 160 + j] = ALAW_DECODE[c]!; }));
    const det = new DtmfDetector();
    const found = det.process(pcm).filter((e) => e.type === 'begin').map((e) => e.digit);
    assert.deepEqual(found, ['7']);
    assert.ok(events.some((e) => e.type === 'dtmf' && e.sessionId === s.sessionId && e.digit === '7' && e.durationMs === 160));
    // After the digit, b hears a's audio again.
    const n = b.received.length;
    a.sendRtp(s.a.rtpPort, { pt: 0, seq: 20, ts: ts + 2000, ssrc: 1 }, Buffer.alloc(160, 0x33));
    await b.waitFor((r) => r.length > n && ssrcOf(r[r.length - 1]!.data) === 1, 2000, 'forwarded audio after the digit');
    await relay.release(s.sessionId);
  });

  test('plays music on hold to the held leg in its law, instead of the other leg\'s audio', async () => {
    const a = await ep();
    const b = await ep();
    const s = await relay.allocate('call-moh');
    relay.update(s.sessionId, { a: pcmu(a, { direction: 'sendonly' }), b: pcma(b, { direction: 'recvonly' }) });
    relay.setMusicOnHold(s.sessionId, 'b', true);
    a.sendRtp(s.a.rtpPort, { pt: 0, seq: 1, ts: 0, ssrc: 0xabc }, Buffer.alloc(160, 0x00));
    await b.waitFor((r) => r.length >= 10, 3000, 'music-on-hold frames');
    let energy = 0;
    for (const r of b.received) {
      assert.equal(ptOf(r.data), 8);
      assert.notEqual(ssrcOf(r.data), 0xabc, 'a\'s audio is not forwarded during hold');
      for (const c of r.data.subarray(12)) energy += Math.abs(ALAW_DECODE[c]!);
    }
    const mean = energy / (b.received.length * 160);
    assert.ok(mean > 2000, `music is audible (mean |sample| ${mean.toFixed(0)})`);
    // Nothing goes back to a meanwhile: a said sendonly.
    b.sendRtp(s.b.rtpPort, { pt: 8, seq: 1, ts: 0, ssrc: 5 }, Buffer.alloc(160, 0xd5));
    await sleep(100);
    assert.equal(a.received.length, 0);
    relay.setMusicOnHold(s.sessionId, 'b', false);
    relay.update(s.sessionId, { a: { direction: 'sendrecv' }, b: { direction: 'sendrecv' } });
    await sleep(60);
    const n = b.received.length;
    a.sendRtp(s.a.rtpPort, { pt: 0, seq: 2, ts: 160, ssrc: 0xabc }, Buffer.alloc(160, 0x00));
    await b.waitFor((r) => r.length > n && ssrcOf(r[r.length - 1]!.data) === 0xabc, 2000, 'a\'s audio after hold');
    await relay.release(s.sessionId);
  });

  test('does not forward to a sendonly leg and drops what a recvonly leg sends', async () => {
    const a = await ep();
    const b = await ep();
    const s = await relay.allocate('call-direction');
    relay.update(s.sessionId, { a: pcmu(a, { direction: 'recvonly' }), b: pcmu(b, { direction: 'sendonly' }) });
    const dropped = relay.counters().packetsDropped;
    a.sendRtp(s.a.rtpPort, { pt: 0, seq: 1, ts: 0, ssrc: 1 }, Buffer.alloc(160, 1));
    b.sendRtp(s.b.rtpPort, { pt: 0, seq: 1, ts: 0, ssrc: 2 }, Buffer.alloc(160, 2));
    await a.waitFor((r) => r.length >= 1);
    assert.equal(relay.counters().packetsDropped - dropped, 1);
    assert.equal(b.received.length, 0);
    await relay.release(s.sessionId);
  });

  test('drops and counts garbage datagrams, and the session keeps relaying', async () => {
    const a = await ep();
    const b = await ep();
    const s = await relay.allocate('call-garbage');
    relay.update(s.sessionId, { a: pcmu(a), b: pcmu(b) });
    const dropped = relay.counters().packetsDropped;
    a.send(s.a.rtpPort, Buffer.from('INVITE sip:x SIP/2.0\r\n'));
    a.send(s.a.rtpPort, Buffer.from([0x40, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 9])); // RTP version 1
    a.send(s.a.rtpPort, Buffer.from([0x80, 0, 0, 1])); // truncated header
    a.send(s.a.rtpPort, Buffer.from([0x8f, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1])); // 15 CSRCs announced, none present
    const big = Buffer.alloc(2000);
    big[0] = 0x80;
    a.send(s.a.rtpPort, big); // too large
    a.send(s.a.rtcpPort, Buffer.from([1, 2])); // not RTCP
    await sleep(150);
    assert.equal(relay.counters().packetsDropped - dropped, 6);
    assert.equal(b.received.length, 0);
    a.sendRtp(s.a.rtpPort, { pt: 0, seq: 1, ts: 0, ssrc: 1 }, Buffer.alloc(160, 0x12));
    await b.waitFor((r) => r.length >= 1, 2000, 'a valid packet after the garbage');
    await relay.release(s.sessionId);
  });

  test('keeps loss and jitter figures per leg from the sequence numbers and timestamps', async () => {
    const a = await ep();
    const b = await ep();
    const s = await relay.allocate('call-stats');
    relay.update(s.sessionId, { a: pcmu(a), b: pcmu(b) });
    // 20 packets with seq 5 and 12 missing.
    for (let i = 0; i < 20; i++) {
      if (i === 5 || i === 12) continue;
      a.sendRtp(s.a.rtpPort, { pt: 0, seq: 1000 + i, ts: 160 * i, ssrc: 7 }, Buffer.alloc(160, 0x20));
    }
    await b.waitFor((r) => r.length >= 18);
    const st = relay.stats(s.sessionId)!.a;
    assert.equal(st.packetsIn, 18);
    assert.equal(st.lost, 2);
    assert.ok(Math.abs(st.lossFraction - 2 / 19) < 0.01, `loss fraction ${st.lossFraction}`);
    assert.ok(st.jitterMs > 0, 'packets sent in a burst show jitter against their 20 ms timestamps');
    await relay.release(s.sessionId);
  });

  test('release closes the sockets, frees the ports, and is idempotent', async () => {
    const s = await relay.allocate('call-release');
    const inUse = relay.counters().portsInUse;
    const first = await relay.release(s.sessionId);
    const again = await relay.release(s.sessionId);
    assert.deepEqual(again, first);
    assert.equal(relay.counters().portsInUse, inUse - 4);
    assert.equal(relay.stats(s.sessionId), undefined);
    // The ports can be bound by someone else now: the sockets are really closed.
    for (const p of [s.a.rtpPort, s.a.rtcpPort, s.b.rtpPort, s.b.rtcpPort]) {
      const sock = createSocket('udp4');
      sock.bind(p, '127.0.0.1');
      await once(sock, 'listening');
      sock.close();
    }
    assert.throws(() => relay.update('never-allocated', {}), (e: unknown) => e instanceof MediaRelayError && e.code === 'unknown-session');
    relay.update(s.sessionId, { a: { direction: 'inactive' } }); // late SDP after release is harmless
  });
});

describe('media relay resources and failures', () => {
  test('gives back the same ports after release, and a clear error when the range is exhausted', async () => {
    const base = BASE + 20000 > 65000 ? BASE - 10000 : BASE + 20000;
    const relay = await MediaRelay.start({ address: '127.0.0.1', portMin: base, portMax: base + 3, mediaTimeoutMs: 60_000 });
    try {
      const s1 = await relay.allocate('one');
      await assert.rejects(relay.allocate('two'), (e: unknown) => {
        assert.ok(e instanceof MediaRelayError);
        assert.equal(e.code, 'ports-exhausted');
        assert.match(e.message, new RegExp(`no free RTP port pair in ${base}-${base + 3}`));
        return true;
      });
      await relay.release(s1.sessionId);
      const s2 = await relay.allocate('three');
      assert.deepEqual([s2.a, s2.b].map((l) => l.rtpPort).sort(), [s1.a, s1.b].map((l) => l.rtpPort).sort());
      await relay.release(s2.sessionId);
      assert.equal(relay.counters().portsInUse, 0);
    } finally {
      await relay.close();
    }
  });

  test('skips port pairs that another program holds', async () => {
    const base = BASE + 21000 > 65000 ? BASE - 11000 : BASE + 21000;
    const squatter = createSocket('udp4');
    squatter.bind(base + 1, '127.0.0.1'); // the RTCP port of the first pair
    await once(squatter, 'listening');
    const relay = await MediaRelay.start({ address: '127.0.0.1', portMin: base, portMax: base + 5, mediaTimeoutMs: 60_000 });
    try {
      const s = await relay.allocate('skip');
      assert.deepEqual([s.a.rtpPort, s.b.rtpPort].sort(), [base + 2, base + 4]);
      await relay.release(s.sessionId);
    } finally {
      squatter.close();
      await relay.close();
    }
  });

  test('reports media-timeout once when neither leg sends, but not while a leg is on hold', async () => {
    const base = BASE + 22000 > 65000 ? BASE - 12000 : BASE + 22000;
    const relay = await MediaRelay.start({ address: '127.0.0.1', portMin: base, portMax: base + 19, mediaTimeoutMs: 300 });
    const events: RelayEvent[] = [];
    relay.onEvent((e) => events.push(e));
    const a = await UdpEndpoint.open();
    const b = await UdpEndpoint.open();
    try {
      const held = await relay.allocate('held');
      relay.update(held.sessionId, { a: pcmu(a, { direction: 'sendonly' }), b: pcmu(b, { direction: 'recvonly' }) });
      const s = await relay.allocate('silent');
      relay.update(s.sessionId, { a: pcmu(a), b: pcmu(b) });
      const t0 = Date.now();
      await sleep(900);
      const timeouts = events.filter((e) => e.type === 'media-timeout');
      assert.equal(timeouts.length, 1, JSON.stringify(events));
      const t = timeouts[0]!;
      assert.equal(t.type === 'media-timeout' && t.sessionId, s.sessionId);
      assert.ok(t.type === 'media-timeout' && t.silentForMs >= 300 && t.silentForMs < Date.now() - t0 + 50);
    } finally {
      a.close();
      b.close();
      await relay.close();
    }
  });

  test('reports a worker crash with the lost sessions, releases them, and keeps serving new calls', async () => {
    const base = BASE + 23000 > 65000 ? BASE - 13000 : BASE + 23000;
    const relay = await MediaRelay.start({ address: '127.0.0.1', portMin: base, portMax: base + 19, mediaTimeoutMs: 60_000 });
    const events: RelayEvent[] = [];
    relay.onEvent((e) => events.push(e));
    try {
      const s = await relay.allocate('doomed');
      relay.crashWorkerForTest(0);
      const deadline = Date.now() + 5000;
      while (!events.some((e) => e.type === 'worker-crashed') && Date.now() < deadline) await sleep(20);
      const crash = events.find((e) => e.type === 'worker-crashed');
      assert.ok(crash && crash.type === 'worker-crashed');
      assert.deepEqual(crash.sessionIds, [s.sessionId]);
      assert.match(crash.message, /crash requested/);
      assert.equal(relay.stats(s.sessionId), undefined);
      const final = await relay.release(s.sessionId);
      assert.equal(final.a.packetsIn, 0);
      // The ports died with the thread, and a new worker serves new calls from the same range.
      const s2 = await relay.allocate('after-crash');
      assert.ok(s2.a.rtpPort >= base && s2.b.rtcpPort <= base + 19);
      assert.equal(relay.counters().sessions, 1);
      await relay.release(s2.sessionId);
    } finally {
      await relay.close();
    }
  });

  test('spreads sessions over two workers', async () => {
    const base = BASE + 24000 > 65000 ? BASE - 14000 : BASE + 24000;
    const relay = await MediaRelay.start({ address: '127.0.0.1', portMin: base, portMax: base + 39, mediaTimeoutMs: 60_000, workers: 2 });
    const a = await UdpEndpoint.open();
    const b = await UdpEndpoint.open();
    try {
      const s1 = await relay.allocate('w1');
      const s2 = await relay.allocate('w2');
      // Pairs alternate between workers, so the two sessions' ports differ in pair parity.
      const pairParity = (p: number) => ((p - base) / 2) % 2;
      assert.notEqual(pairParity(s1.a.rtpPort), pairParity(s2.a.rtpPort));
      for (const s of [s1, s2]) {
        relay.update(s.sessionId, { a: pcmu(a), b: pcmu(b) });
        a.sendRtp(s.a.rtpPort, { pt: 0, seq: 1, ts: 0, ssrc: 3 }, Buffer.alloc(160, 0x44));
      }
      await b.waitFor((r) => r.length >= 2);
      assert.equal(relay.counters().sessions, 2);
      await relay.release(s1.sessionId);
      await relay.release(s2.sessionId);
    } finally {
      a.close();
      b.close();
      await relay.close();
    }
  });
});
