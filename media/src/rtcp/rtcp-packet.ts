// RTCP packets of RFC 3550 §6.4–6.6 and compound packets (§6.1, Appendix A.2).
// RTCP is sent every few seconds per call, so these parsers return fresh objects;
// only RTP (20 ms) is treated as the allocation-free hot path.
import { ParseFailure } from '../rtp/parse-failure.ts';

/** RTCP packet type of a sender report (§6.4.1). */
export const RTCP_SR = 200;
/** RTCP packet type of a receiver report (§6.4.2). */
export const RTCP_RR = 201;
/** RTCP packet type of source description (§6.5). */
export const RTCP_SDES = 202;
/** RTCP packet type of goodbye (§6.6). */
export const RTCP_BYE = 203;
/** SDES item type CNAME (§6.5.1). */
export const SDES_CNAME = 1;
/** Largest compound packet accepted. */
export const RTCP_MAX_COMPOUND_BYTES = 1500 * 4;

const HEADER = 4;
const REPORT_BLOCK = 24;
const MAX_COUNT = 31; // the 5-bit RC/SC field

/** One reception report block (§6.4.1), about one source we receive. */
export interface ReportBlock {
  /** SSRC of the source this block reports on. */
  ssrc: number;
  /** Fraction lost since the previous report, 8-bit fixed point (lost/expected × 256). */
  fractionLost: number;
  /** Cumulative packets lost, 24-bit signed. */
  cumulativeLost: number;
  /** Extended highest sequence number received. */
  extendedHighestSeq: number;
  /** Interarrival jitter in timestamp units. */
  jitter: number;
  /** Middle 32 bits of the NTP time of the last SR from that source, or 0. */
  lsr: number;
  /** Delay since that SR in 1/65536 s, or 0. */
  dlsr: number;
}

/** Sender report (PT 200). */
export interface SenderReport {
  /** Discriminator. */
  type: 'sr';
  /** Sender's SSRC. */
  ssrc: number;
  /** NTP timestamp, most significant word. */
  ntpSeconds: number;
  /** NTP timestamp, least significant word. */
  ntpFraction: number;
  /** RTP timestamp of the same instant. */
  rtpTimestamp: number;
  /** Sender's packet count. */
  packetCount: number;
  /** Sender's payload octet count. */
  octetCount: number;
  /** Report blocks about sources the sender receives. */
  reports: ReportBlock[];
}

/** Receiver report (PT 201). */
export interface ReceiverReport {
  /** Discriminator. */
  type: 'rr';
  /** Reporter's SSRC. */
  ssrc: number;
  /** Report blocks. */
  reports: ReportBlock[];
}

/** One SDES item (§6.5): type and UTF-8 text. */
export interface SdesItem {
  /** Item type (1 = CNAME, 2 = NAME, ...). */
  type: number;
  /** Item text. */
  value: string;
}

/** Source description (PT 202). */
export interface SourceDescription {
  /** Discriminator. */
  type: 'sdes';
  /** One chunk per source. */
  chunks: { ssrc: number; items: SdesItem[] }[];
}

/** Goodbye (PT 203). */
export interface Goodbye {
  /** Discriminator. */
  type: 'bye';
  /** Sources leaving. */
  sources: number[];
  /** Optional reason text. */
  reason?: string;
}

/** Any other RTCP packet (APP, feedback, XR), kept raw. */
export interface OtherRtcp {
  /** Discriminator. */
  type: 'other';
  /** RTCP packet type. */
  packetType: number;
  /** The 5-bit count/subtype field. */
  count: number;
  /** Body after the 4-byte common header, padding excluded. */
  body: Buffer;
}

/** Any RTCP packet in a compound. */
export type RtcpPacket = SenderReport | ReceiverReport | SourceDescription | Goodbye | OtherRtcp;

/*
 * Common header of every RTCP packet (§6.4.1):
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|  RC/SC  |      PT       |     length (words − 1)        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * SR body: SSRC, NTP ts (2 words), RTP ts, packet count, octet count, then RC
 * report blocks; RR body: SSRC then RC report blocks. A report block:
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 SSRC_n (SSRC of source n)                     |
 * | fraction lost |       cumulative number of packets lost       |
 * |           extended highest sequence number received           |
 * |                      interarrival jitter                      |
 * |                         last SR (LSR)                         |
 * |                   delay since last SR (DLSR)                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * SDES body: SC chunks of SSRC + items (type, length, text) ended by a null
 * octet and padded to a word. BYE body: SC SSRCs, then optional length + reason.
 */

const TRUNC = new ParseFailure('truncated', 'RTCP packet length runs past the end of the datagram');
const TRUNC_HDR = new ParseFailure('truncated', 'shorter than an RTCP common header');
const BAD_VERSION = new ParseFailure('malformed', 'RTCP version is not 2');
const BAD_PADDING = new ParseFailure('malformed', 'RTCP padding on a packet that is not last, or larger than the packet');
const BAD_LENGTH = new ParseFailure('malformed', 'RTCP length too small for its report/source count');
const BAD_SDES = new ParseFailure('malformed', 'SDES chunk items overrun the packet');
const BAD_BYE = new ParseFailure('malformed', 'BYE reason overruns the packet');
const TOO_LARGE = new ParseFailure('too-large', 'larger than RTCP_MAX_COMPOUND_BYTES');
const EMPTY = new ParseFailure('truncated', 'empty RTCP datagram');

