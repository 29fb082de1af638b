// DTMF digits, their RFC 4733 event codes and their Q.23 frequency pairs.

/** A DTMF digit. */
export type DtmfDigit = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '*' | '#' | 'A' | 'B' | 'C' | 'D';

/** Every DTMF digit, in RFC 4733 event-code order (the index is the event code). */
export const DTMF_DIGITS: readonly DtmfDigit[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#', 'A', 'B', 'C', 'D'];

/** Low-group (row) frequencies in Hz, ITU-T Q.23. */
export const DTMF_ROW_HZ: readonly number[] = [697, 770, 852, 941];

/** High-group (column) frequencies in Hz, ITU-T Q.23. */
export const DTMF_COLUMN_HZ: readonly number[] = [1209, 1336, 1477, 1633];

/** The keypad, row by row; KEYPAD[row][column] is the digit of that frequency pair. */
export const DTMF_KEYPAD: readonly (readonly DtmfDigit[])[] = [
  ['1', '2', '3', 'A'],
  ['4', '5', '6', 'B'],
  ['7', '8', '9', 'C'],
  ['*', '0', '#', 'D'],
];

/** Thrown for a character that is not a DTMF digit or an event code out of 0..15. */
export class DtmfDigitError extends Error {
  override readonly name = 'DtmfDigitError';
}

/** True when `c` is a DTMF digit (upper-case A-D). */
export function isDtmfDigit(c: string): c is DtmfDigit {
  return c.length === 1 && DTMF_DIGITS.includes(c as DtmfDigit);
}

/** The digit of a key character; accepts lower-case a-d. Throws DtmfDigitError. */
export function toDtmfDigit(c: string): DtmfDigit {
  const u = c.toUpperCase();
  if (!isDtmfDigit(u)) throw new DtmfDigitError(`not a DTMF digit: ${JSON.stringify(c)}`);
  return u;
}

/** RFC 4733 §3.2 event code (0-9, * = 10, # = 11, A-D = 12-15) of a digit. */
export function digitToEvent(digit: DtmfDigit): number {
  return DTMF_DIGITS.indexOf(digit);
}

/** The digit of an RFC 4733 event code 0..15, or null for any other event (flash, fax tones...). */
export function eventToDigit(event: number): DtmfDigit | null {
  return event >= 0 && event < 16 ? DTMF_DIGITS[event]! : null;
}

/** Row and column frequencies of a digit. */
export function digitFrequencies(digit: DtmfDigit): { readonly row: number; readonly column: number } {
  for (let r = 0; r < 4; r++) {
    const c = DTMF_KEYPAD[r]!.indexOf(digit);
    if (c >= 0) return { row: DTMF_ROW_HZ[r]!, column: DTMF_COLUMN_HZ[c]! };
  }
  throw new DtmfDigitError(`not a DTMF digit: ${JSON.stringify(digit)}`);
}
