/**
 * A single-producer single-consumer ring of fixed-size frames in a SharedArrayBuffer,
 * between the I/O worker and the main thread. Counters are free-running 32-bit
 * integers published with Atomics, so no lock and no allocation per frame.
 */

const HEAD = 0; // frames pushed (written by the producer)
const TAIL = 1; // frames popped (written by the consumer)
const HEADER_BYTES = 8;

/** SPSC frame ring over shared memory. */
export class FrameRing {
  /** Bytes per frame. */
  readonly frameBytes: number;
  /** Capacity in frames. */
  readonly slots: number;
  /** The shared memory (post it to the other thread and wrap it there). */
  readonly buffer: SharedArrayBuffer;
  private readonly idx: Int32Array;
  private readonly data: Uint8Array;
  private readonly mask: number;
  /** One preallocated view per slot, so peek() allocates nothing. */
  private readonly views: Uint8Array[];

  /** Wraps `buffer`, or allocates one for `slots` frames when none is given. */
  constructor(slots: number, frameBytes: number, buffer?: SharedArrayBuffer) {
    // A power of two keeps `counter & mask` continuous when the 32-bit counters wrap.
    if (slots <= 0 || (slots & (slots - 1)) !== 0) throw new RangeError(`FrameRing slots must be a power of two, got ${slots}`);
    this.mask = slots - 1;
    this.slots = slots;
    this.frameBytes = frameBytes;
    this.buffer = buffer ?? new SharedArrayBuffer(HEADER_BYTES + slots * frameBytes);
    this.idx = new Int32Array(this.buffer, 0, 2);
    this.data = new Uint8Array(this.buffer, HEADER_BYTES, slots * frameBytes);
    this.views = Array.from({ length: slots }, (_, i) => this.data.subarray(i * frameBytes, (i + 1) * frameBytes));
  }

  /** Frames waiting. */
  get size(): number {
    return (Atomics.load(this.idx, HEAD) - Atomics.load(this.idx, TAIL)) >>> 0;
  }

  /** Producer: copies `frame` (exactly frameBytes long) in; false (dropped) when full. */
  push(frame: Uint8Array): boolean {
    const head = Atomics.load(this.idx, HEAD);
    if (((head - Atomics.load(this.idx, TAIL)) >>> 0) >= this.slots) return false;
    const slot = this.views[head & this.mask]!;
    if (frame.length !== this.frameBytes) throw new RangeError(`frame of ${frame.length} bytes, expected ${this.frameBytes}`);
    slot.set(frame);
    Atomics.store(this.idx, HEAD, (head + 1) | 0);
    return true;
  }

  /** Consumer: a view of the oldest frame (valid until {@link advance}), or null when empty. */
  peek(): Uint8Array | null {
    const tail = Atomics.load(this.idx, TAIL);
    if (tail === Atomics.load(this.idx, HEAD)) return null;
    return this.views[tail & this.mask]!;
  }

  /** Consumer: releases the frame returned by {@link peek}. */
  advance(): void {
    Atomics.store(this.idx, TAIL, (Atomics.load(this.idx, TAIL) + 1) | 0);
  }
}
