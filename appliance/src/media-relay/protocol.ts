// Control messages between the main thread (media-relay.ts) and a relay worker
// (relay-worker.ts), and the layout of the shared statistics memory. Packets never
// cross threads: the worker owns the sockets. Figures are written by the worker into
// a SharedArrayBuffer so that stats() and counters() answer synchronously without a
// message per packet or per second.
import type { LegMedia, LegPorts, LegStats, RelayEvent, ForkTarget, MixRole } from './types.ts';

/** Data a worker starts with. */
export interface WorkerInit {
  /** Index of this worker among `workerCount`. */
  workerIndex: number;
  /** Number of workers; pair k of the range belongs to worker k % workerCount. */
  workerCount: number;
  /** Bind address. */
  address: string;
  /** First even RTP port of the range. */
  firstPort: number;
  /** Total pairs in the range (all workers). */
  pairCount: number;
  /** Silence that raises media-timeout. */
  mediaTimeoutMs: number;
  /** Music-on-hold WAV paths. */
  mohPrompts: string[];
  /** Shared statistics memory (see STATS_* below). */
  stats: SharedArrayBuffer;
}

/** Main → worker. */
export type ToWorker =
  | { op: 'allocate'; id: number; sessionId: string }
  | { op: 'update'; sessionId: string; legs: { a?: Partial<LegMedia>; b?: Partial<LegMedia> } }
  | { op: 'moh'; sessionId: string; leg: 'a' | 'b'; on: boolean }
  | { op: 'fork'; sessionId: string; a?: ForkTarget; b?: ForkTarget }
  | { op: 'play'; sessionId: string; leg: 'a' | 'b'; prompts: string[]; playId: number }
  | { op: 'detect-dtmf'; sessionId: string; leg: 'a' | 'b'; on: boolean }
  | { op: 'mix'; roomId: string; sessionId: string; leg: 'a' | 'b'; role: MixRole | null; target?: { sessionId: string; leg: 'a' | 'b' } }
  | { op: 'release'; id: number; sessionId: string }
  | { op: 'crash' };

/** Worker → main. */
export type FromWorker =
  | { op: 'ready' }
  | { op: 'allocated'; id: number; slot: number; a: LegPorts; b: LegPorts }
  | { op: 'failed'; id: number; code: 'ports-exhausted' | 'bind-failed'; message: string }
  | { op: 'released'; id: number; a: LegStats; b: LegStats }
  | { op: 'latched'; sessionId: string; leg: 'a' | 'b'; rtcp: boolean; to: string }
  | { op: 'event'; event: RelayEvent };

/** Float64 words of the per-worker header: counters() figures. */
export const STATS_HEADER_WORDS = 8;
/** Header word: sessions. */
export const H_SESSIONS = 0;
/** Header word: ports in use. */
export const H_PORTS = 1;
/** Header word: packets relayed. */
export const H_RELAYED = 2;
/** Header word: packets dropped. */
export const H_DROPPED = 3;
/** Header word: packets transcoded. */
export const H_TRANSCODED = 4;

/** Float64 words per leg. */
export const LEG_WORDS = 8;
/** Leg word: packets in. */
export const L_IN = 0;
/** Leg word: packets out. */
export const L_OUT = 1;
/** Leg word: bytes in. */
export const L_BYTES = 2;
/** Leg word: lost. */
export const L_LOST = 3;
/** Leg word: loss fraction. */
export const L_LOSS = 4;
/** Leg word: jitter ms. */
export const L_JITTER = 5;
/** Leg word: epoch ms of the last packet (0 = none). */
export const L_LAST = 6;

/** Word offset of leg `leg` (0 = a, 1 = b) of session slot `slot`. */
export function legOffset(slot: number, leg: number): number {
  return STATS_HEADER_WORDS + (slot * 2 + leg) * LEG_WORDS;
}

/** Bytes of shared memory a worker with `slots` session slots needs. */
export function statsBytes(slots: number): number {
  return (STATS_HEADER_WORDS + slots * 2 * LEG_WORDS) * 8;
}

/** Reads one leg's figures out of shared memory (allocates; not for the packet path). */
export function readLegStats(words: Float64Array, slot: number, leg: number, latchedTo: string | undefined): LegStats {
  const o = legOffset(slot, leg);
  const s: LegStats = {
    packetsIn: words[o + L_IN]!, packetsOut: words[o + L_OUT]!, bytesIn: words[o + L_BYTES]!,
    lost: words[o + L_LOST]!, lossFraction: words[o + L_LOSS]!, jitterMs: words[o + L_JITTER]!,
    lastPacketAt: words[o + L_LAST]! === 0 ? null : words[o + L_LAST]!,
  };
  if (latchedTo !== undefined) s.latchedTo = latchedTo;
  return s;
}
