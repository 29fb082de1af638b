// Interop: two baresip 1.0 phones call each other through the real PBX process.
// Extension 1001 sends a 1000 Hz tone and 1002 a 1500 Hz tone, so each side's
// recording of what it received tells whose audio it is: a phone hearing its own
// frequency would be an echo, not the far end.
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildToneWav, decodeNetstrings, dominantFrequency, encodeNetstring, loudestWindow, parseBaresipRtpStats,
  parseWavPcm16, rms, startBaresip, toneShare, type BaresipPhone, type WavPcm,
} from '../src/baresip.ts';
import { eventually, startPbx, type HilPbx } from '../src/pbx.ts';

const A = { number: '1001', secret: 'baresip-secret-1001', toneHz: 1000 };
const B = { number: '1002', secret: 'baresip-secret-1002', toneHz: 1500 };
const C = { number: '1003', secret: 'baresip-secret-1003', toneHz: 1000 };
const D = { number: '1004', secret: 'baresip-secret-1004', toneHz: 1500 };
/** How long the call stays up before the caller hangs up. */
const TALK_MS = 2000;

let pbx: HilPbx | undefined;
let phoneA: BaresipPhone | undefined;
let phoneB: BaresipPhone | undefined;

before(async () => {
  pbx = await startPbx({ extensions: [A, B, C, D], noAnswerTimeoutSec: 10 });
  [phoneA, phoneB] = await Promise.all([
    startBaresip({ extension: A.number, secret: A.secret, pbxPort: pbx.sipPort, toneHz: A.toneHz }),
    startBaresip({ extension: B.number, secret: B.secret, pbxPort: pbx.sipPort, toneHz: B.toneHz }),
  ]);
});

after(async () => {
  await Promise.allSettled([phoneA?.stop(), phoneB?.stop()]);
  await pbx?.stop();
});

/** Milliseconds of `wav` in 20 ms frames whose RMS is above `threshold` (i.e. not silence). */
function audibleMs(wav: WavPcm, threshold = 1000): number {
  const frame = (wav.sampleRate / 50) * wav.channels;
  let frames = 0;
  for (let off = 0; off + frame <= wav.samples.length; off += frame) {
    if (rms(wav.samples.subarray(off, off + frame)) > threshold) frames++;
  }
  return frames * 20;
}

/** Asserts that `wav` carries `hz` as its dominant tone for most of the call, with a readable message. */
function assertHeardTone(who: string, wav: WavPcm, hz: number, otherHz: number): string {
  assert.equal(wav.sampleRate, 8000, `${who}: G.711 decodes at 8 kHz`);
  assert.equal(wav.channels, 1);
  // One second of the loudest part: the first packets may still be in the jitter buffer.
  const window = loudestWindow(wav.samples, wav.sampleRate);
  const level = rms(window);
  const peak = dominantFrequency(window, wav.sampleRate);
  const share = toneShare(window, wav.sampleRate, hz);
  const heard = audibleMs(wav);
  const summary = `${who}: ${wav.samples.length} samples, RMS ${level.toFixed(0)}, dominant ${peak} Hz, ` +
    `${(share * 100).toFixed(1)}% of the energy at ${hz} Hz, ${heard} ms audible`;
  // The source is a sine of amplitude 8000, RMS ~5657; G.711 keeps it within a few percent.
  assert.ok(level > 3000, `${summary}: the received audio is not silent`);
  assert.ok(Math.abs(peak - hz) <= 20, `${summary}: the far end's ${hz} Hz tone dominates`);
  assert.ok(share > 0.8, `${summary}: the received audio is the far end's tone, not noise`);
  assert.ok(toneShare(window, wav.sampleRate, otherHz) < 0.05, `${summary}: it is not the phone's own ${otherHz} Hz tone`);
  assert.ok(heard >= TALK_MS * 0.6, `${summary}: audio flowed for most of the ${TALK_MS} ms call`);
  return summary;
}

