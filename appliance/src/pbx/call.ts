import { Headers, SipRequest, type SipResponse, createResponse, methodNotAllowed, newBranch, newCallId, newTag } from '../sip/message/index.ts';
import type { Endpoint } from '../sip/transport/index.ts';
import type { ClientTransaction, ServerTransaction, TimerValues, TransactionLayer } from '../sip/transaction/index.ts';
import { Dialog, dialogKey } from '../sip/dialog/index.ts';
import type { Clock, TimerHandle } from '../sip/clock.ts';
import type { LocalIdentity } from '../sip/local-address.ts';
import type { CallDisposition, HangupSide } from '../records/index.ts';
import { moduleLogger } from '../log.ts';
import { authorizationFor, pickChallenge } from '../sip/auth/index.ts';
import { TRUNK_NO_ANSWER_MS, failsOver } from './carrier-failover.ts';
import { Reliable2xx } from './reliable-2xx.ts';
import { ALLOWED_METHODS } from './request-guard.ts';
import { chooseFinal } from './final-response.ts';
import { CallMedia } from './call-media.ts';
import type { LegStats, MediaAnchor } from './media-anchor.ts';
import { SdpError } from './sdp/index.ts';
import type { RecordingFacts } from './recording/answered-call.ts';

const log = moduleLogger('pbx.call');

/** Which side of the B2BUA: `a` faces the caller, `b` the callee. */
export type Leg = 'a' | 'b';

/** How a call ended, as the call record stores it; `endCause` names an end the PBX decided (media timeout, no ACK, shutdown). */
export interface CallOutcome { disposition: CallDisposition; sipCode: number; sipReason: string; hangupSide: HangupSide | null; endCause?: string }

/** What a call needs from the B2BUA that owns it. */
export interface CallContext {
  tx: TransactionLayer;
  local: LocalIdentity;
  clock: Clock;
  timers: TimerValues;
  userAgent: string;
  /** The media relay every call's audio is anchored at. */
  media: MediaAnchor;
  /** Files a dialog so in-dialog requests find this call. */
  addDialog(key: string, call: Call, leg: Leg): void;
  /** The call ended: write its record, release its dialogs and busy counts. */
  ended(call: Call): void;
  /** The call was answered (both legs' SDP known): starts its recording when the policy says so. */
  answered?(call: Call): void;
  /** A REFER inside the call (RFC 3515): the transfer service answers it through `tx`; 405 when absent. */
  refer?(call: Call, leg: Leg, request: SipRequest, tx: ServerTransaction): void;
}

/**
 * A transfer under way whose transferor is the party on `leg` (see transfer/): while it
 * runs, a BYE from the transferor ends only that leg, and the transferee waits on music.
 */
export interface PendingTransfer {
  leg: Leg;
  /** The transferor hung up (its dialog is already detached). */
  transferorGone(): void;
  /** The call ended (the transferee hung up, shutdown): stop the transfer. */
  callEnded(): void;
}

/**
 * Where one outgoing INVITE goes and as whom: a registered contact of an extension, or a
 * carrier (SIP trunk, analog line group) for an outbound call.
 */
export interface ForkTarget {
  requestUri: string;
  dest: Endpoint;
  fromUser: string;
  /** Display name in From (RFC 3261 §20.20), e.g. "listen 8001" on a supervisor's phone; none when absent. */
  fromName?: string;
  toUser: string;
  /** Host of the To URI; the PBX's own address towards `dest` when absent (calls to extensions). */
  toHost?: string;
  /** Credentials answering a 401/407 from the far end (a carrier's digest account). */
  credentials?: { username: string; password: string };
  /** The carrier's name (trunk name or `analog:<group>`); set for outbound attempts. */
  carrier?: string;
}

/** One outgoing INVITE towards one target (RFC 3261 §16.6 style forking, or one carrier attempt). */
interface Fork {
  target: ForkTarget; invite: SipRequest; tx: ClientTransaction; finalStatus?: number; dialog?: Dialog;
  /** Credentials were already sent on this attempt: a second challenge means they are wrong. */
  authSent?: boolean;
  /** The carrier's silence timer ({@link TRUNK_NO_ANSWER_MS}), cancelled by its first response. */
  silenceTimer?: TimerHandle;
}

/**
 * What a call answered by the PBX itself (IVR, queue) reports while it waits for an agent:
 * see {@link Call.answerHere}. The hosted-call logic lives in pbx/call-center.
 */
export interface HostedCallListener {
  /** The agent's phone answered; the relay now bridges the caller to it. */
  bridged(target: ForkTarget): void;
  /** Every contact rung by `ringAgent` refused or failed (status: 486, 480, 408…). */
  ringFailed(status: number): void;
}

