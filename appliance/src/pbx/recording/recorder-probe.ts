// Liveness of the recording server, asked with SIP OPTIONS (RFC 3261 §11) every few seconds,
// so a dead recorder is known before a call needs it — not 32 s into a call's recording
// INVITE (Timer B). The probe only reports; the SIPREC client keeps the state and the alarm.
import { Headers, SipRequest, newBranch, newCallId, newTag, type SipResponse } from '../../sip/message/index.ts';
import type { Endpoint } from '../../sip/transport/index.ts';
import type { TransactionLayer } from '../../sip/transaction/index.ts';
import type { Clock, TimerHandle } from '../../sip/clock.ts';
import type { LocalIdentity } from '../../sip/local-address.ts';

/**
 * How long a probe may go unanswered before the recorder counts as down. Our own deadline: the
 * transaction's Timer F (32 s) is far too slow; within 2 s the client transaction has
 * retransmitted at 0.5 s and 1.5 s (Timer E, RFC 3261 §17.1.2.2), so one lost datagram is no alarm.
 */
export const PROBE_DEADLINE_MS = 2000;

/** What a probe found. */
export type ProbeResult = { up: true } | { up: false; why: string };

/** Sends OPTIONS to `target()` every `intervalMs` (the first at once) and reports each result. */
export class RecorderProbe {
  private timer: TimerHandle | undefined;
  readonly counters = { probes: 0, failed: 0 };
  /** When the last probe was answered (clock ms). */
  lastAnswerAt: number | undefined;

  constructor(
    private readonly deps: { tx: TransactionLayer; local: LocalIdentity; clock: Clock; userAgent: string },
    private readonly target: () => Endpoint,
    private readonly report: (r: ProbeResult) => void,
  ) {}

  /** True while probing. */
  get running(): boolean { return this.timer !== undefined; }

  /** (Re)starts probing every `intervalMs`; 0 stops it. */
  start(intervalMs: number): void {
    this.stop();
    if (intervalMs > 0) this.probe(intervalMs);
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  private probe(intervalMs: number): void {
    this.timer = this.deps.clock.setTimer(intervalMs, () => this.probe(intervalMs));
    this.counters.probes++;
    const dest = this.target();
    const host = this.deps.local.hostFor(dest);
    const h = new Headers();
    h.append('Via', this.deps.local.via(dest, newBranch()));
    h.append('Max-Forwards', '70');
    h.append('From', `<sip:pbx@${host}>;tag=${newTag()}`);
    h.append('To', `<sip:srs@${dest.address}:${dest.port}>`);
    h.append('Call-ID', newCallId(host));
    h.append('CSeq', '1 OPTIONS');
    h.append('Contact', `<${this.deps.local.contactUri(dest)}>;+sip.src`);
    h.append('User-Agent', this.deps.userAgent);
    let settled = false;
    const settle = (r: ProbeResult) => {
      if (settled) return;
      settled = true;
      if (!r.up) this.counters.failed++;
      this.report(r);
    };
    const deadline = this.deps.clock.setTimer(PROBE_DEADLINE_MS, () => settle({ up: false, why: `no answer to OPTIONS within ${PROBE_DEADLINE_MS / 1000} s` }));
    this.deps.tx.request(new SipRequest('OPTIONS', `sip:srs@${dest.address}:${dest.port}`, h, Buffer.alloc(0)), dest, {
      onResponse: (r) => {
        if (r.status < 200) return;
        deadline.cancel();
        // The recorder answers OPTIONS as it would an INVITE (RFC 3261 §11.2): 503 = refusing new sessions.
        if (r.status === 503) return settle({ up: false, why: `recorder answered OPTIONS 503${warningText(r)}` });
        this.lastAnswerAt = this.deps.clock.now();
        settle({ up: true });
      },
      // Timer F long after our deadline: already reported.
      onTimeout: () => {},
    });
  }
}

/** ` (<warning text>)` of a response's Warning header (RFC 3261 §20.43), or ''. */
function warningText(r: SipResponse): string {
  const w = /"([^"]*)"/.exec(r.headers.get('Warning') ?? '');
  return w ? ` (${w[1]})` : '';
}
