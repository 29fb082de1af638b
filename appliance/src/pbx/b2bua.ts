import { createResponse, newTag, reasonPhrase, type SipRequest, type SipResponse } from '../sip/message/index.ts';
import type { Endpoint } from '../sip/transport/index.ts';
import type { ServerTransaction, TimerValues, TransactionLayer } from '../sip/transaction/index.ts';
import { dialogKey } from '../sip/dialog/index.ts';
import type { Clock } from '../sip/clock.ts';
import type { LocalIdentity } from '../sip/local-address.ts';
import { type CallQuality, type CallRecord, callDurations } from '../records/index.ts';
import { moduleLogger } from '../log.ts';
import { Call, type CallContext, type ForkTarget, type Leg } from './call.ts';
import type { CallOrigin, Router, TrunkStateOf } from './routing/index.ts';
import { type CarrierDirectory, carrierTarget } from './carrier-targets.ts';
import { CallMedia } from './call-media.ts';
import type { LegStats, MediaAnchor } from './media-anchor.ts';
import type { ExtensionDirectory } from './extension-directory.ts';
import type { AnsweredCall } from './recording/recording-control.ts';
import type { RecordingSubjects } from './recording/recording-policy.ts';
import { answeredCallOf, directionOf, subjectsOfNewCall } from './recording/answered-call.ts';
import { CallTransfers, type TransferRoute } from './transfer/call-transfers.ts';
import type { LocationService } from './location-service.ts';
import type { CallHost, CallOrigination, DialogOwner } from './call-host.ts';

const log = moduleLogger('pbx.b2bua');

/** B2BUA settings from config; replaced on reload (running calls keep theirs). */
export interface B2buaSettings { noAnswerTimeoutMs: number; userAgent: string }

/** Who places a new INVITE, as admission control decided: the origin the router needs, and the caller's number. */
export interface InviteCaller { origin: CallOrigin; number: string }

/** The routing table and carriers of the running config, and the trunks' live state; replaced on reload. */
export interface RoutingContext { router: Router; carriers: CarrierDirectory; stateOf: TrunkStateOf }

/** What the B2BUA needs around it. */
export interface B2buaDeps {
  tx: TransactionLayer;
  local: LocalIdentity;
  clock: Clock;
  timers: TimerValues;
  location: LocationService;
  directory: ExtensionDirectory;
  /** Where finished calls go (the CDR store); failures there must not affect calls. */
  writeRecord(record: CallRecord): void;
  /** The media relay every call's audio is anchored at. */
  media: MediaAnchor;
  /** Call recording (issue 7): the SIPREC client and its policy; absent when no recorder is configured. */
  recording?: CallRecorder;
}

/** What the B2BUA needs of call recording (recording/recording-control.ts decides the rest). */
export interface CallRecorder {
  /** True when a new call must be refused: its policy requires the recorder and the recorder is down. */
  refuses(subjects: RecordingSubjects): boolean;
  /** A call was answered (or a queue call reached its agent). */
  answered(call: AnsweredCall): void;
  /** A digit from a leg (in-call recording codes). */
  digit(sessionId: string, leg: 'a' | 'b', digit: string): void;
  ended(callId: string): void;
}

/**
 * The back-to-back user agent between extensions: routes a new INVITE to the callee's
 * registered contacts, owns the live calls, and finds the call for every in-dialog request.
 * Routing looks up in-memory maps only: no database access on the call path.
 */
export class B2bua {
  private readonly calls = new Map<string, Call>();
  private readonly dialogs = new Map<string, { call: Call; leg: Leg }>();
  /** Dialogs of calls the PBX placed itself (callbacks), not Calls. */
  private readonly owners = new Map<string, DialogOwner>();
  /** Calls each extension is in (as caller or callee), for the busy rule. */
  private readonly inCall = new Map<string, number>();
  private readonly context: CallContext;
  /** REFER handling (transfer/): blind and attended transfer inside calls. */
  readonly transfers: CallTransfers;
  /** Takes the calls the PBX answers itself (IVR, queues, feature codes); see call-host.ts. */
  private host: CallHost | undefined;
  /** Calls ended since start, by disposition; the status page shows them. */
  readonly counters = { callsStarted: 0, callsAnswered: 0, callsEnded: 0, recordErrors: 0, dtmfDigits: 0 };

