// Lays the forked RTP streams of one recording on a common sample timeline, one channel
// per party, so the interleaved WAV keeps the parties in step. A pure object: the RTP
// adapter pushes payloads with their arrival time, the flush tick drains whole frames;
// nothing here reads a clock or touches a file.
//
// Timeline: sample 0 is the arrival of the first packet of any stream. A stream is
// anchored by its first packet: position = (arrival − t0) × 8 kHz; every later packet
// goes at anchor + (its RTP timestamp − the first one's) (RFC 3550 §5.1: the timestamp
// counts sampling instants), so a lost or late packet leaves a hole of exactly its size,
// which stays silence. A new SSRC (the SRC re-forked the stream), or a timestamp jump the
// ring cannot hold, re-anchors on arrival time. Payload bytes are stored as they arrive:
// G.711 A-law or µ-law, one byte per sample, never transcoded.

/** What {@link ChannelAligner.push} did with a packet. */
export type AlignVerdict = 'stored' | 'late' | 'reanchored';

/** Counters of one channel. */
export interface ChannelStats {
  packets: number;
  /** Packets whose position had already been written (arrived after the flush horizon). */
  late: number;
  /** Times the stream was re-anchored (SSRC change or a jump past the ring). */
  reanchors: number;
  /** Payload bytes stored. */
  bytes: number;
  /** Samples expected from the timestamps but never received (holes filled with silence). */
  missingSamples: number;
}

interface Channel {
  anchored: boolean;
  ssrc: number;
  baseTs: number;
  basePos: number;
  /** One past the highest position written into the ring. */
  end: number;
  /** Samples received within [committed, end) – to count holes when draining. */
  stats: ChannelStats;
  /** Samples received in the not yet drained region, per ring slot (1 = received). */
  filled: Uint8Array;
  ring: Uint8Array;
}

/** Options of a {@link ChannelAligner}. */
export interface ChannelAlignerOptions {
  channels: number;
  /** Byte of silence in the stored law (media's silenceCode: 0xFF µ-law, 0xD5 A-law). */
  silence: number;
  /** Samples the ring holds per channel; bounds how far ahead a stream may run. 8 s by default. */
  capacity?: number;
  /** Samples per millisecond of the RTP clock; 8 for G.711. */
  samplesPerMs?: number;
}

/** Aligns N channels of one-byte samples by RTP timestamp; see the file comment. */
export class ChannelAligner {
  private readonly ch: Channel[] = [];
  private readonly cap: number;
  private readonly perMs: number;
  private t0 = -1;
  /** Samples already drained (written to the file) per channel. */
  private committed = 0;

  /** Creates the aligner for `channels` channels. */
  constructor(private readonly opts: ChannelAlignerOptions) {
    this.cap = opts.capacity ?? 8 * 8000;
    this.perMs = opts.samplesPerMs ?? 8;
    for (let i = 0; i < opts.channels; i++) {
      const ring = new Uint8Array(this.cap).fill(opts.silence);
      this.ch.push({ anchored: false, ssrc: 0, baseTs: 0, basePos: 0, end: 0, filled: new Uint8Array(this.cap), ring, stats: { packets: 0, late: 0, reanchors: 0, bytes: 0, missingSamples: 0 } });
    }
  }

  /** Number of channels. */
  get channels(): number {
    return this.ch.length;
  }

  /** Samples drained so far (the length of the file's audio, per channel). */
  get drained(): number {
    return this.committed;
  }

  /** True once a packet has arrived on any channel. */
  get started(): boolean {
    return this.t0 >= 0;
  }

  /** Counters of channel `i`. */
  stats(i: number): ChannelStats {
    return this.ch[i]!.stats;
  }

  /** Timeline position of `arrivalMs`, in samples (0 before the first packet). */
  positionAt(arrivalMs: number): number {
    return this.t0 < 0 ? 0 : Math.max(0, Math.floor((arrivalMs - this.t0) * this.perMs));
  }

