// Adaptive jitter buffer for audio the appliance plays out or mixes (IVR, recorder,
// conference). A pure object: the RTP adapter calls push() per packet with its
// arrival time and the 20 ms playout tick calls pop(); nothing here reads a clock.
//
// Model: one RTP packet = one frame of `frameBytes` (20 ms of G.711 by default).
// Frames sit in a ring indexed by sequence number. Playout starts `targetDelayMs`
// after the first packet of a stream or talkspurt. On each tick:
//   - the next frame in sequence is there → play it;
//   - it is missing but later frames are there → it is lost: conceal, move on;
//   - nothing later has arrived either → underrun: conceal but wait for it, which
//     lengthens the delay by one frame (how the buffer grows under jitter); after
//     waiting one target's worth in a row the buffer stalls (plays concealment,
//     then silence) and the next packet re-anchors playout like a talkspurt start,
//     counting the sequence numbers it skipped as lost.
// The buffer shrinks back when it has held more than the target for
// `shrinkAfterTicks` ticks in a row: one frame is dropped. The target follows the
// RFC 3550 A.8 interarrival jitter estimate (in ms) times `jitterFactor`, rounded up
// to whole frames and clamped to [minDelayMs, maxDelayMs]; it is applied at every
// start of playout (first packet, SSRC change, marker bit after a gap).
import { silenceCode, type G711Law } from '../g711/g711.ts';
import { seqDiff, tsDiff } from '../rtp/sequence.ts';
import { copyBytes } from '../rtp/bytes.ts';
import { concealG711 } from './g711-plc.ts';

/** The fields of an RTP packet the buffer needs; an RtpPacket from parseRtp satisfies it. */
export interface JitterPacketInfo {
  /** RTP sequence number. */
  sequenceNumber: number;
  /** RTP timestamp. */
  timestamp: number;
  /** RTP SSRC. */
  ssrc: number;
  /** Marker bit: first packet of a talkspurt (RFC 3551 §4.1). */
  marker: boolean;
  /** Buffer holding the payload. */
  buffer: Uint8Array;
  /** Payload offset in `buffer`. */
  payloadOffset: number;
  /** Payload length in bytes. */
  payloadLength: number;
}

/** Options of a {@link JitterBuffer}. */
export interface JitterBufferOptions {
  /** Codec law, for concealment and silence. */
  law: G711Law;
  /** Bytes per frame; 160 = 20 ms of G.711 at 8 kHz. */
  frameBytes?: number;
  /** RTP clock rate; 8000 for G.711. */
  clockRate?: number;
  /** Lower bound of the target delay; 20 ms by default. */
  minDelayMs?: number;
  /** Upper bound of the target delay; 200 ms by default. */
  maxDelayMs?: number;
  /** Target delay before any jitter has been measured; 40 ms by default. */
  initialDelayMs?: number;
  /** Target = jitter estimate × this, plus one frame; 4 by default. */
  jitterFactor?: number;
  /** Ring size in frames (power of two); 64 (1.28 s) by default. */
  capacity?: number;
  /** Frames of faded repetition before silence; 3 (60 ms) by default. */
  plcFrames?: number;
  /** Ticks above target before one frame is dropped to shrink the delay; 10 by default. */
  shrinkAfterTicks?: number;
}

/** What {@link JitterBuffer.pop} produced this tick. */
export type JitterOutputKind = 'frame' | 'concealed' | 'silence' | 'waiting';
/** What {@link JitterBuffer.push} did with a packet. */
export type JitterPushResult = 'stored' | 'late' | 'duplicate' | 'restarted';

/** The reused result of {@link JitterBuffer.pop}; valid until the next pop. */
export interface JitterOutput {
  /**
   * 'frame': a received frame; 'concealed': faded repetition of the last frame;
   * 'silence': a gap past concealment or between talkspurts; 'waiting': playout has
   * not started. `frame` always holds `frameBytes` bytes ready to send.
   */
  kind: JitterOutputKind;
  /** The frame to play (owned by the buffer, overwritten on the next pop). */
  frame: Buffer;
  /** Sequence number played (for 'frame'), or the one concealed. */
  sequenceNumber: number;
}

