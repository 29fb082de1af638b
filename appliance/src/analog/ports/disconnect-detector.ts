// Far-end disconnect on an analog line without battery signalling: many exchanges only
// play busy tone (China: 450 Hz, 350 ms on / 350 ms off) after the other party hangs up,
// and some go silent. Pure: fed the line's received frames and the time, it says when
// the line is gone. (Polarity reversal, the third sign, is a card event; see fxo-port.ts.)
import { FRAME_BYTES, FRAME_MS, type G711Law as CardLaw } from '@hotline/drivers';
import { decodeTable, goertzelAmplitude, meanSquareToDbm0, type ToneSpec, type ToneZone } from '@hotline/media';
import { mediaLaw } from './tone-player.ts';

/** Silence this long on a connected line counts as the far end gone (nobody holds a line 60 s without a sound). */
export const SILENCE_DISCONNECT_MS = 60_000;
/** On/off cycles of busy (or congestion) cadence heard in a row before the line counts as gone. */
export const BUSY_CYCLES = 3;
/** A cadence segment matches when within this share of its nominal length (frames are 20 ms, exchanges vary). */
export const CADENCE_TOLERANCE = 0.25;
/** Share of a frame's power the tone's frequencies must carry to count as tone (speech spreads wider). */
const TONE_POWER_SHARE = 0.7;
/** Frames quieter than this are silence (dBm0; line noise sits near -60). */
const SILENCE_DBM0 = -45;

/** Why the line counts as disconnected. */
export type DisconnectCause = 'busy-tone' | 'silence';

const SAMPLE_RATE = 8000;

/** Watches one line's received audio for busy/congestion cadence and for long silence. */
export class DisconnectDetector {
  private readonly decode: Int16Array;
  private readonly pcm = new Int16Array(FRAME_BYTES);
  private readonly specs: ToneSpec[];
  private lastSoundAt: number;
  private toneOn = false;
  private runMs = 0;
  /** Per tone spec, how many on+off cycles in a row matched its cadence. */
  private readonly cycles: number[];
  private lastOnMs = 0;

  /** Creates a detector for a card law and the exchange's tone zone; `now` starts the silence count. */
  constructor(law: CardLaw, zone: ToneZone, now: number) {
    this.decode = decodeTable(mediaLaw(law));
    this.specs = [zone.tones.busy, zone.tones.congestion].filter((t) => t.cadenceMs.length >= 2);
    this.cycles = this.specs.map(() => 0);
    this.lastSoundAt = now;
  }

  /** Feeds one received 20 ms frame at time `now` (ms); returns the cause once the line counts as gone. */
  process(frame: Uint8Array, now: number): DisconnectCause | undefined {
    const n = Math.min(frame.length, FRAME_BYTES);
    let energy = 0;
    for (let i = 0; i < n; i++) {
      const v = this.decode[frame[i]!]!;
      this.pcm[i] = v;
      energy += v * v;
    }
    const meanSquare = energy / Math.max(1, n);
    const loud = meanSquare > 0 && meanSquareToDbm0(meanSquare) > SILENCE_DBM0;
    if (loud) this.lastSoundAt = now;
    else if (now - this.lastSoundAt >= SILENCE_DISCONNECT_MS) return 'silence';
    return this.cadence(loud && this.isTone(n, meanSquare)) ? 'busy-tone' : undefined;
  }

  /** True when the frame's power sits in the frequencies of busy (or congestion) tone. */
  private isTone(n: number, meanSquare: number): boolean {
    for (const spec of this.specs) {
      let tone = 0;
      // A sine of amplitude a has mean square a²/2.
      for (const f of spec.frequencies) tone += goertzelAmplitude(this.pcm, f, SAMPLE_RATE, 0, n) ** 2 / 2;
      if (tone >= TONE_POWER_SHARE * meanSquare) return true;
    }
    return false;
  }

  /** Tracks on/off runs; true once BUSY_CYCLES whole on/off cycles in a row matched one spec's cadence. */
  private cadence(on: boolean): boolean {
    if (on === this.toneOn) {
      this.runMs += FRAME_MS;
      return false;
    }
    const ended = this.runMs;
    this.toneOn = on;
    this.runMs = FRAME_MS;
    if (!on) {
      this.lastOnMs = ended;
      return false;
    }
    // A tone burst starts: the on run before and the off run just ended make one cycle.
    let gone = false;
    this.specs.forEach((spec, i) => {
      const c = spec.cadenceMs;
      // Any on/off pair of the cadence counts (uk congestion has two different pairs).
      let ok = false;
      for (let k = 0; k + 1 < c.length; k += 2) if (near(this.lastOnMs, c[k]!) && near(ended, c[k + 1]!)) ok = true;
      this.cycles[i] = ok ? this.cycles[i]! + 1 : 0;
      if (this.cycles[i]! >= BUSY_CYCLES) gone = true;
    });
    return gone;
  }
}


function near(ms: number, nominal: number): boolean {
  return Math.abs(ms - nominal) <= nominal * CADENCE_TOLERANCE + FRAME_MS;
}
