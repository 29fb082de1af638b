import { FakeClock } from '../../src/sip/clock.ts';
import { FakeNetwork, type Endpoint } from '../../src/sip/transport/index.ts';
import { TransactionLayer, defaultTimers, senderOver } from '../../src/sip/transaction/index.ts';
import { Reliable2xx } from '../../src/pbx/reliable-2xx.ts';
import { Dialog } from '../../src/sip/dialog/index.ts';
import { LocalIdentity } from '../../src/sip/local-address.ts';
import { Headers, SipRequest, type SipResponse, createResponse, newBranch, newCallId, newTag } from '../../src/sip/message/index.ts';
import { computeResponse } from '../../src/sip/auth/index.ts';
import { PbxStack } from '../../src/pbx/pbx-stack.ts';
import { defaultConfig, type HotlineConfig } from '../../src/config/index.ts';
import type { CallRecord } from '../../src/records/index.ts';
import { FakeMediaAnchor } from './fake-media.ts';

export const PBX_AT: Endpoint = { transport: 'udp', address: '10.0.0.1', port: 5060 };

/** A whole PBX stack on a fake network and clock, plus call records collected in memory. */
export function fakePbx(opts: { mutate?: (c: HotlineConfig) => void; drop?: number } = {}) {
  const clock = new FakeClock();
  const net = new FakeNetwork({ clock, seed: 3, delayMs: 2, dropProbability: opts.drop ?? 0 });
  const config = defaultConfig();
  config.sip.bindAddress = PBX_AT.address;
  config.extensions = ['1001', '1002', '1003'].map((n) => ({ number: n, name: `Agent ${n}`, secret: `secret-${n}`, maxContacts: 5, callWaiting: false }));
  opts.mutate?.(config);
  const records: CallRecord[] = [];
  const media = new FakeMediaAnchor();
  let stack!: PbxStack;
  const t = net.endpoint(PBX_AT, { onMessage: (m, s) => stack.receive(m, s) });
  stack = new PbxStack(config, { sender: senderOver(t), clock, writeRecord: (r) => records.push(r), media });
  /** Advances the fake clock in small steps, letting promises (the relay's port allocation) settle in between. */
  const run = async (ms: number) => {
    for (let left = ms; left > 0; left -= 20) {
      clock.advance(Math.min(20, left));
      await new Promise((r) => setImmediate(r));
    }
  };
  return { clock, net, stack, records, config, media, run };
}

/** A scriptable SIP phone: registers, places calls, answers according to `behaviour`. */
export class FakePhone {
  readonly layer: TransactionLayer;
  readonly at: Endpoint;
  readonly local: LocalIdentity;
  /** Every response the phone's client transactions received. */
  readonly responses: SipResponse[] = [];
  /** Every request received from the PBX. */
  readonly received: SipRequest[] = [];
  /** What to do with an incoming INVITE. */
  behaviour: 'answer' | 'ring' | 'busy' | 'silent' = 'answer';
  /** The dialog of the current call, once established. */
  dialog: Dialog | undefined;
  /** Every dialog the phone established, in order (a transferor holds two). */
  readonly dialogs: Dialog[] = [];
  private cseq = 1;
  private ringingTx: ReturnType<TransactionLayer['serverTransactionOf']>;
  private pendingInvite: SipRequest | undefined;

  constructor(
    private readonly env: ReturnType<typeof fakePbx>,
    readonly number: string,
    address: string,
    readonly secret = `secret-${number}`,
  ) {
    this.at = { transport: 'udp', address, port: 5060 };
    this.local = new LocalIdentity(address, { udp: 5060, tcp: 5060 });
    let layer!: TransactionLayer;
    const t = env.net.endpoint(this.at, { onMessage: (m, s) => layer.receive(m, s) });
    layer = new TransactionLayer(senderOver(t), env.clock);
    this.layer = layer;
    layer.setUser({
      onRequest: (req) => this.onRequest(req),
      onAck: (ack) => { this.received.push(ack); this.retransmit2xx?.stop(); },
    });
  }

  /** Whether a request with this method reached the phone on the wire (CANCEL is absorbed by its transaction layer). */
  gotOnWire(method: string): boolean {
    return this.env.net.sentTo(this.at, 'delivered').some((p) => p.firstLine.startsWith(`${method} `));
  }

