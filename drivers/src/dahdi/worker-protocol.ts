/** Messages and shared-memory layout between the DAHDI backend and its I/O worker. */
import type { DahdiBinding } from './binding.ts';

/** Index in the control Int32Array: non-zero asks the worker to stop. */
export const CTRL_STOP = 0;
/** Index: 1 while a "frames ready" message is in flight (coalesces notifications). */
export const CTRL_RX_NOTIFIED = 1;
/** Index: received frames dropped because the main thread did not drain in time. */
export const CTRL_RX_DROPPED = 2;
/** Index: poll rounds completed (liveness, benchmarks). */
export const CTRL_ROUNDS = 3;
/** Int32 slots in the control buffer. */
export const CTRL_SIZE = 4;

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
}

/** Worker → main messages: 0 means "frames ready"; objects are rare events. */
export type WorkerMessage =
  | 0
  | { readonly k: 'ready' }
  | { readonly k: 'event'; readonly port: number; readonly code: number; readonly alarms: number }
  | { readonly k: 'error'; readonly port: number; readonly message: string; readonly errno: number | undefined };
