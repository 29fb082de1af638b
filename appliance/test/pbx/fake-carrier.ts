import type { Endpoint } from '../../src/sip/transport/index.ts';
import { TransactionLayer, defaultTimers, senderOver } from '../../src/sip/transaction/index.ts';
import { NonceManager, buildChallenges, verifyRequest } from '../../src/sip/auth/index.ts';
import { Dialog } from '../../src/sip/dialog/index.ts';
import { LocalIdentity } from '../../src/sip/local-address.ts';
import { Headers, SipRequest, type SipResponse, createResponse, newBranch, newCallId, newTag } from '../../src/sip/message/index.ts';
import { Reliable2xx } from '../../src/pbx/reliable-2xx.ts';
import { type fakePbx, PBX_AT, sdp } from './fake-phone.ts';

/**
 * What a fake carrier does with an INVITE: answer (after a 407 digest challenge when
 * `account` is set), refuse with a status, or say nothing at all.
 */
export type CarrierBehaviour = { answer: true } | { refuse: number } | { silent: true };

/** A SIP carrier (or the analog gateway) on the fake network: answers OPTIONS, takes or refuses INVITEs, and can place calls into the PBX. */
export class FakeCarrier {
  readonly layer: TransactionLayer;
  /** INVITEs received from the PBX (retransmissions absorbed by the transaction layer). */
  readonly invites: SipRequest[] = [];
  /** Every response to the calls this carrier placed. */
  readonly responses: SipResponse[] = [];
  behaviour: CarrierBehaviour = { answer: true };
  /** Whether the carrier's host is reachable at all (a silent host answers neither OPTIONS nor INVITE). */
  reachable = true;
  private readonly nonces: NonceManager;
  private readonly tag = newTag();
  private readonly local: LocalIdentity;
  private retransmit: Reliable2xx | undefined;

  constructor(env: ReturnType<typeof fakePbx>, readonly at: Endpoint, private readonly account?: { username: string; password: string }) {
    this.nonces = new NonceManager({ lifetimeSec: 300, now: () => env.clock.now() });
    this.local = new LocalIdentity(at.address, { udp: at.port, tcp: at.port });
    let layer!: TransactionLayer;
    const t = env.net.endpoint(at, { onMessage: (m, s) => { if (this.reachable) layer.receive(m, s); } });
    layer = new TransactionLayer(senderOver(t), env.clock);
    this.layer = layer;
    layer.setUser({
      onRequest: (req) => this.onRequest(req, env),
      onAck: () => this.retransmit?.stop(),
    });
  }

  /** Places a call into the PBX from `from` to `to`, with `uriParams` (e.g. `;group=pstn`) on the Request-URI. */
  call(from: string, to: string, uriParams = ''): void {
    const h = new Headers();
    h.append('Via', `SIP/2.0/UDP ${this.at.address}:${this.at.port};branch=${newBranch()};rport`);
    h.append('Max-Forwards', '70');
    h.append('From', `"Caller ${from}" <sip:${from}@${this.at.address}>;tag=${newTag()}`);
    h.append('To', `<sip:${to}@${PBX_AT.address}>`);
    h.append('Call-ID', newCallId(this.at.address));
    h.append('CSeq', '1 INVITE');
    h.append('Contact', `<sip:${from}@${this.at.address}:${this.at.port}>`);
    h.append('Content-Type', 'application/sdp');
    const req = new SipRequest('INVITE', `sip:${to}@${PBX_AT.address}${uriParams}`, h, Buffer.from(sdp(this.at.address, 44000)));
    let dialog: Dialog | undefined;
    this.layer.request(req, PBX_AT, {
      onResponse: (res) => {
        this.responses.push(res);
        if (res.status >= 200 && res.status < 300) {
          dialog ??= Dialog.asUac(req, res, PBX_AT);
          this.layer.sendStateless(dialog.createRequest('ACK', this.local, { seq: req.cseq.seq }), PBX_AT);
        }
      },
      onTimeout() {},
    });
  }

  private onRequest(req: SipRequest, env: ReturnType<typeof fakePbx>): void {
    const tx = this.layer.serverTransactionOf(req)!;
    if (req.method !== 'INVITE' || req.to.params.get('tag')) {
      tx.respond(createResponse(req, 200, 'OK', this.tag));
      return;
    }
    this.invites.push(req);
    const b = this.behaviour;
    if ('silent' in b) return;
    tx.respond(createResponse(req, 100, 'Trying'));
    if ('refuse' in b) { tx.respond(createResponse(req, b.refuse, undefined, this.tag)); return; }
    if (this.account) {
      const v = verifyRequest(req, {
        realm: 'carrier', header: 'proxy-authorization', nonces: this.nonces, algorithms: ['MD5'],
        lookup: (u) => (u === this.account!.username ? this.account!.password : undefined),
      });
      if (!v.ok) {
        const res = createResponse(req, v.reason === 'no-credentials' ? 407 : 403, undefined, this.tag);
        if (v.reason === 'no-credentials') for (const c of buildChallenges(this.nonces, { realm: 'carrier', algorithms: ['MD5'] })) res.headers.append('Proxy-Authenticate', c);
        tx.respond(res);
        return;
      }
    }
    const ok = createResponse(req, 200, 'OK', this.tag);
    ok.headers.set('Contact', `<sip:carrier@${this.at.address}:${this.at.port}>`);
    ok.headers.set('Content-Type', 'application/sdp');
    ok.body = Buffer.from(sdp(this.at.address, 46000));
    tx.respond(ok);
    this.retransmit = new Reliable2xx(env.clock, defaultTimers, () => tx.respond(ok), () => {});
  }
}
