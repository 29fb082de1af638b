// RTP fixed header, CSRC list and header extension (RFC 3550 §5.1, §5.3.1) with the
// RFC 8285 one- and two-byte extension forms recognised but kept raw.
//
// parseRtp() fills a caller-owned RtpPacket: no allocation per packet. The payload,
// CSRC list and extension are described by offsets into the parsed buffer; the
// `payload` getter makes a subarray view only when asked for.
import { ParseFailure } from './parse-failure.ts';
import { copyBytes } from './bytes.ts';

/** RTP version carried in every packet (RFC 3550 §5.1). */
export const RTP_VERSION = 2;
/** Length of the fixed RTP header in bytes. */
export const RTP_HEADER_BYTES = 12;
/** Profile value of an RFC 8285 §4.2 one-byte header extension block. */
export const RTP_EXT_ONE_BYTE_PROFILE = 0xbede;
/** Mask/value of an RFC 8285 §4.3 two-byte header extension block (0x100 + 4 app bits). */
export const RTP_EXT_TWO_BYTE_MASK = 0xfff0;
/** Value of `profile & RTP_EXT_TWO_BYTE_MASK` for a two-byte header extension block. */
export const RTP_EXT_TWO_BYTE_PROFILE = 0x1000;
/** Largest RTP packet accepted: a UDP datagram over Ethernet without fragmentation is far below this. */
export const RTP_MAX_PACKET_BYTES = 1500 * 8;

const MAX_CSRC = 15;
const V_SHIFT = 6;
const P_BIT = 0x20;
const X_BIT = 0x10;
const CC_MASK = 0x0f;
const M_BIT = 0x80;
const PT_MASK = 0x7f;

const TRUNC_HEADER = new ParseFailure('truncated', 'shorter than the 12-byte RTP header');
const TRUNC_CSRC = new ParseFailure('truncated', 'CSRC list runs past the end');
const TRUNC_EXT = new ParseFailure('truncated', 'header extension runs past the end');
const BAD_VERSION = new ParseFailure('malformed', 'RTP version is not 2');
const BAD_PADDING = new ParseFailure('malformed', 'padding count is zero or larger than the payload');
const TOO_LARGE = new ParseFailure('too-large', 'larger than RTP_MAX_PACKET_BYTES');

/** One RTP packet; a reusable target for {@link parseRtp} and a source for {@link RtpPacket.writeTo}. */
export class RtpPacket {
  /** Padding bit (P); when set, `paddingLength` bytes at the end are not payload. */
  padding = false;
  /** Number of padding bytes including the count byte (0 when `padding` is false). */
  paddingLength = 0;
  /** Marker bit (M); for audio, the first packet of a talkspurt (RFC 3551 §4.1). */
  marker = false;
  /** Payload type (PT), 7 bits. */
  payloadType = 0;
  /** Sequence number, 16 bits. */
  sequenceNumber = 0;
  /** Media timestamp, 32 bits unsigned. */
  timestamp = 0;
  /** Synchronization source, 32 bits unsigned. */
  ssrc = 0;
  /** Number of valid entries in `csrc` (CC). */
  csrcCount = 0;
  /** Contributing sources; only the first `csrcCount` are meaningful. Preallocated. */
  readonly csrc = new Uint32Array(MAX_CSRC);
  /** Extension bit (X). */
  extension = false;
  /** The 16-bit "defined by profile" word of the extension (0xBEDE for RFC 8285 one-byte). */
  extensionProfile = 0;
  /** Offset of the extension data (after its 4-byte header) in `buffer`. */
  extensionOffset = 0;
  /** Length of the extension data in bytes (a multiple of 4). */
  extensionLength = 0;
  /** Buffer the packet was parsed from, or that holds the payload to write. */
  buffer: Buffer = EMPTY;
  /** Offset of the payload in `buffer`. */
  payloadOffset = 0;
  /** Length of the payload in bytes, padding excluded. */
  payloadLength = 0;

  /** A subarray view of the payload (allocates a view; hot paths use the offsets). */
  get payload(): Buffer {
    return this.buffer.subarray(this.payloadOffset, this.payloadOffset + this.payloadLength);
  }

  /** A subarray view of the raw extension data (RFC 8285 elements are not split). */
  get extensionData(): Buffer {
    return this.buffer.subarray(this.extensionOffset, this.extensionOffset + this.extensionLength);
  }

