// NTP timestamps as used by RTCP sender reports (RFC 3550 §4): 32.32 fixed point
// seconds since 1900-01-01, and the "middle 32 bits" carried in LSR (§6.4.1).

/** Seconds between the NTP era 0 epoch (1900) and the Unix epoch (1970). */
export const NTP_UNIX_OFFSET_S = 2208988800;

/** A 64-bit NTP timestamp as two unsigned 32-bit halves. */
export interface NtpTime {
  /** Whole seconds since 1900, modulo 2^32. */
  seconds: number;
  /** Fraction of a second in units of 2^-32 s. */
  fraction: number;
}

/** Converts Unix milliseconds to an NTP timestamp, into `out` when given. */
export function unixMsToNtp(ms: number, out: NtpTime = { seconds: 0, fraction: 0 }): NtpTime {
  const s = Math.floor(ms / 1000);
  out.seconds = (s + NTP_UNIX_OFFSET_S) >>> 0;
  out.fraction = Math.floor(((ms - s * 1000) / 1000) * 4294967296) >>> 0;
  return out;
}

/** Converts an NTP timestamp to Unix milliseconds (era 0, i.e. until 2036). */
export function ntpToUnixMs(seconds: number, fraction: number): number {
  return (seconds - NTP_UNIX_OFFSET_S) * 1000 + (fraction / 4294967296) * 1000;
}

/** The middle 32 bits of an NTP timestamp, the unit of LSR and of RTT arithmetic (§6.4.1). */
export function ntpMiddle32(seconds: number, fraction: number): number {
  return (((seconds & 0xffff) << 16) | (fraction >>> 16)) >>> 0;
}

/** Converts a millisecond duration to the 1/65536 s units of DLSR. */
export function msToNtpShort(ms: number): number {
  return Math.round((ms * 65536) / 1000) >>> 0;
}

/**
 * Round-trip time in milliseconds from a report block received at `arrivalMiddle`
 * (our clock, as middle-32 NTP): RTT = A − LSR − DLSR (§6.4.1, Figure 2). Null when
 * LSR is 0, i.e. the peer has not yet received a sender report from us.
 */
export function rttFromReport(arrivalMiddle: number, lsr: number, dlsr: number): number | null {
  if (lsr === 0) return null;
  const rtt = (arrivalMiddle - lsr - dlsr) | 0;
  // A negative result means clocks or fields are inconsistent; report 0 rather than a huge value.
  return rtt < 0 ? 0 : (rtt * 1000) / 65536;
}
