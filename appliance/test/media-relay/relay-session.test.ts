// RelaySession without sockets or timers: fake send ports and an explicit clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALAW_SILENCE, writeRtpHeader } from '@hotline/media';
import { RelaySession, type SendPort, type SessionHooks } from '../../src/media-relay/relay-session.ts';
import { statsBytes, H_DROPPED, H_RELAYED } from '../../src/media-relay/protocol.ts';
import type { RelayEvent } from '../../src/media-relay/types.ts';

class FakePort implements SendPort {
  readonly sent: { data: Buffer; port: number; address: string }[] = [];
  send(msg: Buffer, offset: number, length: number, port: number, address: string): void {
    this.sent.push({ data: Buffer.from(msg.subarray(offset, offset + length)), port, address });
  }
}

function setup(timeoutMs = 1000) {
  const words = new Float64Array(new SharedArrayBuffer(statsBytes(1)));
  const ports = [new FakePort(), new FakePort(), new FakePort(), new FakePort()] as const;
  const events: RelayEvent[] = [];
  const hooks: SessionHooks = { event: (e) => events.push(e), latched: () => {}, moh: () => null, epochMs: (m) => m };
  const s = new RelaySession('s1', 0, words, ports, hooks, timeoutMs);
  s.update({
    a: { law: 'PCMU', payloadType: 0, direction: 'sendrecv', remote: { address: '10.0.0.1', rtpPort: 4000, rtcpPort: 4001 } },
    b: { law: 'PCMA', payloadType: 8, direction: 'sendrecv', remote: { address: '10.0.0.2', rtpPort: 5000, rtcpPort: 5001 } },
  }, 0);
  return { s, words, ports, events };
}

function rtp(pt: number, seq: number): Buffer {
  const b = Buffer.alloc(172, 0xff);
  writeRtpHeader(b, 0, { marker: false, payloadType: pt, sequenceNumber: seq, timestamp: seq * 160, ssrc: 42 });
  return b;
}

test('reports media-timeout once after mediaTimeoutMs of silence on both legs, re-armed by a packet', () => {
  const { s, events } = setup(1000);
  s.tick(999);
  assert.equal(events.length, 0);
  s.tick(1000);
  s.tick(1500);
  assert.deepEqual(events, [{ type: 'media-timeout', sessionId: 's1', silentForMs: 1000 }]);
  s.onRtp(0, rtp(0, 1), '10.0.0.1', 4000, 1600);
  s.tick(2600);
  assert.equal(events.length, 2);
});

test('does not time out while a leg is inactive or hears music on hold', () => {
  const { s, events } = setup(100);
  s.update({ a: { direction: 'inactive' } }, 0);
  s.tick(500);
  s.update({ a: { direction: 'sendrecv' } }, 500);
  s.setMusicOnHold(1, true, 500);
  s.tick(1000);
  assert.equal(events.length, 0);
  s.setMusicOnHold(1, false, 1000);
  s.tick(1050);
  assert.equal(events.length, 0, 'the clock restarts when hold ends');
  s.tick(1100);
  assert.equal(events.length, 1);
});

test('music on hold without prompts sends silence in the held leg\'s law on its own continuous stream', () => {
  const { s, ports } = setup();
  s.setMusicOnHold(1, true, 0);
  for (let t = 20; t <= 100; t += 20) s.tick(t);
  const sent = ports[2].sent;
  assert.equal(sent.length, 5);
  for (let i = 0; i < sent.length; i++) {
    const d = sent[i]!.data;
    assert.equal(d[1]! & 0x7f, 8);
    assert.ok(d.subarray(12).every((c) => c === ALAW_SILENCE));
    if (i > 0) {
      assert.equal(d.readUInt16BE(2), (sent[i - 1]!.data.readUInt16BE(2) + 1) & 0xffff);
      assert.equal(d.readUInt32BE(4), (sent[i - 1]!.data.readUInt32BE(4) + 160) >>> 0);
      assert.equal(d.readUInt32BE(8), sent[0]!.data.readUInt32BE(8));
    }
  }
  assert.equal((sent[0]!.data[1]! & 0x80) !== 0, true, 'marker on the first generated packet');
  assert.equal(sent[0]!.address, '10.0.0.2');
});

test('drops audio with a payload type the leg did not agree, and counts it', () => {
  const { s, words, ports } = setup();
  s.onRtp(0, rtp(13, 1), '10.0.0.1', 4000, 0); // comfort noise, not negotiated
  s.onRtp(0, rtp(0, 2), '10.0.0.1', 4000, 20);
  assert.equal(words[H_DROPPED], 1);
  assert.equal(words[H_RELAYED], 1);
  assert.equal(ports[2].sent.length, 1);
  assert.equal(ports[2].sent[0]!.port, 5000);
});
