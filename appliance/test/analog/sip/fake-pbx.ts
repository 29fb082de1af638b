// Test doubles for the gateway's SIP side: a scriptable PBX on real UDP (127.0.0.1,
// short RFC 3261 timers), a recording PortSide, a far-end RTP socket and a poll helper.
import dgram from 'node:dgram';
import { listenUdp, type Endpoint, type Transport } from '../../../src/sip/transport/index.ts';
import { TransactionLayer, senderOver, type ServerTransaction, type TimerValues } from '../../../src/sip/transaction/index.ts';
import { NonceManager, buildChallenges, verifyRequest } from '../../../src/sip/auth/index.ts';
import { Headers, SipRequest, type SipResponse, createResponse, newBranch, newCallId, newTag } from '../../../src/sip/message/index.ts';
import { GatewayUserAgent, type GatewayUserAgentOptions } from '../../../src/analog/sip/index.ts';
import type { IncomingCall, OutgoingCallEvents, PortSide } from '../../../src/analog/call-legs.ts';
import { RtpPacket, isParseFailure, parseRtp, writeRtpHeader } from '@hotline/media';

/** Short timers so Timer F (64*T1) is 1.28 s: "the PBX does not answer" tests stay quick. */
export const FAST_TIMERS: TimerValues = { T1: 20, T2: 160, T4: 200 };

