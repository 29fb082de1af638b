// Message framing over stream transports (TCP, TLS): RFC 3261 §18.3.
import { parseFramed, resolveLimits, type ParseLimits, type ParseResult } from './parser.ts';

const EMPTY = Buffer.alloc(0);

/**
 * For TCP: accumulates chunks; Content-Length required on streams (RFC 3261
 * §18.3); skips leading CRLF keep-alives (§7.5, RFC 5626 §4.4.1). A result
 * with `fatal: true` means framing is lost and the connection should be closed;
 * the parser then ignores further input.
 */
export class StreamParser {
  private readonly limits: ParseLimits;
  private buf: Buffer = EMPTY;
  /** Bytes of a rejected message still to arrive and be dropped. */
  private skip = 0;
  /** Total bytes the message at the front needs, once its head is known. */
  private need = 0;
  private dead = false;

  /** @param limits size caps, defaults as for parseDatagram. */
  constructor(limits?: Partial<ParseLimits>) {
    this.limits = resolveLimits(limits);
  }

  /** True after a fatal result: the connection should be closed. */
  get closed(): boolean {
    return this.dead;
  }

  /** Bytes buffered and not yet returned as a result. */
  get buffered(): number {
    return this.buf.length;
  }

  /**
   * Feeds a chunk; returns every result completed by it (never 'incomplete':
   * an empty array means more bytes are needed). Bodies of returned messages are
   * views into the received chunks, which are never written to.
   */
  push(chunk: Buffer): ParseResult[] {
    if (this.dead) return [];
    if (this.skip > 0) {
      const n = Math.min(this.skip, chunk.length);
      this.skip -= n;
      chunk = chunk.subarray(n);
    }
    if (chunk.length === 0) return [];
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    if (this.buf.length < this.need) return [];
    const out: ParseResult[] = [];
    for (;;) {
      let s = 0;
      while (s + 1 < this.buf.length && this.buf[s] === 0x0d && this.buf[s + 1] === 0x0a) s += 2;
      if (s > 0) this.buf = this.buf.subarray(s);
      if (this.buf.length === 0) break;
      const r = parseFramed(this.buf, 0, true, this.limits);
      if (r.kind === 'incomplete') {
        this.need = 'need' in r ? r.need : 0;
        break;
      }
      this.need = 0;
      out.push(r);
      if ('fatal' in r && r.fatal) {
        this.dead = true;
        this.buf = EMPTY;
        break;
      }
      const used = r.kind === 'message' ? r.bytes : (r.bytes ?? this.buf.length);
      if (used >= this.buf.length) {
        this.skip = used - this.buf.length;
        this.buf = EMPTY;
        break;
      }
      this.buf = this.buf.subarray(used);
    }
    return out;
  }
}
