// In-band DTMF generator: two phase-continuous sines per digit (ITU-T Q.23).
//
// Levels default to -7 dBm0 for the row tone and -5 dBm0 for the column tone:
// Q.23 wants the high group a little louder (about 2 dB) because lines lose
// more at higher frequencies. Each tone burst is shaped by a 1 ms ramp to keep
// its spectrum narrow, and gaps between digits are silence.

import { dbm0ToPeak } from '../tones/level.ts';
import { SineOscillator } from '../tones/oscillator.ts';
import { digitFrequencies, toDtmfDigit } from './digits.ts';

/** Options of a DtmfGenerator, and per-call overrides of enqueue(). */
export interface DtmfToneOptions {
  /** Tone duration per digit in ms; default 100. */
  readonly toneMs?: number;
  /** Silence after each digit in ms; default 100. */
  readonly pauseMs?: number;
  /** Row (low group) tone level in dBm0; default -7. */
  readonly rowLevelDbm0?: number;
  /** Column (high group) tone level in dBm0; default -5. */
  readonly columnLevelDbm0?: number;
}

const SAMPLE_RATE = 8000;
const RAMP = 8;

interface Queued {
  row: number;
  column: number;
  rowPeak: number;
  columnPeak: number;
  tone: number;
  pause: number;
}

/** Streams queued DTMF digits into 8 kHz linear frames. */
export class DtmfGenerator {
  private readonly defaults: Required<DtmfToneOptions>;
  private readonly queue: Queued[] = [];
  private readonly row = new SineOscillator(0, SAMPLE_RATE);
  private readonly column = new SineOscillator(0, SAMPLE_RATE);
  private current: Queued | null = null;
  private position = 0;

  /** Creates an idle generator. */
  constructor(options: DtmfToneOptions = {}) {
    this.defaults = { toneMs: 100, pauseMs: 100, rowLevelDbm0: -7, columnLevelDbm0: -5, ...options };
  }

  /** Digits queued or playing. */
  get pending(): number {
    return this.queue.length + (this.current ? 1 : 0);
  }

  /** Queues digits (0-9, *, #, A-D; case-insensitive). Throws DtmfDigitError on any other character. */
  enqueue(digits: string, options: DtmfToneOptions = {}): void {
    const o = { ...this.defaults, ...options };
    const items: Queued[] = [];
    for (const ch of digits) {
      const { row, column } = digitFrequencies(toDtmfDigit(ch));
      items.push({
        row, column, rowPeak: dbm0ToPeak(o.rowLevelDbm0), columnPeak: dbm0ToPeak(o.columnLevelDbm0),
        tone: Math.round((o.toneMs * SAMPLE_RATE) / 1000), pause: Math.round((o.pauseMs * SAMPLE_RATE) / 1000),
      });
    }
    this.queue.push(...items);
  }

  /** Drops every queued digit and stops at once. */
  clear(): void {
    this.queue.length = 0;
    this.current = null;
  }

  /** Writes `out.length` samples (silence when idle); returns whether any digit was playing. */
  fill(out: Int16Array): boolean {
    let i = 0;
    let active = false;
    while (i < out.length) {
      if (!this.current) {
        const next = this.queue.shift();
        if (!next) {
          out.fill(0, i);
          break;
        }
        this.current = next;
        this.position = 0;
        this.row.setFrequency(next.row, SAMPLE_RATE);
        this.column.setFrequency(next.column, SAMPLE_RATE);
        this.row.reset(0);
        this.column.reset(0);
      }
      active = true;
      const d = this.current;
      if (this.position < d.tone) {
        const n = Math.min(out.length - i, d.tone - this.position);
        for (let j = 0; j < n; j++) {
          const p = this.position + j;
          const up = (p + 1) / RAMP;
          const down = (d.tone - p) / RAMP;
          const g = up < 1 ? (down < up ? down : up) : down < 1 ? down : 1;
          out[i + j] = Math.round(g * (d.rowPeak * this.row.next() + d.columnPeak * this.column.next()));
        }
        this.row.renormalize();
        this.column.renormalize();
        i += n;
        this.position += n;
      } else {
        const n = Math.min(out.length - i, d.tone + d.pause - this.position);
        out.fill(0, i, i + n);
        i += n;
        this.position += n;
      }
      if (this.position >= d.tone + d.pause) this.current = null;
    }
    return active;
  }
}

/** Renders `digits` as one buffer of 8 kHz linear PCM (allocates; for prompts and tests). */
export function renderDtmf(digits: string, options: DtmfToneOptions = {}): Int16Array {
  const gen = new DtmfGenerator(options);
  gen.enqueue(digits);
  const o = { toneMs: 100, pauseMs: 100, ...options };
  const per = Math.round((o.toneMs * SAMPLE_RATE) / 1000) + Math.round((o.pauseMs * SAMPLE_RATE) / 1000);
  const out = new Int16Array(per * [...digits].length);
  gen.fill(out);
  return out;
}