/**
 * A mixing room (pbx/conference) this call's legs are in. A BYE from a leg asks it first: when
 * the rest of the room goes on, only that leg leaves and the call stays up for the other.
 */
export interface CallMixing {
  /** The party on `leg` hung up; true when the call must stay up for its other leg. */
  partyLeft(call: Call, leg: Leg): boolean;
}

/** Our 2xx to an INVITE awaiting its ACK; `deferredAck` forwards a delayed-offer answer to the other leg. */
interface Pending2xx { seq: number; retransmit?: Reliable2xx; deferredAck?: (body?: Buffer) => void }


/**
 * One call through the B2BUA: a UAS dialog with the caller (leg a) and a UAC dialog with
 * whichever of the callee's contacts answers first (leg b). SDP passes through untouched
 * (media flows between the phones for now). Every path out of the call ends in `finish`,
 * which happens exactly once.
 */
export class Call {
  /** Lifecycle: ringing until a fork answers, answered until a BYE, then ended. */
  state: 'ringing' | 'answered' | 'ended' = 'ringing';
  /** When the call (or, after a transfer, its current segment) started. */
  startedAt: number;
  answeredAt: number | null = null;
  endedAt: number | null = null;
  outcome: CallOutcome | undefined;
  /** Keys under which the B2BUA filed this call's dialogs, so it can drop them without a scan. */
  readonly dialogKeys: string[] = [];

  private readonly aTag = newTag();
  private aDialog: Dialog | undefined;
  private bDialog: Dialog | undefined;
  private readonly forks: Fork[] = [];
  private readonly bCallId: string;
  private readonly bFromTag = newTag();
  private noAnswerTimer: TimerHandle | undefined;
  /** Carriers still to try, in order, for an outbound call; undefined for a call to an extension's contacts. */
  private attempts: ForkTarget[] | undefined;
  private bCseq = 1;
  /** A transfer in progress from one of the call's parties (transfer/). */
  transfer: PendingTransfer | undefined;
  /** Keys of dialogs a transfer took off this call's legs (their parties were released or moved). */
  private readonly formerDialogs = new Set<string>();
  /** The carrier that answered an outbound call, for the record; carriers tried, in order. */
  carrier: string | undefined;
  readonly carriersTried: string[] = [];
  /** Our 2xx to leg a/b awaiting its ACK, with the CSeq it answers. */
  private readonly pending2xx: Partial<Record<Leg, Pending2xx>> = {};
  /** The SDP side of the call and its relay session. */
  readonly media: CallMedia;
  /** Final media figures, filled in by the B2BUA when the relay session is released. */
  quality: { a: LegStats; b: LegStats } | undefined;
  /** What recording needs beyond the parties (recording/answered-call.ts): set by the B2BUA and the call center. */
  recordingFacts: RecordingFacts = {};
  /** The conference room this call's legs are mixed in, if any (pbx/conference). */
  mixing: CallMixing | undefined;
  /** Extension of the agent's phone bridged to a hosted call on leg b (it may transfer the caller); the record's callee stays the number dialled. */
  agentExtension: string | undefined;
  /** Set by answerHere: the PBX is the caller's far end until an agent answers. */
  private host: HostedCallListener | undefined;

  constructor(
    private readonly ctx: CallContext,
    readonly aInvite: SipRequest,
    private readonly aTx: ServerTransaction,
    private readonly aSource: Endpoint,
    /** The caller's number (authenticated extension or trusted peer's From user). */
    public caller: string,
    readonly callerName: string | undefined,
    /** The dialled extension, or the number dialled out; after a transfer, the party now on that leg. */
    public callee: string,
    /** Extensions taking part (caller and/or callee) whose busy count the call holds. */
    readonly extensions: string[] = [caller, callee],
  ) {
    this.startedAt = ctx.clock.now();
    this.bCallId = newCallId(ctx.local.hostFor(aSource));
    aTx.onCancel = () => this.onCallerCancel();
    // The caller's offer was checked by the B2BUA before the call was created (488 if unusable).
    this.media = new CallMedia(ctx.media, CallMedia.parseOffer(aInvite.body));
  }

  /** The caller's Call-ID, which identifies the call in records and status. */
  get callId(): string { return this.aInvite.callId; }

