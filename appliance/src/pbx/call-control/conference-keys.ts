// Conference from a desk phone during a call (issue 6): the agent keys *61 to merge its held
// call and its current (consult) call into a conference — again to add a further consult party —
// and *62 to leave it. Digits come from the relay (RFC 4733 events or in-band DTMF) as for the
// recording codes *41–*44 (recording-control.ts), watched by the same InCallSequenceDetector; the
// commands are the Conferences' merge and leave, so the API and the phone do exactly the same.
import { InCallSequenceDetector } from '../../dialplan/index.ts';
import type { Clock } from '../../sip/clock.ts';
import { moduleLogger } from '../../log.ts';
import type { Call } from '../call.ts';
import type { MediaEvent } from '../media-anchor.ts';

const log = moduleLogger('pbx.call-control');

/** A conference command keyed in a call. */
export type ConferenceKeyAction = 'merge' | 'leave';

/** In-call codes of conferences (docs/acd.md); `*6x` belongs to conferences as `*4x` to recording. */
export const CONFERENCE_DTMF_CODES: Readonly<Record<string, ConferenceKeyAction>> = { '*61': 'merge', '*62': 'leave' };

/** What the keys need: the call of a relay session, who is an agent, and the conferences. */
export interface ConferenceKeysDeps {
  clock: Clock;
  /** The live call whose relay session is `sessionId`. */
  callOfSession(sessionId: string): Call | undefined;
  /** The agent logged in on `extension`. */
  agentOn(extension: string): string | undefined;
  merge(agent: string): unknown;
  leave(agent: string): void;
}

/** Watches the digits of agents' legs for *61/*62; see the file comment. */
export class ConferenceKeys {
  private readonly detectors = new Map<string, InCallSequenceDetector<ConferenceKeyAction>>();
  readonly counters = { keyed: 0, refused: 0 };

  constructor(private readonly deps: ConferenceKeysDeps) {}

  /** A relay event; only digits matter here. */
  onMediaEvent(e: MediaEvent): void {
    if (e.type !== 'dtmf') return;
    const call = this.deps.callOfSession(e.sessionId);
    if (!call || call.state !== 'answered') return;
    // A queue call's leg b names the agent's extension (Call.partyOn), whatever number was dialled.
    const agent = this.deps.agentOn(call.partyOn(e.leg));
    // Only an agent's own leg may key conference codes, never the customer.
    if (agent === undefined) return;
    const key = `${e.sessionId}/${e.leg}`;
    let detector = this.detectors.get(key);
    if (!detector) this.detectors.set(key, (detector = new InCallSequenceDetector(CONFERENCE_DTMF_CODES)));
    const action = detector.push(e.digit, this.deps.clock.now());
    if (!action) return;
    this.counters.keyed++;
    try {
      if (action === 'merge') this.deps.merge(agent);
      else this.deps.leave(agent);
      log.info({ callId: call.callId, agent, action }, 'conference code keyed in the call');
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      this.counters.refused++;
      log.info({ callId: call.callId, agent, action, why: err.message }, 'conference code refused');
    }
  }

  /** A call ended: its detectors go. */
  ended(call: Call): void {
    const id = call.media.session?.sessionId;
    if (id === undefined) return;
    this.detectors.delete(`${id}/a`);
    this.detectors.delete(`${id}/b`);
  }
}
