import type { Dialog } from '../../sip/dialog/index.ts';
import type { LocalIdentity } from '../../sip/local-address.ts';
import type { TransactionLayer } from '../../sip/transaction/index.ts';
import { reasonPhrase } from '../../sip/message/index.ts';

/** How long the implicit subscription a REFER creates lasts (RFC 3515 §2.4.4), in seconds. */
const SUBSCRIPTION_EXPIRES_S = 60;

/**
 * The implicit `refer` subscription of one REFER (RFC 3515 §2.4.4–2.4.5): NOTIFYs in the
 * transferor's dialog whose message/sipfrag body is the status line of the transfer's
 * progress; a final status (≥ 200) terminates the subscription. Sends nothing once the
 * transferor's dialog is gone (it hung up after the 202).
 */
export class ReferNotifier {
  private done = false;

  constructor(private readonly tx: TransactionLayer, private readonly local: LocalIdentity, private readonly dialog: () => Dialog | undefined) {}

  /** Reports `status` to the transferor; final statuses end the subscription. */
  notify(status: number, reason = reasonPhrase(status)): void {
    if (this.done) return;
    const final = status >= 200;
    if (final) this.done = true;
    const dialog = this.dialog();
    if (!dialog) return;
    const state = final ? 'terminated;reason=noresource' : `active;expires=${SUBSCRIPTION_EXPIRES_S}`;
    const req = dialog.createRequest('NOTIFY', this.local, {
      body: Buffer.from(`SIP/2.0 ${status} ${reason}\r\n`),
      contentType: 'message/sipfrag;version=2.0',
      // NOTIFY is a target refresh request (RFC 6665 §4.1.2.2): it carries our Contact.
      extraHeaders: [['Event', 'refer'], ['Subscription-State', state], ['Contact', `<${this.local.contactUri(dialog.destination)}>`]],
    });
    this.tx.request(req, dialog.destination, { onResponse() {}, onTimeout() {} });
  }
}
