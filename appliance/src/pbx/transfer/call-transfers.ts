import { createResponse, type SipRequest } from '../../sip/message/index.ts';
import type { ServerTransaction, TransactionLayer } from '../../sip/transaction/index.ts';
import type { Dialog } from '../../sip/dialog/index.ts';
import type { Clock } from '../../sip/clock.ts';
import type { LocalIdentity } from '../../sip/local-address.ts';
import { moduleLogger } from '../../log.ts';
import type { Call, ForkTarget, Leg } from '../call.ts';
import type { HostedTransfer } from '../call-host.ts';
import { transferIntoHost } from './hosted-transfer.ts';
import { ReferNotifier } from './refer-notifier.ts';
import { ReferToError, type ReplacesTarget, parseReferTo } from './refer-to.ts';
import { TargetCall } from './target-call.ts';

const log = moduleLogger('pbx.transfer');

/** Where a blind transfer's new call goes, as the router decided for the transferor; or the SIP status it fails with. */
export type TransferRoute =
  | { targets: ForkTarget[]; sequential: boolean; number: string; extension: boolean }
  /** A queue or IVR menu: the call center takes the transferee (hosted-transfer.ts). */
  | { hosted: HostedTransfer }
  | { status: number };

/** What the transfer service needs from the B2BUA. */
export interface TransferDeps {
  tx: TransactionLayer;
  local: LocalIdentity;
  clock: Clock;
  userAgent(): string;
  /** How long the new call of a blind transfer may ring. */
  noAnswerTimeoutMs(): number;
  /** Routes `dialled` as if the extension `transferor` dialled it; `transferee` is shown to the new party. */
  route(transferor: string, dialled: string, transferee: string): TransferRoute;
  /** The call and leg of one of the PBX's dialogs, by Call-ID and its two tags in either order. */
  findDialog(callId: string, tag1: string, tag2: string): { call: Call; leg: Leg } | undefined;
  /** The segment of `call` before the transfer ended now: write its record (docs/sip.md, "Transfer"). */
  segmentEnded(call: Call, transferorLeg: Leg): void;
  /** Moves a busy count: -1 for the transferor's extension, +1 for the new party's. */
  bump(extension: string, by: number): void;
  /** Hands the transferee on leg a to the call center (CallHost.transferIn). */
  transferIn(call: Call, to: HostedTransfer, by: string): boolean;
  /** An attended transfer put `consult`'s far party on `call` (the call center moves its agent); `consult` ends next. */
  consultTransferred(call: Call, consult: Call): void;
}

const opposite = (leg: Leg): Leg => (leg === 'a' ? 'b' : 'a');

/** Where a transfer's progress goes: NOTIFYs to a REFER's sender, or only the log for an API transfer. */
export type TransferProgress = Pick<ReferNotifier, 'notify'>;

/**
 * Call transfer by REFER (RFC 3515) inside an answered call, from either party. The PBX
 * does the transfer itself rather than passing the REFER on, so the transferee's phone
 * never sees it (it needs no REFER support) and the audio stays anchored:
 * - blind: the Refer-To number is routed as if the transferor dialled it; the new party
 *   is offered the relay port the transferor used, so the transferee's leg is untouched
 *   and, on answer, simply hears the new party;
 * - attended: Refer-To carries Replaces (RFC 3891) naming the transferor's other call
 *   with the PBX; its far party is re-INVITEd onto this call's relay port and both of the
 *   transferor's legs end.
 * Progress goes to the transferor as NOTIFY message/sipfrag (100, 180, then the final);
 * a failure leaves the original call as it was.
 */
export class CallTransfers {
  readonly counters = { requested: 0, completed: 0, failed: 0 };

  constructor(private readonly deps: TransferDeps) {}

  /** A REFER on `leg` of an answered call. Always answers through `tx`. */
  handleRefer(call: Call, leg: Leg, request: SipRequest, tx: ServerTransaction): void {
    if (call.transfer) {
      tx.respond(createResponse(request, 491, 'Request Pending'));
      return;
    }
    let target;
    try {
      target = parseReferTo(request.headers.get('Refer-To'));
    } catch (err) {
      if (!(err instanceof ReferToError)) throw err;
      log.info({ callId: call.callId, err: err.message }, 'REFER refused');
      tx.respond(createResponse(request, 400, err.message.slice(0, 80)));
      return;
    }
    const transferor = call.partyOn(leg);
    // An agent bridged to a hosted call (queue, IVR) is an extension too, though the call does not count it busy.
    if (!call.extensions.includes(transferor) && !(leg === 'b' && call.agentExtension === transferor)) {
      // Only an extension may transfer: a carrier or outside caller must never reach the box's routes.
      tx.respond(createResponse(request, 403, 'Forbidden'));
      return;
    }
    this.counters.requested++;
    tx.respond(createResponse(request, 202, 'Accepted'));
    const notifier = new ReferNotifier(this.deps.tx, this.deps.local, () => call.dialogOf(leg));
    notifier.notify(100, 'Trying');
    if (target.replaces) this.attended(call, leg, target.replaces, notifier);
    else this.blind(call, leg, target.user, notifier);
  }

