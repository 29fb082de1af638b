// Per-source reception statistics of RFC 3550 Appendix A: sequence validation with
// probation (A.1), expected/lost/fraction lost (A.3) and interarrival jitter (A.8).
// A pure object: the caller passes the arrival time, nothing here reads a clock.

/** Packets in sequence needed before a new source counts as valid (A.1 MIN_SEQUENTIAL). */
export const MIN_SEQUENTIAL = 2;
/** Largest forward jump treated as loss rather than a restart (A.1 MAX_DROPOUT). */
export const MAX_DROPOUT = 3000;
/** Largest backward step treated as reordering/duplicate (A.1 MAX_MISORDER). */
export const MAX_MISORDER = 100;
const RTP_SEQ_MOD = 0x10000;

/** What {@link RtpReceiveStats.update} made of a packet. */
export type SeqVerdict = 'ok' | 'probation' | 'bad-jump' | 'restarted';

/** Counters of one RTP source as seen by a receiver, fed one packet at a time. */
export class RtpReceiveStats {
  /** Highest sequence number seen (16 bits). */
  maxSeq = 0;
  /** Count of sequence wraps, shifted (multiple of 65536). */
  cycles = 0;
  /** Base sequence number (first valid packet). */
  baseSeq = 0;
  /** Last "bad" sequence number + 1 (A.1), or out of range when none. */
  private badSeq = RTP_SEQ_MOD + 1;
  /** Packets still needed to leave probation. */
  probation = MIN_SEQUENTIAL;
  /** Packets received since the base (duplicates count, as in A.3). */
  received = 0;
  /** `expected` at the last report, for interval figures. */
  private expectedPrior = 0;
  /** `received` at the last report. */
  private receivedPrior = 0;
  /** Relative transit time of the previous packet, in timestamp units. */
  private transit = 0;
  private haveTransit = false;
  /** Interarrival jitter estimate in timestamp units (A.8), not rounded. */
  jitter = 0;
  /** Packets ignored because of an unexplained large jump (A.1). */
  badJumps = 0;
  /** Times the source was re-initialised after two packets confirmed a jump. */
  restarts = 0;
  private started = false;

  /** Creates stats for one source; `clockRate` is the payload's RTP clock (8000 for G.711). */
  constructor(readonly clockRate = 8000) {}

  private initSeq(seq: number): void {
    this.baseSeq = seq;
    this.maxSeq = seq;
    this.badSeq = RTP_SEQ_MOD + 1;
    this.cycles = 0;
    this.received = 0;
    this.receivedPrior = 0;
    this.expectedPrior = 0;
    this.haveTransit = false;
    this.jitter = 0;
  }

  /**
   * Accounts for one packet with sequence number `seq` and RTP timestamp `ts`
   * arriving at `arrivalMs` (any monotonic millisecond clock). Follows A.1's
   * update_seq: a new source stays on probation until MIN_SEQUENTIAL packets arrive
   * in order; a jump over MAX_DROPOUT is ignored unless the next packet confirms it,
   * which restarts the counts.
   */
  update(seq: number, ts: number, arrivalMs: number): SeqVerdict {
    seq &= 0xffff;
    if (!this.started) {
      this.started = true;
      this.initSeq(seq);
      this.maxSeq = (seq - 1) & 0xffff;
      this.probation = MIN_SEQUENTIAL;
    }
    const udelta = (seq - this.maxSeq) & 0xffff;
    if (this.probation > 0) {
      if (seq === ((this.maxSeq + 1) & 0xffff)) {
        this.probation--;
        this.maxSeq = seq;
        if (this.probation === 0) {
          this.initSeq(seq);
          this.received++;
          this.jitterUpdate(ts, arrivalMs);
          return 'ok';
        }
      } else {
        this.probation = MIN_SEQUENTIAL - 1;
        this.maxSeq = seq;
      }
      return 'probation';
    }
    let verdict: SeqVerdict = 'ok';
    if (udelta < MAX_DROPOUT) {
      if (seq < this.maxSeq) this.cycles += RTP_SEQ_MOD; // wrapped
      this.maxSeq = seq;
    } else if (udelta <= RTP_SEQ_MOD - MAX_MISORDER) {
      if (seq === this.badSeq) {
        // Two sequential packets after a jump: the sender restarted (A.1).
        this.initSeq(seq);
        this.restarts++;
        verdict = 'restarted';
      } else {
        this.badSeq = (seq + 1) & 0xffff;
        this.badJumps++;
        return 'bad-jump';
      }
    }
    // else: duplicate or reordered packet within MAX_MISORDER; counted as received.
    this.received++;
    this.jitterUpdate(ts, arrivalMs);
    return verdict;
  }

  private jitterUpdate(ts: number, arrivalMs: number): void {
    // A.8: transit = arrival − timestamp, both in timestamp units; the constant
    // offset cancels in the difference. Work modulo 2^32 so timestamp wrap is harmless.
    const arrival = (arrivalMs * this.clockRate) / 1000;
    const transit = arrival - ts;
    if (this.haveTransit) {
      let d = transit - this.transit;
      // Bring the difference into ±2^31 in case the timestamp wrapped.
      d = d - Math.round(d / 4294967296) * 4294967296;
      if (d < 0) d = -d;
      this.jitter += (d - this.jitter) / 16;
    }
    this.transit = transit;
    this.haveTransit = true;
  }

  /** Extended highest sequence number received (cycles + maxSeq, §6.4.1). */
  get extendedMax(): number {
    return this.cycles + this.maxSeq;
  }

  /** Packets expected since the base (A.3). */
  get expected(): number {
    return this.probation > 0 ? 0 : this.extendedMax - this.baseSeq + 1;
  }

  /** Cumulative packets lost (A.3), clamped to the 24-bit signed range of a report block. */
  get lost(): number {
    const l = this.expected - this.received;
    return l > 0x7fffff ? 0x7fffff : l < -0x800000 ? -0x800000 : l;
  }

  /** Interarrival jitter in timestamp units, as carried in a report block. */
  get jitterTs(): number {
    return Math.floor(this.jitter);
  }

  /** Interarrival jitter in milliseconds. */
  get jitterMs(): number {
    return (this.jitter * 1000) / this.clockRate;
  }

  /**
   * Fraction lost since the previous call, as the 8-bit fixed-point value of a
   * report block (A.3), and moves the interval marker. Call once per report sent.
   */
  takeFractionLost(): number {
    const expected = this.expected;
    const expectedInterval = expected - this.expectedPrior;
    this.expectedPrior = expected;
    const receivedInterval = this.received - this.receivedPrior;
    this.receivedPrior = this.received;
    const lostInterval = expectedInterval - receivedInterval;
    if (expectedInterval === 0 || lostInterval <= 0) return 0;
    return Math.min(255, Math.floor((lostInterval * 256) / expectedInterval));
  }
}
