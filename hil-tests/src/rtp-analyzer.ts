// Listens on one media port and keeps what a phone would have heard, so an interop
// test can check the audio itself and not only that packets came: payload types
// per packet, G.711 decoded into one growing PCM buffer (with arrival times per
// frame), RFC 4733 events through media's receiver, and the analyses the tests ask
// for (share of energy at a tone, RMS, in-band DTMF digits).
//
// `RtpAnalysis` is the pure part (fed datagrams and arrival times, STYLE.md habit 4);
// `startRtpAnalyzer` is the socket around it. This is test tooling: it favours
// plain code over the relay's no-allocation rules, and keeps every frame in memory
// (a few seconds of audio per test).
import { createSocket, type Socket } from 'node:dgram';
import {
  ALAW_DECODE, DtmfDetector, RtpPacket, TelephoneEventReceiver, ULAW_DECODE, goertzelPower, isParseFailure,
  parseRtp, parseTelephoneEvent, type DtmfDigit, type ReceivedTelephoneEvent,
} from '@hotline/media';

/** 8 kHz: the G.711 and telephone-event clock (RFC 3551 §4.5.14, RFC 4733 §2.1). */
export const ANALYZER_SAMPLE_RATE = 8000;
/** Analysis block: one 20 ms frame, so 1 kHz sits exactly on a bin (8000 / 160 = 50 Hz apart). */
export const ANALYSIS_BLOCK = 160;
/** Static payload types of G.711 (RFC 3551 §6). */
const PT_PCMU = 0;
const PT_PCMA = 8;

/** One received G.711 packet: when it came and where its samples are in {@link RtpAnalysis.pcm}. */
export interface AnalyzedFrame {
  /** Arrival time in ms, from the clock the analysis was fed with. */
  readonly atMs: number;
  /** 0 (PCMU) or 8 (PCMA). */
  readonly payloadType: number;
  readonly ssrc: number;
  readonly sequenceNumber: number;
  /** Index of the frame's first sample in the PCM buffer. */
  readonly sampleStart: number;
  readonly sampleCount: number;
}

/** A frame's level and how much of its energy one frequency holds. */
export interface FrameLevel {
  readonly atMs: number;
  readonly payloadType: number;
  /** Root mean square of the decoded samples (full scale 32767). */
  readonly rms: number;
  /** Share of the frame's energy at the asked frequency, 0..1 (see {@link toneEnergyRatio}). */
  readonly toneRatio: number;
}

/** Packet counts of an analyzer. */
export interface RtpAnalyzerCounts {
  /** Datagrams that parsed as RTP version 2. */
  readonly packets: number;
  /** Datagrams that did not. */
  readonly other: number;
  /** Packets per payload type. */
  readonly byPayloadType: Readonly<Record<number, number>>;
  /** Distinct SSRCs seen. */
  readonly ssrcs: number;
}

/** Options of {@link RtpAnalysis}. */
export interface RtpAnalysisOptions {
  /** Payload type of telephone-event on this port; 101 by default (the PBX offers 101). */
  readonly telephoneEventPt?: number;
}

/**
 * Share of the energy of `pcm[start, end)` that lies at `frequencyHz`, 0..1.
 * Computed per {@link ANALYSIS_BLOCK}-sample block as the Goertzel bin power
 * scaled to the energy a sine at that bin would have (2|X|²/N), summed and divided
 * by the total energy: a pure tone on a bin gives 1, a spread signal little.
 * Blocks keep frame discontinuities (a lost packet, a new stream) from smearing it.
 */
export function toneEnergyRatio(pcm: Int16Array, frequencyHz: number, start = 0, end = pcm.length): number {
  let tone = 0;
  let total = 0;
  for (let b = start; b < end; b += ANALYSIS_BLOCK) {
    const e = Math.min(end, b + ANALYSIS_BLOCK);
    tone += (2 * goertzelPower(pcm, frequencyHz, ANALYZER_SAMPLE_RATE, b, e)) / (e - b);
    for (let i = b; i < e; i++) total += pcm[i]! * pcm[i]!;
  }
  return total === 0 ? 0 : Math.min(1, tone / total);
}

