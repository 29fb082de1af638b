import type { Direction, Law } from './sdp/index.ts';

/** Where a copy of a leg's RTP goes, optionally delivered in another law/payload type (see media-relay ForkTarget). */
export type ForkTarget = { address: string; port: number; law?: Law; payloadType?: number } | null;

/** What one leg agreed in SDP, as the media relay needs it. */
export interface LegMedia {
  law: Law;
  payloadType: number;
  telephoneEventPt?: number;
  remote?: { address: string; rtpPort: number; rtcpPort: number };
  direction: Direction;
}

/** Local ports one leg sends its RTP and RTCP to. */
export interface LegPorts { rtpPort: number; rtcpPort: number }

/** Media figures of one leg at the end of a call. */
export interface LegStats { packetsIn: number; packetsOut: number; bytesIn: number; lost: number; lossFraction: number; jitterMs: number; lastPacketAt: number | null; latchedTo?: string }

/** What the relay tells the PBX. */
export type MediaEvent =
  | { type: 'media-timeout'; sessionId: string; silentForMs: number }
  | { type: 'dtmf'; sessionId: string; leg: 'a' | 'b'; digit: string; durationMs: number }
  | { type: 'prompt-finished'; sessionId: string; leg: 'a' | 'b'; playId: number; error?: string }
  | { type: 'worker-crashed'; workerIndex: number; sessionIds: string[]; message: string };

/**
 * The media relay as the B2BUA sees it: every call's audio is anchored at the PBX
 * (issue 4). The real one is `MediaRelay` (media-relay/, worker threads and UDP sockets);
 * tests use an in-memory fake.
 */
export interface MediaAnchor {
  allocate(callId: string): Promise<{ sessionId: string; a: LegPorts; b: LegPorts }>;
  update(sessionId: string, legs: { a?: Partial<LegMedia>; b?: Partial<LegMedia> }): void;
  setMusicOnHold(sessionId: string, leg: 'a' | 'b', on: boolean): void;
  release(sessionId: string): Promise<{ a: LegStats; b: LegStats }>;
  onEvent(listener: (e: MediaEvent) => void): void;
  /** Forks each leg's received RTP to a recording server (SIPREC, RFC 7866 §8); optional for fakes. */
  fork?(sessionId: string, targets: { a?: ForkTarget; b?: ForkTarget }): void;
}

/**
 * Role of a leg in a mixing room (MediaRelay.mix): `member`/`barge` heard by all, `listen`/`muted`
 * heard by none, `whisper` heard only by its target; every role hears the members and barge.
 * The same union as media-relay's MixRole (the PBX core does not import the relay).
 */
export type MixRole = 'member' | 'barge' | 'whisper' | 'listen' | 'muted';

/** Mixing rooms in the relay (supervision, conferences); the real one is `MediaRelay.mix`. */
export interface MediaMixer {
  /** Puts `leg` of a session into room `roomId` with `role` (a whisperer speaks to `target`), or takes it out with null. */
  mix(roomId: string, sessionId: string, leg: 'a' | 'b', role: MixRole | null, target?: { sessionId: string; leg: 'a' | 'b' }): void;
}

/** Prompt playback to one leg (IVR, queue announcements); the real one is `MediaRelay.play`. */
export interface PromptPlayer {
  play(sessionId: string, leg: 'a' | 'b', prompts: string[], playId: number): void;
  /** Digits sent as audio reported too, while the leg lacks RFC 4733 telephone-event (MediaRelay.detectInbandDtmf). */
  detectInbandDtmf?(sessionId: string, leg: 'a' | 'b', on: boolean): void;
}