  /**
   * Allocates the relay ports and arms the no-answer timer, then either forks to every
   * target at once (an extension's contacts) or, `sequential`, tries the targets one after
   * the other, moving on when one fails over (an outbound call's carriers).
   */
  async start(targets: ForkTarget[], noAnswerTimeoutMs: number, sequential = false): Promise<void> {
    this.ctx.addDialog(`${this.callId}|${this.aTag}|${this.aInvite.from.params.get('tag') ?? ''}`, this, 'a');
    this.noAnswerTimer = this.ctx.clock.setTimer(noAnswerTimeoutMs, () => this.onNoAnswer());
    try {
      await this.media.allocate(this.callId);
    } catch (err) {
      log.error({ err: (err as Error).message, callId: this.callId }, 'no media ports for the call');
      if (this.state !== 'ringing') return;
      this.respondA(503, 'Service Unavailable');
      this.finish({ disposition: 'failed', sipCode: 503, sipReason: 'Service Unavailable', hangupSide: null, endCause: 'no-media-ports' });
      return;
    }
    // Cancelled while the ports were being bound: finish() ran before there was a session.
    if (this.state !== 'ringing') { void this.media.release(); return; }
    if (!sequential) {
      for (const t of targets) this.fork(t);
      return;
    }
    this.attempts = [...targets];
    this.nextAttempt(503);
  }

  /** Tries the next carrier; with none left the caller gets `lastStatus` (as chooseFinal words it). */
  private nextAttempt(lastStatus: number): void {
    const target = this.attempts!.shift();
    if (!target) {
      this.endUnanswered(lastStatus);
      return;
    }
    this.carriersTried.push(target.carrier ?? target.requestUri);
    this.fork(target);
  }

  /**
   * The PBX answers the caller itself (IVR, queue): relay ports, 200 OK with the relay's
   * answer, no forks. False when the call ended meanwhile or no ports were free (503 sent).
   * Afterwards `ringAgent` forks to an agent and `listener` hears how that went.
   */
  async answerHere(listener: HostedCallListener): Promise<boolean> {
    this.host = listener;
    this.ctx.addDialog(`${this.callId}|${this.aTag}|${this.aInvite.from.params.get('tag') ?? ''}`, this, 'a');
    try {
      await this.media.allocate(this.callId);
    } catch (err) {
      log.error({ err: (err as Error).message, callId: this.callId }, 'no media ports for the call');
      if (this.state !== 'ringing') return false;
      this.respondA(503, 'Service Unavailable');
      this.finish({ disposition: 'failed', sipCode: 503, sipReason: 'Service Unavailable', hangupSide: null, endCause: 'no-media-ports' });
      return false;
    }
    if (this.state !== 'ringing') { void this.media.release(); return false; }
    const sdp = this.media.sdpForCaller(this.ctx.local.hostFor(this.aSource));
    this.state = 'answered';
    this.answeredAt = this.ctx.clock.now();
    this.aDialog = Dialog.asUas(this.aInvite, this.aTag, this.aSource);
    const res200 = this.buildAResponse(200, 'OK', sdp);
    this.aTx.respond(res200);
    this.await2xxAck('a', this.aInvite.cseq.seq, () => this.aTx.respond(res200));
    if (this.aInvite.body.length === 0) this.pending2xx.a!.deferredAck = (body) => this.applyLateAnswer('a', body);
    return true;
  }

  /**
   * The PBX becomes the far end of leg a again: its leg-b party left by a blind transfer into a
   * queue or IVR menu (transfer/hosted-transfer.ts). Afterwards as after answerHere. False when
   * the call is not answered or leg b is still there.
   */
  hostAgain(listener: HostedCallListener): boolean {
    if (this.state !== 'answered' || this.bDialog) return false;
    this.host = listener;
    return true;
  }

  /** A hosted call not yet bridged to an agent. */
  get waitingForAgent(): boolean { return this.host !== undefined && this.state === 'answered' && !this.bDialog; }

  /** Rings an agent's contacts (a hosted call); the first to answer is bridged. */
  ringAgent(targets: ForkTarget[]): void {
    if (!this.waitingForAgent) return;
    if (targets.length === 0) { this.host!.ringFailed(480); return; }
    for (const t of targets) this.fork(t);
  }

  /** Stops ringing the agent (ring timeout, caller gone), or only the phones of extension `toUser`; a late 2xx is answered with a BYE. */
  stopRinging(toUser?: string): void {
    for (const f of this.forks) {
      if (toUser !== undefined && f.target.toUser !== toUser) continue;
      f.silenceTimer?.cancel();
      if (f.finalStatus === undefined) { f.tx.cancel(); f.finalStatus = 487; }
    }
  }

  /** Ends an answered or ringing call from the PBX side (shutdown, force release, media timeout). */
  hangup(side: HangupSide = 'system', endCause = 'pbx'): void {
    if (this.state === 'ended') return;
    if (this.state === 'ringing') {
      this.cancelForks();
      this.respondA(480, 'Temporarily Unavailable');
      this.finish({ disposition: 'failed', sipCode: 480, sipReason: 'Temporarily Unavailable', hangupSide: side, endCause });
      return;
    }
    this.sendBye('a');
    this.sendBye('b');
    this.finish({ ...this.answeredOutcome(), hangupSide: side, endCause });
  }

