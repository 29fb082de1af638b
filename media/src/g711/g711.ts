// G.711 A-law and µ-law (ITU-T G.711, 1988), between 16-bit linear PCM and 8-bit
// code words. All tables are built once at module load:
//   - decode: 256-entry Int16Array per law;
//   - encode: 64 Ki-entry Uint8Array per law, indexed by the 16-bit sample pattern,
//     so a frame encodes with one table load per sample. The tables are filled with
//     the segment (chord) method below, which is kept exported as the reference
//     and measured against the table in media/bench/codec.bench.ts;
//   - transcoding: 256-byte tables ulaw→alaw and alaw→ulaw, defined as decode in one
//     law then encode in the other (what a G.711 gateway does through linear).
//
// Linear scaling: A-law works on 13-bit magnitudes and µ-law on 14-bit, so decoded
// values are the G.711 decision-level midpoints shifted left by 3 (A-law) or 2 (µ-law)
// into the 16-bit range — the convention of the widely used reference code.

/** µ-law code of silence (linear 0): 0xFF (G.711 Table 2, positive zero, all bits inverted). */
export const ULAW_SILENCE = 0xff;
/** A-law code of silence: 0xD5 (smallest positive level, even bits inverted per G.711 §3). */
export const ALAW_SILENCE = 0xd5;

const ULAW_BIAS = 0x84; // 33 << 2: the µ-law segment offset in 14-bit units, scaled by 4
const ULAW_CLIP = 32635; // 32767 − bias, so the biased magnitude stays within 15 bits
const ALAW_XOR = 0x55; // G.711 §3: even bits of A-law code words are inverted on the line

/** Encodes one 16-bit linear sample to µ-law with the segment method (reference form). */
export function linearToUlawSegment(sample: number): number {
  let s = sample | 0;
  let sign = 0;
  if (s < 0) {
    s = -s;
    sign = 0x80;
  }
  if (s > ULAW_CLIP) s = ULAW_CLIP;
  s += ULAW_BIAS;
  // Segment = position of the highest set bit above bit 7 (biased value ≥ 0x84).
  let seg = 7;
  for (let mask = 0x4000; (s & mask) === 0 && seg > 0; mask >>= 1) seg--;
  const mantissa = (s >> (seg + 3)) & 0x0f;
  return ~(sign | (seg << 4) | mantissa) & 0xff;
}

/** Decodes one µ-law code word to 16-bit linear (reference form). */
export function ulawToLinearSegment(code: number): number {
  const u = ~code & 0xff;
  const seg = (u >> 4) & 7;
  const mag = ((((u & 0x0f) << 3) + ULAW_BIAS) << seg) - ULAW_BIAS;
  return u & 0x80 ? -mag : mag;
}

/** Encodes one 16-bit linear sample to A-law with the segment method (reference form). */
export function linearToAlawSegment(sample: number): number {
  let s = sample | 0;
  let sign: number;
  if (s >= 0) {
    sign = 0x80; // A-law: sign bit 1 = positive
  } else {
    sign = 0;
    s = -s - 1; // one's-complement style so −1 maps next to +0, as in G.711's decision levels
  }
  if (s > 32767) s = 32767;
  s >>= 3; // to 13-bit magnitude (12 bits + sign)
  let code: number;
  if (s < 32) {
    code = s >> 1; // segment 0: step 2 in 13-bit units
  } else {
    let seg = 1;
    for (let v = s >> 5; v > 1; v >>= 1) seg++;
    code = (seg << 4) | ((s >> seg) & 0x0f);
  }
  return (sign | code) ^ ALAW_XOR;
}

/** Decodes one A-law code word to 16-bit linear (reference form). */
export function alawToLinearSegment(code: number): number {
  const a = (code ^ ALAW_XOR) & 0xff;
  const seg = (a >> 4) & 7;
  // Midpoint of the quantization step: (2m+1) in 13-bit units, shifted to 16 bits.
  let mag = ((a & 0x0f) << 4) + 8;
  if (seg !== 0) mag = (mag + 0x100) << (seg - 1);
  return a & 0x80 ? mag : -mag;
}

function buildDecode(fn: (c: number) => number): Int16Array {
  const t = new Int16Array(256);
  for (let c = 0; c < 256; c++) t[c] = fn(c);
  return t;
}
function buildEncode(fn: (s: number) => number): Uint8Array {
  const t = new Uint8Array(65536);
  for (let i = 0; i < 65536; i++) t[i] = fn((i << 16) >> 16);
  return t;
}

