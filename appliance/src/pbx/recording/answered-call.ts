// The seam between a live call and recording: what the B2BUA and the call center know of a
// call (parties, relay session, carrier, route, queue, agent) turned into what the policy
// and the SIPREC metadata need. Kept here so the call code only sets a few facts.
import type { Call } from '../call.ts';
import type { CallMedia } from '../call-media.ts';
import type { RecordingSubjects } from './recording-policy.ts';
import type { AnsweredCall } from './recording-control.ts';

/** Direction of a call as the recording metadata names it (RFC 7865 extension, docs/recorder.md). */
export type CallDirection = 'inbound' | 'outbound' | 'internal';

/** What recording needs of a call beyond its parties; set by the B2BUA (direction, route) and the call center (queue, agent). */
export interface RecordingFacts {
  direction?: CallDirection;
  route?: string;
  queue?: string;
  agent?: string;
  /** The extension the agent answered on (leg b of a queue call). */
  agentExtension?: string;
}

/** The relay session and each leg's agreed law of a call's media; undefined until both legs agreed. */
function legsOf(media: CallMedia): Pick<AnsweredCall, 'sessionId' | 'a' | 'b'> | undefined {
  const session = media.session;
  const a = media.agreed('a');
  const b = media.agreed('b');
  if (!session || !a || !b) return undefined;
  return { sessionId: session.sessionId, a: { ...a, rtpPort: session.a.rtpPort }, b: { ...b, rtpPort: session.b.rtpPort } };
}

/** The recording view of an answered call; undefined while its media is not agreed on both legs. */
export function answeredCallOf(call: Call, facts: RecordingFacts): AnsweredCall | undefined {
  const legs = legsOf(call.media);
  if (!legs) return undefined;
  // The agent's facts hold while the agent is on the call; after the agent transferred the caller away, leg b is someone else.
  if (facts.agentExtension !== undefined && call.agentExtension === undefined) {
    const { agent: _agent, agentExtension: _ext, ...rest } = facts;
    facts = rest;
  }
  const direction = facts.direction ?? 'internal';
  const callee = facts.agentExtension ?? call.callee;
  const extensions = [...new Set([...call.extensions, ...(facts.agentExtension ? [facts.agentExtension] : [])])];
  return {
    callId: call.callId, caller: call.caller, ...(call.callerName ? { callerName: call.callerName } : {}), callee,
    ...legs, direction,
    ...(call.carrier ? { trunk: call.carrier } : {}), ...(facts.queue ? { queue: facts.queue } : {}), ...(facts.agent ? { agent: facts.agent } : {}),
    ...(facts.route ? { route: facts.route } : {}),
    extensions,
    // The outside party must never steer the recording: only extension legs key codes.
    controlLegs: [...(direction === 'inbound' ? [] : ['a' as const]), ...(direction === 'outbound' ? [] : ['b' as const])],
  };
}

/**
 * The recording view of a callback the PBX placed (call-center/callback-call.ts) once the
 * customer answered: leg a is the agent, leg b the customer; outbound, under the queue's policy
 * (the queue, the agent's extension, the carrier that answered). Only the agent keys codes.
 */
export function answeredCallbackOf(call: { id: string; media: CallMedia; carrier: string | undefined }, o: { queue: string; agent: string; agentExtension: string; customer: string; customerName?: string }): AnsweredCall | undefined {
  const legs = legsOf(call.media);
  if (!legs) return undefined;
  return {
    callId: call.id, caller: o.agentExtension, callee: o.customer, ...(o.customerName ? { calleeName: o.customerName } : {}),
    ...legs, direction: 'outbound', roles: { a: 'agent', b: 'customer' },
    ...(call.carrier ? { trunk: call.carrier } : {}), queue: o.queue, agent: o.agent,
    extensions: [o.agentExtension], controlLegs: ['a'],
  };
}

/** Direction of a new call from where it came from and where the router sends it. */
export function directionOf(fromTrunk: boolean, outbound: boolean): CallDirection {
  return fromTrunk ? 'inbound' : outbound ? 'outbound' : 'internal';
}

/** Policy subjects of a new call before it rings (requireRecorder's check); the carrier of an outbound call is not known yet. */
export function subjectsOfNewCall(o: { extensions: string[]; inboundTrunk?: string; queue?: string; route?: string }): RecordingSubjects {
  return { extensions: o.extensions, ...(o.inboundTrunk ? { trunk: o.inboundTrunk } : {}), ...(o.queue ? { queue: o.queue } : {}), ...(o.route ? { route: o.route } : {}) };
}
