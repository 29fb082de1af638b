// Builds the small G.711 µ-law RTP capture that sipp's `play_pcap_audio` streams.
// Debian's sip-tester ships only an A-law sample, and a generated file keeps the
// test's audio known: a 1 kHz tone, PCMU (payload type 0, RFC 3551 §6), 20 ms frames.
// An A-law variant (PCMA, payload type 8) feeds the transcoding tests.
//
// Layout of the file (libpcap format, microsecond timestamps, little-endian):
//   global header (24 bytes) | per packet: record header (16) + Ethernet (14) +
//   IPv4 (20) + UDP (8) + RTP (12) + 160 bytes of µ-law.
// sipp reads only the UDP payload and the timestamps; addresses are placeholders.
import { linearToAlaw, linearToUlaw } from '@hotline/media';

// Re-exported for the harness tests: the encoders are media's, not a copy of them.
export { linearToUlaw };

/** Options for {@link buildToneRtpPcap}. */
export interface TonePcapOptions {
  /** Tone frequency in Hz; 1000 by default. */
  frequencyHz?: number;
  /** Length of the capture in milliseconds (rounded down to 20 ms frames); 2000 by default. */
  durationMs?: number;
  /** Peak amplitude as a fraction of full scale; 0.5 by default (about -6 dBFS). */
  amplitude?: number;
  /** RTP SSRC written in every packet. */
  ssrc?: number;
  /**
   * G.711 law of the payload: `pcmu` (payload type 0, the default) or `pcma`
   * (payload type 8). sipp sends the RTP header as captured, so the payload type
   * in the file is the one the far end sees (RFC 3551 §6 static assignments).
   */
  law?: 'pcmu' | 'pcma';
}

const SAMPLE_RATE = 8000;
const FRAME_SAMPLES = 160; // 20 ms at 8 kHz, the RFC 3551 §4.5 default packetization
const PCAP_GLOBAL_HEADER = 24;
const PCAP_RECORD_HEADER = 16;
const ETH_HEADER = 14;
const IPV4_HEADER = 20;
const UDP_HEADER = 8;
const RTP_HEADER = 12;
const PT_PCMU = 0;
const PT_PCMA = 8;

/** Returns a libpcap file holding a G.711 RTP stream (µ-law unless `law: 'pcma'`) of a sine tone, ready for `play_pcap_audio`. */
export function buildToneRtpPcap(opts: TonePcapOptions = {}): Buffer {
  const freq = opts.frequencyHz ?? 1000;
  const frames = Math.floor((opts.durationMs ?? 2000) / 20);
  const amplitude = (opts.amplitude ?? 0.5) * 32767;
  const ssrc = (opts.ssrc ?? 0x484f544c) >>> 0; // "HOTL"
  const alaw = opts.law === 'pcma';
  const pt = alaw ? PT_PCMA : PT_PCMU;
  // media's table encoder indexes by the 16-bit pattern, so it takes whole samples only.
  const encode = alaw ? (x: number) => linearToAlaw(Math.round(x)) : (x: number) => linearToUlaw(Math.round(x));
  const payloadLen = FRAME_SAMPLES;
  const udpLen = UDP_HEADER + RTP_HEADER + payloadLen;
  const ipLen = IPV4_HEADER + udpLen;
  const frameLen = ETH_HEADER + ipLen;
  const out = Buffer.alloc(PCAP_GLOBAL_HEADER + frames * (PCAP_RECORD_HEADER + frameLen));

  let o = 0;
  o = out.writeUInt32LE(0xa1b2c3d4, o); // magic: microsecond timestamps
  o = out.writeUInt16LE(2, o); // version 2.4
  o = out.writeUInt16LE(4, o);
  o = out.writeInt32LE(0, o); // thiszone
  o = out.writeUInt32LE(0, o); // sigfigs
  o = out.writeUInt32LE(65535, o); // snaplen
  o = out.writeUInt32LE(1, o); // LINKTYPE_ETHERNET

  for (let f = 0; f < frames; f++) {
    const usec = f * 20_000;
    o = out.writeUInt32LE(Math.floor(usec / 1e6), o);
    o = out.writeUInt32LE(usec % 1e6, o);
    o = out.writeUInt32LE(frameLen, o);
    o = out.writeUInt32LE(frameLen, o);
    // Ethernet: zero MACs, EtherType IPv4.
    o += 12;
    o = out.writeUInt16BE(0x0800, o);
    // IPv4, 127.0.0.1 → 127.0.0.1; the header checksum is computed below.
    const ip = o;
    out[o] = 0x45;
    out.writeUInt16BE(ipLen, o + 2);
    out.writeUInt16BE(f & 0xffff, o + 4);
    out[o + 8] = 64; // TTL
    out[o + 9] = 17; // UDP
    out.writeUInt32BE(0x7f000001, o + 12);
    out.writeUInt32BE(0x7f000001, o + 16);
    out.writeUInt16BE(ipv4Checksum(out.subarray(ip, ip + IPV4_HEADER)), ip + 10);
    o += IPV4_HEADER;
    // UDP 6000 → 6000, checksum 0 (optional over IPv4, RFC 768).
    o = out.writeUInt16BE(6000, o);
    o = out.writeUInt16BE(6000, o);
    o = out.writeUInt16BE(udpLen, o);
    o = out.writeUInt16BE(0, o);
    // RTP header, RFC 3550 §5.1: V=2, marker on the first packet of the talkspurt.
    out[o] = 0x80;
    out[o + 1] = (f === 0 ? 0x80 : 0) | pt;
    out.writeUInt16BE(f & 0xffff, o + 2);
    out.writeUInt32BE((f * FRAME_SAMPLES) >>> 0, o + 4);
    out.writeUInt32BE(ssrc, o + 8);
    o += RTP_HEADER;
    for (let i = 0; i < FRAME_SAMPLES; i++) {
      const n = f * FRAME_SAMPLES + i;
      out[o + i] = encode(amplitude * Math.sin((2 * Math.PI * freq * n) / SAMPLE_RATE));
    }
    o += payloadLen;
  }
  return out;
}