  /** A request inside one of this call's dialogs. Always answers through `tx`. */
  onInDialogRequest(leg: Leg, request: SipRequest, tx: ServerTransaction): void {
    const dialog = leg === 'a' ? this.aDialog : this.bDialog;
    if (this.formerDialogs.has(dialogKey(request.callId, request.to.params.get('tag') ?? '', request.from.params.get('tag') ?? ''))) {
      // A released transferor's request (its BYE crossing ours): it must not reach the party that replaced it.
      tx.respond(createResponse(request, request.method === 'BYE' ? 200 : 481, request.method === 'BYE' ? 'OK' : 'Call/Transaction Does Not Exist'));
      return;
    }
    if (this.state === 'ended' || !dialog) {
      // BYE on leg a before the 2xx (an early dialog) acts as a cancel.
      if (this.state === 'ringing' && leg === 'a' && request.method === 'BYE') {
        tx.respond(createResponse(request, 200, 'OK'));
        this.onCallerCancel();
        return;
      }
      tx.respond(createResponse(request, 481, 'Call/Transaction Does Not Exist'));
      return;
    }
    if (!dialog.acceptRemoteSeq(request)) {
      tx.respond(createResponse(request, 500, 'Out Of Order'));
      return;
    }
    switch (request.method) {
      case 'BYE':
        tx.respond(createResponse(request, 200, 'OK'));
        this.pending2xx[leg]?.retransmit?.stop();
        if (this.transfer?.leg === leg) {
          // RFC 5589 §6: a transferor may hang up once its REFER is accepted; the transferee stays.
          this.detach(leg);
          this.transfer.transferorGone();
          return;
        }
        if (this.mixing?.partyLeft(this, leg)) { this.detach(leg); return; }
        this.sendBye(other(leg));
        this.finish({ ...this.answeredOutcome(), hangupSide: leg === 'a' ? 'caller' : 'callee' });
        return;
      case 'INVITE':
      case 'UPDATE':
        this.answerReoffer(leg, request, tx, dialog);
        return;
      case 'INFO': case 'MESSAGE': case 'NOTIFY': case 'OPTIONS':
        this.relayOther(leg, request, tx, dialog);
        return;
      default: {
        if (request.method === 'REFER' && this.ctx.refer) { this.ctx.refer(this, leg, request, tx); return; }
        tx.respond(methodNotAllowed(request, ALLOWED_METHODS));
      }
    }
  }

  /** The number of the party on `leg` (the caller on a, the callee on b). */
  partyOn(leg: Leg): string { return leg === 'a' ? this.caller : this.agentExtension ?? this.callee; }

  /**
   * Transfer hook: `dialog` (a new call, or a dialog taken over from another call) becomes
   * `leg`, whose party is now `number`; the relay leg was already pointed at it. The old
   * dialog is forgotten without a BYE (the caller of this sends it) and the record starts a
   * new segment at `now` (see docs/sip.md, "Transfer").
   */
  replaceParty(leg: Leg, dialog: Dialog, number: string, carrier: string | undefined): void {
    if (leg === 'a') { this.aDialog = dialog; this.caller = number; } else { this.bDialog = dialog; this.callee = number; }
    delete this.pending2xx[leg];
    this.startedAt = this.ctx.clock.now();
    this.answeredAt = this.startedAt;
    // The record's trunk names the outside party's carrier: the new party's when it came through one.
    this.carrier = carrier ?? this.carrier;
    this.ctx.addDialog(dialog.key, this, leg);
    // Reported like an answer: a recorded call goes on in a new segment naming the new party.
    this.ctx.answered?.(this);
  }

  /** Forgets `leg`'s dialog without a BYE: its party left (transferor's BYE) or moved to another call. */
  detach(leg: Leg): Dialog | undefined {
    const dialog = this.dialogOf(leg);
    if (dialog) this.formerDialogs.add(dialog.key);
    if (leg === 'a') this.aDialog = undefined; else { this.bDialog = undefined; this.agentExtension = undefined; }
    this.pending2xx[leg]?.retransmit?.stop();
    delete this.pending2xx[leg];
    return dialog;
  }

  /** Hangs up one leg (BYE) and forgets its dialog; the call goes on for the other (a conference party removed). */
  dropLeg(leg: Leg): void {
    this.sendBye(leg);
    this.detach(leg);
  }