  /** Statuses of the responses received for a method, in order. */
  statuses(method: string): number[] {
    return this.responses.filter((r) => r.cseq.method === method).map((r) => r.status);
  }

  /** Sends REGISTER and answers the digest challenge with `password` (default: the right one). */
  register(opts: { expires?: number; password?: string; contactPort?: number } = {}): void {
    const callId = newCallId(this.at.address);
    const send = (auth?: string) => {
      const req = this.request('REGISTER', `sip:${PBX_AT.address}`, `<sip:${this.number}@${PBX_AT.address}>`, callId, newTag());
      req.headers.set('To', `<sip:${this.number}@${PBX_AT.address}>`);
      req.headers.set('Contact', `<sip:${this.number}@${this.at.address}:${opts.contactPort ?? 5060}>`);
      req.headers.set('Expires', String(opts.expires ?? 600));
      if (auth) req.headers.set('Authorization', auth);
      this.layer.request(req, PBX_AT, {
        onResponse: (res) => {
          this.responses.push(res);
          if (res.status === 401 && !auth) send(this.answer(res.headers.getAll('WWW-Authenticate')[0], 'REGISTER', req.uri, opts.password));
        },
        onTimeout: () => {},
      });
    };
    send();
  }

  /** Places a call to `number` with an SDP offer; answers 407 with credentials unless `noAuth`. */
  call(number: string, opts: { noAuth?: boolean; password?: string; sdp?: string } = {}): { invite: () => SipRequest | undefined; cancel(): void } {
    const callId = newCallId(this.at.address);
    const fromTag = newTag();
    let current: SipRequest | undefined;
    let tx: ReturnType<TransactionLayer['request']> | undefined;
    const send = (auth?: string) => {
      const req = this.request('INVITE', `sip:${number}@${PBX_AT.address}`, `<sip:${number}@${PBX_AT.address}>`, callId, fromTag);
      req.headers.set('Contact', `<sip:${this.number}@${this.at.address}:5060>`);
      req.headers.set('Content-Type', 'application/sdp');
      req.body = Buffer.from(opts.sdp ?? sdp(this.at.address, 40000));
      if (auth) req.headers.set('Proxy-Authorization', auth);
      current = req;
      tx = this.layer.request(req, PBX_AT, {
        onResponse: (res) => {
          this.responses.push(res);
          if (res.status === 407 && !auth && !opts.noAuth) {
            send(this.answer(res.headers.getAll('Proxy-Authenticate')[0], 'INVITE', req.uri, opts.password));
          } else if (res.status >= 200 && res.status < 300) {
            let dialog = this.dialogs.find((d) => d.callId === req.callId);
            if (!dialog) {
              dialog = Dialog.asUac(req, res, PBX_AT);
              this.dialogs.push(dialog);
              this.dialog ??= dialog;
            }
            this.layer.sendStateless(dialog.createRequest('ACK', this.local, { seq: req.cseq.seq }), PBX_AT);
          }
        },
        onTimeout: () => {},
      });
    };
    send();
    return { invite: () => current, cancel: () => tx?.cancel() };
  }

  /** Hangs up the established call with BYE. */
  bye(): void {
    if (!this.dialog) throw new Error(`${this.number} has no dialog`);
    this.layer.request(this.dialog.createRequest('BYE', this.local), this.dialog.destination, { onResponse: (r) => this.responses.push(r), onTimeout() {} });
  }

  /** Sends a re-INVITE in the current dialog with `direction` (hold: sendonly). */
  reinvite(direction: string): void {
    if (!this.dialog) throw new Error(`${this.number} has no dialog`);
    const req = this.dialog.createRequest('INVITE', this.local, { body: Buffer.from(sdp(this.at.address, 40000, direction)), contentType: 'application/sdp' });
    this.layer.request(req, this.dialog.destination, {
      onResponse: (res) => {
        this.responses.push(res);
        if (res.status >= 200 && res.status < 300) this.layer.sendStateless(this.dialog!.createRequest('ACK', this.local, { seq: req.cseq.seq }), this.dialog!.destination);
      },
      onTimeout() {},
    });
  }

