/**
 * CTI events of conferences (issue 6), part of the CTI stream (call-center/cti-events.ts).
 * `room` names the conference; `party` is the number of the party that joined or left.
 */
export type ConferenceCtiEvent =
  /** An agent merged its calls: `parties` are everyone now talking together, the agent included. */
  | { type: 'ConferenceStarted'; at: number; room: string; agent: string; parties: string[] }
  | { type: 'ConferencePartyJoined'; at: number; room: string; agent: string; party: string }
  | { type: 'ConferencePartyLeft'; at: number; room: string; agent: string; party: string }
  /** Fewer than two parties remained; the last one was hung up. */
  | { type: 'ConferenceEnded'; at: number; room: string; agent: string };
