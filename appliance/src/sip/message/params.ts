// Generic `;name[=value]` parameter lists of Via, name-addr headers and other
// headers (RFC 3261 §25.1 generic-param, via-params, contact-params).
import { SipParseError } from './errors.ts';
import { TOKEN, isWs, scanQuoted, skipWs } from './chars.ts';

/** Parameters, keys lower-cased; value null for a flag param like `;lr`. Quoted values keep their quotes. */
export type Params = Map<string, string | null>;

/** Result of {@link parseParamList}: the parameters and the index where parsing stopped. */
export interface ParamListResult {
  params: Params;
  end: number;
}

// Characters besides token chars allowed unquoted in a gen-value: host = IPv6
// reference needs ':' '[' ']' (§25.1 gen-value = token / host / quoted-string).
function isValueChar(c: number): boolean {
  return (c < 128 && TOKEN[c] === 1) || c === 0x3a || c === 0x5b || c === 0x5d;
}

/**
 * Parses `*( SEMI generic-param )` from `s` starting at `i`, allowing LWS around
 * SEMI and EQUAL (§25.1 SEMI/EQUAL). Stops at the end or at a top-level comma;
 * anything else is a SipParseError. Empty names (`;;`) are rejected.
 */
export function parseParamList(s: string, i: number, header?: string, into: Params = new Map()): ParamListResult {
  const n = s.length;
  for (;;) {
    i = skipWs(s, i);
    if (i >= n || s.charCodeAt(i) === 0x2c) return { params: into, end: i };
    if (s.charCodeAt(i) !== 0x3b) throw new SipParseError(`unexpected character '${s[i]}' in parameters`, header);
    i = skipWs(s, i + 1);
    const nameStart = i;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c >= 128 || TOKEN[c] === 0) break;
      i++;
    }
    if (i === nameStart) throw new SipParseError('empty parameter name', header);
    const name = s.slice(nameStart, i).toLowerCase();
    let j = skipWs(s, i);
    if (j < n && s.charCodeAt(j) === 0x3d) {
      j = skipWs(s, j + 1);
      let end: number;
      if (j < n && s.charCodeAt(j) === 0x22) {
        end = scanQuoted(s, j);
        if (end < 0) throw new SipParseError('unterminated quoted parameter value', header);
      } else {
        end = j;
        while (end < n && isValueChar(s.charCodeAt(end))) end++;
        if (end === j) throw new SipParseError(`empty value for parameter '${name}'`, header);
      }
      into.set(name, s.slice(j, end));
      i = end;
    } else {
      into.set(name, null);
    }
    // A parameter must be followed by LWS, ';', ',' or the end.
    if (i < n) {
      const c = s.charCodeAt(i);
      if (!isWs(c) && c !== 0x3b && c !== 0x2c) throw new SipParseError(`unexpected character '${s[i]}' in parameter '${name}'`, header);
    }
  }
}

/** Formats parameters as `;name=value;flag`. */
export function formatParams(params: Params): string {
  let out = '';
  for (const [k, v] of params) out += v === null ? `;${k}` : `;${k}=${v}`;
  return out;
}
