// Accounting of the RTP port range: even RTP port + next odd RTCP port (RFC 3550 §11),
// pairs dealt round-robin to the workers so no two threads ever bind the same port.
// Pure: binding is the caller's, through the `tryBind` function it passes in.

/** The pairs of one worker, which of them are in use, and where the next search starts. */
export class PortPool {
  /** RTP ports of this worker's pairs, ascending. */
  private readonly ports: number[] = [];
  private readonly used: Uint8Array;
  private cursor = 0;
  private inUse = 0;

  /**
   * Pairs start at `firstPort` (even); pair k has RTP port firstPort + 2k and belongs
   * to worker k % workerCount.
   */
  constructor(firstPort: number, pairCount: number, workerIndex: number, workerCount: number) {
    for (let k = workerIndex; k < pairCount; k += workerCount) this.ports.push(firstPort + 2 * k);
    this.used = new Uint8Array(this.ports.length);
  }

  /** Pairs owned by this worker. */
  get size(): number {
    return this.ports.length;
  }

  /** Pairs handed out and not freed. */
  get pairsInUse(): number {
    return this.inUse;
  }

  /**
   * Finds a free pair that `tryBind(rtpPort)` manages to bind, starting after the
   * last pair handed out (so a port just freed rests before reuse, and a stale packet
   * for a finished call is unlikely to reach a new one). Pairs that fail to bind
   * (another program holds them) are skipped and retried on later searches.
   * Resolves the RTP port, or null when no pair could be bound; `failed` counts the
   * pairs that were free here but would not bind.
   */
  async acquire(tryBind: (rtpPort: number) => Promise<boolean>): Promise<{ port: number | null; failed: number }> {
    const n = this.ports.length;
    let failed = 0;
    for (let i = 0; i < n; i++) {
      const k = (this.cursor + i) % n;
      if (this.used[k]) continue;
      this.used[k] = 1; // reserved while binding, so a concurrent search skips it
      if (await tryBind(this.ports[k]!)) {
        this.inUse++;
        this.cursor = (k + 1) % n;
        return { port: this.ports[k]!, failed };
      }
      this.used[k] = 0;
      failed++;
    }
    return { port: null, failed };
  }

  /** Gives a pair back by its RTP port. */
  release(rtpPort: number): void {
    const k = this.ports.indexOf(rtpPort);
    if (k >= 0 && this.used[k]) {
      this.used[k] = 0;
      this.inUse--;
    }
  }
}
