// Symmetric RTP latching (RFC 4961 §4; what Asterisk calls rtp_symmetric / comedia).
// A phone behind NAT sends from an address and port that differ from its SDP; the
// relay answers to where the packets come from. Pure: times are passed in.

/** Silence of the latched source after which another source may take over. */
export const RELATCH_AFTER_MS = 2000;

/** Which source a leg's packets are accepted from, and where replies go. */
export class SourceLatch {
  /** Latched source address, null until the first packet. */
  address: string | null = null;
  /** Latched source port. */
  port = 0;
  /** Monotonic ms of the last packet from the latched source. */
  private lastMs = 0;
  /** Times the latch moved (first latch included). */
  moves = 0;

  /**
   * Judges a packet from `address`:`port` at `nowMs`: true to accept it (latching
   * to it when the leg is not latched or the latched source has been silent for
   * RELATCH_AFTER_MS), false when it is a stray packet trying to hijack the leg.
   * Check `moves` to notice a new latch.
   */
  accept(address: string, port: number, nowMs: number): boolean {
    if (port === this.port && address === this.address) {
      this.lastMs = nowMs;
      return true;
    }
    if (this.address !== null && nowMs - this.lastMs < RELATCH_AFTER_MS) return false;
    this.address = address;
    this.port = port;
    this.lastMs = nowMs;
    this.moves++;
    return true;
  }

  /**
   * Where to send to this leg: the latched source when NAT is evident (packets come from
   * another address than the SDP names, or SDP named none), else the SDP's address and
   * port; false when there is nowhere to send yet. A phone on the LAN that sends from one port and listens on another (sipp does,
   * RFC 4961 calls it asymmetric) keeps getting its audio where its SDP asked for it.
   */
  destination(sdpAddress: string | null, sdpPort: number): boolean {
    // Written into fields rather than returned as an object: this runs for every packet.
    if (this.address !== null && (sdpAddress === null || this.address !== sdpAddress)) {
      this.sendAddress = this.address;
      this.sendPort = this.port;
      return true;
    }
    if (sdpAddress === null) return false;
    this.sendAddress = sdpAddress;
    this.sendPort = sdpPort;
    return true;
  }

  /** Set by `destination`: where the next packet to this leg goes. */
  sendAddress = '';
  sendPort = 0;

  /** Forgets the source, e.g. when SDP moves the leg to another endpoint. */
  reset(): void {
    this.address = null;
    this.port = 0;
    this.lastMs = 0;
  }
}