/** RFC 791 header checksum: one's complement of the one's complement sum of 16-bit words. */
function ipv4Checksum(header: Buffer): number {
  let sum = 0;
  for (let i = 0; i < header.length; i += 2) sum += header.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** One UDP datagram read back from a capture. */
export interface PcapDatagram {
  /** Capture time in ms since the first record. */
  readonly atMs: number;
  /** The UDP payload (a view into the file). */
  readonly payload: Buffer;
}

/**
 * Reads the UDP payloads of a libpcap capture (microsecond or nanosecond magic,
 * either byte order; Ethernet or Linux cooked link layer; IPv4), the way sipp's
 * `play_pcap_audio` does, so tests can check a capture before sipp plays it.
 * Records of other protocols are skipped; a truncated record ends the read.
 */
export function readPcapUdpPayloads(file: Buffer): PcapDatagram[] {
  if (file.length < PCAP_GLOBAL_HEADER) throw new Error('pcap: shorter than the 24-byte global header');
  const magic = file.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!le && file.readUInt32BE(0) !== 0xa1b2c3d4 && file.readUInt32BE(0) !== 0xa1b23c4d) throw new Error('pcap: unknown magic number');
  const nano = (le ? magic : file.readUInt32BE(0)) === 0xa1b23c4d;
  const u32 = (o: number) => (le ? file.readUInt32LE(o) : file.readUInt32BE(o));
  const link = u32(20);
  // LINKTYPE_ETHERNET (1): 14-byte header; LINKTYPE_LINUX_SLL (113): 16 bytes.
  const linkHeader = link === 1 ? ETH_HEADER : link === 113 ? 16 : -1;
  if (linkHeader < 0) throw new Error(`pcap: link type ${link} not supported`);
  const out: PcapDatagram[] = [];
  let first = -1;
  for (let o = PCAP_GLOBAL_HEADER; o + PCAP_RECORD_HEADER <= file.length;) {
    const t = u32(o) * 1000 + u32(o + 4) / (nano ? 1e6 : 1e3);
    const incl = u32(o + 8);
    const rec = o + PCAP_RECORD_HEADER;
    if (rec + incl > file.length) break;
    o = rec + incl;
    const ip = rec + linkHeader;
    if (incl < linkHeader + IPV4_HEADER + UDP_HEADER || file[ip]! >> 4 !== 4 || file[ip + 9] !== 17) continue;
    const udp = ip + (file[ip]! & 0x0f) * 4;
    const udpLen = file.readUInt16BE(udp + 4);
    const end = Math.min(rec + incl, udp + udpLen);
    if (first < 0) first = t;
    out.push({ atMs: t - first, payload: file.subarray(udp + UDP_HEADER, end) });
  }
  return out;
}

/**
 * A copy of an RTP capture with every packet's sequence number and timestamp moved on by the
 * given amounts (wrapping). sipp's RFC 4733 samples were each captured from the start of a
 * call, so played one after another the later digit would look older than the earlier one
 * (RFC 4733 §2.5.1.1 tells events apart by timestamp); a real phone's clock only goes forward.
 */
export function shiftRtpPcap(file: Buffer, timestampDelta: number, sequenceDelta: number): Buffer {
  const out = Buffer.from(file);
  for (const d of readPcapUdpPayloads(out)) {
    const rtp = d.payload; // a view into `out`
    if (rtp.length < RTP_HEADER) continue;
    rtp.writeUInt16BE((rtp.readUInt16BE(2) + sequenceDelta) & 0xffff, 2);
    rtp.writeUInt32BE((rtp.readUInt32BE(4) + timestampDelta) >>> 0, 4);
    // UDP checksum 0 = none (RFC 768), rather than a stale one; it sits just before the payload.
    out.writeUInt16BE(0, rtp.byteOffset - out.byteOffset - 2);
  }
  return out;
}
