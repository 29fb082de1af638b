// Character classes and small scanners shared by the header and URI parsers
// (RFC 3261 §25.1). Tables indexed by char code keep the scanners branch-light.

/** 1 for characters allowed in an RFC 3261 §25.1 `token`. */
export const TOKEN = new Uint8Array(128);
for (const c of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`\'~') TOKEN[c.charCodeAt(0)] = 1;

/** True when `s` is a non-empty RFC 3261 token. */
export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || TOKEN[c] === 0) return false;
  }
  return true;
}

/** True for SP and HTAB, the only whitespace left once folding is undone (§7.3.1). */
export function isWs(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/** Index of the first non-SP/HTAB character at or after `i`. */
export function skipWs(s: string, i: number): number {
  while (i < s.length && isWs(s.charCodeAt(i))) i++;
  return i;
}

/** Index of the end of the token starting at `i` (=== i when there is none). */
export function scanToken(s: string, i: number): number {
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c >= 128 || TOKEN[c] === 0) break;
    i++;
  }
  return i;
}

/**
 * Index just past the closing DQUOTE of the quoted-string opening at `i`, or -1 if
 * it is never closed. Quoted-pairs (`\` + any char but CR/LF, §25.1) are skipped.
 */
export function scanQuoted(s: string, i: number): number {
  for (let j = i + 1; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c === 0x5c) {
      j++;
      continue;
    }
    if (c === 0x22) return j + 1;
  }
  return -1;
}

/** Parses a whole string of decimal digits as an integer no larger than `max`; NaN otherwise. */
export function parseBoundedInt(s: string, max: number): number {
  if (s.length === 0 || s.length > 16) return NaN;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const d = s.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  return n <= max ? n : NaN;
}

/** The largest value of a 32-bit unsigned field such as delta-seconds or a CSeq number (RFC 3261 §25.1, §8.1.1.5). */
export const UINT32_MAX = 0xffffffff;

/** Trims SP and HTAB only (String#trim would also eat NBSP, a valid byte of latin1-decoded text). */
export function trimWs(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isWs(s.charCodeAt(a))) a++;
  while (b > a && isWs(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}
