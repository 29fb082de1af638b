// Building a response from a request (RFC 3261 §8.2.6).
import { Headers } from './headers.ts';
import { parseNameAddr } from './name-addr.ts';
import { reasonPhrase } from './reason-phrases.ts';
import { SipResponse, type SipRequest } from './sip-message.ts';

/**
 * RFC 3261 §8.2.6: a response to `request` copying Via (all, in order), From,
 * To (adding `toTag` if given and To has none), Call-ID, CSeq, and Timestamp for
 * a 100 (§8.2.6.1); Content-Length 0. Values are copied raw, so this also answers
 * requests whose From/To could not be parsed (a 400 for RFC 4475 quotbal).
 */
export function createResponse(request: SipRequest, status: number, reason?: string, toTag?: string): SipResponse {
  const h = new Headers();
  const src = request.headers;
  for (const v of src.getRaw('Via')) h.append('Via', v);
  const from = src.get('From');
  if (from !== undefined) h.append('From', from);
  let to = src.get('To');
  if (to !== undefined && toTag !== undefined && !hasTag(to)) to = `${to};tag=${toTag}`;
  if (to !== undefined) h.append('To', to);
  const callId = src.get('Call-ID');
  if (callId !== undefined) h.append('Call-ID', callId);
  const cseq = src.get('CSeq');
  if (cseq !== undefined) h.append('CSeq', cseq);
  if (status === 100) {
    const ts = src.get('Timestamp');
    if (ts !== undefined) h.append('Timestamp', ts);
  }
  h.append('Content-Length', '0');
  return new SipResponse(status, reason ?? reasonPhrase(status), h);
}

function hasTag(to: string): boolean {
  try {
    return parseNameAddr(to).params.has('tag');
  } catch {
    // Unparsable To: only look for a tag outside <...>.
    const gt = to.lastIndexOf('>');
    return /;\s*tag\s*=/i.test(gt < 0 ? to : to.slice(gt));
  }
}

/** RFC 3261 §11.2: the answer to an OPTIONS outside a dialog — the methods `allow`ed and SDP accepted. */
export function optionsResponse(request: SipRequest, allow: string, toTag?: string): SipResponse {
  const res = createResponse(request, 200, 'OK', toTag);
  res.headers.set('Allow', allow);
  res.headers.set('Accept', 'application/sdp');
  return res;
}

/** RFC 3261 §8.2.1: 405 for a method the UA does not support, listing the ones it does. */
export function methodNotAllowed(request: SipRequest, allow: string, toTag?: string): SipResponse {
  const res = createResponse(request, 405, 'Method Not Allowed', toTag);
  res.headers.set('Allow', allow);
  return res;
}
