import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { DtmfGenerator, ULAW_ENCODE } from '@hotline/media';
import { MediaRelay, type RelayEvent } from '../../src/media-relay/index.ts';

let relay: MediaRelay;
const events: RelayEvent[] = [];

before(async () => {
  relay = await MediaRelay.start({ address: '127.0.0.1', portMin: 34000, portMax: 34100, mediaTimeoutMs: 30_000 });
  relay.onEvent((e) => events.push(e));
});
after(async () => { await relay.close(); });

async function phone(): Promise<Socket> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  return s;
}

/** Sends `digits` as µ-law audio in 20 ms RTP packets (PT 0) to `port`. */
async function sendTones(s: Socket, port: number, digits: string): Promise<void> {
  const gen = new DtmfGenerator();
  gen.enqueue(digits, { toneMs: 80, pauseMs: 80 });
  const pcm = new Int16Array(160);
  for (let seq = 0; seq < 20 + digits.length * 8; seq++) {
    pcm.fill(0);
    gen.fill(pcm);
    const b = Buffer.alloc(12 + 160);
    b[0] = 0x80; b[1] = 0; b.writeUInt16BE(seq, 2); b.writeUInt32BE(seq * 160, 4); b.writeUInt32BE(0x1234, 8);
    for (let i = 0; i < 160; i++) b[12 + i] = ULAW_ENCODE[pcm[i]! & 0xffff]!;
    s.send(b, port, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 5));
  }
  await new Promise((r) => setTimeout(r, 200));
}

test('digits sent as tones by a leg without telephone-event are reported when the PBX asks for them (IVR)', async () => {
  const s = await phone();
  const sess = await relay.allocate('inband-1');
  relay.update(sess.sessionId, { a: { law: 'PCMU', payloadType: 0, remote: { address: '127.0.0.1', rtpPort: s.address().port, rtcpPort: s.address().port + 1 }, direction: 'sendrecv' } });
  await sendTones(s, sess.a.rtpPort, '7');
  assert.equal(events.filter((e) => e.type === 'dtmf' && e.sessionId === sess.sessionId).length, 0, 'not asked: not detected');
  relay.detectInbandDtmf(sess.sessionId, 'a', true);
  await new Promise((r) => setTimeout(r, 50));
  await sendTones(s, sess.a.rtpPort, '159#');
  const digits = events.filter((e) => e.type === 'dtmf' && e.sessionId === sess.sessionId).map((e) => e.type === 'dtmf' && e.digit);
  assert.deepEqual(digits, ['1', '5', '9', '#']);
  await relay.release(sess.sessionId);
  s.close();
});

test('a leg with telephone-event is not run through the in-band detector (its digits come as RFC 4733 events)', async () => {
  const s = await phone();
  const sess = await relay.allocate('inband-2');
  relay.update(sess.sessionId, { a: { law: 'PCMU', payloadType: 0, telephoneEventPt: 101, remote: { address: '127.0.0.1', rtpPort: s.address().port, rtcpPort: s.address().port + 1 }, direction: 'sendrecv' } });
  relay.detectInbandDtmf(sess.sessionId, 'a', true);
  await new Promise((r) => setTimeout(r, 50));
  await sendTones(s, sess.a.rtpPort, '3');
  assert.equal(events.filter((e) => e.type === 'dtmf' && e.sessionId === sess.sessionId).length, 0);
  await relay.release(sess.sessionId);
  s.close();
});