  constructor(private readonly deps: B2buaDeps, private settings: B2buaSettings, private routing: RoutingContext) {
    this.context = {
      tx: deps.tx, local: deps.local, clock: deps.clock, timers: deps.timers, userAgent: settings.userAgent, media: deps.media,
      addDialog: (key, call, leg) => { this.dialogs.set(key, { call, leg }); call.dialogKeys.push(key); },
      ended: (call) => { void this.onEnded(call); },
      answered: (call) => this.startRecording(call),
      refer: (call, leg, request, tx) => this.transfers.handleRefer(call, leg, request, tx),
    };
    this.transfers = new CallTransfers({
      tx: deps.tx, local: deps.local, clock: deps.clock,
      userAgent: () => this.settings.userAgent,
      noAnswerTimeoutMs: () => this.settings.noAnswerTimeoutMs,
      route: (transferor, dialled, transferee) => this.transferRoute(transferor, dialled, transferee),
      findDialog: (callId, t1, t2) => this.dialogs.get(dialogKey(callId, t1, t2)) ?? this.dialogs.get(dialogKey(callId, t2, t1)),
      segmentEnded: (call, leg) => this.writeSegment(call, leg),
      transferIn: (call, to, by) => this.host?.transferIn?.(call, to, by) ?? false,
      consultTransferred: (call, consult) => this.host?.consultTransferred?.(call, consult),
      bump: (extension, by) => this.bump(extension, by),
    });
    deps.media.onEvent((e) => {
      // Rare events: a linear search keeps the hot path free of another index.
      const inSessions = (ids: string[]) => [...this.calls.values()].filter((c) => c.media.session && ids.includes(c.media.session.sessionId));
      if (e.type === 'media-timeout') {
        for (const c of inSessions([e.sessionId])) {
          log.warn({ callId: c.callId, silentForMs: e.silentForMs }, 'no RTP from either phone; ending the call');
          c.hangup('system', 'media-timeout');
        }
      } else if (e.type === 'dtmf') {
        // Digits can be account or card numbers: counted, and logged only at debug level.
        this.counters.dtmfDigits++;
        if (log.isLevelEnabled('debug')) log.debug({ sessionId: e.sessionId, leg: e.leg, digit: e.digit, durationMs: e.durationMs }, 'DTMF digit');
        this.deps.recording?.digit(e.sessionId, e.leg, e.digit);
      } else if (e.type === 'worker-crashed') {
        // Those calls have lost their audio path: end them cleanly rather than leave silence.
        for (const c of inSessions(e.sessionIds)) c.hangup('system', 'media-failure');
      }
      this.host?.onMediaEvent(e);
    });
  }

  /** What the call center needs to place calls itself (callbacks); see CallOrigination. */
  origination(): CallOrigination {
    return {
      tx: this.deps.tx, local: this.deps.local, userAgent: () => this.settings.userAgent,
      addDialog: (key, owner) => this.owners.set(key, owner), removeDialog: (key) => this.owners.delete(key),
      route: (from, number) => this.transferRoute(from, number, from),
      noAnswerTimeoutMs: () => this.settings.noAnswerTimeoutMs, writeRecord: (r) => this.write(r),
      ...(this.deps.recording ? { recording: this.deps.recording } : {}),
    };
  }

  /** Registers the call center, which answers IVR, queue and feature-code calls. */
  setHost(host: CallHost): void { this.host = host; }

  /** Where an extension's phones can be rung now (registered contacts), calling as `fromUser`. */
  contactsOf(extension: string, fromUser: string): ForkTarget[] {
    return this.deps.location.lookup(extension).map((b): ForkTarget => ({ requestUri: b.contact, dest: b.target, fromUser, toUser: extension }));
  }

  /** Takes the routes and carriers of a newly accepted config; calls in progress keep their attempt lists. */
  updateRouting(routing: RoutingContext): void { this.routing = routing; }

  /** Takes new settings on config reload. */
  update(settings: B2buaSettings): void {
    this.settings = settings;
    this.context.userAgent = settings.userAgent;
  }