  /** Answers the ringing INVITE now (for behaviour 'ring'). */
  answerNow(): void {
    const req = this.pendingInvite!;
    const res = createResponse(req, 200, 'OK', this.tag);
    res.headers.set('Contact', `<sip:${this.number}@${this.at.address}:5060>`);
    res.headers.set('Content-Type', 'application/sdp');
    res.body = Buffer.from(sdp(this.at.address, 42000));
    const tx = this.ringingTx!;
    tx.respond(res);
    // RFC 3261 §13.3.1.4: a UAS core retransmits its 2xx until the ACK, as real phones do.
    this.retransmit2xx = new Reliable2xx(this.env.clock, defaultTimers, () => tx.respond(res), () => {});
    this.dialog = Dialog.asUas(req, this.tag, PBX_AT);
    this.dialogs.push(this.dialog);
  }

  /** Sends REFER in `dialog` (default: the current call) with this Refer-To (RFC 3515). */
  refer(referTo: string, dialog = this.dialog): void {
    if (!dialog) throw new Error(`${this.number} has no dialog`);
    const req = dialog.createRequest('REFER', this.local, { extraHeaders: [['Refer-To', referTo], ['Contact', `<sip:${this.number}@${this.at.address}:5060>`]] });
    this.layer.request(req, dialog.destination, { onResponse: (r) => this.responses.push(r), onTimeout() {} });
  }

  /** Hangs up `dialog` with BYE. */
  byeOn(dialog: Dialog): void {
    this.layer.request(dialog.createRequest('BYE', this.local), dialog.destination, { onResponse: (r) => this.responses.push(r), onTimeout() {} });
  }

  /** The sipfrag status lines of the NOTIFYs received, in order. */
  notifies(): string[] {
    return this.received.filter((r) => r.method === 'NOTIFY').map((r) => r.body.toString().trim());
  }

  private readonly tag = newTag();
  private retransmit2xx: Reliable2xx | undefined;

  private onRequest(req: SipRequest): void {
    this.received.push(req);
    const tx = this.layer.serverTransactionOf(req)!;
    if (req.method === 'INVITE' && !req.to.params.get('tag')) {
      this.pendingInvite = req;
      this.ringingTx = tx;
      tx.onCancel = () => tx.respond(createResponse(req, 487, 'Request Terminated', this.tag));
      if (this.behaviour === 'busy') { tx.respond(createResponse(req, 486, 'Busy Here', this.tag)); return; }
      if (this.behaviour === 'silent') return;
      tx.respond(createResponse(req, 180, 'Ringing', this.tag));
      if (this.behaviour === 'answer') this.answerNow();
      return;
    }
    const res = createResponse(req, 200, 'OK');
    if (req.method === 'INVITE') {
      res.headers.set('Contact', `<sip:${this.number}@${this.at.address}:5060>`);
      res.headers.set('Content-Type', 'application/sdp');
      res.body = Buffer.from(sdp(this.at.address, 42000));
    }
    tx.respond(res);
  }

  private answer(challenge: string, method: string, uri: string, password?: string): string {
    const get = (k: string) => new RegExp(`${k}="?([^",]+)"?`).exec(challenge)![1];
    const realm = get('realm');
    const nonce = get('nonce');
    const algorithm = get('algorithm') as 'MD5' | 'SHA-256';
    const cnonce = 'c0ffee';
    const response = computeResponse({ username: this.number, realm, password: password ?? this.secret, method, uri, nonce, algorithm, qop: 'auth', nc: '00000001', cnonce });
    return `Digest username="${this.number}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=${algorithm}, qop=auth, nc=00000001, cnonce="${cnonce}"`;
  }

  private request(method: string, uri: string, to: string, callId: string, fromTag: string): SipRequest {
    const h = new Headers();
    h.append('Via', `SIP/2.0/UDP ${this.at.address}:5060;branch=${newBranch()};rport`);
    h.append('Max-Forwards', '70');
    h.append('From', `<sip:${this.number}@${PBX_AT.address}>;tag=${fromTag}`);
    h.append('To', to);
    h.append('Call-ID', callId);
    h.append('CSeq', `${this.cseq++} ${method}`);
    return new SipRequest(method, uri, h);
  }
}

/** A minimal G.711 µ-law offer or answer. */
export function sdp(address: string, port: number, direction = 'sendrecv'): string {
  return `v=0\r\no=- 1 1 IN IP4 ${address}\r\ns=-\r\nc=IN IP4 ${address}\r\nt=0 0\r\nm=audio ${port} RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=${direction}\r\n`;
}
