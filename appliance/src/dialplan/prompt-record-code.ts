/**
 * Recording an IVR prompt from a phone (issue 6): `*51<n>#`, n = 1 to 6 digits, records prompt
 * `rec-<n>` (the name the IVR designer and menus use). Ended by `#` because an analog phone
 * dials it key by key and the number has no fixed length. The *5x range is kept for prompt work
 * (agent codes are *2x, supervisor codes *3x).
 */
import type { PatternMatch } from './dial-pattern.ts';

/** The feature code that records a prompt. */
export interface PromptRecordCode { kind: 'record-prompt'; prompt: string }

const RECORD = /^\*51([0-9]{1,6})#$/;
const RECORD_PREFIX = /^\*(5(1([0-9]{0,6})?)?)?$/;

/** Name under which prompt number `n` is stored. */
export function recordedPromptName(n: string): string {
  return `rec-${n}`;
}

/** The prompt-recording code `dialled` spells, or undefined. */
export function parsePromptRecordCode(dialled: string): PromptRecordCode | undefined {
  const m = RECORD.exec(dialled);
  return m ? { kind: 'record-prompt', prompt: recordedPromptName(m[1]!) } : undefined;
}

/** How far digits keyed one by one get towards a prompt-recording code. */
export function promptRecordVerdict(digits: string): PatternMatch {
  const full = RECORD.test(digits);
  return { full, canExtend: !full && RECORD_PREFIX.test(digits) };
}
