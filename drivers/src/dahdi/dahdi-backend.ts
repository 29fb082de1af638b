/**
 * The DAHDI backend of {@link TelephonyCard}. The main thread opens and configures each
 * channel (open, DAHDI_SPECIFY, DAHDI_SETLAW, DAHDI_SET_BLOCKSIZE 160) so a missing
 * card fails `openDahdiCard` with a clear CardError, then hands the fds to one worker
 * thread per card that does all reads, writes and polls. Frames cross in
 * SharedArrayBuffer rings (one per direction per port); events arrive as messages.
 * Hook and ring commands are single ioctls, issued directly from the caller's thread;
 * so is DAHDI_ECHOCANCEL, and where the driver refuses it the worker cancels the echo
 * in software (libspandsp through drivers/echo).
 */
import { Worker } from 'node:worker_threads';
import { CardError } from '../card-error.ts';
import { moduleLogger } from '../log.ts';
import {
  FRAME_BYTES,
  type CardEvent, type EchoCancelMode, type FrameListener, type G711Law, type HookCommand, type PortInfo, type PortState, type SpanInfo, type TelephonyCard,
} from '../telephony-card.ts';
import { loadDahdiLib, type DahdiBinding, type DahdiLib } from './binding.ts';
import { DahdiChannel } from './dahdi-channel.ts';
import { DahdiEventDecoder } from './event-map.ts';
import { FrameRing } from './frame-ring.ts';
import * as abi from './abi.ts';
import { checkEchoTaps, ECHO_LIBRARY, loadEchoLib, type EchoLib } from '../echo/echo-canceller.ts';
import {
  CTRL_EC_GEN, CTRL_ROUNDS, CTRL_RX_DROPPED, CTRL_RX_NOTIFIED, CTRL_SIZE, CTRL_STOP, EC_SLOT_SERIAL, EC_SLOT_TAPS, EC_SLOTS,
  type WorkerInit, type WorkerMessage,
} from './worker-protocol.ts';

const log = moduleLogger('drivers.dahdi');

/** Options of {@link openDahdiCard}. */
export interface DahdiCardOptions {
  /** Library and symbols to bind: LIBC_BINDING on hardware, simulatorBinding(path) in tests. */
  readonly binding: DahdiBinding;
  /** The card's ports (DAHDI channel numbers) with their kind and span. */
  readonly ports: readonly PortInfo[];
  /** Companding law; A-law by default (ITU-T G.711 A-law is the norm on China's PSTN). */
  readonly law?: G711Law;
  /** libhotline-echo for software echo cancellation (default: the one `make -C drivers/echo` builds). */
  readonly echoLibrary?: string;
  /** Frames buffered per direction per port, a power of two (default 16 = 320 ms). */
  readonly ringSlots?: number;
}

/** Counters of the I/O worker. */
export interface DahdiCardStats {
  /** Received frames dropped because the main thread did not drain its rings in time. */
  readonly rxDropped: number;
  /** Poll rounds the worker completed. */
  readonly pollRounds: number;
}

const HOOK_CODES: Record<HookCommand, number> = {
  offhook: abi.DAHDI_OFFHOOK, onhook: abi.DAHDI_ONHOOK, flash: abi.DAHDI_FLASH, ring: abi.DAHDI_RING, ringoff: abi.DAHDI_RINGOFF,
};

/** A card driven through DAHDI (kernel or simulator). Create it with {@link openDahdiCard}. */
export class DahdiCard implements TelephonyCard {
  /** @inheritdoc */
  readonly spans: readonly SpanInfo[];
  /** @inheritdoc */
  readonly ports: readonly PortInfo[];
  /** @inheritdoc */
  readonly law: G711Law;
  private readonly channels: Map<number, DahdiChannel>;
  private readonly rx: FrameRing[];
  private readonly tx: Map<number, FrameRing>;
  private readonly decoder: DahdiEventDecoder;
  private readonly control: Int32Array;
  private readonly worker: Worker;
  private readonly echo: Int32Array;
  private readonly echoLibrary: string;
  private echoLib: EchoLib | undefined;
  private readonly portIndex: Map<number, number>;
  private readonly eventListeners = new Set<(e: CardEvent) => void>();
  private readonly frameListeners = new Set<FrameListener>();
  private closed = false;
  private readonly exited: Promise<void>;

