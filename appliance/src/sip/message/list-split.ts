// Splitting comma lists at top level (RFC 3261 §7.3.1): commas inside a
// quoted-string or between '<' and '>' belong to the element.

/** Splits a header value at commas outside quotes and angle brackets; elements trimmed, empty ones dropped. */
export function splitTopLevel(value: string): string[] {
  if (value.indexOf(',') < 0) {
    const t = value.trim();
    return t.length === 0 ? [] : [t];
  }
  const out: string[] = [];
  let start = 0;
  let inQuote = false;
  let angle = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (inQuote) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inQuote = false;
    } else if (c === 0x22) {
      inQuote = true;
    } else if (c === 0x3c) {
      angle = true;
    } else if (c === 0x3e) {
      angle = false;
    } else if (c === 0x2c && !angle) {
      const t = value.slice(start, i).trim();
      if (t.length > 0) out.push(t);
      start = i + 1;
    }
  }
  const t = value.slice(start).trim();
  if (t.length > 0) out.push(t);
  return out;
}
