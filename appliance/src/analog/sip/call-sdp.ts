// The gateway's side of SDP offer/answer (RFC 3264): one audio stream in the card's law
// plus telephone-event. Parsing and writing are the PBX's (pbx/sdp), so both ends of the
// 127.0.0.1 link read and write SDP the same way.
import {
  type AudioDescription, type Direction, type Law, STATIC_PT, SdpError, answerDirection, parseAudio, writeAudio,
} from '../../pbx/sdp/index.ts';

export { SdpError, parseAudio, type AudioDescription, type Direction, type Law };

/** The card's law as the config names it. */
export type CardLaw = 'alaw' | 'ulaw';

/** The telephone-event payload type in the gateway's offers (any dynamic type would do). */
export const GATEWAY_TELEPHONE_EVENT_PT = 101;

/** The SDP codec name of a card law. */
export function sdpLaw(law: CardLaw): Law {
  return law === 'alaw' ? 'PCMA' : 'PCMU';
}

/** What the RTP stream needs from a negotiated SDP: where to send, in which law and payload type, in which direction. */
export interface NegotiatedAudio {
  address: string;
  rtpPort: number;
  law: Law;
  payloadType: number;
  telephoneEventPt?: number;
  /** Our direction: whether we send and whether we expect to receive. */
  direction: Direction;
}

/** Builds one SDP (offer or answer) for a call's RTP endpoint; `version` goes up with every change (RFC 3264 §8). */
export function gatewaySdp(o: {
  address: string; rtpPort: number; law: Law; payloadType: number; telephoneEventPt?: number; direction: Direction; sessionId: number; version: number;
}): Buffer {
  return writeAudio({
    address: o.address, rtpPort: o.rtpPort, laws: [{ law: o.law, payloadType: o.payloadType }],
    telephoneEventPt: o.telephoneEventPt, direction: o.direction, sessionId: o.sessionId, version: o.version,
  });
}

/** The gateway's offer: only the card's law (no transcoding on the gateway), plus telephone-event. */
export function offerParams(law: CardLaw): { law: Law; payloadType: number; telephoneEventPt: number } {
  const l = sdpLaw(law);
  return { law: l, payloadType: STATIC_PT[l], telephoneEventPt: GATEWAY_TELEPHONE_EVENT_PT };
}

/**
 * Answers an offer (RFC 3264 §6.1): the card's law when offered (no transcoding), else the
 * offerer's first G.711 law (the RTP stream transcodes); the offerer's telephone-event type.
 * Throws SdpError when the offer has no G.711 (the caller gets 488).
 */
export function answerOffer(offer: AudioDescription, cardLaw: CardLaw): NegotiatedAudio {
  if (offer.rejected || offer.laws.length === 0) throw new SdpError('the offer has no G.711 codec (PCMU or PCMA)');
  const chosen = offer.laws.find((l) => l.law === sdpLaw(cardLaw)) ?? offer.laws[0]!;
  return {
    address: offer.address, rtpPort: offer.rtpPort, law: chosen.law, payloadType: chosen.payloadType,
    telephoneEventPt: offer.telephoneEventPt, direction: answerDirection(offer.direction),
  };
}

/** Reads the far end's answer to our offer: the first law it accepted (RFC 3264 §6.1). Throws SdpError. */
export function readAnswer(answer: AudioDescription): NegotiatedAudio {
  const first = answer.laws[0];
  if (!first || answer.rejected) throw new SdpError('the answer accepts no G.711 codec');
  return {
    address: answer.address, rtpPort: answer.rtpPort, law: first.law, payloadType: first.payloadType,
    telephoneEventPt: answer.telephoneEventPt, direction: answerDirection(answer.direction),
  };
}
