// One call's RTP endpoint on the gateway: a UDP socket on the bind address (ephemeral port)
// around the socket-free RtpAudio, timed by the injected clock.
import dgram from 'node:dgram';
import type { CallAudio } from '../call-legs.ts';
import type { Clock } from '../../sip/clock.ts';
import { moduleLogger } from '../../log.ts';
import type { CardLaw, NegotiatedAudio } from './call-sdp.ts';
import { FRAME_BYTES, RTP_HEADER_BYTES, RtpAudio, type RtpAudioStats } from './rtp-audio.ts';

const log = moduleLogger('analog.sip.rtp');

/** Send buffers in rotation: a UDP send may still read its buffer after `send` returns, one 20 ms tick is far longer than that. */
const SEND_BUFFERS = 4;

/** The RTP endpoint behind a call's {@link CallAudio}. */
export class RtpStream implements CallAudio {
  private readonly audio: RtpAudio;
  private readonly sendBufs: Buffer[] = [];
  private sendIndex = 0;
  private closed = false;

  private constructor(
    private readonly socket: dgram.Socket,
    /** Local RTP port (what our SDP advertises). */
    readonly port: number,
    cardLaw: CardLaw,
    private readonly clock: Clock,
  ) {
    this.audio = new RtpAudio(cardLaw);
    for (let i = 0; i < SEND_BUFFERS; i++) this.sendBufs.push(Buffer.alloc(RTP_HEADER_BYTES + FRAME_BYTES));
    socket.on('message', (msg, rinfo) => {
      try {
        this.audio.receive(msg, this.clock.now());
      } catch (err) {
        // A bad packet never kills the call (STYLE.md 9).
        this.audio.stats.ignoredIn++;
        if (log.isLevelEnabled('debug')) log.debug({ err, from: rinfo.address, port: rinfo.port }, 'RTP packet dropped');
      }
    });
    socket.on('error', (err) => log.warn({ err, port }, 'RTP socket error'));
  }

  /** Binds a UDP socket on `address` with an ephemeral port. */
  static async open(address: string, cardLaw: CardLaw, clock: Clock): Promise<RtpStream> {
    const socket = dgram.createSocket(address.includes(':') ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, address, () => { socket.off('error', reject); resolve(); });
    });
    return new RtpStream(socket, socket.address().port, cardLaw, clock);
  }

  /** Counters of the call's audio. */
  get stats(): RtpAudioStats { return this.audio.stats; }

  /** Where the far end is and what was agreed; called on every answer and re-offer. */
  setRemote(remote: NegotiatedAudio): void {
    this.audio.remote = remote;
  }

  /** A frame from the port: one RTP packet to the far end (nothing before its SDP is known or while it holds us). */
  send(frame: Uint8Array): void {
    if (this.closed) return;
    const buf = this.sendBufs[this.sendIndex]!;
    const n = this.audio.packetize(frame, buf);
    if (n === 0) return;
    this.sendIndex = (this.sendIndex + 1) % SEND_BUFFERS;
    const r = this.audio.remote!;
    this.socket.send(buf, 0, n, r.rtpPort, r.address, (err) => {
      if (err && log.isLevelEnabled('debug')) log.debug({ err }, 'RTP send failed');
    });
  }

  /** The next 20 ms to play on the port (valid until the next call), or undefined when nothing is due. */
  next(): Uint8Array | undefined {
    return this.closed ? undefined : this.audio.next(this.clock.now());
  }

  /** Closes the socket; the stream is silent from then on. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try { this.socket.close(); } catch { /* already closed */ }
  }
}
