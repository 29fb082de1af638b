/**
 * The seam inside the analog gateway service (issue 5). The gateway is a SIP user agent
 * on 127.0.0.1 in front of the telephony cards: to the PBX each FXS phone is a registered
 * extension and the FXO lines are a trunk (line groups reached as `sip:<number>@gateway;group=<name>`),
 * so calls between card ports and everything else go through the B2BUA like any other.
 *
 * Two halves meet here and know nothing else of each other:
 * - the port side (port machines: dial tone, digit collection, ringing with caller ID,
 *   FXO ring detection and seizure, tones, hook flash) implements {@link PortSide};
 * - the SIP side (registrations, INVITE dialogs, SDP, one RTP endpoint per call)
 *   implements {@link SipSide}.
 * Audio crosses as 20 ms G.711 frames in the card's law; the RTP endpoint behind
 * {@link CallAudio} offers that law, and the PBX's relay transcodes when the far end differs.
 *
 * On the wire between gateway (127.0.0.1:analog.sipPort) and PBX:
 * - each FXS phone REGISTERs as its extension with the extension's digest credentials;
 * - INVITEs from the gateway's address and port are trusted (no digest challenge):
 *   - without a `group` Request-URI parameter, an FXS phone dials: From user = its extension,
 *     Request-URI user = the digits dialled;
 *   - with `;group=<line group>` in the Request-URI, a PSTN call came in on an FXO line:
 *     Request-URI user = the line's DID (or `s`), From user = the caller ID number (or
 *     `anonymous`), From display name = the caller ID name; the PBX routes it by its inbound routes;
 * - the PBX calls an FXS phone at its registered contact (no `group`), and dials out through
 *   a line group with `sip:<number>@127.0.0.1:<sipPort>;group=<name>`.
 */

/** How far digits dialled on an FXS phone get against the dial plan (see dialplan/DialPattern). */
export interface DigitVerdict {
  /** The digits are a whole number (an extension, a route's pattern, an emergency number). */
  full: boolean;
  /** More digits could still make a number. */
  canExtend: boolean;
}

/**
 * The FXS dial plan: full and cannot extend → dial at once; can extend → wait for the next
 * digit until the inter-digit timeout, then dial if full; neither → number unobtainable.
 */
export type DigitPlan = (digits: string) => DigitVerdict;

/** Who is calling, as caller ID carries it. Either part may be missing (withheld, unavailable). */
export interface CallerIdentity {
  number?: string;
  name?: string;
}

/** A connected call's audio as a port sees it: 20 ms frames (160 bytes) in the card's law. */
export interface CallAudio {
  /** A frame the port received (what the phone or line says), sent on to the far end. */
  send(frame: Uint8Array): void;
  /** The next frame to play on the port, or undefined when none is due (the port plays silence). */
  next(): Uint8Array | undefined;
}

/** The tone a port plays when a call it placed fails: 486/600 → busy, anything else → congestion. */
export type FailureTone = 'busy' | 'congestion';

/** Progress of a call a port placed, reported by the SIP side. Each is called at most once, in order. */
export interface OutgoingCallEvents {
  /** The far end rings (180/183); `earlyAudio` is true when the PBX sends audio (ringback, announcements) before the answer. */
  ringing(earlyAudio: boolean): void;
  /** The far end answered: audio flows through the call's {@link CallAudio}. */
  answered(): void;
  /** The call was refused or failed before an answer. */
  failed(tone: FailureTone, status: number): void;
  /** The far end hung up after answering. */
  ended(): void;
}

/** Hold and hang-up, the same for calls a port placed and calls it took. */
export interface PortCall {
  /** Audio of the call (silence until early media or the answer). */
  readonly audio: CallAudio;
  /** Hook flash: puts the far end on hold (it hears the PBX's music on hold) or takes it off. */
  hold(on: boolean): void;
  /** The port ended the call: CANCEL before the answer, BYE after, a final response for an unanswered incoming call. */
  hangup(): void;
  /**
   * Transfer (FXS: flash, dial, hang up): hands this call's far end over to the far end of
   * `consult`, a call the same port placed afterwards (RFC 5589). Answered consult → attended:
   * REFER with Replaces naming the consult's dialog; consult still ringing → blind: the consult
   * is cancelled, then REFER to the number it dialled. For the port both calls are over at once:
   * no further events are reported for either; the SIP side hangs them up if the PBX refuses.
   */
  transfer(consult: PortCall): void;
}

/** A call placed from a port: an FXS phone dialled, or an FXO line rang and was answered. */
export type OutgoingCall = PortCall;

/** What the port side asks of the SIP side. */
export interface SipSide {
  /**
   * Places a call to the PBX. FXS: `from.number` is the port's extension and `to` the dialled
   * digits. FXO: `from` is the caller ID decoded on the line and `to` the line's DID (or
   * `s` when it has none), for the PBX's inbound routes.
   */
  call(port: number, from: CallerIdentity, to: string, events: OutgoingCallEvents): OutgoingCall;
}

/** A call the PBX offers to a port (an FXS extension, or a line group for an outbound call). */
export interface IncomingCall extends PortCall {
  /** Who calls: shown to an FXS phone as caller ID. */
  readonly caller: CallerIdentity;
  /** FXS: the extension called; FXO: the number to dial on the line. */
  readonly number: string;
  /** The phone is ringing (180). */
  ringing(): void;
  /** The phone was picked up, or the line seized and dialled (200). */
  answer(): void;
  /** Refused before an answer: 486 busy, 480 unavailable (alarm, stuck off-hook), 503 no free line in the group. */
  reject(status: 480 | 486 | 503): void;
  /** Set by the port side: the caller gave up before the answer (CANCEL). */
  onCancelled?: () => void;
  /** Set by the port side: the far end hung up after the answer (BYE). */
  onEnded?: () => void;
}

/** What the SIP side asks of the port side. */
export interface PortSide {
  /** A call for the FXS phone that is `extension`: ring it (with caller ID) or reject the call. */
  offerToStation(extension: string, call: IncomingCall): void;
  /** A call out through line group `group`: seize a free line, dial `call.number`, answer; or reject 503. */
  offerToLineGroup(group: string, call: IncomingCall): void;
}
