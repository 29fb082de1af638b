// Caller ID for an FXS phone, sent on hook between the first and second ring
// (GR-30-CORE / YDN 069 type 1; the DTMF variant of EN 300 659-1 as Chinese exchanges send it).
import {
  CallerIdError, DtmfGenerator, FskCallerIdGenerator, MAX_NAME_LENGTH, MAX_NUMBER_LENGTH,
  callerIdTimeFromDate, encodeCallerId, enqueueDtmfCallerId, type CallerIdInfo,
} from '@hotline/media';
import type { CallerIdSignalling } from '../../config/index.ts';
import type { CallerIdentity } from '../call-legs.ts';
import type { FiniteSignal } from './tone-player.ts';

/** GR-30-CORE: the data starts no sooner than 500 ms after the end of the first ring. */
export const CID_AFTER_RING_MS = 500;

const NUMBER = new RegExp(`^[0-9*#+]{1,${MAX_NUMBER_LENGTH}}$`);
const DTMF_NUMBER = new RegExp(`^[0-9]{1,${MAX_NUMBER_LENGTH}}$`);
const PRINTABLE = /^[\x20-\x7e]+$/;

/**
 * What an MDMF message may carry of `caller`: a number the format takes (else "unavailable"),
 * a name of printable ASCII cut to 15 characters (a Chinese name cannot go on the wire: the
 * name is then sent as unavailable and the phone shows the number).
 */
export function callerIdInfo(caller: CallerIdentity, at: Date): CallerIdInfo {
  const number = caller.number && NUMBER.test(caller.number) ? caller.number : undefined;
  const name = caller.name && PRINTABLE.test(caller.name) ? caller.name.slice(0, MAX_NAME_LENGTH) : undefined;
  return {
    time: callerIdTimeFromDate(at),
    ...(number ? { number } : { absentReason: caller.number === 'anonymous' ? 'private' : 'unavailable' }),
    ...(name ? { name } : { nameAbsentReason: 'unavailable' }),
  };
}

/** The caller ID signal to play to a phone, or undefined when caller ID is off. */
export function callerIdSignal(mode: CallerIdSignalling, caller: CallerIdentity, at: Date): FiniteSignal | undefined {
  if (mode === 'off') return undefined;
  if (mode === 'dtmf') {
    const gen = new DtmfGenerator();
    const number = caller.number && DTMF_NUMBER.test(caller.number) ? caller.number : undefined;
    enqueueDtmfCallerId(gen, number ? { number } : { absentReason: caller.number === 'anonymous' ? 'private' : 'unavailable' });
    return gen;
  }
  const gen = new FskCallerIdGenerator({ standard: mode });
  let message: Uint8Array;
  try {
    message = encodeCallerId(callerIdInfo(caller, at), 'mdmf');
  } catch (err) {
    // callerIdInfo keeps to what the format takes; should a field still be refused, send the time alone.
    if (!(err instanceof CallerIdError)) throw err;
    message = encodeCallerId({ time: callerIdTimeFromDate(at), absentReason: 'unavailable' }, 'mdmf');
  }
  gen.send(message);
  return gen;
}

/** How status shows a caller ID: `name <number>`, the number alone, or the name alone. */
export function formatCallerId(caller: CallerIdentity): string | undefined {
  if (caller.name && caller.number) return `${caller.name} <${caller.number}>`;
  return caller.number ?? caller.name;
}