/** µ-law code → linear sample, 256 entries. */
export const ULAW_DECODE: Int16Array = buildDecode(ulawToLinearSegment);
/** A-law code → linear sample, 256 entries. */
export const ALAW_DECODE: Int16Array = buildDecode(alawToLinearSegment);
/** Linear sample (as `sample & 0xffff`) → µ-law code, 65536 entries. */
export const ULAW_ENCODE: Uint8Array = buildEncode(linearToUlawSegment);
/** Linear sample (as `sample & 0xffff`) → A-law code, 65536 entries. */
export const ALAW_ENCODE: Uint8Array = buildEncode(linearToAlawSegment);
/** µ-law code → A-law code of the same decoded level (decode then encode). */
export const ULAW_TO_ALAW: Uint8Array = Uint8Array.from({ length: 256 }, (_, c) => ALAW_ENCODE[ULAW_DECODE[c]! & 0xffff]!);
/** A-law code → µ-law code of the same decoded level (decode then encode). */
export const ALAW_TO_ULAW: Uint8Array = Uint8Array.from({ length: 256 }, (_, c) => ULAW_ENCODE[ALAW_DECODE[c]! & 0xffff]!);

/** Encodes one linear sample to µ-law through the table. */
export function linearToUlaw(sample: number): number {
  return ULAW_ENCODE[sample & 0xffff]!;
}
/** Encodes one linear sample to A-law through the table. */
export function linearToAlaw(sample: number): number {
  return ALAW_ENCODE[sample & 0xffff]!;
}
/** Decodes one µ-law code word through the table. */
export function ulawToLinear(code: number): number {
  return ULAW_DECODE[code & 0xff]!;
}
/** Decodes one A-law code word through the table. */
export function alawToLinear(code: number): number {
  return ALAW_DECODE[code & 0xff]!;
}

function checkLengths(name: string, srcLen: number, dstLen: number): number {
  if (dstLen < srcLen) throw new RangeError(`${name}: destination holds ${dstLen} samples, source has ${srcLen}`);
  return srcLen;
}

/** Decodes µ-law bytes `src` into `dst` (which must be at least as long); returns samples written. */
export function decodeUlaw(src: Uint8Array, dst: Int16Array): number {
  const n = checkLengths('decodeUlaw', src.length, dst.length);
  for (let i = 0; i < n; i++) dst[i] = ULAW_DECODE[src[i]!]!;
  return n;
}
/** Decodes A-law bytes `src` into `dst`; returns samples written. */
export function decodeAlaw(src: Uint8Array, dst: Int16Array): number {
  const n = checkLengths('decodeAlaw', src.length, dst.length);
  for (let i = 0; i < n; i++) dst[i] = ALAW_DECODE[src[i]!]!;
  return n;
}
/** Encodes linear samples `src` into µ-law bytes `dst`; returns bytes written. */
export function encodeUlaw(src: Int16Array, dst: Uint8Array): number {
  const n = checkLengths('encodeUlaw', src.length, dst.length);
  for (let i = 0; i < n; i++) dst[i] = ULAW_ENCODE[src[i]! & 0xffff]!;
  return n;
}
/** Encodes linear samples `src` into A-law bytes `dst`; returns bytes written. */
export function encodeAlaw(src: Int16Array, dst: Uint8Array): number {
  const n = checkLengths('encodeAlaw', src.length, dst.length);
  for (let i = 0; i < n; i++) dst[i] = ALAW_ENCODE[src[i]! & 0xffff]!;
  return n;
}
/** Transcodes µ-law bytes to A-law into `dst` (may be `src` itself); returns bytes written. */
export function ulawToAlawFrame(src: Uint8Array, dst: Uint8Array): number {
  const n = checkLengths('ulawToAlawFrame', src.length, dst.length);
  for (let i = 0; i < n; i++) dst[i] = ULAW_TO_ALAW[src[i]!]!;
  return n;
}
/** Transcodes A-law bytes to µ-law into `dst` (may be `src` itself); returns bytes written. */
export function alawToUlawFrame(src: Uint8Array, dst: Uint8Array): number {
  const n = checkLengths('alawToUlawFrame', src.length, dst.length);
  for (let i = 0; i < n; i++) dst[i] = ALAW_TO_ULAW[src[i]!]!;
  return n;
}

/** The two G.711 laws, named as in SDP (RFC 3551 §4.5.14: PCMU = µ-law, PCMA = A-law). */
export type G711Law = 'pcmu' | 'pcma';

/** Silence code word of a law. */
export function silenceCode(law: G711Law): number {
  return law === 'pcmu' ? ULAW_SILENCE : ALAW_SILENCE;
}
/** Decode table of a law. */
export function decodeTable(law: G711Law): Int16Array {
  return law === 'pcmu' ? ULAW_DECODE : ALAW_DECODE;
}
/** Encode table of a law. */
export function encodeTable(law: G711Law): Uint8Array {
  return law === 'pcmu' ? ULAW_ENCODE : ALAW_ENCODE;
}
