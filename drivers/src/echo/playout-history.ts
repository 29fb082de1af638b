/**
 * What a port played, block by block, as the software echo canceller's reference. A
 * card plays one written block for each block it captures, so a FIFO of the blocks
 * written to the driver, taken from once per block read, yields the block that was
 * playing while each received block came in — in step with the driver's own transmit
 * queue as long as every write and read passes through here in order. Preallocated:
 * nothing is allocated per block.
 */
export class PlayoutHistory {
  private readonly data: Uint8Array;
  private head = 0;
  private length = 0;

  /** `slots` blocks of `blockBytes`; keep it deeper than any driver transmit queue. */
  constructor(private readonly slots: number, private readonly blockBytes: number, private readonly idleByte: number) {
    this.data = new Uint8Array(slots * blockBytes);
  }

  /** Blocks written and not yet played. */
  get size(): number {
    return this.length;
  }

  /** A block was written to the driver. When full, the oldest is forgotten (keep the newest). */
  written(block: Uint8Array): void {
    if (this.length === this.slots) { this.head = (this.head + 1) % this.slots; this.length--; }
    this.data.set(block, ((this.head + this.length) % this.slots) * this.blockBytes);
    this.length++;
  }

  /**
   * A block was received: takes the block played meanwhile, copied into `into` when given
   * (idle code when nothing was queued: the card underran and played idle).
   */
  played(into: Uint8Array | null): void {
    if (this.length === 0) { into?.fill(this.idleByte); return; }
    const at = this.head * this.blockBytes;
    into?.set(this.data.subarray(at, at + this.blockBytes));
    this.head = (this.head + 1) % this.slots;
    this.length--;
  }
}