  /** Refuses a call the PBX would answer itself before answering it (a supervisor code from a non-supervisor: 403). */
  refuse(status: number, reason: string, endCause: string): void {
    if (this.state !== 'ringing') return;
    this.respondA(status, reason);
    this.finish({ disposition: 'failed', sipCode: status, sipReason: reason, hangupSide: null, endCause });
  }

  /** Ends the call because its parties were transferred elsewhere: BYE to whatever legs remain. */
  endTransferred(side: HangupSide): void {
    if (this.state === 'ended') return;
    this.sendBye('a');
    this.sendBye('b');
    this.finish({ ...this.answeredOutcome(), hangupSide: side, endCause: 'transferred' });
  }

  /** An ACK for one of our 2xx responses on `leg`. */
  onAck(leg: Leg, ack: SipRequest): void {
    const pending = this.pending2xx[leg];
    if (!pending || ack.cseq.seq !== pending.seq) return;
    pending.retransmit?.stop();
    delete this.pending2xx[leg];
    // Delayed offer: the answer to the PBX's offer arrives in the ACK (RFC 3264 §4).
    pending.deferredAck?.(ack.body.length > 0 ? ack.body : undefined);
  }

  /** A 2xx that arrived after its client transaction ended: re-ACK it (RFC 3261 §13.2.2.4). */
  onLate2xx(response: SipResponse): void {
    const fork = this.forks.find((f) => f.dialog && f.dialog.remoteTag === response.to.params.get('tag'));
    if (fork?.dialog) this.ctx.tx.sendStateless(fork.dialog.createRequest('ACK', this.ctx.local, { seq: response.cseq.seq }), fork.dialog.destination);
  }

  // ---- leg b: forking and responses ----

  private fork(target: ForkTarget, authorization?: { header: string; value: string }): void {
    const dest = target.dest;
    const h = new Headers();
    h.append('Via', this.ctx.local.via(dest, newBranch()));
    h.append('Max-Forwards', String(Math.max(0, (this.aInvite.maxForwards ?? 70) - 1)));
    const host = this.ctx.local.hostFor(dest);
    const display = this.callerName ? `"${this.callerName.replace(/["\\]/g, '')}" ` : '';
    h.append('From', `${display}<sip:${target.fromUser}@${host}>;tag=${this.bFromTag}`);
    h.append('To', `<sip:${target.toUser}@${target.toHost ?? host}>`);
    h.append('Call-ID', this.bCallId);
    // One Call-ID and From tag for every attempt of the call, so each needs a higher CSeq (RFC 3261 §22.2).
    h.append('CSeq', `${this.bCseq++} INVITE`);
    if (authorization) h.append(authorization.header, authorization.value);
    h.append('Contact', `<${this.ctx.local.contactUri(dest)}>`);
    h.append('Allow', ALLOWED_METHODS);
    h.append('User-Agent', this.ctx.userAgent);
    h.append('Content-Type', 'application/sdp');
    const invite = new SipRequest('INVITE', target.requestUri, h, this.media.offerToCallee(host));
    const fork = { target, invite, authSent: authorization !== undefined } as Fork;
    this.forks.push(fork);
    fork.tx = this.ctx.tx.request(invite, dest, {
      onResponse: (res) => this.onForkResponse(fork, res),
      onTimeout: () => this.onForkFinal(fork, 408),
    });
    if (this.attempts) {
      fork.silenceTimer = this.ctx.clock.setTimer(TRUNK_NO_ANSWER_MS, () => {
        // The transaction runs on to Timer B: a CANCEL goes out if a provisional still comes
        // (RFC 3261 §9.1), and a late 2xx is acknowledged and hung up (onFork2xx).
        log.info({ callId: this.callId, carrier: target.carrier }, 'carrier sent nothing; trying the next one');
        fork.tx.cancel();
        this.onForkFinal(fork, 408);
      });
    }
  }

  /** Resends a carrier attempt with digest credentials answering its 401/407 (RFC 3261 §22.2, RFC 7616 §3.4). */
  private answerChallenge(fork: Fork, res: SipResponse): boolean {
    const creds = fork.target.credentials;
    if (!creds || fork.authSent) return false;
    const proxy = res.status === 407;
    const challenge = pickChallenge(res.headers.getAll(proxy ? 'Proxy-Authenticate' : 'WWW-Authenticate'));
    if (!challenge) return false;
    fork.finalStatus = res.status;
    const value = authorizationFor(challenge, creds, 'INVITE', fork.target.requestUri);
    this.fork(fork.target, { header: proxy ? 'Proxy-Authorization' : 'Authorization', value });
    return true;
  }

