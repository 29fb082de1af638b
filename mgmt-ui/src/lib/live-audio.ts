// Live listen in the browser (issue 7): each WebSocket message is one frame of the recorder's
// layout (appliance/src/recorder/live-frame.ts, read with its own decoder), G.711 decoded with
// media's tables, metered per channel, and played with WebAudio — left/right per party or both
// mixed. Playback is bounded too: a channel whose schedule runs more than MAX_AHEAD_S ahead of
// the clock drops frames instead of growing a delay.
import { ALAW_DECODE, ULAW_DECODE } from '../../../media/src/g711/g711.ts';
import { decodeLiveFrame } from '../../../appliance/src/recorder/live-frame.ts';

/** Sample rate of G.711. */
export const LIVE_RATE = 8000;
/** Start delay of a channel's playback (absorbs network jitter). */
const LEAD_S = 0.15;
/** Farther ahead than this and frames are dropped (the browser fell behind the call). */
const MAX_AHEAD_S = 0.8;

/** One decoded frame: which party, linear samples scaled to −1..1. */
export interface DecodedLiveFrame {
  channel: number;
  atMs: number;
  samples: Float32Array<ArrayBuffer>;
}

/** Decodes one WebSocket message (a live frame) into float samples; throws LiveFrameError for a broken one. */
export function decodeLiveMessage(data: ArrayBuffer | Uint8Array): DecodedLiveFrame {
  const f = decodeLiveFrame(data instanceof Uint8Array ? data : new Uint8Array(data));
  const table = f.law === 'PCMA' ? ALAW_DECODE : ULAW_DECODE;
  const samples = new Float32Array(f.payload.length);
  for (let i = 0; i < samples.length; i++) samples[i] = table[f.payload[i]!]! / 32768;
  return { channel: f.channel, atMs: f.atMs, samples };
}

/** Per-channel counters for the level meters: samples decoded, and RMS of the last ~0.5 s. */
export class LiveMeter {
  readonly samples: number[] = [];
  readonly rms: number[] = [];
  private readonly window: number[] = [];
  private readonly windowCount: number[] = [];

  add(f: DecodedLiveFrame): void {
    const c = f.channel;
    while (this.samples.length <= c) { this.samples.push(0); this.rms.push(0); this.window.push(0); this.windowCount.push(0); }
    this.samples[c]! += f.samples.length;
    for (const s of f.samples) this.window[c]! += s * s;
    this.windowCount[c]! += f.samples.length;
    if (this.windowCount[c]! >= LIVE_RATE / 2) {
      this.rms[c] = Math.sqrt(this.window[c]! / this.windowCount[c]!);
      this.window[c] = 0;
      this.windowCount[c] = 0;
    }
  }
}

/** How the parties are heard: channel 0 left and 1 right, or everyone in both ears. */
export type ListenMode = 'stereo' | 'mixed';

/** Schedules decoded frames on an AudioContext, each channel on its own timeline. */
export class LivePlayback {
  private readonly cursor = new Map<number, number>();
  /** Frames dropped because playback fell too far behind. */
  dropped = 0;

  constructor(private readonly ctx: AudioContext, public mode: ListenMode) {}

  play(f: DecodedLiveFrame): void {
    const now = this.ctx.currentTime;
    let at = Math.max(this.cursor.get(f.channel) ?? 0, now + LEAD_S);
    if (at - now > MAX_AHEAD_S) {
      this.dropped++;
      return;
    }
    const buf = this.ctx.createBuffer(2, f.samples.length, LIVE_RATE);
    if (this.mode === 'mixed' || f.channel > 1) {
      // Halved so two parties talking at once do not clip.
      const half = f.samples.map((s) => s * 0.5);
      buf.copyToChannel(half, 0);
      buf.copyToChannel(half, 1);
    } else buf.copyToChannel(f.samples, f.channel);
    const src = this.ctx.createBufferSource();
    src.buffer = buf;
    src.connect(this.ctx.destination);
    src.start(at);
    at += f.samples.length / LIVE_RATE;
    this.cursor.set(f.channel, at);
  }
}
