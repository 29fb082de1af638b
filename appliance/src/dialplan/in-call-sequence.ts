/**
 * In-call feature sequences: digits a party keys during an answered call (RFC 4733 events
 * or in-band DTMF, as the media relay reports them) that mean a command to the PBX, e.g.
 * *41 = start recording. Dial-time feature codes (feature-codes.ts) arrive as one dialled
 * string; these arrive digit by digit, mixed with digits meant for the far end (an IVR
 * menu, a card number), so the detector watches the stream and fires only on a whole code.
 *
 * Rules: a sequence starts with `*`; each code is fixed-length (no terminator, so nothing
 * is held back waiting for `#`); digits more than `interDigitMs` apart start over; a digit
 * that cannot continue any code drops the sequence (a `*` starts a new one). Pure and
 * clock-free: the caller passes the time with each digit. Reused by every in-call feature
 * (recording now, conference controls later): each owner builds one with its own table.
 */

/** Default longest gap between two keys of one sequence. */
export const DEFAULT_INTER_DIGIT_MS = 3000;

/** Watches one party's digits for the codes of `table`. */
export class InCallSequenceDetector<T> {
  private buffer = '';
  private lastAt = -Infinity;
  private readonly prefixes: Set<string>;

  /** @param table code → meaning; every code starts with `*` and is at least two keys long */
  constructor(private readonly table: Readonly<Record<string, T>>, private readonly interDigitMs = DEFAULT_INTER_DIGIT_MS) {
    this.prefixes = new Set();
    for (const code of Object.keys(table)) {
      if (!/^\*[0-9*#]+$/.test(code)) throw new RangeError(`in-call code ${code} must be * followed by keys`);
      for (let i = 1; i < code.length; i++) this.prefixes.add(code.slice(0, i));
    }
    for (const code of Object.keys(table)) {
      if (this.prefixes.has(code)) throw new RangeError(`in-call code ${code} is the start of a longer code: it could never be keyed alone`);
    }
  }

  /** Feeds one digit keyed at `atMs`; returns the meaning of the code it completes, if any. */
  push(digit: string, atMs: number): T | undefined {
    if (atMs - this.lastAt > this.interDigitMs) this.buffer = '';
    this.lastAt = atMs;
    const next = this.buffer + digit;
    const hit = this.table[next];
    if (hit !== undefined && Object.hasOwn(this.table, next)) {
      this.buffer = '';
      return hit;
    }
    if (this.prefixes.has(next)) this.buffer = next;
    else this.buffer = digit === '*' ? '*' : '';
    return undefined;
  }

  /** Forgets a sequence in progress. */
  reset(): void {
    this.buffer = '';
  }
}