  /**
   * A blind transfer asked for by the call-control API (issue 6) instead of a REFER: the party on
   * `leg` (the agent) is the transferor and `dialled` is routed as if it dialled it. There is no
   * REFER subscription, so progress is only logged; a failure leaves the call as it was.
   */
  blindTransfer(call: Call, leg: Leg, dialled: string): void {
    if (call.transfer) throw new RangeError(`call ${call.callId} is already being transferred`);
    if (call.state !== 'answered') throw new RangeError(`call ${call.callId} is not answered`);
    this.counters.requested++;
    this.blind(call, leg, dialled, { notify: (status) => log.info({ callId: call.callId, status }, 'API transfer progress') });
  }

  private blind(call: Call, leg: Leg, dialled: string, notifier: TransferProgress): void {
    const transferor = call.partyOn(leg);
    const route = this.deps.route(transferor, dialled, call.partyOn(opposite(leg)));
    if ('status' in route) { this.fail(call, notifier, route.status); return; }
    if ('hosted' in route) {
      transferIntoHost({
        releaseTransferor: (c, l) => { this.counters.completed++; this.release(c, l); },
        transferIn: (c, to, by) => this.deps.transferIn(c, to, by),
        fail: (c, n, status) => this.fail(c, n, status),
        now: () => this.deps.clock.now(),
      }, call, leg, dialled, route.hosted, notifier);
      return;
    }
    log.info({ callId: call.callId, leg, targets: route.targets.length }, 'blind transfer');
    const attempt = new TargetCall(
      { tx: this.deps.tx, local: this.deps.local, userAgent: this.deps.userAgent() },
      (host) => call.media.reofferTo(leg, host),
      {
        ringing: () => notifier.notify(180, 'Ringing'),
        answered: (dialog, res, answeredBy) => {
          timer.cancel();
          if (call.state !== 'answered') return false;
          try {
            call.media.acceptReanswer(leg, res.body);
          } catch (err) {
            log.warn({ callId: call.callId, err: (err as Error).message }, 'transfer target answer unusable');
            this.fail(call, notifier, 488);
            return false;
          }
          this.complete(call, leg, dialog, route.number, route.extension, answeredBy.carrier, notifier);
          return true;
        },
        failed: (status) => { timer.cancel(); this.fail(call, notifier, status); },
      },
    );
    const timer = this.deps.clock.setTimer(this.deps.noAnswerTimeoutMs(), () => { attempt.cancel(); this.fail(call, notifier, 480); });
    call.transfer = {
      leg,
      // The transferee waits on music until the target answers.
      transferorGone: () => call.media.musicOnHold(opposite(leg), true),
      callEnded: () => { timer.cancel(); attempt.cancel(); },
    };
    attempt.start(route.targets, route.sequential);
  }

  private attended(call: Call, leg: Leg, replaces: ReplacesTarget, notifier: TransferProgress): void {
    const found = this.deps.findDialog(replaces.callId, replaces.toTag, replaces.fromTag);
    const other = found?.call;
    if (found && other && other !== call && other.state === 'ringing' && found.leg === 'a' && other.partyOn('a') === call.partyOn(leg)) {
      // Semi-attended (RFC 5589 §7.3 case): the transferor hung up while its consult call still
      // rang. The consult is cancelled and its target called on the transferee's behalf, as in
      // a blind transfer; cancelling first frees a target without call waiting.
      log.info({ callId: call.callId, replaces: other.callId }, 'transfer to a consult call still ringing');
      const dialled = other.callee;
      other.hangup('caller', 'transferred');
      this.blind(call, leg, dialled, notifier);
      return;
    }
    if (!found || !other || other === call || other.state !== 'answered') { this.fail(call, notifier, 481); return; }
    // The replaced dialog must be the transferor's own: nobody takes over a stranger's call.
    if (other.partyOn(found.leg) !== call.partyOn(leg)) { this.fail(call, notifier, 403); return; }
    const farLeg = opposite(found.leg);
    const far = other.dialogOf(farLeg);
    if (!far) { this.fail(call, notifier, 481); return; }
    log.info({ callId: call.callId, replaces: other.callId }, 'attended transfer');
    this.moveParty(call, leg, far, notifier, () => other.state === 'answered', () => {
      const number = other.partyOn(farLeg);
      const extension = other.extensions.includes(number);
      other.detach(farLeg);
      this.complete(call, leg, far, number, extension, other.carrier, notifier);
      this.deps.consultTransferred(call, other);
      // The transferor's leg of the other call is the last one left there.
      other.endTransferred(found.leg === 'a' ? 'caller' : 'callee');
    });
  }