function readBlocks(buf: Buffer, o: number, n: number): ReportBlock[] {
  const out: ReportBlock[] = [];
  for (let i = 0; i < n; i++, o += REPORT_BLOCK) {
    out.push({
      ssrc: buf.readUInt32BE(o),
      fractionLost: buf[o + 4]!,
      cumulativeLost: (buf.readUInt32BE(o + 4) << 8) >> 8, // sign-extend 24 bits
      extendedHighestSeq: buf.readUInt32BE(o + 8),
      jitter: buf.readUInt32BE(o + 12),
      lsr: buf.readUInt32BE(o + 16),
      dlsr: buf.readUInt32BE(o + 20),
    });
  }
  return out;
}

function parseOne(buf: Buffer, o: number, end: number, pt: number, count: number): RtcpPacket | ParseFailure {
  const len = end - o;
  switch (pt) {
    case RTCP_SR: {
      if (len < 24 + count * REPORT_BLOCK) return BAD_LENGTH;
      return {
        type: 'sr', ssrc: buf.readUInt32BE(o), ntpSeconds: buf.readUInt32BE(o + 4), ntpFraction: buf.readUInt32BE(o + 8),
        rtpTimestamp: buf.readUInt32BE(o + 12), packetCount: buf.readUInt32BE(o + 16), octetCount: buf.readUInt32BE(o + 20),
        reports: readBlocks(buf, o + 24, count),
      };
    }
    case RTCP_RR: {
      if (len < 4 + count * REPORT_BLOCK) return BAD_LENGTH;
      return { type: 'rr', ssrc: buf.readUInt32BE(o), reports: readBlocks(buf, o + 4, count) };
    }
    case RTCP_SDES: {
      const chunks: SourceDescription['chunks'] = [];
      let p = o;
      for (let c = 0; c < count; c++) {
        if (p + 4 > end) return BAD_SDES;
        const ssrc = buf.readUInt32BE(p);
        p += 4;
        const items: SdesItem[] = [];
        for (;;) {
          if (p >= end) return BAD_SDES;
          const t = buf[p]!;
          if (t === 0) {
            p = (p + 4) & ~3; // null item ends the chunk; skip to the next word boundary (§6.5)
            break;
          }
          if (p + 2 > end) return BAD_SDES;
          const l = buf[p + 1]!;
          if (p + 2 + l > end) return BAD_SDES;
          items.push({ type: t, value: buf.toString('utf8', p + 2, p + 2 + l) });
          p += 2 + l;
        }
        chunks.push({ ssrc, items });
      }
      if (p > end) return BAD_SDES;
      return { type: 'sdes', chunks };
    }
    case RTCP_BYE: {
      if (len < count * 4) return BAD_LENGTH;
      const sources: number[] = [];
      for (let i = 0; i < count; i++) sources.push(buf.readUInt32BE(o + 4 * i));
      const p = o + count * 4;
      const bye: Goodbye = { type: 'bye', sources };
      if (p < end) {
        const l = buf[p]!;
        if (p + 1 + l > end) return BAD_BYE;
        if (l > 0) bye.reason = buf.toString('utf8', p + 1, p + 1 + l);
      }
      return bye;
    }
    default:
      return { type: 'other', packetType: pt, count, body: buf.subarray(o, end) };
  }
}

/**
 * Parses a compound RTCP datagram into its packets. Checks version, that each
 * length stays inside the datagram and that only the last packet carries padding
 * (A.2). Never throws. Does not insist on SR/RR first, so reduced-size RTCP
 * (RFC 5506) from some phones is still read.
 */
export function parseRtcpCompound(buf: Buffer): RtcpPacket[] | ParseFailure {
  if (buf.length > RTCP_MAX_COMPOUND_BYTES) return TOO_LARGE;
  if (buf.length === 0) return EMPTY;
  const packets: RtcpPacket[] = [];
  let o = 0;
  while (o < buf.length) {
    if (o + HEADER > buf.length) return TRUNC_HDR;
    const b0 = buf[o]!;
    if (b0 >> 6 !== 2) return BAD_VERSION;
    const count = b0 & 0x1f;
    const pt = buf[o + 1]!;
    const total = (buf.readUInt16BE(o + 2) + 1) * 4;
    if (o + total > buf.length) return TRUNC;
    let end = o + total;
    if (b0 & 0x20) {
      if (end !== buf.length) return BAD_PADDING;
      const pad = buf[end - 1]!;
      if (pad === 0 || pad > total - HEADER) return BAD_PADDING;
      end -= pad;
    }
    const p = parseOne(buf, o + HEADER, end, pt, count);
    if (p instanceof ParseFailure) return p;
    packets.push(p);
    o += total;
  }
  return packets;
}