/** Root mean square of `pcm[start, end)`; 0 for an empty range. */
export function pcmRms(pcm: Int16Array, start = 0, end = pcm.length): number {
  if (end <= start) return 0;
  let sum = 0;
  for (let i = start; i < end; i++) sum += pcm[i]! * pcm[i]!;
  return Math.sqrt(sum / (end - start));
}

/** Digits a fresh in-band detector (media's Q.24 `DtmfDetector`) finds in `pcm`, in order. */
export function inbandDtmfDigits(pcm: Int16Array): DtmfDigit[] {
  const det = new DtmfDetector();
  const out: DtmfDigit[] = [];
  for (let i = 0; i < pcm.length; i += ANALYSIS_BLOCK) {
    for (const ev of det.process(pcm.subarray(i, Math.min(pcm.length, i + ANALYSIS_BLOCK)))) if (ev.type === 'begin') out.push(ev.digit);
  }
  return out;
}

/** What arrived on one media port, decoded; feed it with {@link RtpAnalysis.add}. */
export class RtpAnalysis {
  private readonly tePt: number;
  private readonly packet = new RtpPacket();
  private readonly receiver = new TelephoneEventReceiver();
  private readonly ssrcSeen = new Set<number>();
  private readonly byPt: Record<number, number> = {};
  private readonly frameList: AnalyzedFrame[] = [];
  private readonly eventList: ReceivedTelephoneEvent[] = [];
  private samples = new Int16Array(ANALYZER_SAMPLE_RATE * 4);
  private length = 0;
  private packets = 0;
  private other = 0;

  /** Creates an empty analysis. */
  constructor(options: RtpAnalysisOptions = {}) {
    this.tePt = options.telephoneEventPt ?? 101;
  }

  /** Takes one datagram that arrived at `atMs`. Anything that is not RTP v2 is only counted. */
  add(msg: Buffer, atMs: number): void {
    const p = parseRtp(msg, this.packet);
    if (isParseFailure(p)) {
      this.other++;
      return;
    }
    this.packets++;
    this.byPt[p.payloadType] = (this.byPt[p.payloadType] ?? 0) + 1;
    this.ssrcSeen.add(p.ssrc);
    if (p.payloadType === PT_PCMU || p.payloadType === PT_PCMA) {
      const table = p.payloadType === PT_PCMU ? ULAW_DECODE : ALAW_DECODE;
      const n = p.payloadLength;
      this.reserve(n);
      const src = p.buffer;
      for (let i = 0; i < n; i++) this.samples[this.length + i] = table[src[p.payloadOffset + i]!]!;
      this.frameList.push({ atMs, payloadType: p.payloadType, ssrc: p.ssrc, sequenceNumber: p.sequenceNumber, sampleStart: this.length, sampleCount: n });
      this.length += n;
    } else if (p.payloadType === this.tePt && p.payloadLength >= 4) {
      // RFC 4733 §2.3: one 4-byte event block; the receiver dedups the repeated end packets (§2.5.1.4).
      const ev = parseTelephoneEvent(p.buffer, p.payloadOffset);
      const out = this.receiver.receive({ timestamp: p.timestamp, marker: p.marker, event: ev.event, end: ev.end, volume: ev.volume, duration: ev.duration });
      this.eventList.push(...out);
    }
  }

  private reserve(n: number): void {
    if (this.length + n <= this.samples.length) return;
    const next = new Int16Array(Math.max(this.samples.length * 2, this.length + n));
    next.set(this.samples.subarray(0, this.length));
    this.samples = next;
  }

  /** Packet counts so far. */
  counts(): RtpAnalyzerCounts {
    return { packets: this.packets, other: this.other, byPayloadType: { ...this.byPt }, ssrcs: this.ssrcSeen.size };
  }

