/**
 * Agent feature codes dialled from a desk phone (issue 6). A SIP phone sends the whole string
 * in the Request-URI (`#` escaped as %23); an analog phone dials it key by key, so every code
 * is self-delimiting: either a fixed length or ended by `#`.
 *
 *   *21<agent>#<pin>#   log in on this phone (`*21<agent>##` for an agent without a PIN)
 *   *22                 log out
 *   *23                 ready
 *   *24<d>              not ready, d = 1..9 picks the d-th configured reason
 *   *51<n>#             record IVR prompt rec-<n> (prompt-record-code.ts)
 *   *31..*36<agent>     supervisor listen/whisper/barge/force (supervisor-codes.ts)
 */
import type { PatternMatch } from './dial-pattern.ts';
import { parsePromptRecordCode, promptRecordVerdict, type PromptRecordCode } from './prompt-record-code.ts';
import { parseSupervisorCode, supervisorCodeVerdict, type SupervisorCode } from './supervisor-codes.ts';

/** A recognised feature code: an agent's or a supervisor's, or recording a prompt. */
export type FeatureCode = AgentFeatureCode | PromptRecordCode;

/** A recognised agent feature code. */
export type AgentFeatureCode =
  | { kind: 'login'; agent: string; pin: string }
  | { kind: 'logout' }
  | { kind: 'ready' }
  | { kind: 'not-ready'; reasonIndex: number }
  /** *31–*36, see supervisor-codes.ts. */
  | SupervisorCode;

const LOGIN = /^\*21([0-9]{2,8})#([0-9]{0,8})#$/;
const LOGIN_PREFIX = /^\*(2(1([0-9]{0,8}(#[0-9]{0,8})?)?)?)?$/;

/** The feature code `dialled` spells, or undefined. */
export function parseFeatureCode(dialled: string): FeatureCode | undefined {
  const login = LOGIN.exec(dialled);
  if (login) return { kind: 'login', agent: login[1]!, pin: login[2]! };
  if (dialled === '*22') return { kind: 'logout' };
  if (dialled === '*23') return { kind: 'ready' };
  const nr = /^\*24([1-9])$/.exec(dialled);
  if (nr) return { kind: 'not-ready', reasonIndex: Number(nr[1]) };
  return parsePromptRecordCode(dialled) ?? parseSupervisorCode(dialled);
}

/** How far digits keyed one by one get towards a feature code (the router's dialVerdict shape). */
export function featureCodeVerdict(digits: string): PatternMatch {
  if (!digits.startsWith('*')) return { full: false, canExtend: false };
  const supervisor = supervisorCodeVerdict(digits);
  const full = supervisor.full || (parseFeatureCode(digits) !== undefined && parseSupervisorCode(digits) === undefined);
  const canExtend = !full && (LOGIN_PREFIX.test(digits) || digits === '*2' || digits === '*24' || supervisor.canExtend || promptRecordVerdict(digits).canExtend);
  return { full, canExtend };
}
