// Wrapping arithmetic for RTP sequence numbers (16 bits) and timestamps (32 bits),
// RFC 3550 §5.1 / Appendix A.1. All plain numbers, never BigInt.

/** Signed distance a − b between two 16-bit sequence numbers, in −32768..32767. */
export function seqDiff(a: number, b: number): number {
  return (((a - b) & 0xffff) << 16) >> 16;
}

/** True when sequence number `a` comes after `b`, allowing for 16-bit wrap. */
export function seqNewer(a: number, b: number): boolean {
  return seqDiff(a, b) > 0;
}

/** Signed distance a − b between two 32-bit RTP timestamps, in −2^31..2^31−1. */
export function tsDiff(a: number, b: number): number {
  return (a - b) | 0;
}

/** Adds `n` to a 16-bit sequence number with wrap. */
export function seqAdd(seq: number, n: number): number {
  return (seq + n) & 0xffff;
}

/** Adds `n` to a 32-bit timestamp with wrap. */
export function tsAdd(ts: number, n: number): number {
  return (ts + n) >>> 0;
}

/**
 * Turns 16-bit sequence numbers into a monotonic extended sequence number
 * (cycles × 65536 + seq, RFC 3550 §6.4.1 "extended highest sequence number").
 * Late packets from before the last wrap map into the previous cycle. Exact up to
 * 2^53, i.e. forever at any packet rate.
 */
export class SequenceUnwrapper {
  private last = -1;
  private cycles = 0;

  /** The extended sequence number of `seq`, judged against the newest one seen. */
  extend(seq: number): number {
    seq &= 0xffff;
    if (this.last < 0) {
      this.last = seq;
      return seq;
    }
    const d = seqDiff(seq, this.last);
    if (d > 0) {
      if (seq < this.last) this.cycles += 0x10000;
      this.last = seq;
      return this.cycles + seq;
    }
    // Older than (or equal to) the newest: the same cycle unless it is from before the wrap.
    return seq > this.last ? this.cycles - 0x10000 + seq : this.cycles + seq;
  }

  /** Forgets history, e.g. after an SSRC change. */
  reset(): void {
    this.last = -1;
    this.cycles = 0;
  }
}