  private onForkResponse(fork: Fork, res: SipResponse): void {
    const status = res.status;
    fork.silenceTimer?.cancel();
    if ((status === 401 || status === 407) && this.state === 'ringing' && fork.finalStatus === undefined && this.answerChallenge(fork, res)) return;
    // An attempt already given up on has nothing more to say to the caller.
    if (status < 200 && fork.finalStatus !== undefined) return;
    if (status < 200) {
      if (status === 100 || this.state !== 'ringing') return;
      // 180 and 183 are relayed to the caller under our one To tag; with early media the
      // callee's answer points the relay at it and the caller gets the PBX's answer.
      let early: Buffer | undefined;
      if (res.body.length > 0) {
        try {
          this.media.acceptCalleeAnswer(res.body);
          early = this.media.sdpForCaller(this.ctx.local.hostFor(this.aSource));
        } catch (err) {
          log.debug({ err: (err as Error).message, callId: this.callId }, 'early media SDP ignored');
        }
      }
      this.respondA(status, res.reason, early);
      return;
    }
    if (status < 300) { this.onFork2xx(fork, res); return; }
    this.onForkFinal(fork, status);
  }

  private onFork2xx(fork: Fork, res: SipResponse): void {
    if (fork.dialog) {
      // Retransmitted 2xx: our ACK was lost, send it again.
      this.ctx.tx.sendStateless(fork.dialog.createRequest('ACK', this.ctx.local, { seq: fork.invite.cseq.seq }), fork.dialog.destination);
      return;
    }
    const abandoned = fork.finalStatus !== undefined;
    fork.finalStatus = res.status;
    const dialog = Dialog.asUac(fork.invite, res, fork.target.dest);
    fork.dialog = dialog;
    this.ctx.tx.sendStateless(dialog.createRequest('ACK', this.ctx.local, { seq: fork.invite.cseq.seq }), dialog.destination);
    const hangUpFork = () => this.ctx.tx.request(dialog.createRequest('BYE', this.ctx.local), dialog.destination, { onResponse() {}, onTimeout() {} });
    if (this.host) { this.agentAnswered(fork, res, dialog, abandoned, hangUpFork); return; }
    if (this.state !== 'ringing' || abandoned) {
      // Answered after the call was cancelled, another contact won, or the attempt was given up: hang up at once (§16.7 / §15).
      hangUpFork();
      return;
    }
    let answerToCaller: Buffer;
    try {
      if (res.body.length > 0) this.media.acceptCalleeAnswer(res.body);
      answerToCaller = this.media.sdpForCaller(this.ctx.local.hostFor(this.aSource));
    } catch (err) {
      // RFC 3264 §5: an answer we cannot use ends that contact's attempt.
      log.warn({ err: (err as Error).message, callId: this.callId }, 'callee answer unusable; hanging up that contact');
      hangUpFork();
      this.onForkFinal(fork, 488);
      return;
    }
    this.state = 'answered';
    this.answeredAt = this.ctx.clock.now();
    this.carrier = fork.target.carrier ?? this.carrier;
    this.noAnswerTimer?.cancel();
    this.bDialog = dialog;
    this.ctx.addDialog(dialog.key, this, 'b');
    for (const f of this.forks) if (f !== fork) f.tx.cancel();

    this.aDialog = Dialog.asUas(this.aInvite, this.aTag, this.aSource);
    const res200 = this.buildAResponse(200, 'OK', answerToCaller);
    this.aTx.respond(res200);
    this.await2xxAck('a', this.aInvite.cseq.seq, () => this.aTx.respond(res200));
    if (this.aInvite.body.length === 0) {
      // RFC 3264 §4: with no offer in the INVITE, the 2xx carries the PBX's offer and the ACK the answer.
      this.pending2xx.a!.deferredAck = (body) => this.applyLateAnswer('a', body);
    }
    this.ctx.answered?.(this);
    if (log.isLevelEnabled('debug')) log.debug({ callId: this.callId, caller: this.caller, callee: this.callee }, 'call answered');
  }

  /** An agent's phone answered a hosted call: bridge it (the caller was answered long ago). */
  private agentAnswered(fork: Fork, res: SipResponse, dialog: Dialog, abandoned: boolean, hangUpFork: () => void): void {
    if (abandoned || !this.waitingForAgent) { hangUpFork(); return; }
    try {
      // The agent's answer points the relay's b leg at the phone and ends the prompt or music to the caller.
      this.media.acceptCalleeAnswer(res.body);
    } catch (err) {
      log.warn({ err: (err as Error).message, callId: this.callId }, 'agent answer unusable; hanging up that contact');
      hangUpFork();
      this.onForkFinal(fork, 488);
      return;
    }
    this.bDialog = dialog;
    this.agentExtension = fork.target.toUser;
    this.ctx.addDialog(dialog.key, this, 'b');
    for (const f of this.forks) if (f !== fork && f.finalStatus === undefined) { f.tx.cancel(); f.finalStatus = 487; }
    this.host!.bridged(fork.target);
    // The conversation starts now (the IVR and queue time before it are not recorded).
    this.ctx.answered?.(this);
  }

