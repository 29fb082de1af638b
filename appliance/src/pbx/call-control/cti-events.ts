/**
 * CTI events of the agent call-control API (issue 6), part of the CTI stream
 * (call-center/cti-events.ts). `party` is the number of the far party put on hold.
 */
export type CallControlCtiEvent =
  /** The PBX put the far party of the agent's call on music on hold (API `hold`). */
  | { type: 'CallHeld'; at: number; callId: string; agent: string; party: string }
  /** The far party hears the agent again (API `resume`). */
  | { type: 'CallResumed'; at: number; callId: string; agent: string; party: string };
