import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ParseFailure, RtpPacket, forEachHeaderExtension, parseRtp, writeRtpHeader, RTP_EXT_ONE_BYTE_PROFILE,
} from '../../src/rtp/index.ts';

function packet(): RtpPacket {
  const p = new RtpPacket();
  p.marker = true;
  p.payloadType = 8;
  p.sequenceNumber = 65535;
  p.timestamp = 0xfffffff0;
  p.ssrc = 0xdeadbeef;
  p.setPayload(Buffer.alloc(160, 0xd5));
  return p;
}

test('parses the fixed header fields and gives the payload as a view of the datagram', () => {
  const buf = Buffer.alloc(172);
  assert.equal(packet().writeTo(buf, 0), 172);
  const p = parseRtp(buf);
  assert.ok(p instanceof RtpPacket);
  assert.equal(p.marker, true);
  assert.equal(p.payloadType, 8);
  assert.equal(p.sequenceNumber, 65535);
  assert.equal(p.timestamp, 0xfffffff0);
  assert.equal(p.ssrc, 0xdeadbeef);
  assert.equal(p.payloadOffset, 12);
  assert.equal(p.payloadLength, 160);
  assert.equal(p.payload.buffer, buf.buffer, 'payload shares memory with the datagram');
});

test('reuses the output object and allocates no new packet when one is passed', () => {
  const buf = Buffer.alloc(172);
  packet().writeTo(buf, 0);
  const out = new RtpPacket();
  assert.equal(parseRtp(buf, out), out);
  buf.writeUInt16BE(7, 2);
  assert.equal(parseRtp(buf, out), out);
  assert.equal(out.sequenceNumber, 7);
});

test('reads CSRCs, an RFC 8285 one-byte extension and padding', () => {
  const p = packet();
  p.csrcCount = 2;
  p.csrc[0] = 1;
  p.csrc[1] = 0xffffffff;
  p.extension = true;
  p.extensionProfile = RTP_EXT_ONE_BYTE_PROFILE;
  // One element: id 1, length 1 (audio level, RFC 6464), then 2 padding bytes.
  const ext = Buffer.from([0x10, 0x85, 0x00, 0x00]);
  const payload = Buffer.alloc(160, 0xff);
  const backing = Buffer.concat([ext, payload]);
  p.buffer = backing;
  p.extensionOffset = 0;
  p.extensionLength = 4;
  p.payloadOffset = 4;
  p.payloadLength = 160;
  p.padding = true;
  p.paddingLength = 4;
  const buf = Buffer.alloc(p.size());
  p.writeTo(buf, 0);
  const q = parseRtp(buf);
  assert.ok(q instanceof RtpPacket);
  assert.equal(q.csrcCount, 2);
  assert.deepEqual([...q.csrc.subarray(0, 2)], [1, 0xffffffff]);
  assert.equal(q.extensionProfile, 0xbede);
  assert.deepEqual([...q.extensionData], [0x10, 0x85, 0, 0]);
  assert.equal(q.payloadLength, 160);
  assert.equal(q.paddingLength, 4);
  const seen: number[][] = [];
  assert.equal(forEachHeaderExtension(q, (id, off, len) => seen.push([id, buf[off]!, len])), true);
  assert.deepEqual(seen, [[1, 0x85, 1]]);
});

test('tells a truncated datagram from a malformed one and from one that is too large', () => {
  const buf = Buffer.alloc(172);
  packet().writeTo(buf, 0);
  const short = parseRtp(buf.subarray(0, 11));
  assert.ok(short instanceof ParseFailure && short.kind === 'truncated');
  const v1 = Buffer.from(buf);
  v1[0] = 0x40;
  const bad = parseRtp(v1);
  assert.ok(bad instanceof ParseFailure && bad.kind === 'malformed');
  const cc = Buffer.from(buf.subarray(0, 20));
  cc[0] = 0x80 | 3; // three CSRCs need 24 bytes
  const t2 = parseRtp(cc);
  assert.ok(t2 instanceof ParseFailure && t2.kind === 'truncated');
  const pad = Buffer.from(buf);
  pad[0] |= 0x20;
  pad[pad.length - 1] = 0;
  const p0 = parseRtp(pad);
  assert.ok(p0 instanceof ParseFailure && p0.kind === 'malformed');
  const big = parseRtp(Buffer.alloc(20000, 0x80));
  assert.ok(big instanceof ParseFailure && big.kind === 'too-large');
});