  /** Points the payload at `buf[offset, offset+length)`, for building packets. */
  setPayload(buf: Buffer, offset = 0, length = buf.length - offset): this {
    this.buffer = buf;
    this.payloadOffset = offset;
    this.payloadLength = length;
    return this;
  }

  /** Bytes that {@link writeTo} writes: header, CSRCs, extension, payload and padding. */
  size(): number {
    return (
      RTP_HEADER_BYTES +
      4 * this.csrcCount +
      (this.extension ? 4 + this.extensionLength : 0) +
      this.payloadLength +
      (this.padding ? this.paddingLength : 0)
    );
  }

  /** Serialises the whole packet into `buf` at `offset`; returns bytes written. */
  writeTo(buf: Buffer, offset: number): number {
    const need = this.size();
    if (offset < 0 || offset + need > buf.length) throw new RangeError(`RtpPacket.writeTo needs ${need} bytes at ${offset}, buffer has ${buf.length}`);
    if (this.extension && (this.extensionLength & 3) !== 0) throw new RangeError('RTP extension length must be a multiple of 4 (RFC 3550 §5.3.1)');
    if (this.padding && (this.paddingLength < 1 || this.paddingLength > 255)) throw new RangeError('RTP padding length must be 1..255');
    let o = writeRtpHeader(buf, offset, this);
    if (this.extension) {
      buf.writeUInt16BE(this.extensionProfile & 0xffff, o);
      buf.writeUInt16BE(this.extensionLength >>> 2, o + 2);
      copyBytes(this.buffer, this.extensionOffset, buf, o + 4, this.extensionLength);
      o += 4 + this.extensionLength;
    }
    copyBytes(this.buffer, this.payloadOffset, buf, o, this.payloadLength);
    o += this.payloadLength;
    if (this.padding) {
      buf.fill(0, o, o + this.paddingLength - 1);
      buf[o + this.paddingLength - 1] = this.paddingLength;
      o += this.paddingLength;
    }
    return o - offset;
  }
}

const EMPTY = Buffer.alloc(0);

/** Header fields written by {@link writeRtpHeader}; an {@link RtpPacket} satisfies it. */
export interface RtpHeaderFields {
  /** Padding bit. */
  padding?: boolean;
  /** Extension bit; the caller writes the extension block after the header. */
  extension?: boolean;
  /** Marker bit. */
  marker: boolean;
  /** Payload type, 7 bits. */
  payloadType: number;
  /** Sequence number; wrapped to 16 bits. */
  sequenceNumber: number;
  /** Timestamp; wrapped to 32 bits. */
  timestamp: number;
  /** SSRC; wrapped to 32 bits. */
  ssrc: number;
  /** Number of CSRCs to write from `csrc` (0 when absent). */
  csrcCount?: number;
  /** CSRC values. */
  csrc?: ArrayLike<number>;
}

/**
 * Writes the 12-byte fixed header plus the CSRC list at `offset` and returns the
 * bytes written. It allocates nothing, so a relay can rewrite headers in place.
 */
export function writeRtpHeader(buf: Buffer, offset: number, h: RtpHeaderFields): number {
  const cc = h.csrcCount ?? 0;
  if (cc < 0 || cc > MAX_CSRC) throw new RangeError('RTP CSRC count must be 0..15');
  const need = RTP_HEADER_BYTES + 4 * cc;
  if (offset < 0 || offset + need > buf.length) throw new RangeError(`writeRtpHeader needs ${need} bytes at ${offset}`);
  buf[offset] = (RTP_VERSION << V_SHIFT) | (h.padding ? P_BIT : 0) | (h.extension ? X_BIT : 0) | cc;
  buf[offset + 1] = (h.marker ? M_BIT : 0) | (h.payloadType & PT_MASK);
  buf.writeUInt16BE(h.sequenceNumber & 0xffff, offset + 2);
  buf.writeUInt32BE(h.timestamp >>> 0, offset + 4);
  buf.writeUInt32BE(h.ssrc >>> 0, offset + 8);
  for (let i = 0; i < cc; i++) buf.writeUInt32BE(h.csrc![i]! >>> 0, offset + 12 + 4 * i);
  return need;
}