  /**
   * The `complete` of an attended transfer by the call-control API (issue 6): `far`, the consulted
   * party's dialog on a PBX-placed consult call (call-control/agent-dials.ts), takes the place of
   * the agent on `leg` exactly as in a REFER with Replaces. `moved` runs once it is in (its old
   * owner then lets it go without a BYE); `failed(status)` when it could not be moved, the calls
   * staying as they were. Throws RangeError when the call cannot be transferred now.
   */
  consultInto(call: Call, leg: Leg, far: Dialog, party: { number: string; extension: boolean; carrier: string | undefined }, moved: () => void, failed: (status: number) => void): void {
    if (call.transfer) throw new RangeError(`call ${call.callId} is already being transferred`);
    if (call.state !== 'answered') throw new RangeError(`call ${call.callId} is not answered`);
    this.counters.requested++;
    const notifier: TransferProgress = {
      notify: (status) => {
        log.info({ callId: call.callId, status }, 'API attended transfer progress');
        if (status >= 300) failed(status);
      },
    };
    this.moveParty(call, leg, far, notifier, () => true, () => {
      this.complete(call, leg, far, party.number, party.extension, party.carrier, notifier);
      moved();
    });
  }

  /**
   * RFC 3261 §14.1: a re-INVITE moves the party of `far` onto `call`'s relay port for the
   * transferor's `leg`; `moved` swaps it in once it answered and the calls are still up.
   */
  private moveParty(call: Call, leg: Leg, far: Dialog, notifier: TransferProgress, stillUp: () => boolean, moved: () => void): void {
    let abandoned = false;
    call.transfer = { leg, transferorGone: () => call.media.musicOnHold(opposite(leg), true), callEnded: () => { abandoned = true; } };
    const reinvite = far.createRequest('INVITE', this.deps.local, { body: call.media.reofferTo(leg, this.deps.local.hostFor(far.destination)), contentType: 'application/sdp' });
    let answered = false;
    this.deps.tx.request(reinvite, far.destination, {
      onResponse: (res) => {
        if (res.status < 200) return;
        if (res.status >= 300) { this.fail(call, notifier, res.status); return; }
        this.deps.tx.sendStateless(far.createRequest('ACK', this.deps.local, { seq: reinvite.cseq.seq }), far.destination);
        // A retransmitted 2xx (our ACK was lost) only needs the ACK again (RFC 3261 §13.2.2.4).
        if (answered) return;
        answered = true;
        far.refreshTarget(res);
        if (abandoned || call.state !== 'answered' || !stillUp()) { this.fail(call, notifier, 487); return; }
        try {
          call.media.acceptReanswer(leg, res.body);
        } catch (err) {
          log.warn({ callId: call.callId, err: (err as Error).message }, 'answer to the transfer re-INVITE unusable');
          this.fail(call, notifier, 488);
          return;
        }
        moved();
      },
      onTimeout: () => this.fail(call, notifier, 408),
    });
  }

  /** The new party answered: report success, write the old segment, swap the party in, release the transferor. */
  private complete(call: Call, leg: Leg, dialog: Dialog, number: string, extension: boolean, carrier: string | undefined, notifier: TransferProgress): void {
    call.transfer = undefined;
    this.counters.completed++;
    notifier.notify(200, 'OK');
    const old = this.release(call, leg, false);
    if (extension) { call.extensions.push(number); this.deps.bump(number, 1); }
    call.replaceParty(leg, dialog, number, extension ? undefined : carrier);
    call.media.musicOnHold(opposite(leg), false);
    if (old) this.bye(old);
  }

  /** Writes the segment before the transfer and takes the transferor off `leg` (its busy count too); BYE now, or by the caller. */
  private release(call: Call, leg: Leg, byeNow = true): Dialog | undefined {
    this.deps.segmentEnded(call, leg);
    const transferor = call.partyOn(leg);
    const old = call.detach(leg);
    const i = call.extensions.indexOf(transferor);
    if (i >= 0) { call.extensions.splice(i, 1); this.deps.bump(transferor, -1); }
    if (old && byeNow) this.bye(old);
    return old;
  }

  private bye(dialog: Dialog): void {
    this.deps.tx.request(dialog.createRequest('BYE', this.deps.local), dialog.destination, { onResponse() {}, onTimeout() {} });
  }

  /** The transfer failed with `status`: tell the transferor; the call goes on, or ends if the transferor already left. */
  private fail(call: Call, notifier: TransferProgress, status: number): void {
    const leg = call.transfer?.leg;
    call.transfer = undefined;
    this.counters.failed++;
    log.info({ callId: call.callId, status }, 'transfer failed');
    notifier.notify(status);
    if (leg && call.state === 'answered' && !call.dialogOf(leg)) call.hangup(leg === 'a' ? 'caller' : 'callee', 'transfer-failed');
  }
}
