import { reasonPhrase } from '../sip/message/index.ts';
import type { CallDisposition } from '../records/index.ts';

/** The answer the caller gets when no contact of the callee accepted, and how the record files it. */
export interface FinalChoice { status: number; reason: string; disposition: CallDisposition }

const BUSY = new Set([486, 600, 603]);
const UNREACHED = new Set([408, 480]);

/**
 * Picks the final response for the caller from the forks' finals (after RFC 3261 §16.7's
 * choice, simplified for a B2BUA that only forks to one user's phones): busy or decline from
 * any phone means the person is busy (486); phones that all timed out or were unavailable
 * mean nobody answered (480); otherwise a 6xx wins, else the lowest code.
 */
export function chooseFinal(statuses: number[]): FinalChoice {
  if (statuses.some((s) => BUSY.has(s))) return { status: 486, reason: 'Busy Here', disposition: 'busy' };
  if (statuses.length > 0 && statuses.every((s) => UNREACHED.has(s))) {
    return { status: 480, reason: 'Temporarily Unavailable', disposition: 'no-answer' };
  }
  const global = statuses.find((s) => s >= 600);
  const status = global ?? Math.min(...statuses.filter((s) => !UNREACHED.has(s)));
  return { status, reason: reasonPhrase(status), disposition: 'failed' };
}
