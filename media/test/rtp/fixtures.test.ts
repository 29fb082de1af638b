import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { RtpPacket, RtpReceiveStats, parseRtp } from '../../src/rtp/index.ts';
import { parseRtcpCompound } from '../../src/rtcp/index.ts';
import { JitterBuffer } from '../../src/jitter/index.ts';
import { ulawToLinear } from '../../src/g711/index.ts';

const fx = (name: string) => readFileSync(fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url)));

/** The captured stream: [arrival ms, datagram][]. */
function stream(): [number, Buffer][] {
  const b = fx('rtp-baresip-pcmu-stream.bin');
  const out: [number, Buffer][] = [];
  for (let o = 0; o < b.length;) {
    const us = b.readUInt32BE(o);
    const len = b.readUInt16BE(o + 4);
    out.push([us / 1000, b.subarray(o + 6, o + 6 + len)]);
    o += 6 + len;
  }
  return out;
}

test("parses baresip's first RTP packet: marker, PCMU, 160-byte payload of a 440 Hz tone", () => {
  const p = parseRtp(fx('rtp-baresip-pcmu-first.bin'));
  assert.ok(p instanceof RtpPacket);
  assert.equal(p.marker, true);
  assert.equal(p.payloadType, 0);
  assert.equal(p.ssrc, 0x843e2ff4);
  assert.equal(p.payloadLength, 160);
  // 20 ms of 440 Hz crosses zero about 17–18 times.
  let crossings = 0;
  for (let i = 1; i < 160; i++) {
    const a = ulawToLinear(p.buffer[p.payloadOffset + i - 1]!);
    const b = ulawToLinear(p.buffer[p.payloadOffset + i]!);
    if ((a < 0) !== (b < 0)) crossings++;
  }
  assert.ok(crossings >= 16 && crossings <= 19, `crossings ${crossings}`);
  const mid = parseRtp(fx('rtp-baresip-pcmu-mid.bin'));
  assert.ok(mid instanceof RtpPacket && !mid.marker && mid.sequenceNumber === ((p.sequenceNumber + 300) & 0xffff));
});

test('the captured loopback stream shows no loss and under 5 ms of jitter, and the jitter buffer plays all of it', () => {
  const st = new RtpReceiveStats();
  const jb = new JitterBuffer({ law: 'pcmu' });
  const pkt = new RtpPacket();
  const s = stream();
  assert.equal(s.length, 200);
  let k = 0;
  let played = 0;
  for (let t = 0; t < 200 * 20 + 200; t += 20) {
    while (k < s.length && s[k]![0] <= t) {
      const [at, dgram] = s[k++]!;
      assert.ok(parseRtp(dgram, pkt) === pkt);
      st.update(pkt.sequenceNumber, pkt.timestamp, at);
      jb.push(pkt, at);
    }
    if (jb.pop(t).kind === 'frame') played++;
  }
  assert.equal(st.lost, 0);
  assert.equal(st.expected, 199);
  assert.ok(st.jitterMs > 0 && st.jitterMs < 5, `jitter ${st.jitterMs} ms`);
  assert.equal(jb.stats.lost + jb.stats.late, 0);
  assert.equal(played + jb.stats.shrunk, 200);
});

test("parses baresip's RTCP: SR with a report block + CNAME, BYE-first compound, APP probe", () => {
  const sr = parseRtcpCompound(fx('rtcp-baresip-sr-sdes.bin'));
  assert.ok(Array.isArray(sr));
  assert.equal(sr[0]!.type, 'sr');
  if (sr[0]!.type === 'sr') {
    assert.equal(sr[0].ssrc, 0x843e2ff4);
    assert.equal(sr[0].reports.length, 1);
    assert.equal(sr[0].reports[0]!.cumulativeLost, 0);
    assert.ok(sr[0].packetCount > 200);
  }
  assert.deepEqual(sr[1], { type: 'sdes', chunks: [{ ssrc: 0x843e2ff4, items: [{ type: 1, value: 'sip:a@127.0.0.1:45060' }] }] });
  const bye = parseRtcpCompound(fx('rtcp-baresip-bye-sdes.bin'));
  assert.ok(Array.isArray(bye));
  assert.deepEqual(bye[0], { type: 'bye', sources: [0x843e2ff4], reason: 'Adjo' });
  const app = parseRtcpCompound(fx('rtcp-baresip-app-ping.bin'));
  assert.ok(Array.isArray(app) && app[0]!.type === 'other' && app[0].packetType === 204);
});

test('property: real packets with random bytes overwritten or cut never make the parsers throw', () => {
  const seeds = ['rtp-baresip-pcmu-first.bin', 'rtcp-baresip-sr-sdes.bin', 'rtcp-baresip-bye-sdes.bin', 'rtcp-baresip-app-ping.bin'].map(fx);
  const out = new RtpPacket();
  fc.assert(fc.property(fc.integer({ min: 0, max: seeds.length - 1 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.nat(), (i, edits, cut) => {
    const b = Buffer.from(seeds[i]!);
    for (const [pos, v] of edits) b[pos % b.length] = v;
    const c = b.subarray(0, b.length - (cut % 8));
    parseRtp(c, out);
    parseRtcpCompound(c);
  }), { numRuns: 3000 });
});