/*
 * RFC 3550 §5.1 fixed header, then §5.3.1 extension:
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           timestamp                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           synchronization source (SSRC) identifier            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |            contributing source (CSRC) identifiers             |
 * |                             ....                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      defined by profile       |           length              |  (if X)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        header extension                       |
 * |                             ....                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    payload ... | padding ... | padding count  |  (if P)
 */
/**
 * Parses one RTP datagram into `out` (reused; a fresh RtpPacket when omitted) and
 * returns it, or returns a shared {@link ParseFailure}. Never throws, never
 * allocates when `out` is given. The packet refers to `buf`; copy what must outlive it.
 */
export function parseRtp(buf: Buffer, out: RtpPacket = new RtpPacket()): RtpPacket | ParseFailure {
  const len = buf.length;
  if (len > RTP_MAX_PACKET_BYTES) return TOO_LARGE;
  if (len < RTP_HEADER_BYTES) return TRUNC_HEADER;
  const b0 = buf[0]!;
  if (b0 >> V_SHIFT !== RTP_VERSION) return BAD_VERSION;
  const cc = b0 & CC_MASK;
  let o = RTP_HEADER_BYTES + 4 * cc;
  if (o > len) return TRUNC_CSRC;
  const b1 = buf[1]!;
  out.marker = (b1 & M_BIT) !== 0;
  out.payloadType = b1 & PT_MASK;
  out.sequenceNumber = buf.readUInt16BE(2);
  out.timestamp = buf.readUInt32BE(4);
  out.ssrc = buf.readUInt32BE(8);
  out.csrcCount = cc;
  for (let i = 0; i < cc; i++) out.csrc[i] = buf.readUInt32BE(RTP_HEADER_BYTES + 4 * i);
  out.extension = (b0 & X_BIT) !== 0;
  if (out.extension) {
    if (o + 4 > len) return TRUNC_EXT;
    out.extensionProfile = buf.readUInt16BE(o);
    const extLen = buf.readUInt16BE(o + 2) * 4; // length counts 32-bit words (§5.3.1)
    o += 4;
    if (o + extLen > len) return TRUNC_EXT;
    out.extensionOffset = o;
    out.extensionLength = extLen;
    o += extLen;
  } else {
    out.extensionProfile = 0;
    out.extensionOffset = 0;
    out.extensionLength = 0;
  }
  let end = len;
  out.padding = (b0 & P_BIT) !== 0;
  if (out.padding) {
    // §5.1: the last octet counts padding octets including itself, so it is ≥ 1.
    const pad = buf[len - 1]!;
    if (pad === 0 || o + pad > len) return BAD_PADDING;
    out.paddingLength = pad;
    end -= pad;
  } else {
    out.paddingLength = 0;
  }
  out.buffer = buf;
  out.payloadOffset = o;
  out.payloadLength = end - o;
  return out;
}

/**
 * Calls `visit(id, offset, length)` for each RFC 8285 element of a one-byte (§4.2)
 * or two-byte (§4.3) extension block in `pkt`; returns false when the block is of
 * another profile or its elements overrun it. Allocates nothing.
 */
export function forEachHeaderExtension(pkt: RtpPacket, visit: (id: number, offset: number, length: number) => void): boolean {
  if (!pkt.extension) return true;
  const buf = pkt.buffer;
  const end = pkt.extensionOffset + pkt.extensionLength;
  let o = pkt.extensionOffset;
  if (pkt.extensionProfile === RTP_EXT_ONE_BYTE_PROFILE) {
    while (o < end) {
      const b = buf[o]!;
      if (b === 0) { o++; continue; } // padding byte (§4.2)
      const id = b >> 4;
      if (id === 15) return true; // reserved id: stop processing (§4.2)
      const l = (b & 0x0f) + 1;
      if (o + 1 + l > end) return false;
      visit(id, o + 1, l);
      o += 1 + l;
    }
    return true;
  }
  if ((pkt.extensionProfile & RTP_EXT_TWO_BYTE_MASK) === RTP_EXT_TWO_BYTE_PROFILE) {
    while (o < end) {
      const id = buf[o]!;
      if (id === 0) { o++; continue; }
      if (o + 2 > end) return false;
      const l = buf[o + 1]!;
      if (o + 2 + l > end) return false;
      visit(id, o + 2, l);
      o += 2 + l;
    }
    return true;
  }
  return false;
}