  /**
   * A new INVITE from an admitted caller, routed by the router: to an extension (404 unknown,
   * 480 without a registered contact, 486 busy without call waiting), out through a route's
   * carriers in turn, 603 for an inbound route that hangs up, 404/484 when nothing matches,
   * 503 when a route has no carrier to try; 482 for a merged request, 488 for an unusable offer.
   */
  handleInvite(request: SipRequest, tx: ServerTransaction, source: Endpoint, from: InviteCaller): void {
    const dialled = unescapeUser(request.requestUri.user ?? '');
    const caller = from.number;
    const mergeKey = `${request.callId}|${request.from.params.get('tag') ?? ''}`;
    const existing = this.calls.get(mergeKey);
    if (existing && existing.aInvite.cseq.seq === request.cseq.seq) {
      // RFC 3261 §8.2.2.2: the same request arrived over another path.
      tx.respond(createResponse(request, 482, 'Loop Detected'));
      return;
    }
    const now = this.deps.clock.now();
    const inboundTrunk = from.origin.kind === 'trunk' ? from.origin.name : null;
    const refuse = (status: number, reason: string, disposition: CallRecord['disposition']) => {
      tx.respond(createResponse(request, status, reason, newTag()));
      this.write({
        callId: request.callId, caller, callee: dialled, startedAt: now, answeredAt: null, endedAt: now,
        disposition, durationSec: 0, billableSec: 0, sipCode: status, sipReason: reason, hangupSide: null, trunk: inboundTrunk,
      });
    };
    const decision = this.routing.router.decide({ origin: from.origin, dialled, callerNumber: caller }, this.routing.stateOf);
    switch (decision.kind) {
      case 'not-found': refuse(decision.status, reasonPhrase(decision.status), 'failed'); return;
      // RFC 3261 §21.6.2: the route says this call is not wanted.
      case 'hangup': refuse(603, 'Decline', 'failed'); return;
      case 'unavailable':
        log.warn({ callId: request.callId, route: decision.route }, 'no carrier of the route can be tried');
        refuse(503, 'Service Unavailable', 'failed');
        return;
      default:
    }
    try {
      CallMedia.parseOffer(request.body);
    } catch (err) {
      // RFC 3261 §13.3.1: an offer with nothing the PBX can relay.
      log.info({ err: (err as Error).message, callId: request.callId }, 'offer not acceptable');
      refuse(488, 'Not Acceptable Here', 'failed');
      return;
    }
    const callerName = from.origin.kind === 'extension' ? this.deps.directory.get(caller)?.name : request.from.displayName;
    const callerExtensions = from.origin.kind === 'extension' ? [caller] : [];
    const route = 'route' in decision ? decision.route : undefined;
    const queue = decision.kind === 'queue' ? decision.name : undefined;
    const calleeExtension = decision.kind === 'extension' ? [decision.number] : [];
    if (this.deps.recording?.refuses(subjectsOfNewCall({ extensions: [...callerExtensions, ...calleeExtension], inboundTrunk: inboundTrunk ?? undefined, queue, route }))) {
      // The policy requires recording and the recorder is down (config recording.requireRecorder).
      refuse(503, 'Service Unavailable', 'failed');
      return;
    }
    const facts = { direction: directionOf(inboundTrunk !== null, decision.kind === 'outbound'), ...(route ? { route } : {}) };
    if (decision.kind === 'ivr' || decision.kind === 'queue' || decision.kind === 'feature') {
      if (!this.host) { refuse(503, 'Service Unavailable', 'failed'); return; }
      const call = this.begin(request, tx, source, caller, callerName, dialled, callerExtensions, mergeKey, inboundTrunk ?? undefined);
      call.recordingFacts = facts;
      this.host.accept(call, decision);
      return;
    }
    if (decision.kind === 'outbound') {
      const targets = decision.carriers
        .map((c) => carrierTarget(c, decision.number, caller, this.routing.carriers))
        .filter((t): t is ForkTarget => t !== undefined);
      log.info({ callId: request.callId, route: decision.route, emergency: decision.emergency, carriers: targets.map((t) => t.carrier) }, 'outbound call');
      if (targets.length === 0) log.error({ callId: request.callId, route: decision.route }, 'no carrier to try for an outbound call');
      const call = this.begin(request, tx, source, caller, callerName, dialled, callerExtensions, mergeKey);
      call.recordingFacts = facts;
      void call.start(targets, this.settings.noAnswerTimeoutMs, true);
      return;
    }
    // Dialling an agent rings the extension it is logged in on (issue 6); logged out is unavailable.
    const callee = decision.kind === 'agent' ? this.host?.agentExtension?.(decision.agent) : decision.number;
    if (callee === undefined) { refuse(480, 'Temporarily Unavailable', 'failed'); return; }
    const extension = this.deps.directory.get(callee);
    if (!extension) { refuse(404, 'Not Found', 'failed'); return; }
    const bindings = this.deps.location.lookup(callee);
    if (bindings.length === 0) { refuse(480, 'Temporarily Unavailable', 'failed'); return; }
    if (!extension.callWaiting && (this.inCall.get(callee) ?? 0) > 0) { refuse(486, 'Busy Here', 'busy'); return; }
    if (decision.kind === 'extension' && decision.route) log.info({ callId: request.callId, route: decision.route, trunk: inboundTrunk }, 'inbound call');
    const call = this.begin(request, tx, source, caller, callerName, callee, [...callerExtensions, callee], mergeKey, inboundTrunk ?? undefined);
    call.recordingFacts = facts;
    const targets = bindings.map((b): ForkTarget => ({ requestUri: b.contact, dest: b.target, fromUser: caller, toUser: callee }));
    void call.start(targets, this.settings.noAnswerTimeoutMs);
  }