test('the tone analysis finds a generated 1500 Hz tone and rejects a 1000 Hz one (harness check)', () => {
  const wav = parseWavPcm16(buildToneWav({ hz: 1500, durationMs: 1000 }));
  assert.equal(wav.samples.length, 8000);
  assert.equal(dominantFrequency(wav.samples, 8000), 1500);
  assert.ok(toneShare(wav.samples, 8000, 1500) > 0.99);
  assert.ok(toneShare(wav.samples, 8000, 1000) < 0.01);
  assert.ok(Math.abs(rms(wav.samples) - 8000 / Math.SQRT2) < 10);
});

test('ctrl_tcp netstrings round-trip and a split frame waits for its remaining bytes (harness check)', () => {
  const frame = encodeNetstring('{"command":"dial","params":"sip:1002@h","token":"t1"}');
  const first = decodeNetstrings(frame.subarray(0, 10));
  assert.deepEqual(first.messages, []);
  const both = decodeNetstrings(Buffer.concat([first.rest, frame.subarray(10), encodeNetstring('{}')]));
  assert.deepEqual(both.messages, ['{"command":"dial","params":"sip:1002@h","token":"t1"}', '{}']);
  assert.equal(both.rest.length, 0);
  assert.throws(() => decodeNetstrings(Buffer.from('3:abc;')), /trailing comma/);
});

test("baresip's end-of-call RTP summary is parsed from its output (harness check)", () => {
  const out = 'x\naudio           Transmit:     Receive:\npackets:            101          99\n' +
    'avg. bitrate:      64.6         64.5  (kbit/s)\nerrors:               0            2\n';
  assert.deepEqual(parseBaresipRtpStats(out), { txPackets: 101, rxPackets: 99, txErrors: 0, rxErrors: 2 });
  assert.equal(parseBaresipRtpStats('no call yet'), undefined);
});

test('both baresip phones register with MD5 digest and the PBX lists both bindings', async () => {
  await phoneA!.waitFor('REGISTER_OK', 10_000);
  await phoneB!.waitFor('REGISTER_OK', 10_000);
  const regs = await eventually(async () => {
    const s = (await pbx!.status()) as { registrations?: Array<{ extension: string; userAgent?: string; contact: string }> };
    const r = s.registrations ?? [];
    return r.length === 2 ? r : undefined;
  }, 5000, 'two registrations in the PBX status');
  assert.deepEqual(regs.map((r) => r.extension).sort(), [A.number, B.number]);
  for (const r of regs) assert.match(r.userAgent ?? '', /baresip/, `registration ${r.contact} came from baresip`);
});

type Ext = { number: string; toneHz: number };

/**
 * The whole answered call between two registered phones: `a` dials `b`, `b` answers
 * automatically, both talk for {@link TALK_MS}, `a` hangs up; then each side's
 * recording, RTP summary and the PBX's CDR are checked.
 */
