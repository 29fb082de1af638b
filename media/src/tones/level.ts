// Digital levels in dBm0 for 16-bit linear PCM.
//
// ITU-T G.711 puts the digital milliwatt (0 dBm0) 3.14 dB (A-law) / 3.17 dB
// (µ-law) below a full-scale sine. Taking the 16-bit linear full scale as
// 32768 and the A-law figure, a 0 dBm0 sine has a peak of about 22 780; the
// 0.03 dB between the laws is far below any tolerance in Q.23/Q.24.

/** Peak amplitude of a full-scale sine in 16-bit linear PCM. */
export const FULL_SCALE = 32768;

/** dB between a full-scale sine and 0 dBm0 (G.711 A-law, Table 5/G.711). */
export const FULL_SCALE_DBM0 = 3.14;

/** Peak amplitude (16-bit linear) of a sine at `dbm0` dBm0. */
export function dbm0ToPeak(dbm0: number): number {
  return FULL_SCALE * Math.pow(10, (dbm0 - FULL_SCALE_DBM0) / 20);
}

/** Level in dBm0 of a sine whose mean power over the samples is `meanSquare` (linear units squared). */
export function meanSquareToDbm0(meanSquare: number): number {
  // A sine of peak P has mean square P²/2.
  const peak = Math.sqrt(2 * meanSquare);
  return 20 * Math.log10(peak / FULL_SCALE) + FULL_SCALE_DBM0;
}
