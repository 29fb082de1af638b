import type { Call } from './call.ts';
import type { MediaEvent } from './media-anchor.ts';
import type { RouteDecision } from './routing/index.ts';

/** A call the PBX answers itself, as the router decided it. */
export type HostedDecision = Extract<RouteDecision, { kind: 'ivr' | 'queue' | 'feature' }>;

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
}
