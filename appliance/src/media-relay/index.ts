/** RTP/RTCP relay anchoring call media at the PBX (issue 4); see docs/media-relay.md. */
export { MediaRelay } from './media-relay.ts';
export { MediaRelayError, type MediaRelayErrorCode } from './errors.ts';
export { RelaySession, RELAY_MAX_PACKET_BYTES, type SendPort, type SessionHooks } from './relay-session.ts';
export { SourceLatch, RELATCH_AFTER_MS } from './source-latch.ts';
export { PortPool } from './port-pool.ts';
export type { ForkTarget, Law, Direction, LegMedia, LegPorts, LegStats, MixRole, RelayEvent, MediaRelayOptions, RelayCounters } from './types.ts';
export { RelayRoom, RoomMember, type MixedFrameSink } from './relay-room.ts';
