// Playing prompts as 20 ms frames: a pure cursor over G.711 bytes. The media
// adapter calls next() on its 20 ms tick and sends the frame; nothing here knows time.
import { silenceCode, type G711Law } from '../g711/g711.ts';
import { copyBytes } from '../rtp/bytes.ts';

/** Options of a {@link PromptPlayback}. */
export interface PlaybackOptions {
  /** Law of the audio, for the silence that pads the last frame. */
  law: G711Law;
  /** Start again at the end instead of finishing (single-prompt music on hold). */
  loop?: boolean;
  /** Bytes per frame; 160 = 20 ms at 8 kHz. */
  frameBytes?: number;
}

/** Frame source shared by prompts and playlists. */
export interface FrameSource {
  /** The next frame (a buffer reused on every call), or null when finished. */
  next(): Buffer | null;
}

/**
 * Plays one prompt's audio frame by frame; the last frame is padded with silence.
 * Returns the same frame buffer each call, so nothing is allocated per frame.
 */
export class PromptPlayback implements FrameSource {
  private pos = 0;
  private readonly frame: Buffer;
  private readonly silence: number;
  private readonly loop: boolean;
  /** Frames produced so far. */
  framesPlayed = 0;

  /** Creates a cursor at the start of `audio` (G.711 bytes in `opts.law`). */
  constructor(private readonly audio: Buffer, opts: PlaybackOptions) {
    this.frame = Buffer.alloc(opts.frameBytes ?? 160);
    this.silence = silenceCode(opts.law);
    this.loop = opts.loop ?? false;
  }

  /** True when a non-looping prompt has played to its end. */
  get done(): boolean {
    return !this.loop && this.pos >= this.audio.length;
  }

  /** Next 20 ms frame, or null after the end of a non-looping prompt. */
  next(): Buffer | null {
    const a = this.audio;
    const f = this.frame;
    if (a.length === 0) return null;
    if (this.pos >= a.length) {
      if (!this.loop) return null;
      this.pos = 0;
    }
    const n = Math.min(f.length, a.length - this.pos);
    copyBytes(a, this.pos, f, 0, n);
    if (n < f.length) f.fill(this.silence, n);
    this.pos += n;
    this.framesPlayed++;
    return f;
  }

  /** Back to the start. */
  rewind(): void {
    this.pos = 0;
  }
}

/**
 * A sequence of prompts played back to back, each starting on a frame boundary
 * (so every prompt's tail is padded); with `loop`, a music-on-hold playlist.
 */
export class PlaylistPlayback implements FrameSource {
  private index = 0;
  private current: PromptPlayback | null;

  /** Creates a playlist over converted prompt audio. */
  constructor(private readonly items: readonly Buffer[], private readonly opts: PlaybackOptions) {
    this.current = items.length > 0 ? new PromptPlayback(items[0]!, { ...opts, loop: false }) : null;
  }

  /** Index of the prompt playing now. */
  get position(): number {
    return this.index;
  }

  /** Next frame across the playlist, or null at the end of a non-looping one. */
  next(): Buffer | null {
    if (this.current === null) return null;
    // At most one full pass over the list looking for a non-empty item.
    for (let tries = 0; tries <= this.items.length; tries++) {
      const f = this.current.next();
      if (f !== null) return f;
      this.index++;
      if (this.index >= this.items.length) {
        if (!this.opts.loop) {
          this.current = null;
          return null;
        }
        this.index = 0;
      }
      // One PromptPlayback per item change (every few seconds), not per frame.
      this.current = new PromptPlayback(this.items[this.index]!, { ...this.opts, loop: false });
    }
    return null; // every item is empty
  }
}
