// Canonical header names, compact forms and which headers are comma lists.

// RFC 3261 §7.3.3 compact forms plus those registered later in the IANA SIP
// parameters registry (RFC 3265 o/u, RFC 3515 r, RFC 3892 b, RFC 4028 x,
// RFC 3841 a/j/d, RFC 4474 y/n).
const COMPACT: Record<string, string> = {
  i: 'Call-ID', m: 'Contact', e: 'Content-Encoding', l: 'Content-Length', c: 'Content-Type',
  f: 'From', s: 'Subject', k: 'Supported', t: 'To', v: 'Via', o: 'Event', u: 'Allow-Events',
  r: 'Refer-To', b: 'Referred-By', x: 'Session-Expires', a: 'Accept-Contact', j: 'Reject-Contact',
  d: 'Request-Disposition', y: 'Identity', n: 'Identity-Info',
};

// Names spelt the way RFC 3261 §20 and later RFCs spell them.
const KNOWN = [
  'Accept', 'Accept-Contact', 'Accept-Encoding', 'Accept-Language', 'Alert-Info', 'Allow', 'Allow-Events',
  'Authentication-Info', 'Authorization', 'Call-ID', 'Call-Info', 'Contact', 'Content-Disposition',
  'Content-Encoding', 'Content-Language', 'Content-Length', 'Content-Type', 'CSeq', 'Date', 'Error-Info',
  'Event', 'Expires', 'From', 'History-Info', 'Identity', 'Identity-Info', 'In-Reply-To', 'Max-Forwards',
  'Min-Expires', 'Min-SE', 'MIME-Version', 'Organization', 'P-Asserted-Identity', 'P-Preferred-Identity',
  'Path', 'Priority', 'Privacy', 'Proxy-Authenticate', 'Proxy-Authorization', 'Proxy-Require', 'RAck',
  'Reason', 'Record-Route', 'Refer-To', 'Referred-By', 'Reject-Contact', 'Replaces', 'Reply-To',
  'Request-Disposition', 'Require', 'Retry-After', 'Route', 'RSeq', 'Security-Client', 'Security-Server',
  'Security-Verify', 'Server', 'Service-Route', 'Session-Expires', 'SIP-ETag', 'SIP-If-Match', 'Subject',
  'Subscription-State', 'Supported', 'Timestamp', 'To', 'Unsupported', 'User-Agent', 'Via', 'Warning',
  'WWW-Authenticate',
];

const CANONICAL = new Map<string, string>();
for (const name of KNOWN) CANONICAL.set(name.toLowerCase(), name);
for (const [c, long] of Object.entries(COMPACT)) CANONICAL.set(c, long);

/** The canonical spelling of a header name: compact forms expanded, known names in RFC case, others as given. */
export function canonicalName(name: string): string {
  return CANONICAL.get(name.toLowerCase()) ?? name;
}

/** The case-insensitive matching key of a header name (lower-cased canonical name). */
export function headerKey(name: string): string {
  // Callers ask with the same few literal names over and over; remembering the
  // answer skips a lower-casing and a second lookup per call.
  let key = KEY_CACHE.get(name);
  if (key === undefined) {
    const lower = name.toLowerCase();
    const canon = CANONICAL.get(lower);
    key = canon === undefined ? lower : canon.toLowerCase();
    if (KEY_CACHE.size < KEY_CACHE_MAX) KEY_CACHE.set(name, key);
  }
  return key;
}

const KEY_CACHE = new Map<string, string>();
const KEY_CACHE_MAX = 4096;

// Headers whose grammar is `x *(COMMA x)` (RFC 3261 §20 and extensions), so that
// several instances equal one comma-joined instance (§7.3.1). Authorization-family,
// Date, Retry-After and the like are deliberately absent: commas inside them are data.
const LIST_KEYS = new Set(
  [
    'Accept', 'Accept-Contact', 'Accept-Encoding', 'Accept-Language', 'Alert-Info', 'Allow', 'Allow-Events',
    'Call-Info', 'Contact', 'Content-Encoding', 'Content-Language', 'Error-Info', 'History-Info', 'In-Reply-To',
    'P-Asserted-Identity', 'P-Preferred-Identity', 'Path', 'Proxy-Require', 'Reason', 'Record-Route',
    'Reject-Contact', 'Request-Disposition', 'Require', 'Route', 'Security-Client', 'Security-Server',
    'Security-Verify', 'Service-Route', 'Supported', 'Unsupported', 'Via', 'Warning',
  ].map((n) => n.toLowerCase()),
);

/** True when the header (given by its key) is a comma-separated list. */
export function isListHeader(key: string): boolean {
  return LIST_KEYS.has(key);
}
