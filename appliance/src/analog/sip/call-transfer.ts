// The gateway as transferor (RFC 5589): an FXS phone that flashed, dialled a consult call
// and hung up hands its held call over to the consult call's far end by REFER (RFC 3515)
// in the held call's dialog; the PBX carries the transfer out and reports by NOTIFY.
import type { TimerHandle } from '../../sip/clock.ts';
import { moduleLogger } from '../../log.ts';
import type { GatewayCall, GatewayCallContext } from './gateway-call.ts';
import { escapeUser } from './gateway-call.ts';

const log = moduleLogger('analog.sip.transfer');

/** How long the PBX may take to report a transfer's outcome before the gateway hangs up both calls. */
export const TRANSFER_GIVE_UP_MS = 90_000;

/** The Refer-To of an attended transfer: the consult's number, with Replaces naming its dialog as the PBX files it (RFC 3891 §6.1). */
export function attendedReferTo(domain: string, consult: GatewayCall): string {
  const d = consult.dialog!;
  const replaces = `${d.callId};to-tag=${d.remoteTag};from-tag=${d.localTag}`;
  return `<sip:${escapeUser(consult.number)}@${domain}?Replaces=${encodeURIComponent(replaces)}>`;
}

/**
 * Transfers `first`'s far end to `consult`'s. Consult answered → attended (REFER with
 * Replaces; the PBX re-INVITEs the consult's far end and BYEs both our dialogs). Consult
 * not answered yet → blind: the consult is cancelled first (so its ringing phone is free
 * again for the PBX's own call), then REFER to the number it dialled; the PBX BYEs `first`
 * once the target answers. A REFER refused, a NOTIFY with a failure, or no outcome within
 * {@link TRANSFER_GIVE_UP_MS} → the gateway hangs up whatever is left (the phone is on hook).
 */
export function transferCall(ctx: GatewayCallContext, first: GatewayCall, consult: GatewayCall): void {
  const dialog = first.dialog;
  if (!dialog || first.ended) { consult.hangup(); first.hangup(); return; }
  const attended = consult.dialog !== undefined && !consult.ended && (consult.state === 'connected' || consult.state === 'held');
  let giveUp: TimerHandle | undefined;
  const abandon = (why: string, status?: number) => {
    giveUp?.cancel();
    first.onReferOutcome = undefined;
    log.info({ callId: dialog.callId, why, status }, 'transfer failed; hanging up');
    consult.hangup();
    first.hangup();
  };
  const sendRefer = (referTo: string) => {
    if (first.ended) return;
    first.onReferOutcome = (status) => {
      if (status < 200) return;
      giveUp?.cancel();
      first.onReferOutcome = undefined;
      if (status >= 300) abandon('NOTIFY', status);
      // Success: the PBX ends our dialogs itself (BYE).
    };
    giveUp = ctx.clock.setTimer(TRANSFER_GIVE_UP_MS, () => abandon('no outcome'));
    const req = dialog.createRequest('REFER', ctx.local, {
      extraHeaders: [['Refer-To', referTo], ['Contact', `<${ctx.local.contactUri(dialog.destination)}>`], ['User-Agent', ctx.userAgent]],
    });
    ctx.tx.request(req, dialog.destination, {
      onResponse: (res) => { if (res.status >= 300) abandon('REFER refused', res.status); },
      onTimeout: () => abandon('REFER timed out'),
    });
  };
  if (attended) {
    log.info({ callId: dialog.callId }, 'attended transfer');
    sendRefer(attendedReferTo(ctx.domain, consult));
    return;
  }
  log.info({ callId: dialog.callId }, 'blind transfer of a ringing consult call');
  consult.hangup();
  void consult.over.then(() => sendRefer(`<sip:${escapeUser(consult.number)}@${ctx.domain}>`));
}

/** The status code in a NOTIFY's message/sipfrag body (RFC 3420), e.g. `SIP/2.0 200 OK`; undefined if none. */
export function sipfragStatus(body: Buffer): number | undefined {
  const m = /^SIP\/2\.0 (\d{3})/.exec(body.toString('utf8', 0, Math.min(body.length, 64)));
  return m ? Number(m[1]) : undefined;
}
