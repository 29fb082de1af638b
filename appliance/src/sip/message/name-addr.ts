// name-addr / addr-spec values of From, To, Contact, Route, Record-Route, Reply-To,
// Refer-To ... (RFC 3261 §20.10, §20.20, §20.39, grammar §25.1).
import { SipParseError } from './errors.ts';
import { TOKEN, isWs, scanQuoted, skipWs } from './chars.ts';
import { formatParams, parseParamList, type Params } from './params.ts';
import { formatUri, parseUri, type SipUri } from './uri.ts';

/** A display name, URI and header parameters (tag, expires, q ...) of a name-addr header. */
export interface NameAddr {
  /** Display name as text: a quoted one is unescaped, a token sequence kept as written. */
  displayName?: string;
  uri: SipUri;
  params: Params;
}

/** Result of {@link parseNameAddrAt}: the value and where parsing stopped (end or a top-level comma). */
export interface NameAddrAt {
  value: NameAddr;
  end: number;
}

function unquote(q: string): string {
  let out = '';
  for (let i = 1; i < q.length - 1; i++) {
    const c = q[i]!;
    if (c === '\\') {
      i++;
      out += q[i]!;
    } else {
      out += c;
    }
  }
  return out;
}

/**
 * Parses one name-addr or bare addr-spec starting at `i` in `s`, followed by its
 * header params. Stops at the end or at a top-level comma, so list headers
 * (Contact, Route) can be walked value by value.
 */
export function parseNameAddrAt(s: string, i: number, header?: string): NameAddrAt {
  const n = s.length;
  i = skipWs(s, i);
  let displayName: string | undefined;
  let uriText: string;
  const c0 = s.charCodeAt(i);
  let lt = -1;
  if (c0 === 0x22) {
    const end = scanQuoted(s, i);
    if (end < 0) throw new SipParseError('unbalanced quote in display name', header);
    displayName = unquote(s.slice(i, end));
    lt = skipWs(s, end);
    if (s.charCodeAt(lt) !== 0x3c) throw new SipParseError("quoted display name not followed by '<'", header);
  } else if (c0 === 0x3c) {
    lt = i;
  } else {
    // Either `*(token LWS) <addr-spec>` or a bare addr-spec: a display name is a
    // run of tokens and LWS ending at '<' (§25.1 display-name).
    let j = i;
    while (j < n) {
      const c = s.charCodeAt(j);
      if ((c < 128 && TOKEN[c] === 1) || isWs(c)) j++;
      else break;
    }
    if (j < n && s.charCodeAt(j) === 0x3c) {
      lt = j;
      const dn = s.slice(i, j).trim();
      if (dn.length > 0) displayName = dn;
    }
  }
  let params: Params;
  let end: number;
  if (lt >= 0) {
    // LAQUOT/RAQUOT allow whitespace only outside the brackets (§25.1), so
    // "< sip:x >" is malformed (RFC 4475 §3.1.2.13 badaspec).
    const gt = s.indexOf('>', lt + 1);
    if (gt < 0) throw new SipParseError("unbalanced '<' in address", header);
    uriText = s.slice(lt + 1, gt);
    if (uriText.length === 0 || isWs(uriText.charCodeAt(0)) || isWs(uriText.charCodeAt(uriText.length - 1))) {
      throw new SipParseError('whitespace inside <> of an address', header);
    }
    if (uriText.indexOf('<') >= 0) throw new SipParseError("nested '<' in address", header);
    const r = parseParamList(s, gt + 1, header);
    params = r.params;
    end = r.end;
  } else {
    // Bare addr-spec: its ;params are header params, and a URI holding ',', '?'
    // or ';' would have had to be bracketed (§20.10), e.g. RFC 4475 regbadct.
    let j = i;
    while (j < n) {
      const c = s.charCodeAt(j);
      if (c === 0x3b || c === 0x2c || isWs(c)) break;
      if (c === 0x3f || c === 0x3c || c === 0x3e || c === 0x22) throw new SipParseError(`'${s[j]}' in an unbracketed address`, header);
      j++;
    }
    uriText = s.slice(i, j);
    if (uriText.length === 0) throw new SipParseError('empty address', header);
    const r = parseParamList(s, j, header);
    params = r.params;
    end = r.end;
  }
  let uri: SipUri;
  try {
    uri = parseUri(uriText);
  } catch (e) {
    throw new SipParseError(e instanceof SipParseError ? e.detail : String(e), header);
  }
  const value: NameAddr = { uri, params };
  if (displayName !== undefined) value.displayName = displayName;
  return { value, end };
}

/** Parses "Name <sip:..>;tag=x" or a bare "sip:a@b;tag=x" (whose params are header params, §20.10). */
export function parseNameAddr(text: string): NameAddr {
  const r = parseNameAddrAt(text, 0);
  if (r.end !== text.length) throw new SipParseError('unexpected comma after address');
  return r.value;
}

// qdtext excludes '"', '\' and controls (§25.1); those go out as quoted-pairs.
const NEEDS_ESCAPE = /["\\\x00-\x08\x0a-\x1f\x7f]/g;

/** Formats a name-addr, always in the `<...>` form so URI parameters stay with the URI. */
export function formatNameAddr(value: NameAddr): string {
  let out = '';
  if (value.displayName !== undefined && value.displayName.length > 0) {
    out = `"${value.displayName.replace(NEEDS_ESCAPE, (c) => '\\' + c)}" `;
  }
  return `${out}<${formatUri(value.uri)}>${formatParams(value.params)}`;
}

/**
 * Cheap shape check of a comma list of addresses (Contact, Route, Record-Route)
 * done at parse time instead of a full parse: quotes and angle brackets balance
 * and an unbracketed address holds no '?' (§20.10, RFC 4475 quotbal, regbadct).
 * The full parse happens when the header is read.
 */
export function addressListShapeError(value: string): string | undefined {
  let inQuote = false;
  let inAngle = false;
  let bracketed = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (inQuote) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inQuote = false;
    } else if (inAngle) {
      if (c === 0x3e) inAngle = false;
      else if (c === 0x3c || c === 0x22) return "unbalanced '<'";
    } else if (c === 0x22) {
      inQuote = true;
    } else if (c === 0x3c) {
      if (bracketed) return "second '<' in one address";
      inAngle = bracketed = true;
    } else if (c === 0x3e) {
      return "unbalanced '>'";
    } else if (c === 0x2c) {
      bracketed = false;
    } else if (c === 0x3f && !bracketed) {
      return "'?' in an unbracketed address";
    }
  }
  if (inQuote) return 'unbalanced quote';
  if (inAngle) return "unbalanced '<'";
  return undefined;
}
