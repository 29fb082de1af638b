// Recording waveforms in the browser: read the WAV the recorder writes (G.711, one channel
// per party), decode with media's G.711 tables, and reduce each channel to min/max peaks per
// pixel column. media's parseWav needs Node's Buffer, so the header is read here with a DataView.
import { ALAW_DECODE, ULAW_DECODE } from '../../../media/src/g711/g711.ts';

/** Decoded channels of a recording. */
export interface DecodedWav {
  sampleRate: number;
  /** One array of linear samples per channel (party). */
  channels: Int16Array[];
}

/** WAV format codes: 1 PCM (16-bit), 6 A-law, 7 µ-law. */
const PCM = 1;
const ALAW = 6;
const ULAW = 7;

/** Decodes a WAV of the recorder (A-law, µ-law or 16-bit PCM); throws on anything else. */
export function decodeWav(bytes: ArrayBuffer): DecodedWav {
  const v = new DataView(bytes);
  const tag = (at: number) => String.fromCharCode(v.getUint8(at), v.getUint8(at + 1), v.getUint8(at + 2), v.getUint8(at + 3));
  if (bytes.byteLength < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new Error('not a WAV file');
  let format = 0;
  let channels = 0;
  let sampleRate = 0;
  let bits = 0;
  let at = 12;
  while (at + 8 <= bytes.byteLength) {
    const id = tag(at);
    const size = v.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'fmt ') {
      format = v.getUint16(body, true);
      channels = v.getUint16(body + 2, true);
      sampleRate = v.getUint32(body + 4, true);
      bits = v.getUint16(body + 14, true);
    } else if (id === 'data') {
      if (!channels) throw new Error('WAV data before its format');
      const len = Math.min(size, bytes.byteLength - body);
      return { sampleRate, channels: deinterleave(new Uint8Array(bytes, body, len), format, channels, bits) };
    }
    at = body + size + (size & 1);
  }
  throw new Error('WAV without a data chunk');
}

function deinterleave(data: Uint8Array, format: number, n: number, bits: number): Int16Array[] {
  if (format === ALAW || format === ULAW) {
    const table = format === ALAW ? ALAW_DECODE : ULAW_DECODE;
    const frames = Math.floor(data.length / n);
    const out = Array.from({ length: n }, () => new Int16Array(frames));
    for (let f = 0; f < frames; f++) for (let c = 0; c < n; c++) out[c]![f] = table[data[f * n + c]!]!;
    return out;
  }
  if (format === PCM && bits === 16) {
    const frames = Math.floor(data.length / (2 * n));
    const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const out = Array.from({ length: n }, () => new Int16Array(frames));
    for (let f = 0; f < frames; f++) for (let c = 0; c < n; c++) out[c]![f] = v.getInt16((f * n + c) * 2, true);
    return out;
  }
  throw new Error(`unsupported WAV encoding ${format}/${bits} bits`);
}

/** Min and max of each of `columns` equal slices of `samples`, scaled to -1..1. */
export function peaks(samples: Int16Array, columns: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const per = samples.length / columns;
  for (let c = 0; c < columns; c++) {
    let lo = 0;
    let hi = 0;
    const end = Math.min(samples.length, Math.floor((c + 1) * per));
    for (let i = Math.floor(c * per); i < end; i++) {
      const s = samples[i]!;
      if (s < lo) lo = s;
      if (s > hi) hi = s;
    }
    out.push([lo / 32768, hi / 32768]);
  }
  return out;
}

/** A pause of a recording, in ms from the file's start; `toMs` null: until the end. */
export interface WavePause { fromMs: number; toMs: number | null }

/** Pixel columns [x, width] of each pause on a canvas `width` wide showing `durationMs`. */
export function pauseColumns(pauses: readonly WavePause[], durationMs: number, width: number): Array<[number, number]> {
  if (durationMs <= 0) return [];
  return pauses.map((p) => {
    const from = Math.min(Math.max(p.fromMs, 0), durationMs);
    const to = Math.min(Math.max(p.toMs ?? durationMs, from), durationMs);
    const x = Math.floor((from / durationMs) * width);
    return [x, Math.max(Math.ceil((to / durationMs) * width) - x, 1)] as [number, number];
  });
}

/**
 * Draws each channel as its own lane of the canvas, and the play position as a line. Pauses are
 * shaded first, over all lanes, so a listener sees where the recording was paused (silence by
 * design, not a fault).
 */
export function drawWaveform(canvas: HTMLCanvasElement, wav: DecodedWav, position: number, colors: { wave: string[]; axis: string; cursor: string; pause?: string }, pauses: readonly WavePause[] = []): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const { width, height } = canvas;
  ctx.clearRect(0, 0, width, height);
  const frames = wav.channels[0]?.length ?? 0;
  ctx.fillStyle = colors.pause ?? '#9ca3af';
  for (const [x, w] of pauseColumns(pauses, (frames / (wav.sampleRate || 8000)) * 1000, width)) ctx.fillRect(x, 0, w, height);
  const lane = height / Math.max(wav.channels.length, 1);
  wav.channels.forEach((ch, i) => {
    const mid = lane * i + lane / 2;
    ctx.fillStyle = colors.axis;
    ctx.fillRect(0, Math.round(mid), width, 1);
    ctx.fillStyle = colors.wave[i % colors.wave.length]!;
    peaks(ch, width).forEach(([lo, hi], x) => {
      const top = mid - hi * (lane / 2 - 2);
      const bottom = mid - lo * (lane / 2 - 2);
      ctx.fillRect(x, top, 1, Math.max(bottom - top, 1));
    });
  });
  ctx.fillStyle = colors.cursor;
  ctx.fillRect(Math.round(position * width), 0, 2, height);
}