function sdesBodySize(p: SourceDescription): number {
  let n = 0;
  for (const c of p.chunks) {
    let l = 4;
    for (const it of c.items) l += 2 + Buffer.byteLength(it.value);
    l += 1; // terminating null item
    n += (l + 3) & ~3;
  }
  return n;
}

/** Bytes {@link writeRtcp} writes for `p` (always a multiple of 4). */
export function rtcpSize(p: RtcpPacket): number {
  switch (p.type) {
    case 'sr': return HEADER + 24 + p.reports.length * REPORT_BLOCK;
    case 'rr': return HEADER + 4 + p.reports.length * REPORT_BLOCK;
    case 'sdes': return HEADER + sdesBodySize(p);
    case 'bye': {
      const r = p.reason === undefined ? 0 : (1 + Buffer.byteLength(p.reason) + 3) & ~3;
      return HEADER + 4 * p.sources.length + r;
    }
    case 'other': return HEADER + ((p.body.length + 3) & ~3);
  }
}

function countOf(p: RtcpPacket): number {
  switch (p.type) {
    case 'sr': case 'rr': return p.reports.length;
    case 'sdes': return p.chunks.length;
    case 'bye': return p.sources.length;
    case 'other': return p.count;
  }
}
const PT: Record<RtcpPacket['type'], number> = { sr: RTCP_SR, rr: RTCP_RR, sdes: RTCP_SDES, bye: RTCP_BYE, other: 0 };

function writeBlocks(buf: Buffer, o: number, blocks: ReportBlock[]): void {
  for (const b of blocks) {
    buf.writeUInt32BE(b.ssrc >>> 0, o);
    buf.writeUInt32BE((((b.fractionLost & 0xff) << 24) | (b.cumulativeLost & 0xffffff)) >>> 0, o + 4);
    buf.writeUInt32BE(b.extendedHighestSeq >>> 0, o + 8);
    buf.writeUInt32BE(b.jitter >>> 0, o + 12);
    buf.writeUInt32BE(b.lsr >>> 0, o + 16);
    buf.writeUInt32BE(b.dlsr >>> 0, o + 20);
    o += REPORT_BLOCK;
  }
}

/** Serialises one RTCP packet at `offset`; returns bytes written. Throws RangeError on misuse. */
export function writeRtcp(p: RtcpPacket, buf: Buffer, offset: number): number {
  const size = rtcpSize(p);
  const count = countOf(p);
  if (count > MAX_COUNT) throw new RangeError(`RTCP ${p.type} holds at most 31 entries, got ${count}`);
  if (offset < 0 || offset + size > buf.length) throw new RangeError(`writeRtcp needs ${size} bytes at ${offset}`);
  buf.fill(0, offset, offset + size);
  buf[offset] = 0x80 | count;
  buf[offset + 1] = p.type === 'other' ? p.packetType : PT[p.type];
  buf.writeUInt16BE(size / 4 - 1, offset + 2);
  let o = offset + HEADER;
  switch (p.type) {
    case 'sr':
      buf.writeUInt32BE(p.ssrc >>> 0, o);
      buf.writeUInt32BE(p.ntpSeconds >>> 0, o + 4);
      buf.writeUInt32BE(p.ntpFraction >>> 0, o + 8);
      buf.writeUInt32BE(p.rtpTimestamp >>> 0, o + 12);
      buf.writeUInt32BE(p.packetCount >>> 0, o + 16);
      buf.writeUInt32BE(p.octetCount >>> 0, o + 20);
      writeBlocks(buf, o + 24, p.reports);
      break;
    case 'rr':
      buf.writeUInt32BE(p.ssrc >>> 0, o);
      writeBlocks(buf, o + 4, p.reports);
      break;
    case 'sdes':
      for (const c of p.chunks) {
        const start = o;
        buf.writeUInt32BE(c.ssrc >>> 0, o);
        o += 4;
        for (const it of c.items) {
          const l = Buffer.byteLength(it.value);
          if (l > 255) throw new RangeError('SDES item text is limited to 255 bytes (§6.5)');
          buf[o] = it.type;
          buf[o + 1] = l;
          buf.write(it.value, o + 2, 'utf8');
          o += 2 + l;
        }
        o += 1; // null item (already zero)
        o = start + ((o - start + 3) & ~3);
      }
      break;
    case 'bye':
      for (const s of p.sources) { buf.writeUInt32BE(s >>> 0, o); o += 4; }
      if (p.reason !== undefined) {
        const l = Buffer.byteLength(p.reason);
        if (l > 255) throw new RangeError('BYE reason is limited to 255 bytes (§6.6)');
        buf[o] = l;
        buf.write(p.reason, o + 1, 'utf8');
      }
      break;
    case 'other':
      p.body.copy(buf, o);
      break;
  }
  return size;
}

/** Builds a compound RTCP datagram from packets, in the given order (put SR/RR first, §6.1). */
export function buildRtcpCompound(packets: RtcpPacket[]): Buffer {
  let n = 0;
  for (const p of packets) n += rtcpSize(p);
  const buf = Buffer.alloc(n);
  let o = 0;
  for (const p of packets) o += writeRtcp(p, buf, o);
  return buf;
}
