/**
 * A phone number in the one form customer_phones stores and lookups use: digits only (a leading
 * `+` and separators dropped), without the China country code (`+86`, `0086`), and a mobile number
 * dialled with the long-distance prefix `0` (013812345678) without it. So a customer imported as
 * "138-1234-5678" is found when the trunk presents +8613812345678. Landlines keep their area code
 * with its 0 (010…, 0755…): that is how they arrive from the PSTN. Returns '' for no digits.
 */
export function normalizePhone(raw: string): string {
  let d = raw.replace(/[^0-9]/g, '');
  if (raw.trim().startsWith('+86') || d.startsWith('0086')) d = d.slice(d.startsWith('0086') ? 4 : 2);
  if (/^01[3-9][0-9]{9}$/.test(d)) d = d.slice(1);
  return d;
}
