/** Messages and shared-memory layout between the DAHDI backend and its I/O worker. */
import type { G711Law } from '../telephony-card.ts';
import type { DahdiBinding } from './binding.ts';

/** Index in the control Int32Array: non-zero asks the worker to stop. */
export const CTRL_STOP = 0;
/** Index: 1 while a "frames ready" message is in flight (coalesces notifications). */
export const CTRL_RX_NOTIFIED = 1;
/** Index: received frames dropped because the main thread did not drain in time. */
export const CTRL_RX_DROPPED = 2;
/** Index: poll rounds completed (liveness, benchmarks). */
export const CTRL_ROUNDS = 3;
/** Index: bumped by the main thread after it changes a port's software echo canceller request. */
export const CTRL_EC_GEN = 4;
/** Int32 slots in the control buffer. */
export const CTRL_SIZE = 5;

/**
 * Software echo canceller requests: Int32 pairs per port index, [taps, serial]. The main
 * thread writes them then bumps CTRL_EC_GEN; the worker (re)creates a port's canceller
 * when its serial changes (taps 0: none).
 */
export const EC_SLOT_TAPS = 0;
/** Offset of the request serial in a port's pair. */
export const EC_SLOT_SERIAL = 1;
/** Int32 per port in the echo request buffer. */
export const EC_SLOTS = 2;

/** One port as the worker sees it. */
export interface WorkerPort {
  /** Channel number. */
  readonly port: number;
  /** fd opened and configured by the main thread (fds are process-wide). */
  readonly fd: number;
  /** Span, for DAHDI_SPANSTAT on alarms. */
  readonly span: number;
  /** Shared memory of the received-frames ring. */
  readonly rx: SharedArrayBuffer;
  /** Shared memory of the frames-to-play ring. */
  readonly tx: SharedArrayBuffer;
}

/** workerData of the I/O worker. */
export interface WorkerInit {
  /** Library to bind (the main thread already validated it). */
  readonly binding: DahdiBinding;
  /** Ports. */
  readonly ports: readonly WorkerPort[];
  /** Frames per ring (power of two). */
  readonly slots: number;
  /** Bytes per frame. */
  readonly frameBytes: number;
  /** Control Int32Array buffer (CTRL_*). */
  readonly control: SharedArrayBuffer;
  /** Companding law of the frames (the software echo canceller decodes them). */
  readonly law: G711Law;
  /** Path of libhotline-echo, loaded the first time a port needs software echo cancellation. */
  readonly echoLibrary: string;
  /** Echo canceller requests, {@link EC_SLOTS} Int32 per port index. */
  readonly echo: SharedArrayBuffer;
}

/** Worker → main messages: 0 means "frames ready"; objects are rare events. */
export type WorkerMessage =
  | 0
  | { readonly k: 'ready' }
  | { readonly k: 'event'; readonly port: number; readonly code: number; readonly alarms: number }
  | { readonly k: 'error'; readonly port: number; readonly message: string; readonly errno: number | undefined };