/** Counters of a {@link JitterBuffer}; read them for call quality figures. */
export interface JitterBufferStats {
  /** Packets pushed. */
  received: number;
  /** Frames played from received packets. */
  played: number;
  /** Frames never received: missing at their turn while later ones were present, or skipped over after a stall. */
  lost: number;
  /** Ticks where nothing was there to play and the buffer waited (delay grew). */
  underruns: number;
  /** Ticks filled with faded repetition. */
  concealed: number;
  /** Packets dropped because their turn had passed. */
  late: number;
  /** Packets dropped as duplicates. */
  duplicates: number;
  /** Frames dropped to bring the delay back to the target. */
  shrunk: number;
  /** Playout restarts (SSRC change or a sequence jump beyond the ring). */
  restarts: number;
}

// Indices into JitterBuffer.num.
const TARGET = 0;
const JITTER = 1;
const LAST_ARRIVAL = 2;
const PLAY_START = 3;
const LAST_DELAY = 4;

/** An adaptive jitter buffer with G.711 concealment; see the file comment for the model. */
export class JitterBuffer {
  private readonly law: G711Law;
  private readonly frameBytes: number;
  private readonly frameMs: number;
  private readonly msPerTick: number;
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly jitterFactor: number;
  private readonly mask: number;
  private readonly plcFrames: number;
  private readonly shrinkAfterTicks: number;
  private readonly store: Buffer;
  private readonly slotSeq: Int32Array;
  private readonly slotArrival: Float64Array;
  private readonly lastGood: Buffer;
  private haveLastGood = false;
  private readonly out: JitterOutput;

  private started = false;
  private ssrc = 0;
  private nextSeq = 0;
  private highestSeq = 0;
  private concealRun = 0;
  private aboveTargetTicks = 0;
  private underrunWaitMs = 0;
  private stalled = false;
  // RFC 3550 A.8 estimator, in milliseconds.
  // Fractional state lives in a Float64Array: V8 may box a double stored in an
  // object field (one HeapNumber per store), which would allocate per packet.
  private readonly num = new Float64Array(5);
  private lastTs = 0;
  private haveLast = false;

  /** Counters, updated in place. */
  readonly stats: JitterBufferStats = { received: 0, played: 0, lost: 0, underruns: 0, concealed: 0, late: 0, duplicates: 0, shrunk: 0, restarts: 0 };
  /** Residence time (pop time − arrival time) of the last frame played, in ms. */
  get lastFrameDelayMs(): number {
    return this.num[LAST_DELAY]!;
  }

  /** Creates a buffer; all storage is allocated here, none per packet. */
  constructor(opts: JitterBufferOptions) {
    this.law = opts.law;
    this.frameBytes = opts.frameBytes ?? 160;
    const clockRate = opts.clockRate ?? 8000;
    this.msPerTick = (this.frameBytes * 1000) / clockRate; // G.711: one byte per sample
    this.frameMs = this.msPerTick;
    this.minDelayMs = opts.minDelayMs ?? 20;
    this.maxDelayMs = opts.maxDelayMs ?? 200;
    this.jitterFactor = opts.jitterFactor ?? 4;
    const cap = opts.capacity ?? 64;
    if ((cap & (cap - 1)) !== 0 || cap < 4) throw new RangeError('JitterBuffer capacity must be a power of two ≥ 4');
    if (this.minDelayMs > this.maxDelayMs) throw new RangeError('JitterBuffer minDelayMs exceeds maxDelayMs');
    this.mask = cap - 1;
    this.plcFrames = opts.plcFrames ?? 3;
    this.shrinkAfterTicks = opts.shrinkAfterTicks ?? 10;
    this.store = Buffer.alloc(cap * this.frameBytes);
    this.slotSeq = new Int32Array(cap).fill(-1);
    this.slotArrival = new Float64Array(cap);
    this.lastGood = Buffer.alloc(this.frameBytes);
    this.out = { kind: 'waiting', frame: Buffer.alloc(this.frameBytes, silenceCode(this.law)), sequenceNumber: 0 };
    this.num[TARGET] = this.clampTarget(opts.initialDelayMs ?? 40);
  }