test('writeRtpHeader wraps sequence and timestamp and refuses a short buffer', () => {
  const buf = Buffer.alloc(12);
  assert.equal(writeRtpHeader(buf, 0, { marker: false, payloadType: 0, sequenceNumber: 65536 + 5, timestamp: 2 ** 32 + 9, ssrc: -1 }), 12);
  assert.equal(buf.readUInt16BE(2), 5);
  assert.equal(buf.readUInt32BE(4), 9);
  assert.equal(buf.readUInt32BE(8), 0xffffffff);
  assert.throws(() => writeRtpHeader(Buffer.alloc(11), 0, { marker: false, payloadType: 0, sequenceNumber: 0, timestamp: 0, ssrc: 0 }), RangeError);
});

test('property: arbitrary bytes never make parseRtp throw', () => {
  const out = new RtpPacket();
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
      const r = parseRtp(Buffer.from(bytes), out);
      if (r instanceof RtpPacket) {
        assert.ok(r.payloadOffset + r.payloadLength <= bytes.length);
        forEachHeaderExtension(r, () => {});
      }
    }),
    { numRuns: 3000 },
  );
});

test('property: build then parse gives back every field', () => {
  fc.assert(
    fc.property(
      fc.record({
        marker: fc.boolean(), payloadType: fc.integer({ min: 0, max: 127 }), sequenceNumber: fc.integer({ min: 0, max: 65535 }),
        timestamp: fc.integer({ min: 0, max: 0xffffffff }), ssrc: fc.integer({ min: 0, max: 0xffffffff }),
        csrc: fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 15 }),
        ext: fc.option(fc.uint8Array({ maxLength: 40 }).map((a) => a.subarray(0, a.length & ~3))),
        payload: fc.uint8Array({ maxLength: 200 }), pad: fc.integer({ min: 0, max: 255 }),
      }),
      (f) => {
        const p = new RtpPacket();
        Object.assign(p, { marker: f.marker, payloadType: f.payloadType, sequenceNumber: f.sequenceNumber, timestamp: f.timestamp, ssrc: f.ssrc });
        p.csrcCount = f.csrc.length;
        p.csrc.set(f.csrc);
        const ext = Buffer.from(f.ext ?? []);
        const backing = Buffer.concat([ext, Buffer.from(f.payload)]);
        p.buffer = backing;
        p.extension = f.ext !== null;
        p.extensionProfile = 0x1234;
        p.extensionOffset = 0;
        p.extensionLength = ext.length;
        p.payloadOffset = ext.length;
        p.payloadLength = f.payload.length;
        p.padding = f.pad > 0;
        p.paddingLength = f.pad;
        const buf = Buffer.alloc(p.size());
        assert.equal(p.writeTo(buf, 0), buf.length);
        const q = parseRtp(buf);
        assert.ok(q instanceof RtpPacket);
        assert.equal(q.marker, f.marker);
        assert.equal(q.payloadType, f.payloadType);
        assert.equal(q.sequenceNumber, f.sequenceNumber);
        assert.equal(q.timestamp, f.timestamp);
        assert.equal(q.ssrc, f.ssrc);
        assert.deepEqual([...q.csrc.subarray(0, q.csrcCount)], f.csrc);
        assert.equal(q.extension, f.ext !== null);
        if (q.extension) assert.deepEqual([...q.extensionData], [...ext]);
        assert.deepEqual([...q.payload], [...f.payload]);
      },
    ),
    { numRuns: 500 },
  );
});
