import { FakeClock } from '../../../src/sip/clock.ts';
import { FakeNetwork, type Endpoint } from '../../../src/sip/transport/index.ts';
import { TransactionLayer, senderOver, type TransactionUser } from '../../../src/sip/transaction/index.ts';
import { SipRequest, type SipResponse, parseDatagram } from '../../../src/sip/message/index.ts';

/** Two transaction layers joined by a fake network with a fake clock: 'uac' at .1, 'uas' at .2. */
export function twoLayers(opts: { transport?: 'udp' | 'tcp'; drop?: number; seed?: number; delayMs?: number; jitterMs?: number } = {}) {
  const clock = new FakeClock();
  const transport = opts.transport ?? 'udp';
  const net = new FakeNetwork({ clock, seed: opts.seed ?? 1, dropProbability: opts.drop ?? 0, delayMs: opts.delayMs ?? 5, jitterMs: opts.jitterMs ?? 0 });
  const uacAt: Endpoint = { transport, address: '10.0.0.1', port: 5060 };
  const uasAt: Endpoint = { transport, address: '10.0.0.2', port: 5060 };
  let uac!: TransactionLayer;
  let uas!: TransactionLayer;
  const uacT = net.endpoint(uacAt, { onMessage: (m, s) => uac.receive(m, s) });
  const uasT = net.endpoint(uasAt, { onMessage: (m, s) => uas.receive(m, s) });
  uac = new TransactionLayer(senderOver(uacT), clock);
  uas = new TransactionLayer(senderOver(uasT), clock);
  return { clock, net, uac, uas, uacAt, uasAt };
}

/** A TU that records what reached it and can be told how to answer. */
export function recordingUser(layer: TransactionLayer, answer?: (req: SipRequest) => SipResponse | undefined): TransactionUser & { requests: SipRequest[]; acks: SipRequest[] } {
  const tu = {
    requests: [] as SipRequest[],
    acks: [] as SipRequest[],
    onRequest(req: SipRequest) {
      tu.requests.push(req);
      const res = answer?.(req);
      if (res) layer.serverTransactionOf(req)!.respond(res);
    },
    onAck(ack: SipRequest) { tu.acks.push(ack); },
  };
  layer.setUser(tu);
  return tu;
}

let seq = 0;
/** A fresh request from 10.0.0.1 to 10.0.0.2 with a unique branch and Call-ID. */
export function request(method: string, transport: 'udp' | 'tcp' = 'udp'): SipRequest {
  seq++;
  const text = [
    `${method} sip:bob@10.0.0.2 SIP/2.0`,
    `Via: SIP/2.0/${transport.toUpperCase()} 10.0.0.1:5060;branch=z9hG4bKtest${seq}x${Date.now()}`,
    'Max-Forwards: 70',
    `From: <sip:alice@10.0.0.1>;tag=a${seq}`,
    '<sip:bob@10.0.0.2>'.replace(/^/, 'To: '),
    `Call-ID: call-${seq}@10.0.0.1`,
    `CSeq: 1 ${method}`,
    'Contact: <sip:alice@10.0.0.1:5060>',
    'Content-Length: 0',
    '', '',
  ].join('\r\n');
  const r = parseDatagram(Buffer.from(text));
  if (r.kind !== 'message' || !r.message.isRequest) throw new Error(`test request did not parse: ${JSON.stringify(r)}`);
  return r.message as SipRequest;
}