  /** All decoded G.711 samples in arrival order (a view; it is replaced as the buffer grows). */
  pcm(): Int16Array {
    return this.samples.subarray(0, this.length);
  }

  /** The G.711 frames received, in arrival order. */
  frames(): readonly AnalyzedFrame[] {
    return this.frameList;
  }

  /** Seconds of G.711 audio received. */
  seconds(): number {
    return this.length / ANALYZER_SAMPLE_RATE;
  }

  /** Share of energy at `frequencyHz` over all audio, or over samples [start, end). */
  toneRatio(frequencyHz: number, start = 0, end = this.length): number {
    return toneEnergyRatio(this.pcm(), frequencyHz, start, end);
  }

  /** RMS over all audio, or over samples [start, end). */
  rms(start = 0, end = this.length): number {
    return pcmRms(this.pcm(), start, end);
  }

  /** Level and tone share of every received frame, in arrival order. */
  frameLevels(frequencyHz: number): FrameLevel[] {
    const pcm = this.pcm();
    return this.frameList.map((f) => ({
      atMs: f.atMs, payloadType: f.payloadType,
      rms: pcmRms(pcm, f.sampleStart, f.sampleStart + f.sampleCount),
      toneRatio: toneEnergyRatio(pcm, frequencyHz, f.sampleStart, f.sampleStart + f.sampleCount),
    }));
  }

  /** Seconds of frames whose RMS is at least `minRms` and whose energy is at least `minRatio` at `frequencyHz`. */
  toneSeconds(frequencyHz: number, minRatio = 0.8, minRms = 1000): number {
    let samples = 0;
    const pcm = this.pcm();
    for (const f of this.frameList) {
      const end = f.sampleStart + f.sampleCount;
      if (pcmRms(pcm, f.sampleStart, end) >= minRms && toneEnergyRatio(pcm, frequencyHz, f.sampleStart, end) >= minRatio) samples += f.sampleCount;
    }
    return samples / ANALYZER_SAMPLE_RATE;
  }

  /** Digits found in the decoded audio by media's in-band detector. */
  inbandDigits(): DtmfDigit[] {
    return inbandDtmfDigits(this.pcm());
  }

  /** RFC 4733 begin/end events received, in order. */
  telephoneEvents(): readonly ReceivedTelephoneEvent[] {
    return this.eventList;
  }

  /** Digits of the RFC 4733 events that began (one per digit, retransmissions dropped). */
  eventDigits(): DtmfDigit[] {
    return this.eventList.filter((e) => e.type === 'begin' && e.digit !== null).map((e) => e.digit!);
  }
}

/** A bound analyzer; `stop()` closes the socket, the analysis stays readable. */
export interface RtpAnalyzer {
  /** The UDP port it listens on. */
  readonly port: number;
  /** What arrived so far. */
  readonly analysis: RtpAnalysis;
  /** Closes the socket; safe to call twice. */
  stop(): Promise<void>;
}

/** Options of {@link startRtpAnalyzer}. */
export interface StartRtpAnalyzerOptions extends RtpAnalysisOptions {
  /** Arrival clock in ms; `performance.now` by default. */
  readonly now?: () => number;
}

/** Binds UDP `port` (0 = any) at `address` and analyses the RTP that reaches it. */
export async function startRtpAnalyzer(port = 0, address = '127.0.0.1', options: StartRtpAnalyzerOptions = {}): Promise<RtpAnalyzer> {
  const analysis = new RtpAnalysis(options);
  const now = options.now ?? (() => performance.now());
  const sock: Socket = createSocket('udp4');
  sock.on('message', (msg) => analysis.add(msg, now()));
  await new Promise<void>((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(port, address, () => {
      sock.off('error', reject);
      resolve();
    });
  });
  let closed = false;
  return {
    port: sock.address().port,
    analysis,
    stop: () =>
      new Promise<void>((resolve) => {
        if (closed) return resolve();
        closed = true;
        sock.close(() => resolve());
      }),
  };
}
