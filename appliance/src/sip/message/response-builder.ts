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
