import type { Logger } from '../../log.ts';
import { formatVia, parseVia, splitTopLevel } from '../message/index.ts';
import type { ParseResult, SipRequest } from '../message/index.ts';
import type { Endpoint } from './endpoint.ts';
import type { MalformedInfo, TransportCounters, TransportEvents } from './types.ts';
import { stampVia } from './via-received.ts';

/** Bytes of a bad packet shown in debug logs. */
const DUMP_BYTES = 64;
/** At most this many malformed-packet log lines per second per transport; the rest are counted, not logged, so a flood cannot fill the disk. */
const MAX_LOGS_PER_SEC = 20;

/**
 * The receive side shared by UDP and TCP: turns parse results into events,
 * counts, logs, stamps Via (RFC 3261 §18.2.1) and shields the listener from
 * exceptions thrown by the layer above (STYLE.md 9).
 */
export class InboundDispatcher {
  private logWindowStart = 0;
  private logsInWindow = 0;
  private suppressed = 0;

  /** Binds the dispatcher to the events of the layer above, the shared counters and a module logger. */
  constructor(
    private readonly events: TransportEvents,
    private readonly counters: TransportCounters,
    private readonly logger: Logger,
  ) {}

  /**
   * Handles one parse result from `source`; `raw` is the packet or chunk for the debug dump.
   * Returns false when the result is fatal for a stream (the caller closes the connection).
   */
  dispatch(result: ParseResult, source: Endpoint, raw: Buffer): boolean {
    switch (result.kind) {
      case 'message': {
        this.counters.received++;
        const msg = result.message;
        if (msg.isRequest) {
          try {
            stampTopVia(msg, source);
          } catch (err) {
            // The parser accepted the message, so a Via we cannot re-parse is the
            // parser's business; deliver unchanged rather than drop a call.
            this.logger.debug({ err, from: source.address, port: source.port }, 'could not stamp Via');
          }
        }
        try {
          this.events.onMessage(msg, source);
        } catch (err) {
          this.logger.error({ err, from: source.address, port: source.port }, 'message handler threw');
        }
        return true;
      }
      case 'incomplete':
        return true;
      case 'malformed':
        this.counters.malformed++;
        this.report(result.reason, 'malformed', source, raw, result.request, result.status);
        return result.fatal !== true;
      case 'too-large':
        this.counters.tooLarge++;
        this.report('message too large', 'too-large', source, raw, undefined, undefined);
        return result.fatal !== true;
    }
  }

  /** Counts and reports a packet rejected before parsing (empty datagram, over the size cap). */
  reject(kind: 'malformed' | 'too-large', reason: string, source: Endpoint, raw: Buffer): void {
    if (kind === 'malformed') this.counters.malformed++;
    else this.counters.tooLarge++;
    this.report(reason, kind, source, raw, undefined, undefined);
  }

  /** Logs an exception caught at the packet boundary (a parser bug, not bad input) and counts it as malformed. */
  crashed(err: unknown, source: Endpoint, raw: Buffer): void {
    this.counters.malformed++;
    this.logger.error({ err, from: source.address, port: source.port, bytes: raw.length }, 'exception while handling a packet');
  }

  private report(
    reason: string,
    kind: 'malformed' | 'too-large',
    source: Endpoint,
    raw: Buffer,
    request: SipRequest | undefined,
    status: number | undefined,
  ): void {
    if (this.mayLog()) {
      this.logger.info({ from: source.address, port: source.port, transport: source.transport, kind, reason, bytes: raw.length }, 'bad SIP packet');
      if (this.logger.isLevelEnabled('debug')) {
        this.logger.debug({ from: source.address, port: source.port, head: dump(raw) }, 'bad SIP packet bytes');
      }
    }
    if (this.events.onMalformed) {
      try {
        const info: MalformedInfo = { reason, kind };
        if (request !== undefined) info.request = request;
        if (status !== undefined) info.status = status;
        this.events.onMalformed(info, source);
      } catch (err) {
        this.logger.error({ err, from: source.address, port: source.port }, 'malformed handler threw');
      }
    }
  }

  private mayLog(): boolean {
    const now = Date.now();
    if (now - this.logWindowStart >= 1000) {
      if (this.suppressed > 0) this.logger.warn({ suppressed: this.suppressed }, 'bad SIP packet logs suppressed');
      this.logWindowStart = now;
      this.logsInWindow = 0;
      this.suppressed = 0;
    }
    if (this.logsInWindow < MAX_LOGS_PER_SEC) {
      this.logsInWindow++;
      return true;
    }
    this.suppressed++;
    return false;
  }
}

/**
 * Adds received/rport to the top Via of a request (RFC 3261 §18.2.1, RFC 3581 §4).
 * Only the first via-parm of the first Via header instance is re-parsed and
 * rewritten; the header list is only touched when something changed.
 */
export function stampTopVia(req: SipRequest, source: Endpoint): void {
  const instances = req.headers.getRaw('via');
  const first = instances[0];
  if (first === undefined) return;
  const parts = first.indexOf(',') < 0 ? [first] : splitTopLevel(first);
  const top = parseVia(parts[0]!)[0];
  if (top === undefined || !stampVia(top, source.address, source.port)) return;
  parts[0] = formatVia(top);
  if (instances.length === 1 && parts.length === 1) {
    req.headers.set('Via', parts[0]);
    return;
  }
  // Headers.set keeps the first position and drops later instances, so fold the
  // whole Via list into one comma list: equivalent by RFC 3261 §7.3.1.
  for (let i = 1; i < instances.length; i++) parts.push(instances[i]!);
  req.headers.set('Via', parts.join(', '));
}

/** First bytes of a packet, printable ASCII kept and the rest escaped, for debug logs only. */
function dump(raw: Buffer): string {
  const n = Math.min(raw.length, DUMP_BYTES);
  let s = '';
  for (let i = 0; i < n; i++) {
    const c = raw[i]!;
    s += c >= 0x20 && c < 0x7f && c !== 0x5c ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return raw.length > n ? `${s}...` : s;
}
