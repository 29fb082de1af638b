import { randomInt } from 'node:crypto';
import type { LegPorts, LegStats, MediaAnchor } from './media-anchor.ts';
import {
  type AudioDescription, type Law, OUR_TELEPHONE_EVENT_PT, SdpError,
  answerDirection, answeredLaw, chooseAnswerLaw, lawsToOffer, parseAudio, writeAudio,
} from './sdp/index.ts';

/** Which side of the call: `a` the caller, `b` the callee. */
export type MediaLeg = 'a' | 'b';

/**
 * The media half of one call: the PBX's side of the SDP offer/answer on both legs
 * (RFC 3264) and the relay session that anchors the audio. Each leg negotiates its own
 * law and telephone-event; when the laws differ the relay transcodes, when one leg lacks
 * telephone-event the relay turns digits into in-band tones. A leg that puts the call on
 * hold (sendonly/inactive) is answered here and the other leg hears music on hold, so the
 * other phone never sees a re-INVITE.
 */
export class CallMedia {
  /** The relay session, once allocated. */
  session: { sessionId: string; a: LegPorts; b: LegPorts } | undefined;
  private readonly law: Partial<Record<MediaLeg, { law: Law; payloadType: number }>> = {};
  private readonly version: Record<MediaLeg, number> = { a: 0, b: 0 };
  private readonly sessionId = randomInt(1, 2 ** 31);
  private released = false;

  /**
   * @param callerOffer the caller's offer, or undefined for a delayed offer (checked with `parseOffer` first)
   */
  constructor(private readonly anchor: MediaAnchor, private readonly callerOffer: AudioDescription | undefined) {}

  /** Parses an INVITE's offer; throws SdpError when it holds nothing the PBX can relay (answer 488). */
  static parseOffer(body: Buffer): AudioDescription | undefined {
    if (body.length === 0) return undefined;
    const offer = parseAudio(body);
    chooseAnswerLaw(offer, undefined);
    return offer;
  }

  /** The law and payload type agreed with a leg, once its SDP is known (the recorder needs it). */
  agreed(leg: MediaLeg): { law: Law; payloadType: number } | undefined {
    return this.law[leg];
  }

  /** Allocates the relay ports for the call. */
  async allocate(callId: string): Promise<void> {
    this.session = await this.anchor.allocate(callId);
  }

  /** The PBX's offer to the callee: the relay's b-leg port and every law it can relay. */
  offerToCallee(host: string): Buffer {
    return this.sdp('b', host, lawsToOffer(this.callerOffer), OUR_TELEPHONE_EVENT_PT, 'sendrecv');
  }

  /** The callee's answer (in a 183 or 200): points the relay's b leg at the phone. Throws SdpError. */
  acceptCalleeAnswer(body: Buffer): void {
    const answer = parseAudio(body);
    this.setLeg('b', answer, answeredLaw(answer));
  }

  /**
   * What the caller gets: the answer to its offer (the callee's law when the caller has it,
   * else the caller's first, transcoded), or with a delayed offer the PBX's own offer.
   */
  sdpForCaller(host: string): Buffer {
    const offer = this.callerOffer;
    if (!offer) return this.sdp('a', host, preferLaw(lawsToOffer(undefined), this.law.b?.law), OUR_TELEPHONE_EVENT_PT, 'sendrecv');
    const law = chooseAnswerLaw(offer, this.law.b?.law);
    this.setLeg('a', offer, law);
    return this.sdp('a', host, [law], offer.telephoneEventPt, answerDirection(offer.direction));
  }

  /** The caller's answer to a delayed offer, from its ACK. Throws SdpError. */
  acceptCallerAnswer(body: Buffer): void {
    const answer = parseAudio(body);
    this.setLeg('a', answer, answeredLaw(answer));
  }

  /**
   * A new offer from one leg inside the call (hold, resume, new address): answered by the
   * PBX; the leg keeps its law when it still offers it. Hold turns music on for the other leg.
   */
  answerReoffer(leg: MediaLeg, body: Buffer, host: string): Buffer {
    const offer = parseAudio(body);
    const law = chooseAnswerLaw(offer, this.law[leg]?.law ?? this.law[other(leg)]?.law);
    this.setLeg(leg, offer, law);
    return this.sdp(leg, host, [law], offer.telephoneEventPt, answerDirection(offer.direction));
  }

  /** A re-INVITE without SDP: the PBX offers again (RFC 3261 §14.2), the answer comes in the ACK. */
  reofferTo(leg: MediaLeg, host: string): Buffer {
    return this.sdp(leg, host, preferLaw(lawsToOffer(undefined), this.law[leg]?.law), OUR_TELEPHONE_EVENT_PT, 'sendrecv');
  }

  /** The answer to a re-offer, from the ACK. Throws SdpError. */
  acceptReanswer(leg: MediaLeg, body: Buffer): void {
    const answer = parseAudio(body);
    this.setLeg(leg, answer, answeredLaw(answer));
  }

  /** Music on hold for `leg` on or off (a transferee waiting after its transferor hung up). */
  musicOnHold(leg: MediaLeg, on: boolean): void {
    if (this.session) this.anchor.setMusicOnHold(this.session.sessionId, leg, on);
  }

  /** Ends the relay session; returns its final figures (undefined when none was allocated). Safe to call twice. */
  async release(): Promise<{ a: LegStats; b: LegStats } | undefined> {
    if (!this.session || this.released) return undefined;
    this.released = true;
    return this.anchor.release(this.session.sessionId);
  }

  private setLeg(leg: MediaLeg, desc: AudioDescription, law: { law: Law; payloadType: number }): void {
    this.law[leg] = law;
    if (!this.session) throw new SdpError('no media session');
    this.anchor.update(this.session.sessionId, {
      [leg]: {
        law: law.law, payloadType: law.payloadType, telephoneEventPt: desc.telephoneEventPt,
        remote: { address: desc.address, rtpPort: desc.rtpPort, rtcpPort: desc.rtcpPort }, direction: desc.direction,
      },
    });
    const holding = desc.direction === 'sendonly' || desc.direction === 'inactive';
    this.anchor.setMusicOnHold(this.session.sessionId, other(leg), holding);
  }

  private sdp(leg: MediaLeg, host: string, laws: Array<{ law: Law; payloadType: number }>, te: number | undefined, direction: ReturnType<typeof answerDirection>): Buffer {
    if (!this.session) throw new SdpError('no media session');
    this.version[leg]++;
    return writeAudio({
      address: host, rtpPort: this.session[leg].rtpPort, laws,
      telephoneEventPt: te, direction, sessionId: this.sessionId, version: this.version[leg],
    });
  }
}

const other = (leg: MediaLeg): MediaLeg => (leg === 'a' ? 'b' : 'a');

/** The same laws with `law` moved first, so a leg keeps its law when it can. */
function preferLaw<T extends { law: Law }>(laws: T[], law: Law | undefined): T[] {
  return law ? [...laws.filter((l) => l.law === law), ...laws.filter((l) => l.law !== law)] : laws;
}
