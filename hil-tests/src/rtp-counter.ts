// Counts the RTP packets that reach one media port, so an interop test can assert
// "this side received audio". sipp 3.6 streams a pcap but cannot check what it
// receives, so each sipp side advertises in its SDP a port that this counter owns.
import { createSocket, type Socket } from 'node:dgram';

/** What arrived on the port. */
export interface RtpCounts {
  /** Datagrams that parse as RTP version 2 (RFC 3550 §5.1). */
  packets: number;
  /** Packets whose payload type was PCMU (0). */
  pcmu: number;
  /** Datagrams that were not RTP. */
  other: number;
  /** Distinct SSRCs seen. */
  ssrcs: number;
  /** Packets whose µ-law payload is not digital silence (0xff/0x7f). */
  audible: number;
}

/** A bound counter; `stop()` closes the socket. */
export interface RtpCounter {
  /** The UDP port the counter listens on. */
  readonly port: number;
  /** A snapshot of the counts so far. */
  counts(): RtpCounts;
  /** Closes the socket; safe to call twice. */
  stop(): Promise<void>;
}

const RTP_HEADER = 12;

/** Classifies one datagram into `counts`; pure, so it is tested without a socket. */
export function countRtpDatagram(counts: RtpCounts, ssrcSeen: Set<number>, msg: Buffer): void {
  // RFC 3550 §5.1: version in the top two bits of the first octet; header at least 12 bytes.
  if (msg.length < RTP_HEADER || msg[0] >> 6 !== 2) {
    counts.other++;
    return;
  }
  const cc = msg[0] & 0x0f;
  const payloadStart = RTP_HEADER + cc * 4;
  if (msg.length < payloadStart) {
    counts.other++;
    return;
  }
  counts.packets++;
  const pt = msg[1] & 0x7f;
  if (pt === 0) counts.pcmu++;
  const ssrc = msg.readUInt32BE(8);
  if (!ssrcSeen.has(ssrc)) {
    ssrcSeen.add(ssrc);
    counts.ssrcs = ssrcSeen.size;
  }
  for (let i = payloadStart; i < msg.length; i++) {
    // µ-law silence is 0xff (+0) or 0x7f (-0).
    if ((msg[i] | 0x80) !== 0xff) {
      counts.audible++;
      break;
    }
  }
}

/** Binds a UDP socket on `port` (0 = any) at `address` and counts RTP arriving there. */
export async function startRtpCounter(port = 0, address = '127.0.0.1'): Promise<RtpCounter> {
  const counts: RtpCounts = { packets: 0, pcmu: 0, other: 0, ssrcs: 0, audible: 0 };
  const ssrcs = new Set<number>();
  const sock: Socket = createSocket('udp4');
  sock.on('message', (msg) => countRtpDatagram(counts, ssrcs, msg));
  await new Promise<void>((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(port, address, () => {
      sock.off('error', reject);
      resolve();
    });
  });
  let closed = false;
  return {
    port: sock.address().port,
    counts: () => ({ ...counts }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (closed) return resolve();
        closed = true;
        sock.close(() => resolve());
      }),
  };
}
