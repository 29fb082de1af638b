import type { SupervisorAction } from '../../dialplan/index.ts';

/** How a supervisor takes part in an agent's call. */
export type SupervisionMode = 'listen' | 'whisper' | 'barge';

/**
 * CTI events of supervisor features (issue 6), part of the CTI stream (call-center/cti-events.ts).
 * `supervisor` is the supervisor's extension (phone) or `api` (the call-control API without one).
 */
export type SupervisionCtiEvent =
  /** A supervisor joined an agent's call (its phone dialled *31–*33). */
  | { type: 'SupervisionStarted'; at: number; agent: string; supervisor: string; callId: string; mode: SupervisionMode }
  /** The supervisor switched between listen, whisper and barge (call-control API). */
  | { type: 'SupervisionModeChanged'; at: number; agent: string; supervisor: string; callId: string; mode: SupervisionMode }
  /**
   * The PBX rang the supervisor's phone to start a supervision from the wallboard/API and it did
   * not join: `status` is the phone's SIP answer (486 busy, 603 declined…), 408 when nobody
   * answered in time, 0 when the agent's call ended first.
   */
  | { type: 'SupervisionCallFailed'; at: number; agent: string; supervisor: string; mode: SupervisionMode; status: number; reason: string }
  /** The supervisor left, or the agent's call ended. */
  | { type: 'SupervisionEnded'; at: number; agent: string; supervisor: string; callId: string }
  /** A supervisor forced something on an agent: release of its call, not ready, logout. */
  | { type: 'AgentForced'; at: number; agent: string; supervisor: string; action: Extract<SupervisorAction, 'release' | 'not-ready' | 'logout'>; callId?: string };