  /** The answer in an ACK to a 2xx that carried the PBX's offer; without a usable one the call cannot carry audio. */
  private applyLateAnswer(leg: Leg, body: Buffer | undefined): void {
    try {
      if (!body) throw new SdpError('the ACK carries no answer');
      this.media.acceptReanswer(leg, body);
    } catch (err) {
      log.warn({ err: (err as Error).message, callId: this.callId, leg }, 'no usable SDP answer in the ACK; ending the call');
      this.hangup('system', 'bad-sdp-answer');
    }
  }

  private onForkFinal(fork: Fork, status: number): void {
    if (fork.finalStatus !== undefined) return;
    fork.finalStatus = status;
    fork.silenceTimer?.cancel();
    if (this.waitingForAgent) {
      if (!this.forks.some((f) => f.finalStatus === undefined)) this.host!.ringFailed(status);
      return;
    }
    if (this.state !== 'ringing') return;
    if (this.attempts) {
      // Outbound: a carrier that cannot carry the call is passed over; an answer about the callee ends it.
      if (failsOver(status) && this.attempts.length > 0) {
        log.info({ callId: this.callId, carrier: fork.target.carrier, status }, 'carrier failed; trying the next one');
        this.nextAttempt(status);
      } else {
        this.endUnanswered(status);
      }
      return;
    }
    if (this.forks.some((f) => f.finalStatus === undefined)) return;
    this.endUnanswered(...this.forks.map((f) => f.finalStatus!));
  }

  /** Nobody answered: the caller gets the final chosen from the attempts' statuses. */
  private endUnanswered(...statuses: number[]): void {
    if (this.state !== 'ringing') return;
    // A carrier's challenge we could not answer is no status for the caller (it would ask them for credentials).
    const final = chooseFinal(statuses.map((s) => (s === 401 || s === 407 ? 503 : s)));
    this.noAnswerTimer?.cancel();
    this.respondA(final.status, final.reason);
    this.finish({ disposition: final.disposition, sipCode: final.status, sipReason: final.reason, hangupSide: final.disposition === 'busy' ? 'callee' : null });
  }

  private onCallerCancel(): void {
    if (this.state !== 'ringing') return;
    this.cancelForks();
    this.respondA(487, 'Request Terminated');
    this.finish({ disposition: 'cancelled', sipCode: 487, sipReason: 'Request Terminated', hangupSide: 'caller' });
  }

  private onNoAnswer(): void {
    if (this.state !== 'ringing') return;
    this.cancelForks();
    this.respondA(480, 'Temporarily Unavailable');
    this.finish({ disposition: 'no-answer', sipCode: 480, sipReason: 'Temporarily Unavailable', hangupSide: 'system' });
  }

  private cancelForks(): void {
    for (const f of this.forks) {
      f.silenceTimer?.cancel();
      if (f.finalStatus === undefined) f.tx.cancel();
    }
  }

  // ---- relaying inside the dialogs ----

  /**
   * A re-INVITE or UPDATE from one leg (hold, resume, new address): with media anchored,
   * the PBX answers it itself and the other phone is not disturbed (it hears music on
   * hold while this leg holds). Without SDP the PBX offers and the answer comes in the ACK.
   */
  private answerReoffer(leg: Leg, request: SipRequest, tx: ServerTransaction, dialog: Dialog): void {
    if (request.method === 'INVITE' && this.pending2xx[leg]) {
      // RFC 3261 §14.2: one INVITE transaction at a time per dialog.
      tx.respond(createResponse(request, 491, 'Request Pending'));
      return;
    }
    const host = this.ctx.local.hostFor(dialog.destination);
    let sdp: Buffer | undefined;
    try {
      if (request.body.length > 0) sdp = this.media.answerReoffer(leg, request.body, host);
      else if (request.method === 'INVITE') sdp = this.media.reofferTo(leg, host);
    } catch (err) {
      tx.respond(createResponse(request, 488, 'Not Acceptable Here'));
      log.info({ err: (err as Error).message, callId: this.callId, leg }, 're-offer refused');
      return;
    }
    dialog.refreshTarget(request);
    const ok = createResponse(request, 200, 'OK');
    ok.headers.set('Contact', `<${this.ctx.local.contactUri(dialog.destination)}>`);
    if (sdp) {
      ok.headers.set('Content-Type', 'application/sdp');
      ok.body = sdp;
    }
    tx.respond(ok);
    if (request.method !== 'INVITE') return;
    this.await2xxAck(leg, request.cseq.seq, () => tx.respond(ok));
    if (request.body.length === 0) this.pending2xx[leg]!.deferredAck = (body) => this.applyLateAnswer(leg, body);
  }

