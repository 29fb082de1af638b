// Public types of the RTP relay: what the B2BUA tells the relay about each leg (from
// SDP offer/answer, RFC 3264) and what the relay reports back.

/** G.711 law of a leg, as named in SDP rtpmap (RFC 3551 §4.5.14). */
export type Law = 'PCMU' | 'PCMA';

/** SDP direction attribute of a leg (RFC 3264 §5.1), from that leg's point of view. */
export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** Media parameters agreed with one leg in SDP. */
export interface LegMedia {
  /** Audio law this leg sends and receives. */
  law: Law;
  /** RTP payload type of the audio for this leg: 0 for PCMU, 8 for PCMA (static, RFC 3551 table 4). */
  payloadType: number;
  /** RFC 4733 telephone-event payload type agreed with this leg; undefined when the leg lacks telephone-event. */
  telephoneEventPt?: number;
  /** Where the leg's SDP says to send RTP and RTCP (c= and m=, RTCP = port+1 or a=rtcp, RFC 3605). */
  remote?: { address: string; rtpPort: number; rtcpPort: number };
  /** What this leg's SDP says it will do. */
  direction: Direction;
}

/**
 * Where a copy of one leg's received RTP goes (SIPREC media forking, RFC 7866 §8); null
 * stops it. With `law`/`payloadType` the copy is delivered in that law (transcoded when the
 * leg sends the other one), so both legs of a call reach a recorder in one law.
 */
export type ForkTarget = { address: string; port: number; law?: Law; payloadType?: number } | null;

/**
 * Role of a leg in a mixing room (relay-room.ts): `member` and `barge` are heard by all and hear
 * all; `listen` and `muted` hear all and are heard by none; `whisper` hears all and is heard only
 * by its target leg (media's ConferenceMixer).
 */
export type MixRole = 'member' | 'barge' | 'whisper' | 'listen' | 'muted';

/** Local ports a leg must send to: RTP even, RTCP the next odd port (RFC 3550 §11). */
export interface LegPorts {
  /** Even RTP port. */
  rtpPort: number;
  /** RTCP port, rtpPort + 1. */
  rtcpPort: number;
}

/** Reception and sending figures of one leg. */
export interface LegStats {
  /** RTP packets received from the leg (including those dropped afterwards). */
  packetsIn: number;
  /** RTP packets sent to the leg (relayed and generated). */
  packetsOut: number;
  /** RTP bytes received from the leg. */
  bytesIn: number;
  /** Cumulative packets lost by the leg's stream (RFC 3550 A.3). */
  lost: number;
  /** lost / expected since the start, 0..1. */
  lossFraction: number;
  /** Interarrival jitter of the leg's stream in ms (RFC 3550 A.8). */
  jitterMs: number;
  /** Epoch ms of the last RTP packet from the leg, null before the first. */
  lastPacketAt: number | null;
  /** "address:port" the leg's RTP is latched to (symmetric RTP, RFC 4961), once latched. */
  latchedTo?: string;
}

/** Events the relay reports to the PBX. */
export type RelayEvent =
  /** No RTP from either leg for mediaTimeoutMs while neither is on hold/inactive; reported once per session. */
  | { type: 'media-timeout'; sessionId: string; silentForMs: number }
  /** An RFC 4733 digit received from a leg, reported once when it ends. */
  | { type: 'dtmf'; sessionId: string; leg: 'a' | 'b'; digit: string; durationMs: number }
  /** Prompts played with `play` have ended (or could not be read: `error`); silence follows until the next order. */
  | { type: 'prompt-finished'; sessionId: string; leg: 'a' | 'b'; playId: number; error?: string }
  /** A relay worker thread died; its sessions are gone (their ports closed) and must be hung up. */
  | { type: 'worker-crashed'; workerIndex: number; sessionIds: string[]; message: string };

/** Options of {@link MediaRelay.start}. */
export interface MediaRelayOptions {
  /** Address to bind, e.g. 0.0.0.0 (an address with ':' binds IPv6). */
  address: string;
  /** Lowest port of the RTP range (rounded up to even). */
  portMin: number;
  /** Highest port of the RTP range (a pair needs its odd RTCP port inside the range). */
  portMax: number;
  /** Silence on both legs after which `media-timeout` is reported. */
  mediaTimeoutMs: number;
  /** Worker threads to shard sessions over; default 1. */
  workers?: number;
  /** WAV files (8 kHz mono) played in a loop as music on hold. */
  mohPrompts?: string[];
}

/** Totals over every worker. */
export interface RelayCounters {
  /** Sessions allocated and not released. */
  sessions: number;
  /** UDP ports bound by those sessions (4 per session). */
  portsInUse: number;
  /** RTP and RTCP packets sent on to the other leg. */
  packetsRelayed: number;
  /** Packets dropped: malformed, too large, wrong source, unknown payload type, direction. */
  packetsDropped: number;
  /** Packets whose payload was transcoded between µ-law and A-law. */
  transcoded: number;
}
