import type { AcdOverflowDestination, AcdSkillRequirement } from '../config/types.ts';
import type { AgentStats, QueueStats } from './stats.ts';

/** What the PBX and agent phones tell the engine. Noun+verb names (STYLE.md 15). */
export type AcdEvent =
  /**
   * A caller enters a queue (after the IVR). `skills` add to the queue's required skills; `ivrDigit` may mark a VIP.
   * `callbackNumber`: a callback request joins again (its attempt failed and is retried): it waits off the line, as after CallbackRequested.
   */
  | { type: 'CallerJoined'; callId: string; queue: string; callerNumber?: string; priority?: number; skills?: AcdSkillRequirement[]; ivrDigit?: string; callbackNumber?: string }
  /** The caller hung up before an agent answered (also accepted for a connected call: it ends it). */
  | { type: 'CallerAbandoned'; callId: string }
  /** The caller pressed the callback key: they hang up and keep their place; `number` defaults to the caller number. */
  | { type: 'CallbackRequested'; callId: string; number?: string }
  | { type: 'AgentLoggedIn'; agent: string }
  | { type: 'AgentLoggedOut'; agent: string }
  /** Ready for calls; during wrap-up it ends the wrap-up early. */
  | { type: 'AgentReady'; agent: string }
  | { type: 'AgentNotReady'; agent: string; reason: string }
  | { type: 'AgentAnswered'; agent: string; callId: string }
  | { type: 'AgentRejected'; agent: string; callId: string }
  /** The phone could not be reached or did not answer (the PBX saw 408/480); handled like the ring timeout. */
  | { type: 'AgentNoAnswer'; agent: string; callId: string }
  /** A connected call ended (either side hung up). */
  | { type: 'CallEnded'; callId: string }
  /**
   * Attended transfer through a queue: the agent connected to `consultCallId` (the transferor's
   * consult call) now has `callId`'s caller, and `callId`'s agent (the transferor) is left with the
   * consult call, which ends next. Both calls must be connected.
   */
  | { type: 'ConsultTransferred'; callId: string; consultCallId: string };

/** Agent states as supervisors see them. */
export type AgentStateName = 'logged-out' | 'ready' | 'ringing' | 'on-call' | 'wrap-up' | 'not-ready';

/** Why an agent's phone stops ringing. */
export type StopRingingWhy = 'answered-elsewhere' | 'timeout' | 'abandoned' | 'overflowed' | 'rejected' | 'no-answer';

/** Why a caller overflows. */
export type OverflowWhy = 'full' | 'empty' | 'max-wait' | 'queue-removed';

/** What the engine decides; the PBX adapter carries it out. */
export type AcdCommand =
  /** Ring the agent's phone with this caller (`callback`: the caller is waiting for a callback, not on the line). */
  | { type: 'CallOffered'; callId: string; agent: string; queue: string; callback: boolean; ringTimeoutSec: number }
  | { type: 'RingingStopped'; callId: string; agent: string; why: StopRingingWhy }
  /** Bridge the caller to the agent who answered. */
  | { type: 'CallConnected'; callId: string; agent: string; queue: string; waitMs: number }
  /** The agent answered a callback offer: dial `number` from the agent's call and bridge. */
  | { type: 'CallbackPlaced'; callId: string; agent: string; queue: string; number: string; waitMs: number }
  /** Confirm to the caller that they will be called back (then they hang up). */
  | { type: 'CallbackAccepted'; callId: string; queue: string; number: string }
  /** Send the caller to the destination; the engine has forgotten the call. */
  | { type: 'CallOverflowed'; callId: string; queue: string; destination: AcdOverflowDestination; why: OverflowWhy }
  /**
   * A configuration change removed the caller's queue and its overflow (or the fallback) is another
   * queue: the caller is in `to` now, keeping its join time, priority, own skills and callback.
   */
  | { type: 'CallerMoved'; callId: string; from: string; to: string; why: 'queue-removed' }
  | { type: 'MusicOnHoldStarted'; callId: string; queue: string; musicClass?: string }
  | { type: 'PositionAnnounced'; callId: string; queue: string; position: number }
  | { type: 'EstimatedWaitAnnounced'; callId: string; queue: string; seconds: number }
  | { type: 'AgentStateChanged'; agent: string; state: AgentStateName; reason?: string }
  | { type: 'QueueStatsUpdated'; queue: string; stats: QueueStats }
  | { type: 'AgentStatsUpdated'; agent: string; stats: AgentStats };

/** Receives the engine's commands, in order, after each event has been fully processed. */
export type AcdListener = (command: AcdCommand) => void;

/** Codes of AcdError. */
export type AcdErrorCode = 'unknown-queue' | 'unknown-agent' | 'unknown-call' | 'duplicate-call' | 'bad-state' | 'unknown-reason' | 'unknown-skill' | 'bad-priority' | 'callback-not-allowed';

/** Bad input to the engine (unknown agent, an answer for a call that is not ringing there…); the engine state is unchanged. */
export class AcdError extends Error {
  constructor(readonly code: AcdErrorCode, message: string) {
    super(message);
    this.name = 'AcdError';
  }
}