  /** @internal Use {@link openDahdiCard}. */
  constructor(init: {
    ports: readonly PortInfo[]; law: G711Law; channels: Map<number, DahdiChannel>; rx: FrameRing[]; tx: FrameRing[];
    decoder: DahdiEventDecoder; control: Int32Array; worker: Worker; echo: Int32Array; echoLibrary: string;
  }) {
    this.ports = init.ports;
    this.law = init.law;
    this.channels = init.channels;
    this.rx = init.rx;
    this.tx = new Map(init.ports.map((p, i) => [p.port, init.tx[i]!]));
    this.decoder = init.decoder;
    this.control = init.control;
    this.worker = init.worker;
    this.echo = init.echo;
    this.echoLibrary = init.echoLibrary;
    this.portIndex = new Map(init.ports.map((p, i) => [p.port, i]));
    const bySpan = new Map<number, number[]>();
    for (const p of init.ports) bySpan.set(p.span, [...(bySpan.get(p.span) ?? []), p.port]);
    this.spans = [...bySpan].map(([span, ports]) => ({ span, ports }));
    this.worker.on('message', (m: WorkerMessage) => this.onWorkerMessage(m));
    this.worker.on('error', (err) => log.error({ err }, 'DAHDI I/O worker failed'));
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    // A "frames ready" message may have been dispatched before this listener existed;
    // draining now also clears the flag so the worker notifies again.
    this.drainFrames();
  }

  /** @inheritdoc */
  portState(port: number): PortState {
    const st = this.decoder.state(port);
    if (!st) throw new CardError('BAD_PORT', `no port ${port} on this card`, { port });
    return { ...st };
  }

  /** @inheritdoc */
  onEvent(listener: (event: CardEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** @inheritdoc */
  onFrame(listener: FrameListener): () => void {
    this.frameListeners.add(listener);
    return () => this.frameListeners.delete(listener);
  }

  /** @inheritdoc */
  writeFrame(port: number, frame: Uint8Array): boolean {
    const ring = this.tx.get(port);
    if (!ring) throw new CardError('BAD_PORT', `no port ${port} on this card`, { port });
    if (frame.length !== FRAME_BYTES) throw new RangeError(`a frame is ${FRAME_BYTES} bytes, got ${frame.length}`);
    return ring.push(frame);
  }

  /** @inheritdoc */
  hook(port: number, command: HookCommand): void {
    if (this.closed) throw new CardError('CLOSED', 'card is closed', { port });
    const ch = this.channels.get(port);
    if (!ch) throw new CardError('BAD_PORT', `no port ${port} on this card`, { port });
    ch.hook(HOOK_CODES[command]);
    this.decoder.commandSent(port, command);
  }

  /** @inheritdoc */
  echoCancel(port: number, taps: number): EchoCancelMode {
    if (this.closed) throw new CardError('CLOSED', 'card is closed', { port });
    const ch = this.channels.get(port);
    if (!ch) throw new CardError('BAD_PORT', `no port ${port} on this card`, { port });
    checkEchoTaps(taps);
    let mode: EchoCancelMode = 'off';
    let errno = 0;
    if (taps === 0) {
      ch.kernelEchoCancel(0); // a driver without a canceller has nothing to turn off: its refusal is moot
    } else if ((errno = ch.kernelEchoCancel(taps)) === 0) {
      mode = 'kernel';
    } else {
      // Checked here so a missing library is the caller's error, not a worker log line.
      this.echoLib ??= loadEchoLib(this.echoLibrary);
      mode = 'software';
    }
    const i = this.portIndex.get(port)! * EC_SLOTS;
    Atomics.store(this.echo, i + EC_SLOT_TAPS, mode === 'software' ? taps : 0);
    Atomics.add(this.echo, i + EC_SLOT_SERIAL, 1);
    Atomics.add(this.control, CTRL_EC_GEN, 1);
    log.info({ port, taps, mode, ...(errno ? { kernelErrno: errno } : {}) }, 'echo canceller set');
    return mode;
  }

  /** DAHDI_GET_PARAMS of a port (diagnostics). */
  params(port: number): Record<string, unknown> {
    const ch = this.channels.get(port);
    if (!ch) throw new CardError('BAD_PORT', `no port ${port} on this card`, { port });
    return ch.getParams();
  }

  /** Worker counters. */
  stats(): DahdiCardStats {
    return { rxDropped: Atomics.load(this.control, CTRL_RX_DROPPED), pollRounds: Atomics.load(this.control, CTRL_ROUNDS) };
  }

  /** @inheritdoc */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.control, CTRL_STOP, 1);
    await this.exited;
    // The worker has left its poll loop, so no call is in flight on these fds.
    for (const ch of this.channels.values()) ch.close();
  }