  /**
   * How far the file may be written at `nowMs`: up to where every stream that has started
   * has data, so a packet that is still queued in a socket (the process or the SRC was held
   * up) is not overtaken by the flush; but at least up to `maxWaitMs` ago, so a stream that
   * went quiet holds the others back no longer than that, and at most `minWaitMs` ago.
   */
  horizon(nowMs: number, minWaitMs: number, maxWaitMs: number): number {
    const hi = this.positionAt(nowMs - minWaitMs);
    const lo = this.positionAt(nowMs - maxWaitMs);
    let h = hi;
    for (const c of this.ch) if (c.anchored && c.end < h) h = c.end;
    return Math.max(lo, h);
  }

  /** One past the last sample received on any channel. */
  get end(): number {
    let e = this.committed;
    for (const c of this.ch) if (c.end > e) e = c.end;
    return e;
  }

  /** Stores `len` payload bytes of channel `i` from `buf[off]`. Allocates nothing. */
  push(i: number, arrivalMs: number, ssrc: number, timestamp: number, buf: Uint8Array, off: number, len: number): AlignVerdict {
    const c = this.ch[i];
    if (!c || len <= 0) return 'late';
    if (this.t0 < 0) this.t0 = arrivalMs;
    c.stats.packets++;
    let verdict: AlignVerdict = 'stored';
    if (!c.anchored || c.ssrc !== ssrc >>> 0) {
      if (c.anchored) {
        c.stats.reanchors++;
        verdict = 'reanchored';
      }
      this.anchor(c, arrivalMs, ssrc, timestamp);
    }
    let pos = c.basePos + ((timestamp - c.baseTs) | 0);
    if (pos + len > this.committed + this.cap || pos + len < this.committed - this.cap) {
      // Further ahead than the ring holds, or far in the past: the SRC's clock jumped.
      c.stats.reanchors++;
      this.anchor(c, arrivalMs, ssrc, timestamp);
      pos = c.basePos;
      verdict = 'reanchored';
    }
    let skip = 0;
    if (pos < this.committed) {
      skip = this.committed - pos;
      if (skip >= len) {
        c.stats.late++;
        return 'late';
      }
    }
    for (let k = skip; k < len; k++) {
      const slot = (pos + k) % this.cap;
      c.ring[slot] = buf[off + k]!;
      c.filled[slot] = 1;
    }
    c.stats.bytes += len - skip;
    if (pos + len > c.end) c.end = pos + len;
    return verdict;
  }

  private anchor(c: Channel, arrivalMs: number, ssrc: number, timestamp: number): void {
    c.anchored = true;
    c.ssrc = ssrc >>> 0;
    c.baseTs = timestamp >>> 0;
    // Never behind what is already written, never past what the ring can hold.
    c.basePos = Math.min(Math.max(this.committed, this.positionAt(arrivalMs)), this.committed + this.cap - 1);
  }

  /**
   * Interleaves samples [drained, upTo) of every channel into `out` (channels × samples
   * bytes), silence where nothing arrived, and frees those ring slots. `upTo` is clamped
   * to what the ring holds and to what fits in `out`. Returns the bytes written.
   */
  drain(upTo: number, out: Uint8Array): number {
    const n = this.ch.length;
    let target = Math.min(upTo, this.committed + this.cap, this.committed + Math.floor(out.length / n));
    if (target <= this.committed) return 0;
    const silence = this.opts.silence;
    for (let ci = 0; ci < n; ci++) {
      const c = this.ch[ci]!;
      let o = ci;
      // Holes count only inside the part of the stream that has started and is not past its end.
      const from = c.anchored ? Math.max(this.committed, c.basePos) : target;
      const to = Math.min(target, c.end);
      for (let pos = this.committed; pos < target; pos++, o += n) {
        const slot = pos % this.cap;
        out[o] = c.ring[slot]!;
        if (!c.filled[slot] && pos >= from && pos < to) c.stats.missingSamples++;
        c.ring[slot] = silence;
        c.filled[slot] = 0;
      }
    }
    const bytes = (target - this.committed) * n;
    this.committed = target;
    return bytes;
  }
}