  /**
   * The new call of a blind transfer, routed as if the extension `transferor` dialled
   * `dialled` (same rules and statuses as handleInvite); the new party sees the transferee's number.
   */
  private transferRoute(transferor: string, dialled: string, transferee: string): TransferRoute {
    const decision = this.routing.router.decide({ origin: { kind: 'extension', number: transferor }, dialled, callerNumber: transferor }, this.routing.stateOf);
    switch (decision.kind) {
      case 'not-found': return { status: decision.status };
      case 'hangup': return { status: 603 };
      case 'unavailable': return { status: 503 };
      case 'outbound': {
        const targets = decision.carriers
          .map((c) => carrierTarget(c, decision.number, transferor, this.routing.carriers))
          .filter((t): t is ForkTarget => t !== undefined);
        return { targets, sequential: true, number: dialled, extension: false };
      }
      // The call center takes the transferee into a queue or menu (transfer/hosted-transfer.ts).
      case 'ivr':
      case 'queue':
        return this.host?.transferIn ? { hosted: decision } : { status: 503 };
      // A feature code acts on the phone that dials it: nothing to transfer anyone into.
      case 'feature':
        return { status: 403 };
      default:
    }
    const callee = decision.kind === 'agent' ? this.host?.agentExtension?.(decision.agent) : decision.number;
    if (callee === undefined) return { status: 480 };
    const extension = this.deps.directory.get(callee);
    if (!extension) return { status: 404 };
    const bindings = this.deps.location.lookup(callee);
    if (bindings.length === 0) return { status: 480 };
    if (!extension.callWaiting && (this.inCall.get(callee) ?? 0) > 0) return { status: 486 };
    const targets = bindings.map((b): ForkTarget => ({ requestUri: b.contact, dest: b.target, fromUser: transferee, toUser: callee }));
    return { targets, sequential: false, number: callee, extension: true };
  }

  /** The record of a call's segment that a transfer ended (docs/sip.md, "Transfer"); the call goes on. */
  private writeSegment(call: Call, transferorLeg: Leg): void {
    const end = this.deps.clock.now();
    this.write({
      callId: call.callId, caller: call.caller, callee: call.callee,
      startedAt: call.startedAt, answeredAt: call.answeredAt, endedAt: end, disposition: 'answered',
      ...callDurations(call.startedAt, call.answeredAt, end),
      sipCode: 200, sipReason: 'OK', hangupSide: transferorLeg === 'a' ? 'caller' : 'callee',
      endCause: 'transferred', quality: null, trunk: call.carrier ?? null,
    });
  }

  private begin(request: SipRequest, tx: ServerTransaction, source: Endpoint, caller: string, callerName: string | undefined, callee: string, extensions: string[], mergeKey: string, inboundTrunk?: string): Call {
    const call = new Call(this.context, request, tx, source, caller, callerName, callee, extensions);
    if (inboundTrunk) call.carrier = inboundTrunk;
    this.calls.set(mergeKey, call);
    for (const e of extensions) this.bump(e, 1);
    this.counters.callsStarted++;
    return call;
  }

  /** A request with a To tag; false when it belongs to no dialog of ours (the caller answers 481). */
  handleInDialog(request: SipRequest, tx: ServerTransaction): boolean {
    const key = keyOfIncoming(request);
    const entry = this.dialogs.get(key);
    if (entry) { entry.call.onInDialogRequest(entry.leg, request, tx); return true; }
    const owner = this.owners.get(key);
    if (!owner) return false;
    owner.onInDialogRequest(request, tx);
    return true;
  }

  /** An ACK for a 2xx (it matched no transaction). */
  handleAck(ack: SipRequest): void {
    const entry = this.dialogs.get(keyOfIncoming(ack));
    entry?.call.onAck(entry.leg, ack);
  }

  /** A 2xx retransmission that outlived its transaction: re-ACK through its dialog. */
  handleStrayResponse(response: SipResponse): void {
    if (response.status < 200 || response.status >= 300 || response.cseq.method !== 'INVITE') return;
    const key = dialogKey(response.callId, response.from.params.get('tag') ?? '', response.to.params.get('tag') ?? '');
    this.dialogs.get(key)?.call.onLate2xx(response);
  }

  /** Dialogs on file, including those of recently ended calls kept for late retransmissions. */
  get dialogCount(): number { return this.dialogs.size; }