  private clampTarget(ms: number): number {
    const frames = Math.ceil(ms / this.frameMs - 1e-9);
    return Math.min(this.maxDelayMs, Math.max(this.minDelayMs, frames * this.frameMs));
  }

  /** Current target delay in ms. */
  get targetDelayMs(): number {
    return this.num[TARGET]!;
  }

  /** Interarrival jitter estimate in ms (RFC 3550 A.8 over arrival vs timestamp). */
  get jitterMs(): number {
    return this.num[JITTER]!;
  }

  /** Frames waiting from the next one to play up to the newest received. */
  get bufferedFrames(): number {
    if (!this.started) return 0;
    const d = seqDiff(this.highestSeq, this.nextSeq);
    return d < 0 ? 0 : d + 1;
  }

  private restart(p: JitterPacketInfo, arrivalMs: number): void {
    this.slotSeq.fill(-1);
    this.ssrc = p.ssrc >>> 0;
    this.nextSeq = p.sequenceNumber & 0xffff;
    this.highestSeq = this.nextSeq;
    this.num[PLAY_START] = arrivalMs + this.num[TARGET]!;
    this.aboveTargetTicks = 0;
    this.underrunWaitMs = 0;
    this.stalled = false;
    this.haveLast = false;
  }

  /** Files one packet that arrived at `arrivalMs`; copies its payload, keeps no reference to it. */
  push(p: JitterPacketInfo, arrivalMs: number): JitterPushResult {
    this.stats.received++;
    const seq = p.sequenceNumber & 0xffff;
    let result: JitterPushResult = 'stored';
    if (!this.started) {
      this.started = true;
      this.restart(p, arrivalMs);
    } else if (p.ssrc >>> 0 !== this.ssrc) {
      this.stats.restarts++;
      this.restart(p, arrivalMs);
      result = 'restarted';
    } else {
      const d = seqDiff(seq, this.nextSeq);
      if (d > this.mask || d < -1000) {
        // Beyond the ring, or far in the past: the sender jumped (e.g. a re-INVITE to another source).
        this.stats.restarts++;
        this.restart(p, arrivalMs);
        result = 'restarted';
      } else if (d < 0) {
        // A late packet is the clearest sign of jitter: let it raise the target.
        this.updateJitter(p.timestamp, arrivalMs);
        this.stats.late++;
        return 'late';
      } else if (this.stalled || (p.marker && seqDiff(this.highestSeq, this.nextSeq) < 0)) {
        // First packet after a stall, or a new talkspurt while the buffer is empty:
        // re-anchor playout with the current target. Sequence numbers skipped over
        // were lost (RFC 3551 §4.1: DTX gaps advance the timestamp, not the sequence).
        this.stats.lost += d;
        this.nextSeq = seq;
        this.highestSeq = seq;
        this.num[PLAY_START] = arrivalMs + this.num[TARGET]!;
        this.aboveTargetTicks = 0;
        this.stalled = false;
        this.underrunWaitMs = 0;
      }
    }
    const slot = seq & this.mask;
    if (this.slotSeq[slot] === seq) {
      this.stats.duplicates++;
      return 'duplicate';
    }
    this.updateJitter(p.timestamp, arrivalMs);
    const n = Math.min(p.payloadLength, this.frameBytes);
    const base = slot * this.frameBytes;
    copyBytes(p.buffer, p.payloadOffset, this.store, base, n);
    if (n < this.frameBytes) this.store.fill(silenceCode(this.law), base + n, base + this.frameBytes);
    this.slotSeq[slot] = seq;
    this.slotArrival[slot] = arrivalMs;
    if (seqDiff(seq, this.highestSeq) > 0) this.highestSeq = seq;
    return result;
  }

