// Test doubles for the port machines: a TelephonyCard driven by the test, a SIP side that
// records the calls placed, calls offered by the PBX, and signal checks over played frames.
import {
  FRAME_BYTES, FRAME_MS,
  type CardEvent, type EchoCancelMode, type FrameListener, type G711Law, type HookCommand, type PortInfo, type PortState, type SpanInfo, type TelephonyCard,
} from '@hotline/drivers';
import { decodeTable, encodeTable, goertzelAmplitude, silenceCode } from '@hotline/media';
import type { FakeClock } from '../../../src/sip/clock.ts';
import type {
  CallAudio, CallerIdentity, FailureTone, IncomingCall, OutgoingCall, OutgoingCallEvents, PortCall, SipSide,
} from '../../../src/analog/call-legs.ts';
import type { AnalogSettings } from '../../../src/config/index.ts';

/** The media package's name for a card law. */
export const lawOf = (law: G711Law): 'pcma' | 'pcmu' => (law === 'alaw' ? 'pcma' : 'pcmu');

/** A card whose events and received frames the test produces, recording what ports play and hook commands. */
export class FakeCard implements TelephonyCard {
  readonly spans: SpanInfo[];
  readonly played = new Map<number, Uint8Array[]>();
  readonly hooks: Array<{ port: number; command: HookCommand }> = [];
  private readonly states = new Map<number, PortState>();
  private readonly eventListeners = new Set<(e: CardEvent) => void>();
  private readonly frameListeners = new Set<FrameListener>();
  /** Audio queued to arrive on a port, one frame per tick. */
  private readonly rx = new Map<number, Uint8Array[]>();

  constructor(readonly ports: PortInfo[], readonly law: G711Law = 'alaw', private readonly clock?: FakeClock) {
    const spans = [...new Set(ports.map((p) => p.span))];
    this.spans = spans.map((s) => ({ span: s, ports: ports.filter((p) => p.span === s).map((p) => p.port) }));
    for (const p of ports) {
      this.states.set(p.port, { hook: 'onhook', ringing: false, alarm: false });
      this.played.set(p.port, []);
      this.rx.set(p.port, []);
    }
  }

  portState(port: number): PortState {
    const s = this.states.get(port);
    if (!s) throw new Error(`no port ${port}`);
    return { ...s };
  }

