import { Headers, SipRequest, type SipResponse, formatUri, newBranch } from '../message/index.ts';
import type { Endpoint } from '../transport/index.ts';
import type { LocalIdentity } from '../local-address.ts';

/** Identifies a dialog from this element's point of view (RFC 3261 §12). */
export const dialogKey = (callId: string, localTag: string, remoteTag: string): string => `${callId}|${localTag}|${remoteTag}`;

/**
 * Dialog state (RFC 3261 §12): identifiers, sequence numbers, route set and remote target,
 * plus the flow (`destination`) in-dialog requests are sent over. Requests follow the peer's
 * flow rather than re-resolving the Contact, so phones behind NAT keep working.
 */
export class Dialog {
  /** Our CSeq for the next request we send; null until we send one. */
  localSeq: number;
  /** The peer's last CSeq; null until the peer sends one in the dialog. */
  remoteSeq: number | null;

  private constructor(
    readonly callId: string,
    readonly localTag: string,
    readonly remoteTag: string,
    /** From/To header values as this side writes them (with tags). */
    readonly localParty: string,
    readonly remoteParty: string,
    public remoteTarget: string,
    readonly routeSet: string[],
    public destination: Endpoint,
    localSeq: number,
    remoteSeq: number | null,
  ) {
    this.localSeq = localSeq;
    this.remoteSeq = remoteSeq;
  }

  /** Key under which the dialog layer files this dialog. */
  get key(): string { return dialogKey(this.callId, this.localTag, this.remoteTag); }

  /** RFC 3261 §12.1.1: the UAS side of a dialog created by answering `invite` with `localTag`. */
  static asUas(invite: SipRequest, localTag: string, source: Endpoint): Dialog {
    const contact = invite.contacts.find((c) => !c.star);
    const target = contact && !contact.star ? formatUri(contact.value.uri) : formatUri(invite.from.uri);
    const to = invite.headers.get('To')!;
    return new Dialog(
      invite.callId, localTag, invite.from.params.get('tag') ?? '',
      to.includes(';tag=') ? to : `${to};tag=${localTag}`, invite.headers.get('From')!,
      target,
      invite.headers.getAll('Record-Route'), source, 1, invite.cseq.seq,
    );
  }

  /** RFC 3261 §12.1.2: the UAC side of a dialog created by a 1xx/2xx with a To tag to our `invite`. */
  static asUac(invite: SipRequest, response: SipResponse, destination: Endpoint): Dialog {
    const contact = response.contacts.find((c) => !c.star);
    return new Dialog(
      invite.callId, invite.from.params.get('tag') ?? '', response.to.params.get('tag') ?? '',
      invite.headers.get('From')!, response.headers.get('To')!,
      contact && !contact.star ? formatUri(contact.value.uri) : invite.uri,
      response.headers.getAll('Record-Route').reverse(), destination, invite.cseq.seq, null,
    );
  }

  /**
   * RFC 3261 §12.2.2: checks the CSeq of a request received in this dialog; false means
   * out of order (answer 500). Advances the remote sequence.
   */
  acceptRemoteSeq(request: SipRequest): boolean {
    const seq = request.cseq.seq;
    if (this.remoteSeq !== null && seq <= this.remoteSeq && request.method !== 'ACK' && request.method !== 'CANCEL') return false;
    if (request.method !== 'ACK' && request.method !== 'CANCEL') this.remoteSeq = seq;
    return true;
  }

  /** Takes the peer's new Contact on a target refresh (re-INVITE, UPDATE; §12.2.2). */
  refreshTarget(message: SipRequest | SipResponse): void {
    const contact = message.contacts.find((c) => !c.star);
    if (contact && !contact.star) this.remoteTarget = formatUri(contact.value.uri);
  }

  /**
   * RFC 3261 §12.2.1.1: a request within the dialog. ACK reuses the INVITE's CSeq number
   * (pass `seq`); every other method takes the next local number.
   */
  createRequest(method: string, local: LocalIdentity, opts: { seq?: number; body?: Buffer; contentType?: string; extraHeaders?: Array<[string, string]> } = {}): SipRequest {
    const seq = opts.seq ?? ++this.localSeq;
    const h = new Headers();
    h.append('Via', local.via(this.destination, newBranch()));
    h.append('Max-Forwards', '70');
    for (const r of this.routeSet) h.append('Route', r);
    h.append('From', this.localParty);
    h.append('To', this.remoteParty);
    h.append('Call-ID', this.callId);
    h.append('CSeq', `${seq} ${method}`);
    if (method === 'INVITE' || method === 'UPDATE') h.append('Contact', `<${local.contactUri(this.destination)}>`);
    for (const [n, v] of opts.extraHeaders ?? []) h.append(n, v);
    if (opts.body && opts.body.length > 0) h.append('Content-Type', opts.contentType ?? 'application/sdp');
    return new SipRequest(method, this.remoteTarget, h, opts.body ?? Buffer.alloc(0));
  }
}
