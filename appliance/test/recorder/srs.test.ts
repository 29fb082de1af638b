// The SRS's SIP logic on a fake clock and a capturing sender: no sockets, no files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDatagram, type SipMessage, type SipRequest, type SipResponse } from '../../src/sip/message/index.ts';
import { TransactionLayer, defaultTimers } from '../../src/sip/transaction/index.ts';
import type { Endpoint } from '../../src/sip/transport/index.ts';
import { FakeClock } from '../../src/sip/clock.ts';
import { LocalIdentity } from '../../src/sip/local-address.ts';
import { SessionRecordingServer, type RecordingBackend } from '../../src/recorder/srs.ts';
import { RecordingOfferError } from '../../src/recorder/errors.ts';
import { buildMetadataXml, buildRecordingBody, buildRecordingOfferSdp } from '../../src/recorder/src-body.ts';

const SRC: Endpoint = { transport: 'udp', address: '127.0.0.1', port: 5999 };

function setup(backendOver: Partial<RecordingBackend> = {}) {
  const clock = new FakeClock();
  const sent: SipMessage[] = [];
  const tx = new TransactionLayer({ send: (m) => sent.push(m), sendBytes: (b) => sent.push(parse(b)) }, clock, defaultTimers);
  const calls: string[] = [];
  const backend: RecordingBackend = {
    admit: () => undefined,
    open: async (o) => { calls.push(`open ${o.streams.map((s) => s.label).join(',')} ${o.law} ${o.metadata?.hotline.agent ?? ''}`); return { id: 'rec-1', ports: o.streams.map((_, i) => 30000 + 2 * i) }; },
    update: async () => ({ ports: [30000, 30002] }),
    close: (id, why) => { calls.push(`close ${id} ${why}`); },
    ...backendOver,
  };
  const srs = new SessionRecordingServer({ tx, local: new LocalIdentity('127.0.0.1', { udp: 5080, tcp: 5080 }), clock, timers: defaultTimers, backend, userAgent: 'test' });
  tx.setUser(srs);
  return { clock, sent, tx, srs, calls };
}

function parse(b: Buffer): SipMessage {
  const r = parseDatagram(b);
  if (r.kind !== 'message') throw new Error(`unparsable: ${JSON.stringify(r)}`);
  return r.message;
}

function invite(extra = ''): SipRequest {
  const sdp = buildRecordingOfferSdp({ address: '127.0.0.1', ports: [40000, 40002], labels: ['1', '2'], law: 'PCMA' });
  const { contentType, body } = buildRecordingBody(sdp, buildMetadataXml({ sessionId: 's1', parties: [{ label: '1', aor: 'sip:a@x' }, { label: '2', aor: 'sip:b@x' }], hotline: { agent: '8001' } }));
  return parse(Buffer.from([
    'INVITE sip:srs@127.0.0.1:5080 SIP/2.0', 'Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-1', 'Max-Forwards: 70',
    'From: <sip:src@127.0.0.1>;tag=src1', 'To: <sip:srs@127.0.0.1>', 'Call-ID: c1@test', 'CSeq: 1 INVITE',
    'Contact: <sip:src@127.0.0.1:5999>;+sip.src', 'Require: siprec', ...(extra ? [extra] : []), `Content-Type: ${contentType}`, `Content-Length: ${Buffer.byteLength(body)}`, '', body,
  ].join('\r\n'))) as SipRequest;
}

const responses = (sent: SipMessage[]) => sent.filter((m) => !m.isRequest) as SipResponse[];
const tick = () => new Promise((r) => setImmediate(r));

test('answers a recording INVITE 200 with +sip.srs and a recvonly labelled stream per offered stream', async () => {
  const { sent, tx, calls } = setup();
  tx.receive(invite(), SRC);
  await tick();
  const r = responses(sent);
  assert.deepEqual(r.map((x) => x.status), [100, 200]);
  const ok = r[1]!;
  assert.match(ok.headers.get('Contact')!, /;\+sip\.srs$/);
  const sdp = ok.body.toString();
  assert.match(sdp, /m=audio 30000 RTP\/AVP 8\r\na=rtpmap:8 PCMA\/8000\r\na=label:1\r\na=recvonly/);
  assert.match(sdp, /m=audio 30002 RTP\/AVP 8\r\na=rtpmap:8 PCMA\/8000\r\na=label:2\r\na=recvonly/);
  assert.deepEqual(calls, ['open 1,2 PCMA 8001']);
});

