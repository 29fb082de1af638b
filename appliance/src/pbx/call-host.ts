import type { SipRequest } from '../sip/message/index.ts';
import type { ServerTransaction, TransactionLayer } from '../sip/transaction/index.ts';
import type { LocalIdentity } from '../sip/local-address.ts';
import type { CallRecord } from '../records/index.ts';
import type { Call } from './call.ts';
import type { TransferRoute } from './transfer/call-transfers.ts';
import type { MediaEvent } from './media-anchor.ts';
import type { RouteDecision } from './routing/index.ts';
import type { AnsweredCall } from './recording/recording-control.ts';

/** A call the PBX answers itself, as the router decided it. */
export type HostedDecision = Extract<RouteDecision, { kind: 'ivr' | 'queue' | 'feature' }>;

/** Where a blind transfer may send a caller the PBX then hosts: a queue or an IVR menu. */
export type HostedTransfer = Extract<RouteDecision, { kind: 'ivr' | 'queue' }>;

/**
 * What the B2BUA hands calls it does not bridge to an extension or carrier: IVR menus, ACD
 * queues and agent feature codes (issue 6). The B2BUA only knows this interface; the call
 * center (pbx/call-center) implements it, so the dependency points from the feature to the core.
 */
export interface CallHost {
  /** A new call for an IVR menu, a queue or a feature code; the host answers or refuses it. */
  accept(call: Call, decision: HostedDecision): void;
  /** Every relay event (DTMF digits, prompts finished); the host picks those of its calls. */
  onMediaEvent(e: MediaEvent): void;
  /** A call ended (any call: the host ignores those it does not know). */
  ended(call: Call): void;
  /** The extension agent `agent` is logged in on now (an extension dialled the agent's number); undefined when logged out. */
  agentExtension?(agent: string): string | undefined;
  /**
   * Leg a of an answered call, whose leg-b party has just left by a blind transfer, goes into a
   * queue or IVR menu: the host answers for the PBX from now on. False when it cannot.
   */
  transferIn?(call: Call, to: HostedTransfer, by: string): boolean;
  /** An attended transfer bridged `consult`'s far party (an agent reached through a queue) to `call`'s transferee; `consult` ends next. */
  consultTransferred?(call: Call, consult: Call): void;
}

/** A party of a call the PBX places itself, receiving the requests of its dialog (BYE, re-INVITE…). */
export interface DialogOwner { onInDialogRequest(request: SipRequest, tx: ServerTransaction): void }

/**
 * What the B2BUA lends the call center to place calls itself (callbacks): transactions, our
 * addresses, its dialog table, its routing (as if extension `from` dialled `number`), its ring
 * time and the call records.
 */
export interface CallOrigination {
  tx: TransactionLayer;
  local: LocalIdentity;
  userAgent(): string;
  addDialog(key: string, owner: DialogOwner): void;
  removeDialog(key: string): void;
  route(from: string, number: string): TransferRoute;
  noAnswerTimeoutMs(): number;
  writeRecord(r: CallRecord): void;
  /** Call recording (issue 7), when a recorder is configured: a placed call answered, and its end. */
  recording?: { answered(call: AnsweredCall): void; ended(callId: string): void };
}

/**
 * A host in front of another (prompt recording by phone, supervision): it takes the calls it
 * owns and hands everything else to `inner` — the optional parts too, so a transfer into a queue
 * or an agent's number dialled still reaches the call center however many hosts stand before it.
 */
export abstract class ForwardingCallHost implements CallHost {
  constructor(protected readonly inner: CallHost) {}

  abstract accept(call: Call, decision: HostedDecision): void;

  onMediaEvent(e: MediaEvent): void {
    this.inner.onMediaEvent(e);
  }

  ended(call: Call): void {
    this.inner.ended(call);
  }

  agentExtension(agent: string): string | undefined {
    return this.inner.agentExtension?.(agent);
  }

  transferIn(call: Call, to: HostedTransfer, by: string): boolean {
    return this.inner.transferIn?.(call, to, by) ?? false;
  }

  consultTransferred(call: Call, consult: Call): void {
    this.inner.consultTransferred?.(call, consult);
  }
}
