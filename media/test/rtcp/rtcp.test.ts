import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ParseFailure, RtpReceiveStats } from '../../src/rtp/index.ts';
import {
  buildReceiverReport, buildRtcpCompound, buildSenderReport, noteSenderReport, ntpMiddle32, ntpToUnixMs, parseRtcpCompound,
  reportBlockFromStats, rttFromReport, unixMsToNtp, type RtcpPacket,
} from '../../src/rtcp/index.ts';

const block = { ssrc: 0x1234, fractionLost: 25, cumulativeLost: -3, extendedHighestSeq: 70000, jitter: 40, lsr: 0xabcd0000, dlsr: 65536 };

test('a compound SR + SDES CNAME + BYE round-trips through build and parse', () => {
  const packets: RtcpPacket[] = [
    { type: 'sr', ssrc: 7, ntpSeconds: 3900000000, ntpFraction: 0x80000000, rtpTimestamp: 160, packetCount: 50, octetCount: 8000, reports: [block] },
    { type: 'sdes', chunks: [{ ssrc: 7, items: [{ type: 1, value: 'pbx@192.0.2.1' }] }] },
    { type: 'bye', sources: [7], reason: 'hangup' },
  ];
  const buf = buildRtcpCompound(packets);
  assert.equal(buf.length % 4, 0);
  assert.deepEqual(parseRtcpCompound(buf), packets);
});

test('cumulative lost keeps its sign through the 24-bit field', () => {
  const buf = buildRtcpCompound([{ type: 'rr', ssrc: 1, reports: [{ ...block, cumulativeLost: -0x800000 }, { ...block, cumulativeLost: 0x7fffff }] }]);
  const r = parseRtcpCompound(buf);
  assert.ok(Array.isArray(r) && r[0]!.type === 'rr');
  assert.deepEqual(r[0].reports.map((b) => b.cumulativeLost), [-0x800000, 0x7fffff]);
});

test('reports a length past the end as truncated and bad version or padding as malformed', () => {
  const buf = buildRtcpCompound([{ type: 'rr', ssrc: 1, reports: [block] }, { type: 'bye', sources: [1] }]);
  const cut = parseRtcpCompound(buf.subarray(0, buf.length - 2));
  assert.ok(cut instanceof ParseFailure && cut.kind === 'truncated');
  const v = Buffer.from(buf);
  v[0] = 0x41;
  const bad = parseRtcpCompound(v);
  assert.ok(bad instanceof ParseFailure && bad.kind === 'malformed');
  const pad = Buffer.from(buf);
  pad[0]! |= 0x20; // padding on the first of two packets is forbidden (A.2)
  const badPad = parseRtcpCompound(pad);
  assert.ok(badPad instanceof ParseFailure && badPad.kind === 'malformed');
  const rc = Buffer.from(buf);
  rc[0] = 0x80 | 5; // five blocks claimed, one present
  const badCount = parseRtcpCompound(rc);
  assert.ok(badCount instanceof ParseFailure && badCount.kind === 'malformed');
  const big = parseRtcpCompound(Buffer.alloc(10000));
  assert.ok(big instanceof ParseFailure && big.kind === 'too-large');
});

test('keeps unknown packet types (APP, RTPFB) raw', () => {
  const r = parseRtcpCompound(buildRtcpCompound([{ type: 'rr', ssrc: 1, reports: [] }, { type: 'other', packetType: 204, count: 3, body: Buffer.from('nameDATA') }]));
  assert.ok(Array.isArray(r));
  assert.deepEqual(r[1], { type: 'other', packetType: 204, count: 3, body: Buffer.from('nameDATA') });
});

test('NTP conversion round-trips Unix milliseconds and the middle 32 bits take 16.16 seconds', () => {
  const ms = Date.UTC(2025, 0, 1, 12, 0, 0, 250);
  const n = unixMsToNtp(ms);
  assert.ok(Math.abs(ntpToUnixMs(n.seconds, n.fraction) - ms) < 0.001);
  assert.equal(ntpMiddle32(0x12345678, 0x9abcdef0), 0x56789abc);
});

