// The Date header (RFC 3261 §20.17): rfc1123-date, always in GMT.

const RFC1123 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/** True when `value` is an RFC 1123 date in GMT, the only form SIP allows (RFC 4475 baddate). */
export function isSipDate(value: string): boolean {
  return RFC1123.test(value);
}