async function answeredCall(t: TestContext, a: BaresipPhone, b: BaresipPhone, extA: Ext, extB: Ext): Promise<void> {
  await a.waitFor('REGISTER_OK', 10_000);
  await b.waitFor('REGISTER_OK', 10_000);
  const fromA = a.events.length;
  const fromB = b.events.length;
  const since = Date.now() - 1000;

  await a.dial(`sip:${extB.number}@127.0.0.1:${pbx!.sipPort}`);
  // baresip 1.0 in answermode=auto answers at once and emits no CALL_INCOMING.
  const establishedA = await a.waitFor('CALL_ESTABLISHED', 8000, fromA);
  const establishedB = await b.waitFor('CALL_ESTABLISHED', 8000, fromB);
  assert.equal(establishedB.direction, 'incoming');
  assert.match(establishedB.peeruri ?? '', new RegExp(`^sip:${extA.number}@`), 'the callee sees the caller extension as the peer');
  assert.match(establishedA.peeruri ?? '', new RegExp(`^sip:${extB.number}@`));
  // RTP from the far end reached each phone: SDP passed through the PBX untouched.
  await a.waitFor('CALL_RTPESTAB', 3000, fromA);
  await b.waitFor('CALL_RTPESTAB', 3000, fromB);

  await new Promise((r) => setTimeout(r, TALK_MS));
  await a.hangup();
  const closedA = await a.waitFor('CALL_CLOSED', 5000, fromA);
  const closedB = await b.waitFor('CALL_CLOSED', 5000, fromB);
  assert.equal(closedA.direction, 'outgoing');
  assert.equal(closedB.direction, 'incoming');

  // sndfile closes the WAVs when the call's audio stops, which CALL_CLOSED follows.
  t.diagnostic(assertHeardTone(`${extA.number} heard`, a.recordedWav(), extB.toneHz, extA.toneHz));
  t.diagnostic(assertHeardTone(`${extB.number} heard`, b.recordedWav(), extA.toneHz, extB.toneHz));

  const statsA = await eventually(async () => a.rtpStats(), 3000, `${extA.number}'s RTP summary`);
  const statsB = await eventually(async () => b.rtpStats(), 3000, `${extB.number}'s RTP summary`);
  // 20 ms packets: ~100 in 2 s. Allow for a slow, shared machine.
  for (const [who, s] of [[extA.number, statsA], [extB.number, statsB]] as const) {
    assert.ok(s.txPackets >= 0.6 * (TALK_MS / 20), `${who} sent ${s.txPackets} RTP packets`);
    assert.ok(s.rxPackets >= 0.6 * (TALK_MS / 20), `${who} received ${s.rxPackets} RTP packets`);
    assert.equal(s.rxErrors, 0, `${who} receive errors`);
    t.diagnostic(`${who} RTP: sent ${s.txPackets}, received ${s.rxPackets}, receive errors ${s.rxErrors}`);
  }

  const cdr = await eventually(async () => {
    const rows = await pbx!.cdr();
    return rows.filter((r) => r.caller === extA.number && r.callee === extB.number && r.startedAt >= since).at(-1);
  }, 8000, 'the CDR of the call');
  assert.equal(cdr.disposition, 'answered');
  assert.equal(cdr.caller, extA.number);
  assert.equal(cdr.callee, extB.number);
  assert.equal(cdr.hangupSide, 'caller');
  assert.equal(cdr.sipCode, 200);
  assert.ok(cdr.answeredAt !== null && cdr.endedAt - cdr.answeredAt >= TALK_MS - 200,
    `answered ${cdr.answeredAt}, ended ${cdr.endedAt}: the CDR covers the talk time`);
}

test('1001 calls 1002 through the PBX, 1002 auto-answers, tones flow both ways, and the caller hangup gives an answered CDR', async (t) => {
  await answeredCall(t, phoneA!, phoneB!, A, B);
});

test('the same answered call with both baresip phones registered and calling over SIP/TCP', async (t) => {
  const [c, d] = await Promise.all([
    startBaresip({ extension: C.number, secret: C.secret, pbxPort: pbx!.sipPort, toneHz: C.toneHz, transport: 'tcp' }),
    startBaresip({ extension: D.number, secret: D.secret, pbxPort: pbx!.sipPort, toneHz: D.toneHz, transport: 'tcp' }),
  ]);
  try {
    await c.waitFor('REGISTER_OK', 10_000);
    await d.waitFor('REGISTER_OK', 10_000);
    const s = (await pbx!.status()) as { registrations?: Array<{ extension: string; transport: string }> };
    const tcp = (s.registrations ?? []).filter((r) => r.extension === C.number || r.extension === D.number);
    assert.deepEqual(tcp.map((r) => r.transport), ['tcp', 'tcp'], JSON.stringify(s.registrations));
    await answeredCall(t, c, d, C, D);
  } finally {
    await Promise.allSettled([c.stop(), d.stop()]);
  }
});
