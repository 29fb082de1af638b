// A scripted SIPREC client (SRC) for tests and the benchmark: sends the multipart INVITE
// over UDP, ACKs the 2xx, streams RTP per party to the ports of the SRS's answer, and ends
// with BYE. Real UDP and real RTP; the bodies come from the appliance's SRC builders.
import { createSocket, type Socket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { buildMetadataXml, buildRecordingBody, buildRecordingOfferSdp, type SrcParty } from '@hotline/appliance/recorder';
import type { HotlineCallInfo } from '@hotline/appliance/recorder';
import { linearToUlaw } from '@hotline/media';

const defaultEncode = (x: number) => linearToUlaw(x);

/** A SIP response as the client needs it. */
export interface SimpleResponse {
  status: number;
  raw: string;
  body: string;
  toTag: string;
}

const tok = () => randomBytes(6).toString('hex');

/** One recording session driven from a UDP socket of its own. */
export class SiprecClient {
  readonly callId = `${tok()}@hil-src`;
  private readonly fromTag = tok();
  private toTag = '';
  private cseq = 1;
  private pending = new Map<string, (r: SimpleResponse) => void>();
  /** BYE requests the SRS sent (when it stops or ends a session). */
  readonly byesReceived: string[] = [];
  /** Receive ports of the SRS's answer, by stream index (0 = rejected). */
  ports: number[] = [];
  private constructor(private readonly sock: Socket, readonly localPort: number, private readonly srs: { host: string; port: number }) {
    sock.on('message', (msg) => this.onMessage(msg.toString('utf8')));
  }

  /** Binds a UDP socket on 127.0.0.1 (a free port). */
  static async open(srs: { host: string; port: number }): Promise<SiprecClient> {
    const sock = createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
    return new SiprecClient(sock, sock.address().port, srs);
  }

  private onMessage(text: string): void {
    const first = text.slice(0, text.indexOf('\r\n'));
    if (!first.startsWith('SIP/2.0')) {
      // A request from the SRS (BYE when it stops): answer 200 so it is not retransmitted.
      if (/^BYE /.test(first)) {
        this.byesReceived.push(text);
        this.send(responseTo(text, 200, 'OK'));
      }
      return;
    }
    const status = Number(first.split(' ')[1]);
    const cseq = header(text, 'CSeq') ?? '';
    const resolve = this.pending.get(cseq.trim());
    if (!resolve || status < 200) return;
    this.pending.delete(cseq.trim());
    const to = header(text, 'To') ?? '';
    const sep = text.indexOf('\r\n\r\n');
    resolve({ status, raw: text, body: sep >= 0 ? text.slice(sep + 4) : '', toTag: /;tag=([^;>\s]+)/.exec(to)?.[1] ?? '' });
  }

  private send(text: string): void {
    this.sock.send(Buffer.from(text), this.srs.port, this.srs.host);
  }

  /** Any request in (or, before the INVITE, outside) the dialog; resolves with its final response. */
  request(method: string, extra: string[], contentType: string | undefined, body: string, timeoutMs = 8000): Promise<SimpleResponse> {
    const seq = this.cseq++;
    const lines = [
      `${method} sip:srs@${this.srs.host}:${this.srs.port} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${this.localPort};branch=z9hG4bK${tok()};rport`,
      'Max-Forwards: 70',
      `From: <sip:src@127.0.0.1>;tag=${this.fromTag}`,
      `To: <sip:srs@${this.srs.host}>${this.toTag ? `;tag=${this.toTag}` : ''}`,
      `Call-ID: ${this.callId}`,
      `CSeq: ${seq} ${method}`,
      ...extra,
      ...(contentType ? [`Content-Type: ${contentType}`] : []),
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body,
    ];
    const text = lines.join('\r\n');
    return new Promise((resolve, reject) => {
      const key = `${seq} ${method}`;
      let tries = 0;
      // RFC 3261 §17.1.1.2 in miniature: resend every 500 ms until a final answer.
      const resend = setInterval(() => { if (++tries < 16) this.send(text); }, 500);
      const timer = setTimeout(() => { clearInterval(resend); this.pending.delete(key); reject(new Error(`${method} got no final response`)); }, timeoutMs);
      this.pending.set(key, (r) => { clearInterval(resend); clearTimeout(timer); resolve(r); });
      this.send(text);
    });
  }

  /** Sends the recording INVITE; on 200 sends ACK and reads the answered ports. */
  async invite(o: { parties: SrcParty[]; hotline?: HotlineCallInfo; law?: 'PCMU' | 'PCMA'; contactFeature?: boolean; require?: string; metadataXml?: string }): Promise<SimpleResponse> {
    const sdp = buildRecordingOfferSdp({ address: '127.0.0.1', ports: o.parties.map((_, i) => 40000 + 2 * i), labels: o.parties.map((p) => p.label), law: o.law ?? 'PCMU' });
    const meta = o.metadataXml ?? buildMetadataXml({ sessionId: tok(), parties: o.parties, ...(o.hotline ? { hotline: o.hotline } : {}) });
    const { contentType, body } = buildRecordingBody(sdp, meta);
    const contact = `Contact: <sip:src@127.0.0.1:${this.localPort}>${o.contactFeature === false ? '' : ';+sip.src'}`;
    const r = await this.request('INVITE', [contact, `Require: ${o.require ?? 'siprec'}`], contentType, body);
    if (r.status === 200) {
      this.toTag = r.toTag;
      this.ports = [...r.body.matchAll(/^m=audio (\d+)/gm)].map((m) => Number(m[1]));
      this.ack(this.cseq - 1);
    }
    return r;
  }

  private ack(seq: number): void {
    this.send([
      `ACK sip:srs@${this.srs.host}:${this.srs.port} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${this.localPort};branch=z9hG4bK${tok()};rport`,
      'Max-Forwards: 70', `From: <sip:src@127.0.0.1>;tag=${this.fromTag}`, `To: <sip:srs@${this.srs.host}>;tag=${this.toTag}`,
      `Call-ID: ${this.callId}`, `CSeq: ${seq} ACK`, 'Content-Length: 0', '', '',
    ].join('\r\n'));
  }

  /** Sends a re-INVITE with new metadata (and the same SDP); ACKs the 200. */
  async reinvite(o: { parties: SrcParty[]; hotline?: HotlineCallInfo; law?: 'PCMU' | 'PCMA'; metadataXml?: string }): Promise<SimpleResponse> {
    const sdp = buildRecordingOfferSdp({ address: '127.0.0.1', ports: o.parties.map((_, i) => 40000 + 2 * i), labels: o.parties.map((p) => p.label), law: o.law ?? 'PCMU' });
    const meta = o.metadataXml ?? buildMetadataXml({ sessionId: tok(), parties: o.parties, ...(o.hotline ? { hotline: o.hotline } : {}) });
    const { contentType, body } = buildRecordingBody(sdp, meta);
    const r = await this.request('INVITE', [`Contact: <sip:src@127.0.0.1:${this.localPort}>;+sip.src`], contentType, body);
    if (r.status === 200) {
      this.ports = [...r.body.matchAll(/^m=audio (\d+)/gm)].map((m) => Number(m[1]));
      this.ack(this.cseq - 1);
    }
    return r;
  }

  /** Ends the session. */
  bye(): Promise<SimpleResponse> {
    return this.request('BYE', [], undefined, '');
  }

  /** Sends one RTP datagram to stream `i` of the answer. */
  sendRtp(i: number, packet: Buffer): void {
    const port = this.ports[i];
    if (port) this.sock.send(packet, port, this.srs.host);
  }

  /** Closes the socket. */
  close(): void {
    try { this.sock.close(); } catch { /* closed */ }
  }
}

function header(text: string, name: string): string | undefined {
  const m = new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(text.slice(0, text.indexOf('\r\n\r\n')));
  return m?.[1]?.trim();
}

function responseTo(request: string, status: number, reason: string): string {
  const head = request.slice(0, request.indexOf('\r\n\r\n'));
  const keep = head.split('\r\n').filter((l) => /^(Via|From|To|Call-ID|CSeq):/i.test(l));
  return [`SIP/2.0 ${status} ${reason}`, ...keep, 'Content-Length: 0', '', ''].join('\r\n');
}

/** Builds RTP packets of a tone (20 ms G.711 frames) for one stream. */
export function toneFrames(o: { frequencyHz: number; frames: number; ssrc: number; law?: 'PCMU' | 'PCMA'; amplitude?: number; encode: (x: number) => number }): Buffer[] {
  const pt = (o.law ?? 'PCMU') === 'PCMU' ? 0 : 8;
  const out: Buffer[] = [];
  const amp = (o.amplitude ?? 0.5) * 32767;
  for (let f = 0; f < o.frames; f++) {
    const b = Buffer.alloc(12 + 160);
    b[0] = 0x80;
    b[1] = (f === 0 ? 0x80 : 0) | pt;
    b.writeUInt16BE(f & 0xffff, 2);
    b.writeUInt32BE((f * 160) >>> 0, 4);
    b.writeUInt32BE(o.ssrc >>> 0, 8);
    for (let i = 0; i < 160; i++) b[12 + i] = o.encode(Math.round(amp * Math.sin((2 * Math.PI * o.frequencyHz * (f * 160 + i)) / 8000)));
    out.push(b);
  }
  return out;
}

/**
 * Streams `seconds` of a tone per party in real time (20 ms pacing against an absolute
 * schedule, so timer slack does not stretch the call): 440 Hz at 0.5 FS on stream 0 and
 * 1000 Hz at 0.25 FS on stream 1 unless told otherwise.
 */
export async function playTones(c: SiprecClient, seconds: number, tones: Array<{ frequencyHz: number; amplitude: number }> = [{ frequencyHz: 440, amplitude: 0.5 }, { frequencyHz: 1000, amplitude: 0.25 }], encode: (x: number) => number = defaultEncode): Promise<void> {
  const frames = Math.round(seconds * 50);
  const streams = tones.map((t, i) => toneFrames({ frequencyHz: t.frequencyHz, amplitude: t.amplitude, frames, ssrc: 0x1111 * (i + 1), encode }));
  const t0 = performance.now();
  for (let f = 0; f < frames; f++) {
    const wait = t0 + f * 20 - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    streams.forEach((s, i) => c.sendRtp(i, s[f]!));
  }
}

/** Polls `probe` until it returns something other than undefined. */
export async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
