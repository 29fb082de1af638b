// Capturing a caller's audio for a prompt recording: the media relay forks the leg's received
// RTP (the SIPREC fork, converted to A-law) to this UDP socket on the loopback interface, and
// the payloads are kept in arrival order (one host, no reordering to speak of). Not a recorder:
// one short take per call, capped, thrown away unless the caller keeps it.
import { createSocket, type Socket } from 'node:dgram';
import { parseRtp, RtpPacket } from '@hotline/media';

/** A capture socket; `take` returns the audio received since the last take. */
export interface RtpCapture {
  readonly address: string;
  readonly port: number;
  /** A-law bytes received since the last call (the capture keeps running). */
  take(): Buffer;
  close(): void;
}

/** Opens a capture on `address` (loopback) with an ephemeral port; at most `maxBytes` per take (the rest is dropped). */
export async function openRtpCapture(maxBytes: number, address = '127.0.0.1'): Promise<RtpCapture> {
  const socket: Socket = createSocket('udp4');
  let chunks: Buffer[] = [];
  let size = 0;
  const pkt = new RtpPacket();
  socket.on('message', (msg) => {
    const p = parseRtp(msg, pkt);
    // Anything else arriving on the port is not ours to record (the fork sends only audio).
    if (!(p instanceof RtpPacket) || p.payloadLength === 0 || size + p.payloadLength > maxBytes) return;
    chunks.push(Buffer.from(msg.subarray(p.payloadOffset, p.payloadOffset + p.payloadLength)));
    size += p.payloadLength;
  });
  socket.on('error', () => socket.close());
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, address, () => { socket.off('error', reject); resolve(); });
  });
  const port = socket.address().port;
  return {
    address,
    port,
    take() {
      const out = Buffer.concat(chunks, size);
      chunks = [];
      size = 0;
      return out;
    },
    close() {
      try { socket.close(); } catch { /* already closed */ }
    },
  };
}