  private onWorkerMessage(m: WorkerMessage): void {
    if (m === 0) { this.drainFrames(); return; }
    if (m.k === 'event') {
      const ev = this.decoder.decode(m.port, m.code, m.alarms);
      if (ev) for (const l of this.eventListeners) l(ev);
    } else if (m.k === 'error') {
      log.error({ port: m.port, errno: m.errno }, `port I/O stopped: ${m.message}`);
    }
  }

  private drainFrames(): void {
    // Clear the flag first: frames pushed after this point trigger a new message.
    Atomics.store(this.control, CTRL_RX_NOTIFIED, 0);
    for (let i = 0; i < this.rx.length; i++) {
      const ring = this.rx[i]!;
      const port = this.ports[i]!.port;
      for (let f = ring.peek(); f !== null; f = ring.peek()) {
        for (const l of this.frameListeners) l(port, f);
        ring.advance();
      }
    }
  }
}

/**
 * Opens every port of a card and starts its I/O worker. Throws CardError
 * LIBRARY_NOT_FOUND (library missing), CARD_NOT_FOUND (no device or channel) or
 * IO_FAILED (configuration refused); nothing stays open on failure.
 */
export async function openDahdiCard(opts: DahdiCardOptions): Promise<DahdiCard> {
  const law = opts.law ?? 'alaw';
  const slots = opts.ringSlots ?? 16;
  if (opts.ports.length === 0) throw new RangeError('a card needs at least one port');
  // Checked before anything is opened, so a bad option cannot leak fds.
  if (slots <= 0 || (slots & (slots - 1)) !== 0) throw new RangeError(`ringSlots must be a power of two, got ${slots}`);
  const lib: DahdiLib = loadDahdiLib(opts.binding);
  const channels = new Map<number, DahdiChannel>();
  const closeAll = (): void => { for (const ch of channels.values()) ch.close(); };
  const decoder = new DahdiEventDecoder(opts.ports);
  try {
    for (const p of opts.ports) {
      channels.set(p.port, DahdiChannel.open(lib, opts.binding, p.port, { law, blocksize: FRAME_BYTES }));
    }
    const seen = new Set<number>();
    for (const p of opts.ports) {
      if (seen.has(p.span)) continue;
      seen.add(p.span);
      decoder.setInitialSpanAlarms(p.span, channels.get(p.port)!.spanAlarms(p.span));
    }
  } catch (err) {
    closeAll();
    throw err;
  }
  const rx = opts.ports.map(() => new FrameRing(slots, FRAME_BYTES));
  const tx = opts.ports.map(() => new FrameRing(slots, FRAME_BYTES));
  const control = new Int32Array(new SharedArrayBuffer(CTRL_SIZE * 4));
  const echo = new Int32Array(new SharedArrayBuffer(opts.ports.length * EC_SLOTS * 4));
  const echoLibrary = opts.echoLibrary ?? ECHO_LIBRARY;
  const init: WorkerInit = {
    binding: opts.binding,
    ports: opts.ports.map((p, i) => ({ port: p.port, fd: channels.get(p.port)!.fd, span: p.span, rx: rx[i]!.buffer, tx: tx[i]!.buffer })),
    slots, frameBytes: FRAME_BYTES, control: control.buffer as SharedArrayBuffer,
    law, echoLibrary, echo: echo.buffer as SharedArrayBuffer,
  };
  const worker = new Worker(new URL('./dahdi-worker.mjs', import.meta.url), { workerData: init });
  try {
    await new Promise<void>((resolve, reject) => {
      const onMsg = (m: WorkerMessage): void => { if (m !== 0 && m.k === 'ready') { cleanup(); resolve(); } };
      const onErr = (err: Error): void => { cleanup(); reject(new CardError('IO_FAILED', `DAHDI I/O worker failed to start: ${err.message}`, { cause: err })); };
      const onExit = (code: number): void => { cleanup(); reject(new CardError('IO_FAILED', `DAHDI I/O worker exited (${code}) before it was ready`)); };
      const cleanup = (): void => { worker.off('message', onMsg); worker.off('error', onErr); worker.off('exit', onExit); };
      worker.on('message', onMsg); worker.on('error', onErr); worker.on('exit', onExit);
    });
  } catch (err) {
    Atomics.store(control, CTRL_STOP, 1);
    await worker.terminate();
    closeAll();
    throw err;
  }
  log.info({ ports: opts.ports.length, library: opts.binding.library }, 'card open');
  return new DahdiCard({ ports: opts.ports, law, channels, rx, tx, decoder, control, worker, echo, echoLibrary });
}
