/**
 * The hardware boundary every telephony-card backend implements (DAHDI today, vendor
 * SDKs later). Ports are numbered as the card numbers its channels (1-based); spans
 * group ports that share a physical interface and therefore share alarms.
 */

/** Duration of one audio frame, in milliseconds. */
export const FRAME_MS = 20;
/** Bytes in one 20 ms G.711 frame at 8 kHz, one byte per sample (ITU-T G.711). */
export const FRAME_BYTES = 160;

/** What a port is wired to: FXO takes a line from the exchange, FXS feeds a phone. E1/T1 come later. */
export type PortKind = 'FXO' | 'FXS';

/** G.711 companding law of the frames a card carries. */
export type G711Law = 'ulaw' | 'alaw';

/** A port of a card, as configured. */
export interface PortInfo {
  /** Channel number on the card (1-based). */
  readonly port: number;
  /** Span the port belongs to (1-based). */
  readonly span: number;
  /** FXO line or FXS station. */
  readonly kind: PortKind;
}

/** A span (one physical interface: an analog module group, later an E1/T1 link). */
export interface SpanInfo {
  /** Span number (1-based). */
  readonly span: number;
  /** Ports on this span. */
  readonly ports: readonly number[];
}

/** Live state of a port, as last reported by the card. */
export interface PortState {
  /** FXS: the phone's hook; FXO: whether we hold the line seized. */
  hook: 'onhook' | 'offhook';
  /** FXS: we are ringing the phone; FXO: the exchange is ringing us (last Ring seen, until off-hook). */
  ringing: boolean;
  /** The port's span is in alarm (e.g. line unplugged). */
  alarm: boolean;
}

/** Events a card reports, Noun+Verb style per the house rules. */
export type CardEvent =
  | { readonly type: 'Ring'; readonly port: number }
  | { readonly type: 'OffHook'; readonly port: number }
  | { readonly type: 'OnHook'; readonly port: number }
  | { readonly type: 'HookFlash'; readonly port: number }
  | { readonly type: 'PolarityReversal'; readonly port: number }
  | { readonly type: 'Dtmf'; readonly port: number; readonly digit: string }
  | { readonly type: 'Alarm'; readonly span: number; readonly alarms: number }
  | { readonly type: 'AlarmCleared'; readonly span: number };

/** The `type` tags of {@link CardEvent}. */
export type CardEventType = CardEvent['type'];

/** Hook commands: FXO seizes/releases a line or flashes; FXS rings or stops ringing the phone. */
export type HookCommand = 'offhook' | 'onhook' | 'flash' | 'ring' | 'ringoff';

/**
 * Where a port's line echo is cancelled: not at all, by the card's driver (DAHDI's
 * kernel or the card's hardware canceller), or in software by the card's I/O thread.
 */
export type EchoCancelMode = 'off' | 'kernel' | 'software';

/**
 * Receives one 20 ms frame read from a port. `frame` is a view into a reused buffer,
 * valid only during the call: copy it if you keep it (no per-frame allocation).
 */
export type FrameListener = (port: number, frame: Uint8Array) => void;

/** A telephony card: ports, their events, 20 ms G.711 audio in and out, hook/ring control. */
export interface TelephonyCard {
  /** Spans of the card. */
  readonly spans: readonly SpanInfo[];
  /** Ports of the card. */
  readonly ports: readonly PortInfo[];
  /** G.711 law of the frames. */
  readonly law: G711Law;
  /** Current state of a port; throws CardError('BAD_PORT') for an unknown port. */
  portState(port: number): PortState;
  /** Subscribes to events; returns the unsubscribe function. */
  onEvent(listener: (event: CardEvent) => void): () => void;
  /** Subscribes to received frames; returns the unsubscribe function. */
  onFrame(listener: FrameListener): () => void;
  /** Queues one {@link FRAME_BYTES}-byte frame to play on a port; false when the port's transmit queue is full. */
  writeFrame(port: number, frame: Uint8Array): boolean;
  /** Sends a hook or ring command to a port. */
  hook(port: number, command: HookCommand): void;
  /**
   * Cancels the line echo (the hybrid's reflection of what the port plays) in what the
   * port receives, with a canceller of `taps` taps — 8 per ms of echo path, 1 to 1024;
   * 128 (16 ms) suits analog lines — or turns it off with 0. The driver's own canceller
   * is used where it has one, else a software one; the result says which. Calling it
   * again replaces the canceller (it relearns the echo path). Throws RangeError for a
   * bad tap count, CardError BAD_PORT, CLOSED, or LIBRARY_NOT_FOUND when software
   * cancellation is needed and its library is missing.
   */
  echoCancel(port: number, taps: number): EchoCancelMode;
  /** Stops the I/O thread and closes every port. */
  close(): Promise<void>;
}
