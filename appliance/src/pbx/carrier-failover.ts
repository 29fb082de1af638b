/**
 * When an outbound call moves on to the next carrier of its route (issue 5). A carrier
 * that cannot carry the call is passed over; an answer about the callee ends the call.
 */

/**
 * How long a carrier (SIP trunk or analog line group) may stay silent after the INVITE —
 * not even a 100 Trying — before the next one is tried. Much shorter than Timer B (32 s,
 * RFC 3261 §17.1.1.2): a carrier that answers at all sends 100 within a round trip
 * (§8.2.6.1 and §17.2.1 ask for it within 200 ms), so 5 s of silence means it is gone.
 */
export const TRUNK_NO_ANSWER_MS = 5_000;

/**
 * Whether a final response from a carrier means "try the next one": 408 (or no answer),
 * any 5xx (503 is also the analog gateway's "no free line"), 403 (the carrier refuses us,
 * not the callee), and 401/407 that the carrier's credentials could not satisfy. Busy,
 * not found and every other 4xx or 6xx are about the callee, and end the call with that status.
 */
export function failsOver(status: number): boolean {
  return status === 408 || status === 403 || status === 401 || status === 407 || (status >= 500 && status < 600);
}