/** Polls `cond` every 10 ms until true, or throws after `ms`. */
export async function waitFor(cond: () => boolean, ms = 3000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Sleeps `ms`. */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A PBX on 127.0.0.1 that answers REGISTER with digest (realm "hotline"), and hands INVITEs and in-dialog requests to the test. */
export class FakePbx {
  readonly requests: SipRequest[] = [];
  readonly acks: SipRequest[] = [];
  /** Secrets per extension; REGISTER with another secret gets 403. */
  secrets: Record<string, string> = {};
  /** Expires granted in the REGISTER 200 (on the Contact). */
  grantExpires = 300;
  /** When set, an authenticated REGISTER asking less (and not 0) gets 423 with this Min-Expires. */
  minExpires: number | undefined;
  /** When true, every request is ignored (a PBX that does not answer). */
  silent = false;
  /** A new INVITE from the gateway; default: not answered (test decides). */
  onInvite: (req: SipRequest, stx: ServerTransaction) => void = () => {};
  /** A request inside a dialog (BYE, re-INVITE); default 200 OK. */
  onInDialog: (req: SipRequest, stx: ServerTransaction) => void = (req, stx) => stx.respond(createResponse(req, 200, 'OK'));
  private readonly nonces = new NonceManager({ lifetimeSec: 300, now: () => Date.now() });

  private constructor(readonly transport: Transport, readonly tx: TransactionLayer) {}

  /** Binds 127.0.0.1 (or `address`) on a free port. */
  static async start(address = '127.0.0.1'): Promise<FakePbx> {
    let pbx!: FakePbx;
    const t = await listenUdp({ address, port: 0 }, { onMessage: (m, s) => { if (!pbx.silent) pbx.tx.receive(m, s); } });
    const tx = new TransactionLayer(senderOver(t), undefined, FAST_TIMERS);
    pbx = new FakePbx(t, tx);
    tx.setUser({ onRequest: (req) => pbx.onRequest(req), onAck: (ack) => { pbx.acks.push(ack); } });
    return pbx;
  }

  /** Where the PBX listens. */
  get at(): Endpoint { return { transport: 'udp', address: this.transport.local.address, port: this.transport.local.port }; }

  /** Requests of one method received, in order. */
  received(method: string): SipRequest[] { return this.requests.filter((r) => r.method === method); }

  private onRequest(req: SipRequest): void {
    this.requests.push(req);
    const stx = this.tx.serverTransactionOf(req)!;
    if (req.to.params.get('tag')) { this.onInDialog(req, stx); return; }
    if (req.method === 'REGISTER') { this.register(req, stx); return; }
    if (req.method === 'INVITE') { this.onInvite(req, stx); return; }
    stx.respond(createResponse(req, 200, 'OK', newTag()));
  }

  private register(req: SipRequest, stx: ServerTransaction): void {
    const v = verifyRequest(req, { realm: 'hotline', header: 'authorization', nonces: this.nonces, algorithms: ['SHA-256', 'MD5'], lookup: (u) => this.secrets[u] });
    if (!v.ok) {
      const res = createResponse(req, v.reason === 'no-credentials' ? 401 : 403, undefined, newTag());
      if (v.reason === 'no-credentials') for (const c of buildChallenges(this.nonces, { realm: 'hotline', algorithms: ['SHA-256', 'MD5'] })) res.headers.append('WWW-Authenticate', c);
      stx.respond(res);
      return;
    }
    if (this.minExpires !== undefined && req.expires !== 0 && (req.expires ?? 0) < this.minExpires) {
      const res = createResponse(req, 423, 'Interval Too Brief', newTag());
      res.headers.set('Min-Expires', String(this.minExpires));
      stx.respond(res);
      return;
    }
    const ok = createResponse(req, 200, 'OK', newTag());
    const expires = req.expires === 0 ? 0 : this.grantExpires;
    ok.headers.set('Contact', `${req.headers.get('Contact')};expires=${expires}`);
    stx.respond(ok);
  }

  /** Sends an INVITE to the gateway; `responses` collects what comes back. */
  invite(gateway: { address: string; port: number }, requestUri: string, opts: { from?: string; sdp?: string } = {}) {
    const to: Endpoint = { transport: 'udp', ...gateway };
    const h = new Headers();
    h.append('Via', `SIP/2.0/UDP ${this.at.address}:${this.at.port};branch=${newBranch()};rport`);
    h.append('Max-Forwards', '70');
    h.append('From', `${opts.from ?? '"Alice" <sip:1001@hotline>'};tag=${newTag()}`);
    h.append('To', `<${requestUri}>`);
    h.append('Call-ID', newCallId('127.0.0.1'));
    h.append('CSeq', '1 INVITE');
    h.append('Contact', `<sip:pbx@${this.at.address}:${this.at.port}>`);
    const body = opts.sdp ?? farEndSdp(40000, 'PCMU');
    if (body) h.append('Content-Type', 'application/sdp');
    const invite = new SipRequest('INVITE', requestUri, h, Buffer.from(body));
    const responses: SipResponse[] = [];
    const ctx = this.tx.request(invite, to, { onResponse: (r) => responses.push(r), onTimeout: () => {} });
    const dialogReq = (method: string, seq: number, res: SipResponse, extra?: (h: Headers) => void) => {
      const hh = new Headers();
      hh.append('Via', `SIP/2.0/UDP ${this.at.address}:${this.at.port};branch=${newBranch()};rport`);
      hh.append('Max-Forwards', '70');
      hh.append('From', invite.headers.get('From')!);
      hh.append('To', res.headers.get('To')!);
      hh.append('Call-ID', invite.callId);
      hh.append('CSeq', `${seq} ${method}`);
      extra?.(hh);
      return new SipRequest(method, res.contacts[0] && !res.contacts[0].star ? `sip:${res.contacts[0].value.uri.host}:${res.contacts[0].value.uri.port}` : requestUri, hh);
    };
    return {
      invite, responses, tx: ctx,
      cancel: () => ctx.cancel(),
      ack: (res: SipResponse) => this.tx.sendStateless(dialogReq('ACK', 1, res), to),
      request: (method: string, seq: number, res: SipResponse, body?: string) => {
        const req = dialogReq(method, seq, res, (hh) => { if (body) hh.append('Content-Type', 'application/sdp'); });
        if (body) req.body = Buffer.from(body);
        const rs: SipResponse[] = [];
        this.tx.request(req, to, { onResponse: (r) => rs.push(r), onTimeout: () => rs.push(createResponse(req, 408)) });
        return rs;
      },
    };
  }

  /**
   * Sends a request inside the dialog of an INVITE the gateway sent (UAC dialog at the gateway):
   * From is the PBX's side (the INVITE's To with `pbxTag`), To the gateway's From. Returns the responses.
   */
  requestInUacDialog(method: string, invite: SipRequest, pbxTag: string, seq: number, extra?: { headers?: Array<[string, string]>; body?: string }): SipResponse[] {
    const contact = invite.contacts[0];
    const target = contact && !contact.star ? contact.value.uri : undefined;
    const h = new Headers();
    h.append('Via', `SIP/2.0/UDP ${this.at.address}:${this.at.port};branch=${newBranch()};rport`);
    h.append('Max-Forwards', '70');
    h.append('From', `${invite.headers.get('To')!};tag=${pbxTag}`);
    h.append('To', invite.headers.get('From')!);
    h.append('Call-ID', invite.callId);
    h.append('CSeq', `${seq} ${method}`);
    for (const [n, v] of extra?.headers ?? []) h.append(n, v);
    const req = new SipRequest(method, `sip:${target?.user ?? 'gw'}@${target?.host}:${target?.port}`, h, Buffer.from(extra?.body ?? ''));
    const rs: SipResponse[] = [];
    this.tx.request(req, { transport: 'udp', address: target!.host, port: target!.port! }, { onResponse: (r) => rs.push(r), onTimeout: () => rs.push(createResponse(req, 408)) });
    return rs;
  }

  async close(): Promise<void> { await this.transport.close(); }
}

/** An SDP as the PBX's relay writes it, offering `law` (and telephone-event 101). */
export function farEndSdp(rtpPort: number, law: 'PCMU' | 'PCMA' | 'both', direction = 'sendrecv'): string {
  const pts = law === 'PCMU' ? '0' : law === 'PCMA' ? '8' : '0 8';
  return [
    'v=0', 'o=hotline 1 1 IN IP4 127.0.0.1', 's=Hotline', 'c=IN IP4 127.0.0.1', 't=0 0',
    `m=audio ${rtpPort} RTP/AVP ${pts} 101`,
    ...(law !== 'PCMA' ? ['a=rtpmap:0 PCMU/8000'] : []), ...(law !== 'PCMU' ? ['a=rtpmap:8 PCMA/8000'] : []),
    'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-16', 'a=ptime:20', `a=${direction}`, '',
  ].join('\r\n');
}

/** The PortSide the gateway calls, recording every offer. */
export class RecordingPorts implements PortSide {
  readonly offers: Array<{ kind: 'station' | 'group'; target: string; call: IncomingCall }> = [];
  /** What to do with each offer; default: nothing (the test acts on the call). */
  onOffer: (call: IncomingCall) => void = () => {};
  offerToStation(extension: string, call: IncomingCall): void { this.offers.push({ kind: 'station', target: extension, call }); this.onOffer(call); }
  offerToLineGroup(group: string, call: IncomingCall): void { this.offers.push({ kind: 'group', target: group, call }); this.onOffer(call); }
}

/** OutgoingCallEvents that record what happened, in order. */
export function recordingEvents(): OutgoingCallEvents & { log: string[] } {
  const log: string[] = [];
  return {
    log,
    ringing: (early) => log.push(`ringing:${early}`),
    answered: () => log.push('answered'),
    failed: (tone, status) => log.push(`failed:${tone}:${status}`),
    ended: () => log.push('ended'),
  };
}

/** A far-end RTP socket on 127.0.0.1: records packets, sends 20 ms frames. */
export class FarRtp {
  readonly packets: Array<{ pt: number; seq: number; ts: number; ssrc: number; marker: boolean; payload: Buffer }> = [];
  private seq = 100;
  private ts = 1000;
  private constructor(readonly socket: dgram.Socket) {
    socket.on('message', (msg) => {
      const p = parseRtp(msg, new RtpPacket());
      if (!isParseFailure(p)) this.packets.push({ pt: p.payloadType, seq: p.sequenceNumber, ts: p.timestamp, ssrc: p.ssrc, marker: p.marker, payload: Buffer.from(p.payload) });
    });
  }
  static async open(): Promise<FarRtp> {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    return new FarRtp(s);
  }
  get port(): number { return this.socket.address().port; }
  /** Sends one packet with `payload` to `port` on 127.0.0.1. */
  send(port: number, payloadType: number, payload: Buffer, marker = false): void {
    const buf = Buffer.alloc(12 + payload.length);
    writeRtpHeader(buf, 0, { marker, payloadType, sequenceNumber: this.seq++, timestamp: this.ts, ssrc: 0x1234 });
    this.ts += payload.length;
    payload.copy(buf, 12);
    this.socket.send(buf, port, '127.0.0.1');
  }
  close(): void { this.socket.close(); }
}

/** The RTP port the gateway's SDP (in a request or response body) advertises. */
export function sdpPort(body: Buffer): number {
  const m = /m=audio (\d+)/.exec(body.toString());
  if (!m) throw new Error(`no m=audio in ${body.toString()}`);
  return Number(m[1]);
}

/** Starts a gateway against `pbx` with one station 2001 on port 1 (FXS) unless told otherwise. */
export async function startGateway(pbx: FakePbx, opts: Partial<GatewayUserAgentOptions> = {}): Promise<GatewayUserAgent> {
  return GatewayUserAgent.start({
    bindAddress: '127.0.0.1', port: 0, pbx: { host: pbx.at.address, port: pbx.at.port }, domain: 'hotline',
    stations: [], law: 'alaw', ports: new RecordingPorts(), ...opts,
  }, { timers: FAST_TIMERS });
}
