import { ALAW_ENCODE, ULAW_ENCODE } from '../g711/index.ts';
import type { FrameSource } from './prompt-playback.ts';

const RATE = 8000;
const FRAME = 160;
/** A slow pentatonic phrase (Hz, ms): calm, unmistakably music, nowhere near a DTMF pair. */
const PHRASE: ReadonlyArray<readonly [number, number]> = [
  [523.25, 400], [587.33, 400], [659.25, 600], [783.99, 400], [659.25, 400], [587.33, 800],
  [523.25, 400], [440.0, 400], [523.25, 600], [587.33, 400], [523.25, 1200], [0, 600],
];

/**
 * Music on hold generated in code, for when no WAV files are configured: a soft looping
 * phrase of sine notes with gentle attack and release, at about -20 dBm0, encoded in the
 * held leg's law. Nothing is allocated per frame.
 */
export class DefaultMusic implements FrameSource {
  private readonly frame = Buffer.alloc(FRAME);
  private readonly encode: Uint8Array;
  private note = 0;
  private sampleInNote = 0;
  private phase = 0;

  constructor(law: 'pcmu' | 'pcma') {
    this.encode = law === 'pcmu' ? ULAW_ENCODE : ALAW_ENCODE;
  }

  /** The next 20 ms frame (the same buffer every call); the music never ends. */
  next(): Buffer {
    for (let i = 0; i < FRAME; i++) {
      const [hz, ms] = PHRASE[this.note]!;
      const len = (ms * RATE) / 1000;
      const edge = Math.min(this.sampleInNote, len - this.sampleInNote, 400) / 400; // 50 ms ramps: no clicks
      this.phase += (2 * Math.PI * hz) / RATE;
      if (this.phase > 2 * Math.PI) this.phase -= 2 * Math.PI;
      const sample = hz === 0 ? 0 : Math.round(2600 * edge * Math.sin(this.phase));
      this.frame[i] = this.encode[sample & 0xffff]!;
      if (++this.sampleInNote >= len) {
        this.sampleInNote = 0;
        this.note = (this.note + 1) % PHRASE.length;
      }
    }
    return this.frame;
  }
}