  private relayOther(leg: Leg, request: SipRequest, tx: ServerTransaction, dialog: Dialog): void {
    const target = this.dialogOf(other(leg));
    if (!target) {
      // A hosted call has nobody on the other side yet: the PBX itself takes the request.
      tx.respond(createResponse(request, 200, 'OK'));
      return;
    }
    const extra: Array<[string, string]> = [];
    for (const name of ['Event', 'Subscription-State', 'Info-Package']) {
      const v = request.headers.get(name);
      if (v) extra.push([name, v]);
    }
    const out = target.createRequest(request.method, this.ctx.local, { body: request.body, contentType: request.headers.get('Content-Type'), extraHeaders: extra });
    this.ctx.tx.request(out, target.destination, {
      onResponse: (res) => { if (res.status >= 200) tx.respond(this.relayResponse(request, res, dialog)); },
      onTimeout: () => tx.respond(createResponse(request, 408, 'Request Timeout')),
    });
  }

  /** The response to `request` on its own leg carrying the status, reason and body the other leg answered. */
  private relayResponse(request: SipRequest, res: SipResponse, dialog: Dialog): SipResponse {
    const out = createResponse(request, res.status, res.reason);
    if (res.status >= 200 && res.status < 300 && (request.method === 'INVITE' || request.method === 'UPDATE')) {
      out.headers.set('Contact', `<${this.ctx.local.contactUri(dialog.destination)}>`);
    }
    if (res.body.length > 0) {
      out.headers.set('Content-Type', res.headers.get('Content-Type') ?? 'application/sdp');
      out.body = res.body;
    }
    return out;
  }

  // ---- helpers ----

  private await2xxAck(leg: Leg, seq: number, resend: () => void): void {
    const dest = this.dialogOf(leg)?.destination ?? this.aSource;
    const entry: Pending2xx = { seq };
    if (dest.transport === 'udp') {
      entry.retransmit = new Reliable2xx(this.ctx.clock, this.ctx.timers, resend, () => {
        // §13.3.1.4: no ACK within 64*T1 — the session is not established; end it.
        log.warn({ callId: this.callId, leg }, 'no ACK for 2xx; ending the call');
        delete this.pending2xx[leg];
        if (this.state === 'answered') this.hangup('system');
      });
    }
    this.pending2xx[leg] = entry;
  }

  private respondA(status: number, reason: string, body?: Buffer): void {
    if (this.aTx.finalSent) return;
    this.aTx.respond(this.buildAResponse(status, reason, body));
  }

  private buildAResponse(status: number, reason: string, body?: Buffer): SipResponse {
    const res = createResponse(this.aInvite, status, reason, this.aTag);
    if (status < 300) {
      res.headers.set('Contact', `<${this.ctx.local.contactUri(this.aSource)}>`);
      res.headers.set('Allow', ALLOWED_METHODS);
    }
    if (body) {
      res.headers.set('Content-Type', 'application/sdp');
      res.body = body;
    }
    return res;
  }

  private sendBye(leg: Leg): void {
    const dialog = this.dialogOf(leg);
    if (!dialog) return;
    this.ctx.tx.request(dialog.createRequest('BYE', this.ctx.local), dialog.destination, { onResponse() {}, onTimeout() {} });
  }

  /** The dialog of `leg`, once established (undefined while ringing, or after its party left). */
  dialogOf(leg: Leg): Dialog | undefined { return leg === 'a' ? this.aDialog : this.bDialog; }

  private answeredOutcome(): Omit<CallOutcome, 'hangupSide'> {
    return { disposition: 'answered', sipCode: 200, sipReason: 'OK' };
  }

  private finish(outcome: CallOutcome): void {
    if (this.state === 'ended') return;
    this.state = 'ended';
    this.endedAt = this.ctx.clock.now();
    this.outcome = outcome;
    this.noAnswerTimer?.cancel();
    if (this.host) this.stopRinging();
    for (const f of this.forks) f.silenceTimer?.cancel();
    const transfer = this.transfer;
    this.transfer = undefined;
    transfer?.callEnded();
    for (const leg of ['a', 'b'] as const) this.pending2xx[leg]?.retransmit?.stop();
    // The caller's transaction lingers 32 s (RFC 6026); it must not keep the whole call alive.
    this.aTx.onCancel = undefined;
    this.ctx.ended(this);
  }
}

const other = (leg: Leg): Leg => (leg === 'a' ? 'b' : 'a');
