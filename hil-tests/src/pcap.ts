// Builds the small G.711 µ-law RTP capture that sipp's `play_pcap_audio` streams.
// Debian's sip-tester ships only an A-law sample, and a generated file keeps the
// test's audio known: a 1 kHz tone, PCMU (payload type 0, RFC 3551 §6), 20 ms frames.
//
// Layout of the file (libpcap format, microsecond timestamps, little-endian):
//   global header (24 bytes) | per packet: record header (16) + Ethernet (14) +
//   IPv4 (20) + UDP (8) + RTP (12) + 160 bytes of µ-law.
// sipp reads only the UDP payload and the timestamps; addresses are placeholders.

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

/** Encodes one 16-bit linear sample as G.711 µ-law (ITU-T G.711, the classic bias-and-segment form). */
export function linearToUlaw(sample: number): number {
  const BIAS = 0x84;
  const CLIP = 32635;
  let s = Math.max(-32768, Math.min(32767, Math.round(sample)));
  const sign = s < 0 ? 0x80 : 0;
  if (s < 0) s = -s;
  if (s > CLIP) s = CLIP;
  s += BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** Returns a libpcap file holding a µ-law RTP stream of a sine tone, ready for `play_pcap_audio`. */
export function buildToneRtpPcap(opts: TonePcapOptions = {}): Buffer {
  const freq = opts.frequencyHz ?? 1000;
  const frames = Math.floor((opts.durationMs ?? 2000) / 20);
  const amplitude = (opts.amplitude ?? 0.5) * 32767;
  const ssrc = (opts.ssrc ?? 0x484f544c) >>> 0; // "HOTL"
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
    out[o + 1] = (f === 0 ? 0x80 : 0) | PT_PCMU;
    out.writeUInt16BE(f & 0xffff, o + 2);
    out.writeUInt32BE((f * FRAME_SAMPLES) >>> 0, o + 4);
    out.writeUInt32BE(ssrc, o + 8);
    o += RTP_HEADER;
    for (let i = 0; i < FRAME_SAMPLES; i++) {
      const n = f * FRAME_SAMPLES + i;
      out[o + i] = linearToUlaw(amplitude * Math.sin((2 * Math.PI * freq * n) / SAMPLE_RATE));
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
