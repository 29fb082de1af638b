/**
 * Supervisor feature codes dialled from a desk phone (issue 6), allowed only from the
 * extensions in `acd.supervisors`. The agent number follows the code; a SIP phone sends the
 * whole string at once, an analog phone ends it with `#` (agent numbers have 2 to 8 digits,
 * so without the `#` the FXS dial plan waits for its inter-digit timeout).
 *
 *   *31<agent>   listen: hears the agent's call, heard by nobody
 *   *32<agent>   whisper: only the agent hears the supervisor
 *   *33<agent>   barge: everyone hears everyone
 *   *34<agent>   force release: the agent's call is hung up
 *   *35<agent>   force not ready (reason `supervisor`)
 *   *36<agent>   force logout
 */
import type { PatternMatch } from './dial-pattern.ts';

/** What a supervisor code asks for. */
export type SupervisorAction = 'listen' | 'whisper' | 'barge' | 'release' | 'not-ready' | 'logout';

/** A recognised supervisor feature code. */
export interface SupervisorCode { kind: 'supervise'; action: SupervisorAction; agent: string }

const ACTIONS: Record<string, SupervisorAction> = { 1: 'listen', 2: 'whisper', 3: 'barge', 4: 'release', 5: 'not-ready', 6: 'logout' };
const CODE = /^\*3([1-6])([0-9]{2,8})#?$/;
const PREFIX = /^\*(3([1-6][0-9]{0,8})?)?$/;

/** The supervisor code `dialled` spells, or undefined. */
export function parseSupervisorCode(dialled: string): SupervisorCode | undefined {
  const m = CODE.exec(dialled);
  return m ? { kind: 'supervise', action: ACTIONS[m[1]!]!, agent: m[2]! } : undefined;
}

/** How far digits keyed one by one get towards a supervisor code: complete only with the closing `#`. */
export function supervisorCodeVerdict(digits: string): PatternMatch {
  return { full: digits.endsWith('#') && parseSupervisorCode(digits) !== undefined, canExtend: PREFIX.test(digits) };
}
