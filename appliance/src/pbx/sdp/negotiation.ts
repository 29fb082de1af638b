import { type AudioDescription, type Law, STATIC_PT, SdpError } from './session-description.ts';

/** The PBX's telephone-event payload type in its own offers (any dynamic type would do). */
export const OUR_TELEPHONE_EVENT_PT = 101;
const BOTH: Law[] = ['PCMU', 'PCMA'];

/**
 * The laws the PBX offers the callee for a caller's offer: the caller's laws first in its
 * order (so no transcoding is needed if the callee takes one), then the other law, which
 * the relay can transcode to. With no caller offer (delayed offer), both laws.
 */
export function lawsToOffer(callerOffer: AudioDescription | undefined): Array<{ law: Law; payloadType: number }> {
  const order = callerOffer ? callerOffer.laws.map((l) => l.law) : [];
  for (const l of BOTH) if (!order.includes(l)) order.push(l);
  return order.map((law) => ({ law, payloadType: STATIC_PT[law] }));
}

/** The law a side answered with: the first one of its answer (RFC 3264 §6.1). */
export function answeredLaw(answer: AudioDescription): { law: Law; payloadType: number } {
  const first = answer.laws[0];
  if (!first || answer.rejected) throw new SdpError('the answer accepts no G.711 codec');
  return first;
}

/**
 * The law to answer an offer with, given the law used on the other leg: that same law if
 * the offer has it (no transcoding), else the offerer's first G.711 law (the relay
 * transcodes). Throws when the offer has no G.711 at all (the caller gets 488).
 */
export function chooseAnswerLaw(offer: AudioDescription, otherLeg: Law | undefined): { law: Law; payloadType: number } {
  if (offer.rejected || offer.laws.length === 0) throw new SdpError('the offer has no G.711 codec (PCMU or PCMA)');
  return offer.laws.find((l) => l.law === otherLeg) ?? offer.laws[0];
}
