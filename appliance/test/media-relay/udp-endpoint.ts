// A fake phone for the relay tests: one UDP socket on 127.0.0.1 that sends RTP and
// collects what it receives.
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { writeRtpHeader } from '@hotline/media';

/** A received datagram. */
export interface Received {
  data: Buffer;
  from: number;
}

/** A UDP endpoint bound on loopback. */
export class UdpEndpoint {
  readonly received: Received[] = [];
  private waiters: (() => void)[] = [];
  private constructor(readonly socket: Socket, readonly port: number, readonly address = '127.0.0.1') {
    socket.on('message', (data, rinfo) => {
      this.received.push({ data, from: rinfo.port });
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /** Binds a new endpoint (port 0 = any) on a loopback address (127.0.0.2 plays a phone's private address behind NAT). */
  static async open(port = 0, address = '127.0.0.1'): Promise<UdpEndpoint> {
    const s = createSocket('udp4');
    s.bind(port, address);
    await once(s, 'listening');
    return new UdpEndpoint(s, s.address().port, address);
  }

  /** Sends raw bytes to 127.0.0.1:`port`. */
  send(port: number, data: Buffer): void {
    this.socket.send(data, port, '127.0.0.1');
  }

  /** Sends one RTP packet. */
  sendRtp(port: number, h: { pt: number; seq: number; ts: number; ssrc: number; marker?: boolean }, payload: Buffer): void {
    const b = Buffer.alloc(12 + payload.length);
    writeRtpHeader(b, 0, { marker: h.marker ?? false, payloadType: h.pt, sequenceNumber: h.seq, timestamp: h.ts, ssrc: h.ssrc });
    payload.copy(b, 12);
    this.send(port, b);
  }

  /** Waits until `pred` holds over the received list, or fails after `ms`. */
  async waitFor(pred: (r: Received[]) => boolean, ms = 2000, what = 'packets'): Promise<void> {
    const deadline = Date.now() + ms;
    while (!pred(this.received)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what} on port ${this.port} (have ${this.received.length})`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 50));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Closes the socket. */
  close(): void {
    this.socket.close();
  }
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** RTP payload type of a datagram. */
export function ptOf(b: Buffer): number {
  return b[1]! & 0x7f;
}

/** SSRC of a datagram. */
export function ssrcOf(b: Buffer): number {
  return b.readUInt32BE(8);
}
