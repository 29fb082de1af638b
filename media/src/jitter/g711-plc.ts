// Packet loss concealment for G.711 in the spirit of ITU-T G.711 Appendix I:
// repeat the last good audio while fading it out, then fall back to silence.
// Appendix I repeats pitch periods with overlap-add over a 48.75 ms history; this
// simplified form repeats the whole last 20 ms frame instead, which costs one
// table lookup per sample and is good enough for the short gaps (1–3 frames) a
// LAN or a decent WAN produces. Longer gaps go silent, as Appendix I also does
// after 60 ms.
import { decodeTable, encodeTable, silenceCode, type G711Law } from '../g711/g711.ts';

/** Gain (Q15) applied to the n-th repeated frame, n = 1..frames; linear fade to zero. */
function gainQ15(n: number, frames: number): number {
  return Math.round((32768 * (frames + 1 - n)) / (frames + 1));
}

/** Writes concealment for the `run`-th missing frame in a row into `out`. Returns true when audio was synthesised, false for silence. */
export function concealG711(law: G711Law, lastGood: Uint8Array | null, run: number, maxRepeatFrames: number, out: Uint8Array): boolean {
  if (lastGood === null || run > maxRepeatFrames) {
    out.fill(silenceCode(law));
    return false;
  }
  const dec = decodeTable(law);
  const enc = encodeTable(law);
  const g = gainQ15(run, maxRepeatFrames);
  const n = Math.min(out.length, lastGood.length);
  for (let i = 0; i < n; i++) out[i] = enc[((dec[lastGood[i]!]! * g) >> 15) & 0xffff]!;
  if (n < out.length) out.fill(silenceCode(law), n);
  return true;
}
