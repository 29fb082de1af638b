/**
 * CTI events of the agent call-control API (issue 6), part of the CTI stream
 * (call-center/cti-events.ts). `party` is the number of the far party put on hold.
 */
export type CallControlCtiEvent =
  /** The PBX put the far party of the agent's call on music on hold (API `hold`). */
  | { type: 'CallHeld'; at: number; callId: string; agent: string; party: string }
  /** The far party hears the agent again (API `resume`). */
  | { type: 'CallResumed'; at: number; callId: string; agent: string; party: string }
  /** A dial (API `dial` or `consult`): the PBX rings the agent's phone (`callId` names the dial). */
  | DialEvent<'DialStarted'>
  /** The agent's phone answered: the PBX calls `to`. */
  | DialEvent<'DialAnswered'>
  /** `to` answered: agent and far party are bridged. */
  | DialEvent<'DialConnected'>
  /** The dial failed before it was bridged: `status` as SIP, `reason` in words. */
  | (DialEvent<'DialFailed'> & { status: number; reason: string })
  /** A bridged dial ended; `side` hung up first (caller = the agent). */
  | (DialEvent<'DialEnded'> & { side: string })
  /** API `complete`: the held party of `callId` now talks to the consulted party `party`; the agent left. */
  | { type: 'ConsultTransferred'; at: number; callId: string; agent: string; party: string }
  /** API `complete` failed (SIP `status`): the held party stays on hold, the consult call goes on. */
  | { type: 'ConsultTransferFailed'; at: number; callId: string; agent: string; status: number };

/** Why the PBX places a dial: click-to-dial, or the consult call of an attended transfer. */
export type DialPurpose = 'dial' | 'consult';

interface DialEvent<T extends string> { type: T; at: number; callId: string; agent: string; to: string; purpose: DialPurpose }