test('retransmits the 2xx until the ACK, and without one ends the session with BYE after 64·T1', async () => {
  const { sent, tx, clock, calls, srs } = setup();
  tx.receive(invite(), SRC);
  await tick();
  clock.advance(500 + 1000 + 2000);
  assert.equal(responses(sent).filter((x) => x.status === 200).length, 4, 'the 200 and three retransmissions');
  clock.advance(64 * 500);
  assert.ok(sent.some((m) => m.isRequest && (m as SipRequest).method === 'BYE'));
  assert.deepEqual(calls.at(-1), 'close rec-1 no ACK');
  assert.equal(srs.counters.noAck, 1);
  assert.equal(srs.size, 0);
});

test('a 503 from the backend (disk watermark) is passed on with Retry-After and a Warning', async () => {
  const { sent, tx } = setup({ admit: () => { throw new RecordingOfferError(503, 'recording disk 97% full'); } });
  tx.receive(invite(), SRC);
  await tick();
  const r = responses(sent).at(-1)!;
  assert.equal(r.status, 503);
  assert.equal(r.headers.get('Retry-After'), '60');
  assert.match(r.headers.get('Warning')!, /399 hotline-recorder "recording disk 97% full"/);
  assert.match(r.headers.get('To')!, /;tag=/);
});

test('OPTIONS is answered as an INVITE would be (RFC 3261 §11.2): 200 while sessions are taken, 503 with the reason while they are refused', async () => {
  let refusing: RecordingOfferError | undefined;
  const { sent, tx, calls } = setup({ refusal: () => refusing });
  const options = (n: number) => parse(Buffer.from([
    'OPTIONS sip:srs@127.0.0.1:5080 SIP/2.0', `Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-opt${n}`, 'Max-Forwards: 70',
    `From: <sip:src@127.0.0.1>;tag=o${n}`, 'To: <sip:srs@127.0.0.1>', `Call-ID: opt${n}@test`, 'CSeq: 1 OPTIONS', 'Content-Length: 0', '', '',
  ].join('\r\n'))) as SipRequest;
  tx.receive(options(1), SRC);
  assert.equal(responses(sent).at(-1)!.status, 200);
  refusing = new RecordingOfferError(503, 'recording disk 97% full (refusing at 95%)');
  tx.receive(options(2), SRC);
  const r = responses(sent).at(-1)!;
  assert.equal(r.status, 503);
  assert.equal(r.headers.get('Retry-After'), '60');
  assert.match(r.headers.get('Warning')!, /recording disk 97% full/);
  assert.deepEqual(calls, [], 'a probe opens nothing');
});

test('a CANCEL while the ports are being bound gets the INVITE a 487 and closes the recording', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  const { sent, tx, calls } = setup({ open: async () => { await gate; return { id: 'rec-9', ports: [30000, 30002] }; } });
  tx.receive(invite(), SRC);
  tx.receive(parse(Buffer.from([
    'CANCEL sip:srs@127.0.0.1:5080 SIP/2.0', 'Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-1', 'Max-Forwards: 70',
    'From: <sip:src@127.0.0.1>;tag=src1', 'To: <sip:srs@127.0.0.1>', 'Call-ID: c1@test', 'CSeq: 1 CANCEL', 'Content-Length: 0', '', '',
  ].join('\r\n'))) as SipRequest, SRC);
  release();
  await tick();
  await tick();
  assert.deepEqual(responses(sent).map((x) => `${x.status} ${x.cseq.method}`), ['100 INVITE', '200 CANCEL', '487 INVITE']);
  assert.deepEqual(calls, ['close rec-9 cancelled']);
});
