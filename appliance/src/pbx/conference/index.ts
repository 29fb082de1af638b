/** Mixing rooms over calls and N-party conferences (issue 6). */
export { CallRooms, CallRoom, type RoomCall, type RoomKind, type RoomParty } from './call-rooms.ts';
export { Conferences, type ConferenceDeps } from './conferences.ts';
export type { ConferenceCtiEvent } from './cti-events.ts';