  private updateJitter(ts: number, arrivalMs: number): void {
    if (this.haveLast) {
      const rateKhz = this.frameBytes / this.frameMs; // samples per ms
      let d = arrivalMs - this.num[LAST_ARRIVAL]! - tsDiff(ts, this.lastTs) / rateKhz;
      if (d < 0) d = -d;
      const j = this.num[JITTER]! + (d - this.num[JITTER]!) / 16;
      this.num[JITTER] = j;
      this.num[TARGET] = this.clampTarget(this.frameMs + this.jitterFactor * j);
    }
    this.num[LAST_ARRIVAL] = arrivalMs;
    this.lastTs = ts;
    this.haveLast = true;
  }

  /**
   * Produces the frame for the tick at `nowMs`. Call every frame period (20 ms).
   * Returns the same {@link JitterOutput} object each time; never allocates.
   */
  pop(nowMs: number): JitterOutput {
    const out = this.out;
    if (!this.started || nowMs < this.num[PLAY_START]!) {
      out.kind = 'waiting';
      out.frame.fill(silenceCode(this.law));
      return out;
    }
    const seq = this.nextSeq;
    const slot = seq & this.mask;
    out.sequenceNumber = seq;
    if (this.slotSeq[slot] === seq) {
      const base = slot * this.frameBytes;
      copyBytes(this.store, base, out.frame, 0, this.frameBytes);
      copyBytes(this.store, base, this.lastGood, 0, this.frameBytes);
      this.haveLastGood = true;
      this.num[LAST_DELAY] = nowMs - this.slotArrival[slot]!;
      this.slotSeq[slot] = -1;
      this.nextSeq = (seq + 1) & 0xffff;
      this.concealRun = 0;
      this.underrunWaitMs = 0;
      this.stats.played++;
      out.kind = 'frame';
      this.maybeShrink();
      return out;
    }
    if (seqDiff(this.highestSeq, seq) > 0) {
      // Later frames are here, so this one is lost (or later than we can wait for).
      this.stats.lost++;
      this.nextSeq = (seq + 1) & 0xffff;
    } else if (this.stalled) {
      // Silence between talkspurts or after the stream stopped: nothing to count.
    } else if (this.underrunWaitMs < this.num[TARGET]!) {
      // Nothing newer either: the frame may just be late. Wait for it, which adds
      // one frame of delay, but no more than one target's worth per gap.
      this.stats.underruns++;
      this.underrunWaitMs += this.frameMs;
    } else {
      // Waited long enough: stall. The next packet re-anchors playout (see push),
      // so a burst loss costs its own length, not its length twice.
      this.stalled = true;
    }
    this.concealRun++;
    if (concealG711(this.law, this.haveLastGood ? this.lastGood : null, this.concealRun, this.plcFrames, out.frame)) {
      this.stats.concealed++;
      out.kind = 'concealed';
    } else {
      out.kind = 'silence';
    }
    return out;
  }

  private maybeShrink(): void {
    const bufferedMs = this.bufferedFrames * this.frameMs;
    // A frame waits up to one tick on top of its buffered time, so holding more
    // than `target` worth of frames after a pop means the delay exceeds the target.
    if (bufferedMs > this.num[TARGET]!) {
      if (++this.aboveTargetTicks >= this.shrinkAfterTicks) {
        // Drop the oldest waiting frame: one 20 ms skip every few hundred ms at most.
        const slot = this.nextSeq & this.mask;
        if (this.slotSeq[slot] === this.nextSeq) this.slotSeq[slot] = -1;
        this.nextSeq = (this.nextSeq + 1) & 0xffff;
        this.stats.shrunk++;
        this.aboveTargetTicks = 0;
      }
    } else {
      this.aboveTargetTicks = 0;
    }
  }
}