  /** Live calls for the status page. */
  activeCalls(): Array<{ callId: string; caller: string; callee: string; state: 'ringing' | 'answered'; startedAt: string; answeredAt?: string }> {
    const out = [];
    for (const c of this.calls.values()) {
      if (c.state === 'ended') continue;
      out.push({
        callId: c.callId, caller: c.caller, callee: c.callee, state: c.state,
        startedAt: new Date(c.startedAt).toISOString(),
        ...(c.answeredAt !== null ? { answeredAt: new Date(c.answeredAt).toISOString() } : {}),
      });
    }
    return out;
  }

  /** The live call whose relay session is `sessionId` (in-call keys). A scan: digits are rare. */
  callOfSession(sessionId: string): Call | undefined {
    for (const c of this.calls.values()) if (c.media.session?.sessionId === sessionId) return c;
    return undefined;
  }

  /** Answered calls extension `extension` takes part in (as caller or callee), oldest first. A scan: supervisors and conferences ask rarely. */
  answeredCallsOf(extension: string): Call[] {
    return [...this.calls.values()].filter((c) => c.state === 'answered' && (c.caller === extension || c.callee === extension));
  }

  /** Ends every call (shutdown): BYE or 480 on each, records written. */
  hangupAll(): void {
    for (const c of [...this.calls.values()]) c.hangup('system');
  }

  private startRecording(call: Call): void {
    const answered = this.deps.recording ? answeredCallOf(call, call.recordingFacts) : undefined;
    if (answered) this.deps.recording!.answered(answered);
  }

  private async onEnded(call: Call): Promise<void> {
    const o = call.outcome!;
    this.deps.recording?.ended(call.callId);
    if (call.answeredAt !== null) this.counters.callsAnswered++;
    this.counters.callsEnded++;
    for (const e of call.extensions) this.bump(e, -1);
    if (call.carriersTried.length > 0) log.info({ callId: call.callId, carrier: call.carrier ?? null, tried: call.carriersTried, sipCode: o.sipCode }, 'outbound call ended');
    this.calls.delete(`${call.callId}|${call.aInvite.from.params.get('tag') ?? ''}`);
    // Retransmitted BYEs are absorbed by their transactions and late 2xx reach the fork's
    // INVITE transaction (RFC 6026 Accepted state), so the dialogs can go at once.
    for (const k of call.dialogKeys) if (this.dialogs.get(k)?.call === call) this.dialogs.delete(k);
    const end = call.endedAt!;
    this.host?.ended(call);
    try {
      call.quality = await call.media.release();
    } catch (err) {
      log.error({ err: (err as Error).message, callId: call.callId }, 'media session release failed');
    }
    this.write({
      callId: call.callId, caller: call.caller, callee: call.callee,
      startedAt: call.startedAt, answeredAt: call.answeredAt, endedAt: end,
      disposition: o.disposition,
      ...callDurations(call.startedAt, call.answeredAt, end),
      sipCode: o.sipCode, sipReason: o.sipReason, hangupSide: o.hangupSide,
      endCause: o.endCause ?? null, quality: call.quality ? qualityOf(call.quality) : null, trunk: call.carrier ?? null,
    });
  }

  private write(record: CallRecord): void {
    try {
      this.deps.writeRecord(record);
    } catch (err) {
      // A full disk or locked database must never take calls down; the counter shows it.
      this.counters.recordErrors++;
      log.error({ err, callId: record.callId }, 'could not write call record');
    }
  }

  private bump(extension: string, by: number): void {
    const n = (this.inCall.get(extension) ?? 0) + by;
    if (n <= 0) this.inCall.delete(extension);
    else this.inCall.set(extension, n);
  }
}

/** The per-leg figures a call record keeps (issue 4: packets, loss, jitter). */
function qualityOf(q: { a: LegStats; b: LegStats }): CallQuality {
  const leg = (s: LegStats) => ({ packetsIn: s.packetsIn, packetsOut: s.packetsOut, lost: s.lost, jitterMs: Math.round(s.jitterMs * 100) / 100 });
  return { a: leg(q.a), b: leg(q.b) };
}

/** A Request-URI user with RFC 3261 §19.1.2 escapes undone (`#` of feature codes arrives as %23); kept as is when malformed. */
function unescapeUser(user: string): string {
  if (!user.includes('%')) return user;
  try {
    return decodeURIComponent(user);
  } catch {
    return user;
  }
}

/** Dialog key of an incoming request from our side: our tag is in To, the peer's in From. */
function keyOfIncoming(request: SipRequest): string {
  return dialogKey(request.callId, request.to.params.get('tag') ?? '', request.from.params.get('tag') ?? '');
}