test('RTT is arrival − LSR − DLSR in 1/65536 s (RFC 3550 §6.4.1 example)', () => {
  // The RFC's example: A = 0xb710:8000 (46864.500 s), LSR = 0xb705:2000 (46853.125 s),
  // DLSR = 0x0005:4000 (5.250 s) → RTT 6.125 s.
  assert.equal(rttFromReport(0xb7108000, 0xb7052000, 0x00054000), 6125);
  assert.equal(rttFromReport(0xb7108000, 0, 0), null, 'no SR received yet');
});

test('an RR built from receive stats carries loss, jitter and LSR/DLSR of the last SR', () => {
  const st = new RtpReceiveStats();
  for (let i = 0; i < 100; i++) if (i !== 40) st.update(i, i * 160, i * 20 + (i % 2 ? 5 : 0));
  const sr = buildSenderReport({ ssrc: 99, packetCount: 10, octetCount: 1600, rtpTimestamp: 0 }, 1_700_000_000_000);
  const last = noteSenderReport(sr, 1000);
  const rr = buildReceiverReport(5, [reportBlockFromStats(99, st, 1500, last)]);
  const b = rr.reports[0]!;
  assert.equal(b.cumulativeLost, 1);
  assert.equal(b.fractionLost, Math.floor(256 / 99));
  assert.equal(b.extendedHighestSeq, 99);
  assert.ok(b.jitter > 30 && b.jitter <= 40, String(b.jitter));
  assert.equal(b.lsr, ntpMiddle32(sr.ntpSeconds, sr.ntpFraction));
  assert.equal(b.dlsr, 32768, '500 ms = 0.5 × 65536');
  const back = parseRtcpCompound(buildRtcpCompound([rr]));
  assert.deepEqual(back, [rr]);
});

test('property: arbitrary bytes never make parseRtcpCompound throw', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
    const b = Buffer.from(bytes);
    if (b.length > 0) b[0] = 0x80 | (b[0]! & 0x3f); // mostly valid versions, to get past the first check
    parseRtcpCompound(b);
    parseRtcpCompound(Buffer.from(bytes));
  }), { numRuns: 3000 });
});

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const blockArb = fc.record({
  ssrc: u32, fractionLost: fc.integer({ min: 0, max: 255 }), cumulativeLost: fc.integer({ min: -0x800000, max: 0x7fffff }),
  extendedHighestSeq: u32, jitter: u32, lsr: u32, dlsr: u32,
});
const text = fc.string({ maxLength: 60 });
const packetArb: fc.Arbitrary<RtcpPacket> = fc.oneof(
  fc.record({ type: fc.constant('sr' as const), ssrc: u32, ntpSeconds: u32, ntpFraction: u32, rtpTimestamp: u32, packetCount: u32, octetCount: u32, reports: fc.array(blockArb, { maxLength: 4 }) }),
  fc.record({ type: fc.constant('rr' as const), ssrc: u32, reports: fc.array(blockArb, { maxLength: 4 }) }),
  fc.record({ type: fc.constant('sdes' as const), chunks: fc.array(fc.record({ ssrc: u32, items: fc.array(fc.record({ type: fc.integer({ min: 1, max: 8 }), value: text }), { maxLength: 3 }) }), { maxLength: 3 }) }),
  fc.record({ type: fc.constant('bye' as const), sources: fc.array(u32, { maxLength: 4 }), reason: fc.option(text.filter((s) => s.length > 0), { nil: undefined }) }, { requiredKeys: ['type', 'sources'] }),
);

test('property: any compound built from valid packets parses back to the same packets', () => {
  fc.assert(fc.property(fc.array(packetArb, { minLength: 1, maxLength: 4 }), (packets) => {
    // JSON copy: fast-check may build null-prototype records, and drops an absent BYE reason.
    const clean = JSON.parse(JSON.stringify(packets)) as RtcpPacket[];
    assert.deepEqual(parseRtcpCompound(buildRtcpCompound(clean)), clean);
  }), { numRuns: 500 });
});
