// Parse-time validation of a message's headers (RFC 3261 §8.1.1 mandatory
// headers, §20 scalar ranges), driven by the RFC 4475 §3.1.2 torture cases.
import { SipParseError } from './errors.ts';
import { UINT32_MAX, parseBoundedInt } from './chars.ts';
import { addressListShapeError } from './name-addr.ts';
import { isSipDate } from './sip-date.ts';
import type { SipMessage } from './sip-message.ts';

/** Why a message is malformed, and whether a 400 can still be formed for it. */
export interface Invalid {
  reason: string;
  /** Via parses and From, To, Call-ID, CSeq are present, so a response can be built and routed. */
  answerable: boolean;
}

function describe(e: unknown): string {
  return e instanceof SipParseError ? e.detail : e instanceof Error ? e.message : String(e);
}

/**
 * Checks what makes a message malformed. Via and CSeq must be present (no
 * transaction can be matched without them, §17.2.3); From, To and Call-ID are
 * checked when present, while their absence or duplication is left to
 * {@link checkRequiredHeaders} because RFC 4475 §3.3 (insuf, multi01) treats it
 * as an application-level 400, not a parse failure.
 */
export function validateMessage(msg: SipMessage, requestMethod: string | undefined): Invalid | undefined {
  const h = msg.headers;
  if (!h.has('Via')) return { reason: 'Missing Via', answerable: false };
  try {
    if (msg.via.length === 0) return { reason: 'Missing Via', answerable: false };
  } catch (e) {
    return { reason: `Bad Via: ${describe(e)}`, answerable: false };
  }
  const answerable = h.has('From') && h.has('To') && h.has('Call-ID') && h.has('CSeq');
  const reason = checkHeaders(msg, requestMethod);
  return reason === undefined ? undefined : { reason, answerable };
}

function checkHeaders(msg: SipMessage, requestMethod: string | undefined): string | undefined {
  const h = msg.headers;
  if (!h.has('CSeq')) return 'Missing CSeq';
  let cseqMethod: string;
  try {
    cseqMethod = msg.cseq.method;
  } catch (e) {
    return `Bad CSeq: ${describe(e)}`;
  }
  // RFC 4475 §3.1.2.16-17 (mismatch01-02): the CSeq method must be the request's (§8.1.1.5).
  if (requestMethod !== undefined && cseqMethod !== requestMethod) return 'CSeq method does not match the request method';
  try {
    if (h.has('Call-ID')) void msg.callId;
    if (h.has('From')) void msg.from;
    if (h.has('To')) void msg.to;
  } catch (e) {
    return e instanceof SipParseError && e.header !== undefined ? `Bad ${e.header}: ${e.detail}` : describe(e);
  }
  const mf = h.get('Max-Forwards');
  if (mf !== undefined && Number.isNaN(parseBoundedInt(mf, 255))) return 'Bad Max-Forwards';
  const ex = h.get('Expires');
  if (ex !== undefined && Number.isNaN(parseBoundedInt(ex, UINT32_MAX))) return 'Bad Expires';
  const ra = h.get('Retry-After');
  if (ra !== undefined && Number.isNaN(parseBoundedInt(/^\S*/.exec(ra)![0], UINT32_MAX))) return 'Bad Retry-After';
  const date = h.get('Date');
  if (date !== undefined && !isSipDate(date)) return 'Bad Date';
  // Address lists are only shape-checked here; they are parsed when read.
  for (const name of ADDRESS_LISTS) {
    for (const raw of h.getRaw(name)) {
      const err = addressListShapeError(raw);
      if (err !== undefined) return `Bad ${name}: ${err}`;
    }
  }
  return undefined;
}

const ADDRESS_LISTS = ['Contact', 'Route', 'Record-Route'];

// Headers that may appear once only (RFC 3261 §7.3.1 and §20: not comma lists).
const SINGLE = ['From', 'To', 'Call-ID', 'CSeq', 'Max-Forwards', 'Content-Length', 'Content-Type'];

/**
 * Application-level header check of a parsed request (RFC 3261 §8.1.1, RFC 4475
 * §3.3 insuf/multi01/mcl01): the reason for a 400 when a mandatory header is
 * missing or a single-valued one repeated, otherwise undefined.
 */
export function checkRequiredHeaders(msg: SipMessage): string | undefined {
  const h = msg.headers;
  // Max-Forwards is left out: RFC 2543 peers omit it and are still served (RFC 4475 inv2543, §16.6 step 3).
  const required = ['To', 'From', 'CSeq', 'Call-ID', 'Via'];
  const missing = required.filter((n) => !h.has(n));
  if (missing.length > 0) return `Missing ${missing.join(', ')}`;
  const dup = SINGLE.filter((n) => h.count(n) > 1);
  if (dup.length > 0) return `Duplicate ${dup.join(', ')}`;
  return undefined;
}
