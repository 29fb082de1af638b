import type { SipRequest } from '../sip/message/index.ts';

/** A refusal decided before any application logic runs. */
export interface Refusal { status: number; reason: string; headers?: Array<[string, string]> }

/** Option tags this element implements (RFC 3261 §19.2); anything else in Require is refused. */
export const SUPPORTED_OPTIONS: readonly string[] = [];

/** Methods answered by the PBX, for Allow headers and 405s (RFC 3261 §20.5). */
export const ALLOWED_METHODS = 'INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, INFO, UPDATE, MESSAGE, NOTIFY, REFER';

/**
 * Checks a request against the UAS rules of RFC 3261 §8.2.1–§8.2.3 that do not depend
 * on who sent it: URI scheme (416), Require (420), Max-Forwards on what the B2BUA would
 * pass on (483), and the body type of an INVITE (415). RFC 4475 §3.3 exercises each.
 */
export function checkRequest(request: SipRequest): Refusal | undefined {
  const scheme = request.requestUri.scheme;
  if (scheme !== 'sip' && scheme !== 'sips') {
    return { status: 416, reason: 'Unsupported URI Scheme' };
  }
  if (request.method !== 'ACK' && request.method !== 'CANCEL') {
    const unsupported = request.headers.getAll('Require').map((t) => t.trim()).filter((t) => t && !SUPPORTED_OPTIONS.includes(t.toLowerCase()));
    if (unsupported.length > 0) {
      return { status: 420, reason: 'Bad Extension', headers: [['Unsupported', unsupported.join(', ')]] };
    }
  }
  if (request.method === 'INVITE') {
    const mf = request.maxForwards;
    if (mf !== undefined && mf <= 0) return { status: 483, reason: 'Too Many Hops' };
    if (request.body.length > 0) {
      const type = (request.headers.get('Content-Type') ?? '').split(';')[0].trim().toLowerCase();
      if (type !== 'application/sdp') {
        return { status: 415, reason: 'Unsupported Media Type', headers: [['Accept', 'application/sdp']] };
      }
      const encoding = request.headers.get('Content-Encoding');
      if (encoding && encoding.trim().toLowerCase() !== 'identity') {
        return { status: 415, reason: 'Unsupported Media Type', headers: [['Accept-Encoding', 'identity']] };
      }
    }
  }
  return undefined;
}
