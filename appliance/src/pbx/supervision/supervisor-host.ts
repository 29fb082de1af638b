// The CallHost the B2BUA talks to when supervision and conferences are on: supervisor codes
// (*31–*36) go to Supervision, everything else to the call center; relay events and call ends
// reach all three. So the call center needs no knowledge of supervision (layers point one way).
import type { Call } from '../call.ts';
import { ForwardingCallHost, type CallHost, type HostedDecision } from '../call-host.ts';
import type { MediaEvent } from '../media-anchor.ts';
import type { Conferences } from '../conference/conferences.ts';
import type { Supervision } from './supervision.ts';

/** Something beside the call center that follows relay events and call ends. */
export interface CallObserver {
  onMediaEvent?(e: MediaEvent): void;
  ended(call: Call): void;
}

/** The call center, with supervisor codes and conference bookkeeping in front of it. */
export class SupervisedCallHost extends ForwardingCallHost {
  /** `observers` also see relay events and call ends (agent call control, conference keys). */
  constructor(callCenter: CallHost, private readonly supervision: Supervision, private readonly conferences: Conferences, private readonly observers: ReadonlyArray<CallObserver> = []) {
    super(callCenter);
  }

  accept(call: Call, decision: HostedDecision): void {
    if (decision.kind === 'feature' && decision.code.kind === 'supervise') this.supervision.accept(call, decision.code);
    else this.inner.accept(call, decision);
  }

  override onMediaEvent(e: MediaEvent): void {
    this.inner.onMediaEvent(e);
    this.supervision.onMediaEvent(e);
    for (const o of this.observers) o.onMediaEvent?.(e);
  }

  override ended(call: Call): void {
    this.inner.ended(call);
    this.supervision.ended(call);
    this.conferences.ended(call);
    for (const o of this.observers) o.ended(call);
  }
}
