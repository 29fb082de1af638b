// Mixing rooms over RelaySession without sockets: fake send ports, an explicit clock, and a
// tone per party, so each assertion is about who hears which frequency.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ULAW_DECODE, ULAW_ENCODE, ALAW_DECODE, ALAW_ENCODE, goertzelAmplitude, writeRtpHeader, type MixerRole } from '@hotline/media';
import { RelaySession, type SendPort, type SessionHooks } from '../../src/media-relay/relay-session.ts';
import { RelayRoom } from '../../src/media-relay/relay-room.ts';
import { statsBytes } from '../../src/media-relay/protocol.ts';
import type { Law } from '../../src/media-relay/types.ts';

class FakePort implements SendPort {
  readonly sent: Buffer[] = [];
  send(msg: Buffer, offset: number, length: number): void {
    this.sent.push(Buffer.from(msg.subarray(offset, offset + length)));
  }
}

const hooks: SessionHooks = { event: () => {}, latched: () => {}, moh: () => null, epochMs: (m) => m };

/** A session whose legs speak `lawA`/`lawB`; its four fake ports. */
function session(id: string, slot: number, words: Float64Array, lawA: Law = 'PCMU', lawB: Law = 'PCMU') {
  const ports = [new FakePort(), new FakePort(), new FakePort(), new FakePort()] as const;
  const s = new RelaySession(id, slot, words, ports, hooks, 60_000);
  s.update({
    a: { law: lawA, payloadType: lawA === 'PCMU' ? 0 : 8, direction: 'sendrecv', remote: { address: '10.0.0.1', rtpPort: 4000 + slot * 10, rtcpPort: 4001 + slot * 10 } },
    b: { law: lawB, payloadType: lawB === 'PCMU' ? 0 : 8, direction: 'sendrecv', remote: { address: '10.0.0.2', rtpPort: 5000 + slot * 10, rtcpPort: 5001 + slot * 10 } },
  }, 0);
  return { s, ports };
}

/** Frame `n` of a sine of `hz` in `law`, as an RTP packet from a phone with SSRC `ssrc`. */
function tonePacket(hz: number, n: number, ssrc: number, law: Law = 'PCMU'): Buffer {
  const b = Buffer.alloc(172);
  writeRtpHeader(b, 0, { marker: n === 0, payloadType: law === 'PCMU' ? 0 : 8, sequenceNumber: n & 0xffff, timestamp: n * 160, ssrc });
  const enc = law === 'PCMU' ? ULAW_ENCODE : ALAW_ENCODE;
  for (let i = 0; i < 160; i++) b[12 + i] = enc[Math.round(8000 * Math.sin((2 * Math.PI * hz * (n * 160 + i)) / 8000)) & 0xffff]!;
  return b;
}

/** Amplitude of `hz` in what a fake port sent (RTP payloads decoded in `law`), skipping the first 10 packets (jitter buffer start). */
function heard(port: FakePort, hz: number, law: Law = 'PCMU'): number {
  const dec = law === 'PCMU' ? ULAW_DECODE : ALAW_DECODE;
  const pkts = port.sent.slice(10);
  if (pkts.length === 0) return 0;
  const pcm = new Int16Array(pkts.length * 160);
  pkts.forEach((p, k) => { for (let i = 0; i < 160; i++) pcm[k * 160 + i] = dec[p[12 + i]!]!; });
  return goertzelAmplitude(pcm, hz, 8000);
}

const CALLER = 600;
const AGENT = 1100;
const SUPERVISOR = 1700;

