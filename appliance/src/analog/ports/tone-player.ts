// What one port plays, one 20 ms frame at a time: silence, a call-progress tone of the
// zone, a finite signal (caller ID, dialled digits) or the call's audio. The port asks
// for a frame each time the card hands it one received frame, so playout is paced by
// the card's TDM clock and never drifts from it (a 20 ms timer would).
import { FRAME_BYTES, type G711Law as CardLaw } from '@hotline/drivers';
import { ToneGenerator, encodeTable, silenceCode, type ToneName, type G711Law } from '@hotline/media';
import type { CallAudio } from '../call-legs.ts';

/** A linear 8 kHz signal that ends: FskCallerIdGenerator, DtmfGenerator (fill() false = finished). */
export interface FiniteSignal {
  fill(out: Int16Array): boolean;
}

/** The media package's name for a card's companding law. */
export function mediaLaw(law: CardLaw): G711Law {
  return law === 'alaw' ? 'pcma' : 'pcmu';
}

type Source =
  | { kind: 'silence' }
  | { kind: 'tone' }
  | { kind: 'signal'; signal: FiniteSignal; done?: () => void }
  | { kind: 'call'; audio: CallAudio };

/** Produces a port's outgoing frames in the card's law; allocates nothing per frame. */
export class TonePlayer {
  private tones: ToneGenerator;
  private source: Source = { kind: 'silence' };
  private readonly pcm = new Int16Array(FRAME_BYTES);
  private readonly out = new Uint8Array(FRAME_BYTES);
  private readonly silent = new Uint8Array(FRAME_BYTES);
  private readonly encode: Uint8Array;

  /** Creates a silent player for a card law and tone zone. */
  constructor(law: CardLaw, zone: string) {
    this.encode = encodeTable(mediaLaw(law));
    this.silent.fill(silenceCode(mediaLaw(law)));
    this.tones = new ToneGenerator({ zone });
  }

  /** Switches tone zone (config reload); takes effect with the next tone started. */
  setZone(zone: string): void {
    if (zone !== this.tones.zone.name) this.tones = new ToneGenerator({ zone });
  }

  /** What plays now, for status and tests. */
  get playing(): ToneName | 'signal' | 'call' | null {
    if (this.source.kind === 'tone') return this.tones.playing as ToneName | null;
    return this.source.kind === 'silence' ? null : this.source.kind;
  }

  /** Plays a tone of the zone from its first burst, until something else is played. */
  tone(name: ToneName): void {
    this.tones.start(name);
    this.source = { kind: 'tone' };
  }

  /** Plays a finite signal; `done` runs (once) on the frame after it ends, then silence. */
  signal(signal: FiniteSignal, done?: () => void): void {
    this.source = { kind: 'signal', signal, done };
  }

  /** Plays the call's audio (silence when it has no frame due). */
  call(audio: CallAudio): void {
    this.source = { kind: 'call', audio };
  }

  /** Plays silence. */
  silence(): void {
    this.tones.stop();
    this.source = { kind: 'silence' };
  }

  /** The next 20 ms frame in the card's law. Valid until the next call. */
  next(): Uint8Array {
    const s = this.source;
    switch (s.kind) {
      case 'silence':
        return this.silent;
      case 'call': {
        const f = s.audio.next();
        return f && f.length === FRAME_BYTES ? f : this.silent;
      }
      case 'tone':
        this.tones.fill(this.pcm);
        return this.encodeFrame();
      case 'signal':
        if (!s.signal.fill(this.pcm)) {
          this.source = { kind: 'silence' };
          s.done?.();
          return this.silent;
        }
        return this.encodeFrame();
    }
  }

  private encodeFrame(): Uint8Array {
    for (let i = 0; i < FRAME_BYTES; i++) this.out[i] = this.encode[this.pcm[i]! & 0xffff]!;
    return this.out;
  }
}
