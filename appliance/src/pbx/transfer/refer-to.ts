import { parseNameAddr } from '../../sip/message/index.ts';

/** The dialog a Replaces header names (RFC 3891 §6.1): Call-ID and the two tags. */
export interface ReplacesTarget { callId: string; toTag: string; fromTag: string }

/** What a REFER asks for: the user part to route (blind) and, for an attended transfer, the dialog to replace. */
export interface ReferTarget { user: string; replaces?: ReplacesTarget }

/** A Refer-To the PBX cannot act on; the REFER is answered 400 with this message. */
export class ReferToError extends Error {}

/**
 * Parses a Refer-To header value (RFC 3515 §2.1): a SIP URI whose user part is the number
 * to transfer to, optionally with an escaped `Replaces` URI header (RFC 3891 §6.1, e.g.
 * `<sip:1003@pbx?Replaces=abc%40host%3Bto-tag%3D1%3Bfrom-tag%3D2>`). Throws ReferToError.
 */
export function parseReferTo(value: string | undefined): ReferTarget {
  if (!value) throw new ReferToError('no Refer-To header');
  let uri;
  try {
    uri = parseNameAddr(value.trim()).uri;
  } catch (err) {
    throw new ReferToError(`unreadable Refer-To: ${(err as Error).message}`);
  }
  if (uri.scheme !== 'sip' && uri.scheme !== 'sips' && uri.scheme !== 'tel') throw new ReferToError(`Refer-To scheme ${uri.scheme} is not supported`);
  const user = decodeURIComponent(uri.user ?? '');
  if (!user) throw new ReferToError('Refer-To names no number');
  let replacesRaw: string | undefined;
  for (const [name, v] of uri.headers) if (name.toLowerCase() === 'replaces') replacesRaw = v;
  if (replacesRaw === undefined) return { user };
  return { user, replaces: parseReplaces(decodeURIComponent(replacesRaw)) };
}

/** Parses a Replaces value, `call-id;to-tag=x;from-tag=y[;early-only]` (RFC 3891 §6.1). Throws ReferToError. */
export function parseReplaces(value: string): ReplacesTarget {
  const [callId, ...params] = value.split(';').map((p) => p.trim());
  const param = (name: string) => params.find((p) => p.toLowerCase().startsWith(`${name}=`))?.slice(name.length + 1);
  const toTag = param('to-tag');
  const fromTag = param('from-tag');
  if (!callId || !toTag || !fromTag) throw new ReferToError(`Replaces needs a Call-ID, to-tag and from-tag: '${value}'`);
  return { callId, toTag, fromTag };
}