  onEvent(listener: (e: CardEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onFrame(listener: FrameListener): () => void {
    this.frameListeners.add(listener);
    return () => this.frameListeners.delete(listener);
  }

  writeFrame(port: number, frame: Uint8Array): boolean {
    if (frame.length !== FRAME_BYTES) throw new RangeError('bad frame');
    this.played.get(port)!.push(frame.slice());
    return true;
  }

  /** Echo cancellation is the card's business; the port machines never ask for it. */
  echoCancel(): EchoCancelMode {
    return 'off';
  }

  hook(port: number, command: HookCommand): void {
    this.hooks.push({ port, command });
    const s = this.states.get(port)!;
    if (command === 'offhook' || command === 'onhook') s.hook = command;
  }

  async close(): Promise<void> {}

  /** Listeners still subscribed. */
  get listeners(): number {
    return this.eventListeners.size + this.frameListeners.size;
  }

  /** The card reports an event (hook state follows OffHook/OnHook, alarm follows Alarm). */
  emit(ev: CardEvent): void {
    if (ev.type === 'OffHook') this.states.get(ev.port)!.hook = 'offhook';
    if (ev.type === 'OnHook') this.states.get(ev.port)!.hook = 'onhook';
    if (ev.type === 'Alarm' || ev.type === 'AlarmCleared') {
      for (const p of this.ports) if (p.span === ev.span) this.states.get(p.port)!.alarm = ev.type === 'Alarm';
    }
    for (const l of this.eventListeners) l(ev);
  }

  /** Queues linear audio to arrive on `port` (encoded in the card's law, split into frames, padded with silence). */
  receive(port: number, pcm: Int16Array): void {
    const enc = encodeTable(lawOf(this.law));
    const frames = Math.ceil(pcm.length / FRAME_BYTES);
    for (let f = 0; f < frames; f++) {
      const frame = new Uint8Array(FRAME_BYTES).fill(silenceCode(lawOf(this.law)));
      for (let i = 0; i < FRAME_BYTES && f * FRAME_BYTES + i < pcm.length; i++) frame[i] = enc[pcm[f * FRAME_BYTES + i]! & 0xffff]!;
      this.rx.get(port)!.push(frame);
    }
  }

  /** `n` ticks of 20 ms: the clock moves and every port hands over a received frame (queued audio or silence). */
  tick(n = 1): void {
    const silent = new Uint8Array(FRAME_BYTES).fill(silenceCode(lawOf(this.law)));
    for (let k = 0; k < n; k++) {
      this.clock?.advance(FRAME_MS);
      for (const p of this.ports) {
        const f = this.rx.get(p.port)!.shift() ?? silent;
        for (const l of this.frameListeners) l(p.port, f);
      }
    }
  }

  /** Ticks until `ms` have passed. */
  run(ms: number): void {
    this.tick(Math.round(ms / FRAME_MS));
  }

  /** Drains and returns what `port` played, decoded to linear. */
  takePlayed(port: number): Int16Array {
    const frames = this.played.get(port)!.splice(0);
    return decodeFrames(frames, this.law);
  }

  /** Hook commands sent to `port`, in order. */
  hooksOf(port: number): HookCommand[] {
    return this.hooks.filter((h) => h.port === port).map((h) => h.command);
  }
}

/** Decodes G.711 frames to one linear buffer. */
export function decodeFrames(frames: Uint8Array[], law: G711Law): Int16Array {
  const dec = decodeTable(lawOf(law));
  const out = new Int16Array(frames.length * FRAME_BYTES);
  frames.forEach((f, k) => f.forEach((b, i) => { out[k * FRAME_BYTES + i] = dec[b]!; }));
  return out;
}

/** Amplitude of `hz` in pcm[start, start+len) (Goertzel). */
export function toneLevel(pcm: Int16Array, hz: number, start = 0, len = pcm.length - start): number {
  return goertzelAmplitude(pcm, hz, 8000, start, start + len);
}

/** RMS of pcm. */
export function rms(pcm: Int16Array): number {
  let e = 0;
  for (const v of pcm) e += v * v;
  return Math.sqrt(e / Math.max(1, pcm.length));
}

/** A frame of one repeated byte, recognisable in the call's audio. */
export function markFrame(byte: number): Uint8Array {
  return new Uint8Array(FRAME_BYTES).fill(byte);
}

/** Call audio that records what it was sent and plays queued frames. */
export class FakeAudio implements CallAudio {
  readonly sent: Uint8Array[] = [];
  readonly toPlay: Uint8Array[] = [];
  send(frame: Uint8Array): void { this.sent.push(frame); }
  next(): Uint8Array | undefined { return this.toPlay.shift(); }
}

/** A call the port placed, as the fake SIP side hands it out. */
export class FakeOutgoing implements OutgoingCall {
  readonly audio = new FakeAudio();
  readonly holds: boolean[] = [];
  hangups = 0;
  constructor(readonly port: number, readonly from: CallerIdentity, readonly to: string, readonly events: OutgoingCallEvents) {}
  hold(on: boolean): void { this.holds.push(on); }
  hangup(): void { this.hangups++; }
  /** The consult call this call was transferred to. */
  transferredTo: PortCall | undefined;
  transfer(consult: PortCall): void { this.transferredTo = consult; }
}

/** Records sip.call(); `onCall` may report progress synchronously. */
export class FakeSip implements SipSide {
  readonly calls: FakeOutgoing[] = [];
  onCall?: (c: FakeOutgoing) => void;
  call(port: number, from: CallerIdentity, to: string, events: OutgoingCallEvents): OutgoingCall {
    const c = new FakeOutgoing(port, from, to, events);
    this.calls.push(c);
    this.onCall?.(c);
    return c;
  }
}

/** A call the PBX offers; records what the port side did with it. */
export class FakeIncoming implements IncomingCall {
  readonly audio = new FakeAudio();
  readonly log: string[] = [];
  readonly holds: boolean[] = [];
  onCancelled?: () => void;
  onEnded?: () => void;
  constructor(readonly number: string, readonly caller: CallerIdentity = {}) {}
  ringing(): void { this.log.push('ringing'); }
  answer(): void { this.log.push('answer'); }
  reject(status: 480 | 486 | 503): void { this.log.push(`reject ${status}`); }
  hold(on: boolean): void { this.holds.push(on); }
  hangup(): void { this.log.push('hangup'); }
  transfer(consult: PortCall): void { this.log.push(`transfer to ${(consult as { to?: string }).to ?? '?'}`); }
}

/** Settings as analogSettings() fills them in, overridable. */
export function settings(over: Partial<AnalogSettings> = {}): AnalogSettings {
  return {
    cards: [], lineGroups: [{ name: 'pstn', hunt: 'sequential' }], law: 'alaw', toneZone: 'cn', callerId: 'bell202',
    ringsBeforeAnswer: 2, interDigitTimeoutSec: 4, sipPort: 5062, ...over,
  };
}

/** Failure tones a test may report. */
export type { FailureTone };
