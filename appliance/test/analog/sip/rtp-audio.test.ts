import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALAW_TO_ULAW, ULAW_TO_ALAW, isParseFailure, parseRtp, writeRtpHeader, writeTelephoneEvent } from '@hotline/media';
import { RtpAudio } from '../../../src/analog/sip/rtp-audio.ts';
import type { NegotiatedAudio } from '../../../src/analog/sip/call-sdp.ts';

const REMOTE: NegotiatedAudio = { address: '127.0.0.1', rtpPort: 4000, law: 'PCMA', payloadType: 8, telephoneEventPt: 101, direction: 'sendrecv' };

function packet(seq: number, ts: number, pt: number, payload: Buffer, marker = false): Buffer {
  const b = Buffer.alloc(12 + payload.length);
  writeRtpHeader(b, 0, { marker, payloadType: pt, sequenceNumber: seq, timestamp: ts, ssrc: 77 });
  payload.copy(b, 12);
  return b;
}

test('frames become RTP packets with sequence +1, timestamp +160 and one SSRC; nothing before the far end is known or while it holds us', () => {
  const a = new RtpAudio('alaw');
  const out = Buffer.alloc(172);
  assert.equal(a.packetize(Buffer.alloc(160, 1), out), 0, 'no SDP yet');
  a.remote = REMOTE;
  const pkts = [1, 2, 3].map((v) => { const n = a.packetize(Buffer.alloc(160, v), out); return Buffer.from(out.subarray(0, n)); });
  const parsed = pkts.map((p) => { const r = parseRtp(p); assert.ok(!isParseFailure(r)); return { seq: r.sequenceNumber, ts: r.timestamp, ssrc: r.ssrc, pt: r.payloadType, m: r.marker, first: r.payload[0] }; });
  assert.deepEqual(parsed.map((p) => p.first), [1, 2, 3]);
  assert.equal((parsed[2]!.seq - parsed[0]!.seq) & 0xffff, 2);
  assert.equal((parsed[1]!.ts - parsed[0]!.ts) >>> 0, 160);
  assert.ok(parsed.every((p) => p.pt === 8 && p.ssrc === parsed[0]!.ssrc));
  assert.deepEqual(parsed.map((p) => p.m), [true, false, false]);
  a.remote = { ...REMOTE, direction: 'recvonly' };
  assert.equal(a.packetize(Buffer.alloc(160), out), 0, 'held by the far end');
  a.remote = { ...REMOTE, direction: 'sendonly' };
  assert.equal(a.packetize(Buffer.alloc(160), out), 172, 'we hold: we still send');
});

test('a far end that agreed on µ-law gets µ-law from an A-law card, and its µ-law comes back out as A-law', () => {
  const a = new RtpAudio('alaw');
  a.remote = { ...REMOTE, law: 'PCMU', payloadType: 0 };
  const out = Buffer.alloc(172);
  a.packetize(Buffer.alloc(160, 0x55), out);
  assert.equal(out[1]! & 0x7f, 0);
  assert.equal(out[12], ALAW_TO_ULAW[0x55]);
  a.receive(packet(10, 1000, 0, Buffer.alloc(160, 0x20), true), 0);
  a.receive(packet(11, 1160, 0, Buffer.alloc(160, 0x21)), 20);
  const played: number[] = [];
  for (let t = 0; t <= 200; t += 20) { const f = a.next(t); if (f) played.push(f[0]!); }
  assert.deepEqual(played.slice(0, 2), [ULAW_TO_ALAW[0x20], ULAW_TO_ALAW[0x21]]);
});

test('the jitter buffer puts reordered packets back in order and conceals a lost one; next() is undefined when nothing is due', () => {
  const a = new RtpAudio('alaw');
  a.remote = REMOTE;
  assert.equal(a.next(0), undefined, 'nothing received yet');
  a.receive(packet(100, 0, 8, Buffer.alloc(160, 1), true), 0);
  a.receive(packet(102, 320, 8, Buffer.alloc(160, 3)), 20);
  a.receive(packet(101, 160, 8, Buffer.alloc(160, 2)), 25);
  a.receive(packet(104, 640, 8, Buffer.alloc(160, 5)), 60);
  const out: Array<number | undefined> = [];
  for (let t = 40; t <= 140; t += 20) out.push(a.next(t)?.[0]);
  assert.deepEqual(out.slice(0, 3), [1, 2, 3], 'in sequence order');
  assert.notEqual(out[3], undefined, '103 is concealed, not silent');
  assert.equal(out[4], 5);
  assert.equal(a.stats.packetsIn, 4);
});

test('RFC 4733 digits play as in-band tones; garbage and unknown payload types are counted and dropped', () => {
  const a = new RtpAudio('ulaw');
  a.remote = { ...REMOTE, law: 'PCMU', payloadType: 0 };
  const ev = Buffer.alloc(4);
  writeTelephoneEvent({ event: 1, end: false, volume: 10, duration: 160 }, ev);
  a.receive(packet(1, 5000, 101, ev, true), 0);
  writeTelephoneEvent({ event: 1, end: true, volume: 10, duration: 800 }, ev);
  a.receive(packet(2, 5000, 101, ev), 40);
  assert.equal(a.stats.dtmfDigitsIn, 1);
  const tone = a.next(60);
  assert.ok(tone && new Set(tone).size > 10, 'a tone frame');
  a.receive(Buffer.from([1, 2, 3]), 80);
  a.receive(packet(3, 0, 18, Buffer.alloc(20)), 80);
  a.receive(packet(4, 5000, 101, Buffer.alloc(2)), 80);
  assert.equal(a.stats.ignoredIn, 3);
});
