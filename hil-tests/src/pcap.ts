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
  /** Keys pressed during the tone, as RFC 4733 events in place of the audio (e.g. `{ atMs: 500, digits: '*41' }`); 200 ms per key. */
  keys?: Array<{ atMs: number; digits: string }>;
  /** Payload type of the events; 101 by default (what the scenarios offer). */
  telephoneEventPt?: number;
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
const PT_TELEPHONE_EVENT = 101;

/**
 * Returns a libpcap file holding a G.711 RTP stream (µ-law unless `law: 'pcma'`) of a sine tone,
 * ready for `play_pcap_audio`; with `keys`, RFC 4733 digits replace the audio where they fall.
 */
export function buildToneRtpPcap(opts: TonePcapOptions = {}): Buffer {
  const freq = opts.frequencyHz ?? 1000;
  const frames = Math.floor((opts.durationMs ?? 2000) / 20);
  const amplitude = (opts.amplitude ?? 0.5) * 32767;
  const ssrc = (opts.ssrc ?? 0x484f544c) >>> 0; // "HOTL"
  const alaw = opts.law === 'pcma';
  const pt = alaw ? PT_PCMA : PT_PCMU;
  // media's table encoder indexes by the 16-bit pattern, so it takes whole samples only.
  const encode = alaw ? (x: number) => linearToAlaw(Math.round(x)) : (x: number) => linearToUlaw(Math.round(x));
  const events = keyFrames(opts.keys ?? []);
  const packets: RtpFrame[] = [];
  for (let f = 0; f < frames; f++) {
    const ev = events.get(f);
    if (ev) {
      // RFC 4733 §2.3: event, E bit + volume, duration so far; the timestamp is the event's start.
      const payload = Buffer.from([ev.event, (ev.end ? 0x80 : 0) | EVENT_VOLUME, 0, 0]);
      payload.writeUInt16BE(ev.duration, 2);
      packets.push({ usec: f * 20_000, marker: ev.first, pt: opts.telephoneEventPt ?? PT_TELEPHONE_EVENT, seq: f, ts: ev.startFrame * FRAME_SAMPLES, ssrc, payload });
      continue;
    }
    const payload = Buffer.alloc(FRAME_SAMPLES);
    for (let i = 0; i < FRAME_SAMPLES; i++) {
      const n = f * FRAME_SAMPLES + i;
      payload[i] = encode(amplitude * Math.sin((2 * Math.PI * freq * n) / SAMPLE_RATE));
    }
    // RFC 3550 §5.1: marker on the first packet of a talkspurt.
    packets.push({ usec: f * 20_000, marker: f === 0, pt, seq: f, ts: f * FRAME_SAMPLES, ssrc, payload });
  }
  return writeRtpPcap(packets);
}

/** One RTP packet of a capture. */
interface RtpFrame { usec: number; marker: boolean; pt: number; seq: number; ts: number; ssrc: number; payload: Buffer }

/** RFC 4733 event codes of the keys (§3.2): 0-9, * = 10, # = 11. */
const EVENT_CODES: Record<string, number> = { '*': 10, '#': 11, ...Object.fromEntries([...'0123456789'].map((d) => [d, Number(d)])) };
/** Volume field of the events: -10 dBm0, a typical phone's. */
const EVENT_VOLUME = 10;
/** A key: 4 packets while it is held (100 ms of duration in all), then the end packet sent 3 times (RFC 4733 §2.5.1.4), then 60 ms of voice. */
const KEY_FRAMES = 7;
const KEY_PITCH_MS = 200;

/** Which 20 ms frames carry which event packet. */
function keyFrames(keys: Array<{ atMs: number; digits: string }>): Map<number, { event: number; end: boolean; duration: number; first: boolean; startFrame: number }> {
  const out = new Map<number, { event: number; end: boolean; duration: number; first: boolean; startFrame: number }>();
  for (const k of keys) {
    [...k.digits].forEach((d, i) => {
      const event = EVENT_CODES[d];
      if (event === undefined) throw new RangeError(`no RFC 4733 event for key ${d}`);
      const startFrame = Math.round((k.atMs + i * KEY_PITCH_MS) / 20);
      for (let j = 0; j < KEY_FRAMES; j++) {
        const end = j >= 4;
        out.set(startFrame + j, { event, end, duration: (end ? 5 : j + 1) * FRAME_SAMPLES, first: j === 0, startFrame });
      }
    });
  }
  return out;
}

/** Writes RTP packets as a libpcap file (Ethernet/IPv4/UDP 127.0.0.1:6000 → 127.0.0.1:6000). */
function writeRtpPcap(packets: RtpFrame[]): Buffer {
  const size = packets.reduce((n, p) => n + PCAP_RECORD_HEADER + ETH_HEADER + IPV4_HEADER + UDP_HEADER + RTP_HEADER + p.payload.length, PCAP_GLOBAL_HEADER);
  const out = Buffer.alloc(size);
  let o = 0;
  o = out.writeUInt32LE(0xa1b2c3d4, o); // magic: microsecond timestamps
  o = out.writeUInt16LE(2, o); // version 2.4
  o = out.writeUInt16LE(4, o);
  o = out.writeInt32LE(0, o); // thiszone
  o = out.writeUInt32LE(0, o); // sigfigs
  o = out.writeUInt32LE(65535, o); // snaplen
  o = out.writeUInt32LE(1, o); // LINKTYPE_ETHERNET

  for (const p of packets) {
    const udpLen = UDP_HEADER + RTP_HEADER + p.payload.length;
    const ipLen = IPV4_HEADER + udpLen;
    const frameLen = ETH_HEADER + ipLen;
    o = out.writeUInt32LE(Math.floor(p.usec / 1e6), o);
    o = out.writeUInt32LE(p.usec % 1e6, o);
    o = out.writeUInt32LE(frameLen, o);
    o = out.writeUInt32LE(frameLen, o);
    // Ethernet: zero MACs, EtherType IPv4.
    o += 12;
    o = out.writeUInt16BE(0x0800, o);
    // IPv4, 127.0.0.1 → 127.0.0.1; the header checksum is computed below.
    const ip = o;
    out[o] = 0x45;
    out.writeUInt16BE(ipLen, o + 2);
    out.writeUInt16BE(p.seq & 0xffff, o + 4);
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
    // RTP header, RFC 3550 §5.1: V=2.
    out[o] = 0x80;
    out[o + 1] = (p.marker ? 0x80 : 0) | p.pt;
    out.writeUInt16BE(p.seq & 0xffff, o + 2);
    out.writeUInt32BE(p.ts >>> 0, o + 4);
    out.writeUInt32BE(p.ssrc, o + 8);
    o += RTP_HEADER;
    o += p.payload.copy(out, o);
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
