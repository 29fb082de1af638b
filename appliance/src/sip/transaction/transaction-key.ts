import type { SipRequest, SipResponse } from '../message/index.ts';

/** RFC 3261 §8.1.1.7: branches that start with this cookie are unique transaction ids. */
export const MAGIC_COOKIE = 'z9hG4bK';

/**
 * Key of the server transaction a request belongs to (RFC 3261 §17.2.3).
 * ACK and CANCEL are keyed with method INVITE so callers can find the INVITE
 * they refer to; the CANCEL's own transaction uses `cancelKey`.
 * A branch that is the bare cookie (RFC 4475 badbranch) is not an RFC 3261 id,
 * so it falls back to the RFC 2543 matching rules.
 */
export function serverKey(request: SipRequest, methodOverride?: string): string {
  const via = request.via[0];
  const branch = via.params.get('branch') ?? '';
  const method = methodOverride ?? (request.method === 'ACK' ? 'INVITE' : request.method);
  if (branch.length > MAGIC_COOKIE.length && branch.startsWith(MAGIC_COOKIE)) {
    return `${branch}|${via.host}:${via.port ?? ''}|${method}`;
  }
  // RFC 2543 §17.2.3 fallback: Request-URI (an ACK or CANCEL repeats the INVITE's), From tag,
  // Call-ID, CSeq number, top Via. The To tag is left out: the INVITE has none, its ACK carries ours.
  const fromTag = request.from.params.get('tag') ?? '';
  return `2543|${request.uri}|${fromTag}|${request.callId}|${request.cseq.seq}|${via.host}:${via.port ?? ''}|${branch}|${method}`;
}

/** Key of a client transaction from a response (RFC 3261 §17.1.3): branch of the top Via plus CSeq method. */
export function clientKeyOfResponse(response: SipResponse): string {
  return `${response.via[0]?.params.get('branch') ?? ''}|${response.cseq.method}`;
}

/** Key of a client transaction from the request it sends. */
export function clientKeyOfRequest(request: SipRequest): string {
  return `${request.via[0].params.get('branch') ?? ''}|${request.method}`;
}
