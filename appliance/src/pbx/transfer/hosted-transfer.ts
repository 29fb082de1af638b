import { moduleLogger } from '../../log.ts';
import type { Call, Leg } from '../call.ts';
import type { HostedTransfer } from '../call-host.ts';
import type { ReferNotifier } from './refer-notifier.ts';

/** Progress reports of a transfer (a REFER's NOTIFYs, or only the log). */
type Progress = Pick<ReferNotifier, 'notify'>;

const log = moduleLogger('pbx.transfer');

/** What a transfer into a queue or IVR menu needs from the transfer service. */
export interface HostedTransferDeps {
  /** Writes the segment before the transfer, releases the transferor on `leg` (BYE) and its busy count. */
  releaseTransferor(call: Call, leg: Leg): void;
  /** Hands leg a to the call center (CallHost.transferIn); false when it cannot take it. */
  transferIn(call: Call, to: HostedTransfer, by: string): boolean;
  /** Reports a failure to the transferor; the call goes on as it was. */
  fail(call: Call, notifier: Progress, status: number): void;
  now(): number;
}

/**
 * Blind transfer (RFC 5589 §6) of the transferee into a queue or IVR menu (issue 6). There is
 * no new party to wait for: the PBX itself becomes the far end of the transferee's leg, so the
 * transfer succeeds at once (NOTIFY 200) and the transferor is released. The transferee must be
 * on leg a (the side the call center hosts: a caller transferred by the agent or extension it
 * called); a caller transferring the party it called is refused with 403. The call record starts
 * a new segment whose callee is the number dialled (the queue's or menu's).
 */
export function transferIntoHost(deps: HostedTransferDeps, call: Call, leg: Leg, dialled: string, to: HostedTransfer, notifier: Progress): void {
  if (leg !== 'b' || call.state !== 'answered') { deps.fail(call, notifier, 403); return; }
  log.info({ callId: call.callId, to: to.kind }, 'blind transfer into the call center');
  // Said before the release: the NOTIFY goes inside the transferor's dialog.
  notifier.notify(200, 'OK');
  const by = call.partyOn(leg);
  deps.releaseTransferor(call, leg);
  call.callee = dialled;
  call.startedAt = deps.now();
  call.answeredAt = call.startedAt;
  if (!deps.transferIn(call, to, by)) {
    log.warn({ callId: call.callId }, 'the call center could not take the transferred caller; ending the call');
    call.hangup('system', 'transfer-failed');
  }
}