/** A supervised call: session `call` (a caller, b agent) and session `sup` (a supervisor) in one room, 50 frames of tones. */
function supervise(supervisorRole: MixerRole, law: Law = 'PCMU') {
  const words = new Float64Array(new SharedArrayBuffer(statsBytes(2)));
  const call = session('call', 0, words, 'PCMU', law);
  const sup = session('sup', 1, words);
  const room = new RelayRoom('r1');
  room.join('call', call.s.legs[0], call.s, 'member');
  room.join('call', call.s.legs[1], call.s, 'member');
  room.join('sup', sup.s.legs[0], sup.s, supervisorRole, call.s.legs[1]);
  for (let n = 0; n < 50; n++) {
    const t = n * 20;
    call.s.onRtp(0, tonePacket(CALLER, n, 1), '10.0.0.1', 4000, t);
    call.s.onRtp(1, tonePacket(AGENT, n, 2, law), '10.0.0.2', 5000, t);
    sup.s.onRtp(0, tonePacket(SUPERVISOR, n, 3), '10.0.0.1', 4010, t);
    call.s.tick(t + 10);
    sup.s.tick(t + 10);
    room.tick(t + 10);
  }
  return { caller: call.ports[0], agent: call.ports[2], supervisor: sup.ports[0], room, call, sup };
}

const LOUD = 1000;
const QUIET = 100;

test('listen: the supervisor hears caller and agent; neither hears the supervisor; caller and agent still hear each other', () => {
  const { caller, agent, supervisor } = supervise('listen');
  assert.ok(heard(supervisor, CALLER) > LOUD && heard(supervisor, AGENT) > LOUD, 'supervisor hears both');
  assert.ok(heard(caller, AGENT) > LOUD && heard(agent, CALLER) > LOUD, 'caller and agent hear each other');
  assert.ok(heard(caller, SUPERVISOR) < QUIET && heard(agent, SUPERVISOR) < QUIET, 'nobody hears the supervisor');
  assert.ok(heard(caller, CALLER) < QUIET && heard(agent, AGENT) < QUIET, 'nobody hears their own voice back (N-1)');
});

test('whisper: only the agent hears the supervisor', () => {
  const { caller, agent, supervisor } = supervise('whisper');
  assert.ok(heard(agent, SUPERVISOR) > LOUD, 'agent hears the supervisor');
  assert.ok(heard(caller, SUPERVISOR) < QUIET, 'caller does not');
  assert.ok(heard(supervisor, CALLER) > LOUD && heard(supervisor, AGENT) > LOUD);
});

test('barge: everyone hears everyone else, across laws (the agent speaks A-law)', () => {
  const { caller, agent, supervisor } = supervise('barge', 'PCMA');
  assert.ok(heard(caller, SUPERVISOR) > LOUD && heard(caller, AGENT) > LOUD);
  assert.ok(heard(agent, SUPERVISOR, 'PCMA') > LOUD && heard(agent, CALLER, 'PCMA') > LOUD);
  assert.ok(heard(supervisor, CALLER) > LOUD && heard(supervisor, AGENT) > LOUD);
});

test('a leg leaving the room is forwarded again; the others keep mixing', () => {
  const { room, call, sup, caller } = supervise('barge');
  room.leave(sup.s.legs[0]);
  room.leave(call.s.legs[0]);
  room.leave(call.s.legs[1]);
  assert.equal(room.size, 0);
  const before = caller.sent.length;
  call.s.onRtp(1, tonePacket(AGENT, 60, 2), '10.0.0.2', 5000, 1200);
  assert.equal(caller.sent.length, before + 1, 'the agent\'s packet went straight to the caller');
  assert.equal(caller.sent.at(-1)!.readUInt32BE(8), 2, 'with the agent\'s own SSRC (forwarded, not mixed)');
});

test('a whisper whose target leaves falls silent rather than reaching everyone', () => {
  const { room, call, sup } = supervise('whisper');
  room.leave(call.s.legs[1]);
  assert.equal(sup.s.legs[0].member?.role, 'muted');
});

test('a leg whose partner is in a room without it is not forwarded (the agent\'s held leg in a conference)', () => {
  const words = new Float64Array(new SharedArrayBuffer(statsBytes(1)));
  const call = session('c', 0, words);
  const room = new RelayRoom('r');
  room.join('c', call.s.legs[0], call.s, 'member');
  call.s.onRtp(1, tonePacket(AGENT, 0, 2), '10.0.0.2', 5000, 0);
  assert.equal(call.ports[0].sent.length, 0);
});
