// Interop of the PBX's media path (issue 4): sipp phones stream pcap audio through
// the PBX's RTP relay, and an analyzer bound to each phone's SDP port checks what
// that phone would have heard — the tone's energy, the payload type, the DTMF
// digits, music on hold — and the call records the PBX wrote.
//
// Each sipp side advertises in its SDP a port the test owns (`rtp_port`); sipp sends
// its pcap to the PBX's relay port from the other SDP, so everything the analyzer of
// one side receives went through the relay from the other side.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ULAW_ENCODE, renderDtmf, wavHeader } from '@hotline/media';
import { buildToneRtpPcap, readPcapUdpPayloads } from '../src/pcap.ts';
import { RtpAnalysis, startRtpAnalyzer, type FrameLevel, type RtpAnalyzer } from '../src/rtp-analyzer.ts';
import { freePort, freeUdpPorts } from '../src/ports.ts';
import { runSipp, scenario, startSipp, waitForUdpBound, type SippOptions, type SippResult } from '../src/sipp.ts';
import { eventually, startPbx, type HilPbx } from '../src/pbx.ts';
import type { StoredCallRecord } from '@hotline/appliance/records';

const CALLER = { number: '1001', secret: 'caller-secret-1001' };
const CALLEE = { number: '1002', secret: 'callee-secret-1002' };
/** sipp's RFC 4733 capture of digit 1 (Debian sip-tester): payload type 101, 10 packets. */
const DTMF_PCAP = '/usr/share/sip-tester/dtmf_2833_1.pcap';
const TONE_HZ = 1000;
/** The tone pcaps are -6 dBFS (RMS ~11,600); 1000 is well clear of G.711 quantisation noise. */
const TONE_MIN_RMS = 1000;
const tonePcmu = buildToneRtpPcap({ durationMs: 2000 });
const tonePcma = buildToneRtpPcap({ durationMs: 2000, law: 'pcma' });
/** A chord progression with nothing near 1 kHz: clearly "music", never mistaken for the caller's tone. */
const MOH_CHORDS_HZ = [[262, 330, 392], [294, 370, 440], [349, 440, 523], [392, 494, 587]];

let pbx: HilPbx;
let mohDir: string;

/** 8 kHz PCM16 WAV of the chord progression, 250 ms per chord, 2 s in all. */
function musicOnHoldWav(): Buffer {
  const n = 16_000;
  const pcm = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) {
    const chord = MOH_CHORDS_HZ[Math.floor(i / 2000) % MOH_CHORDS_HZ.length]!;
    let s = 0;
    for (const f of chord) s += 3000 * Math.sin((2 * Math.PI * f * i) / 8000);
    pcm.writeInt16LE(Math.round(s), i * 2);
  }
  return Buffer.concat([wavHeader({ encoding: 'pcm16', sampleRate: 8000, channels: 1 }, pcm.length), pcm]);
}

before(async () => {
  mohDir = mkdtempSync(join(tmpdir(), 'hil-moh-'));
  const moh = join(mohDir, 'moh.wav');
  writeFileSync(moh, musicOnHoldWav());
  // Media timeout at the schema's minimum (5 s) so the timeout test stays short; every
  // other call keeps RTP flowing, or is on hold, well within it.
  pbx = await startPbx({ extensions: [CALLER, CALLEE], authFailureLimit: 50, mediaTimeoutSec: 5, musicOnHold: [moh] });
});
after(async () => {
  await pbx?.stop();
  if (mohDir) rmSync(mohDir, { recursive: true, force: true });
});

function target(): string {
  return `127.0.0.1:${pbx.sipPort}`;
}

/** Registers `ext` with its Contact on `contactPort` (Expires from `expires`; 0 removes it). */
async function register(ext: { number: string; secret: string }, contactPort: number, expires = 300) {
  return runSipp({
    scenarioFile: scenario('register'), remote: target(), service: ext.number,
    auth: { username: ext.number, password: ext.secret }, vars: { contact_port: contactPort, expires },
    timeoutSec: 10, allowFailure: expires === 0,
  });
}

/** The CDR of the latest CALLER → CALLEE call started after `since`. */
async function cdrAfter(since: number): Promise<StoredCallRecord> {
  return eventually(async () => {
    const rows = await pbx.cdr();
    return rows.filter((r) => r.caller === CALLER.number && r.callee === CALLEE.number && r.startedAt >= since).at(-1);
  }, 8000, 'the CDR of the call');
}

interface MediaCallOptions {
  uac: string;
  uas: string;
  uacVars?: SippOptions['vars'];
  uasVars?: SippOptions['vars'];
  uacFiles?: Record<string, Buffer>;
  uasFiles?: Record<string, Buffer>;
  /** sipp timeout of each side, seconds. */
  timeoutSec?: number;
}

interface MediaCallResult {
  caller: SippResult;
  callee: SippResult;
  /** What reached the caller's SDP port (sent by the callee, through the relay). */
  atCaller: RtpAnalysis;
  /** What reached the callee's SDP port. */
  atCallee: RtpAnalysis;
  cdr: StoredCallRecord;
}

/** One call through the PBX: callee registered and listening, caller dials, both analyzed. */
async function mediaCall(o: MediaCallOptions): Promise<MediaCallResult> {
  const uasPort = await freePort();
  const [uacRtp, uasRtp] = await freeUdpPorts(2);
  const analyzers: RtpAnalyzer[] = [];
  const callerRtp = await startRtpAnalyzer(uacRtp);
  analyzers.push(callerRtp);
  const calleeRtp = await startRtpAnalyzer(uasRtp);
  analyzers.push(calleeRtp);
  const since = Date.now() - 1000;
  const timeoutSec = o.timeoutSec ?? 20;
  try {
    const callee = startSipp({
      scenarioFile: scenario(o.uas), localPort: uasPort, service: CALLEE.number, timeoutSec,
      vars: { rtp_port: uasRtp, ...o.uasVars }, files: o.uasFiles, traceMsg: true,
    });
    await waitForUdpBound(uasPort);
    await register(CALLEE, uasPort);
    const caller = await runSipp({
      scenarioFile: scenario(o.uac), remote: target(), service: CALLEE.number, timeoutSec, localPort: await freePort(),
      auth: { username: CALLER.number, password: CALLER.secret }, authUri: `${CALLEE.number}@${target()}`,
      vars: { caller: CALLER.number, rtp_port: uacRtp, ...o.uacVars }, files: o.uacFiles, traceMsg: true,
    });
    const calleeResult = await callee.done;
    return { caller, callee: calleeResult, atCaller: callerRtp.analysis, atCallee: calleeRtp.analysis, cdr: await cdrAfter(since) };
  } finally {
    // Expires: 0 (RFC 3261 §10.2.2): a later test's sipp may get this port.
    await register(CALLEE, uasPort, 0);
    for (const a of analyzers) await a.stop();
  }
}

/** A short description of what an analysis holds, for assertion messages. */
function describe(a: RtpAnalysis): string {
  const c = a.counts();
  return `${c.packets} packets by PT ${JSON.stringify(c.byPayloadType)}, ${a.seconds().toFixed(2)} s audio, ` +
    `RMS ${a.rms().toFixed(0)}, ${(100 * a.toneRatio(TONE_HZ)).toFixed(1)} % at ${TONE_HZ} Hz, ${a.toneSeconds(TONE_HZ).toFixed(2)} s of tone`;
}

/** Asserts ≥ 1.5 s of frames with ≥ 80 % of their energy at 1 kHz, and ≥ 80 % over all the audio. */
function assertHearsTone(a: RtpAnalysis, who: string): void {
  assert.ok(a.toneSeconds(TONE_HZ, 0.8, TONE_MIN_RMS) >= 1.5, `${who} heard under 1.5 s of the 1 kHz tone: ${describe(a)}`);
  assert.ok(a.toneRatio(TONE_HZ) >= 0.8, `${who}: under 80 % of the energy at 1 kHz: ${describe(a)}`);
}

/** Kind of a 20 ms frame in the hold test. */
type FrameKind = 'tone' | 'music' | 'quiet' | 'other';

function frameKind(f: FrameLevel): FrameKind {
  if (f.rms < 200) return 'quiet';
  if (f.rms >= TONE_MIN_RMS && f.toneRatio >= 0.8) return 'tone';
  if (f.toneRatio < 0.2) return 'music';
  return 'other';
}

/** Run-length summary of frame kinds, e.g. `tone×100 quiet×3 music×124 tone×100`. */
function runs(levels: FrameLevel[]): Array<{ kind: FrameKind; frames: number; rms: number; toneRatio: number }> {
  const out: Array<{ kind: FrameKind; frames: number; rms: number; toneRatio: number }> = [];
  for (const f of levels) {
    const k = frameKind(f);
    const last = out.at(-1);
    if (last && last.kind === k) {
      last.rms += f.rms;
      last.toneRatio += f.toneRatio;
      last.frames++;
    } else out.push({ kind: k, frames: 1, rms: f.rms, toneRatio: f.toneRatio });
  }
  for (const r of out) {
    r.rms /= r.frames;
    r.toneRatio /= r.frames;
  }
  return out;
}

// --- harness checks (no PBX) -------------------------------------------------

test('harness: the A-law tone pcap carries payload type 8 and decodes to a 1 kHz tone', () => {
  const a = new RtpAnalysis();
  const packets = readPcapUdpPayloads(tonePcma);
  assert.equal(packets.length, 100, '2 s of 20 ms packets');
  for (const p of packets) a.add(p.payload, p.atMs);
  assert.deepEqual(a.counts().byPayloadType, { 8: 100 });
  assert.ok(a.toneRatio(TONE_HZ) > 0.95, describe(a));
  assert.ok(Math.abs(a.rms() - 0.5 * 32767 / Math.SQRT2) < 300, `RMS ${a.rms()} is that of a -6 dBFS sine`);
  assert.ok(a.toneRatio(1500) < 0.01, 'nothing at another frequency');
});

test('harness: the analyzer reads digit 1 from sipp\'s RFC 4733 capture once, retransmitted ends dropped', () => {
  assert.ok(existsSync(DTMF_PCAP), `${DTMF_PCAP} is missing: install Debian's sip-tester`);
  const a = new RtpAnalysis({ telephoneEventPt: 101 });
  for (const p of readPcapUdpPayloads(readFileSync(DTMF_PCAP))) a.add(p.payload, p.atMs);
  assert.deepEqual(Object.keys(a.counts().byPayloadType), ['101'], 'the capture is telephone-event with PT 101');
  assert.deepEqual(a.eventDigits(), ['1']);
  assert.equal(a.telephoneEvents().filter((e) => e.type === 'end').length, 1);
});

test('harness: the analyzer finds an in-band digit in µ-law frames and none in the tone', () => {
  const pcm = renderDtmf('5', { toneMs: 80, pauseMs: 80 });
  const a = new RtpAnalysis();
  const pkt = Buffer.alloc(12 + 160);
  pkt[0] = 0x80;
  for (let f = 0; f * 160 < pcm.length; f++) {
    pkt.writeUInt16BE(f, 2);
    for (let i = 0; i < 160; i++) pkt[12 + i] = ULAW_ENCODE[(pcm[f * 160 + i] ?? 0) & 0xffff]!;
    a.add(pkt, f * 20);
  }
  assert.deepEqual(a.inbandDigits(), ['5']);
  const tone = new RtpAnalysis();
  for (const p of readPcapUdpPayloads(tonePcmu)) tone.add(p.payload, p.atMs);
  assert.deepEqual(tone.inbandDigits(), []);
});

test('harness: the music-on-hold WAV has nothing at 1 kHz', () => {
  const wav = musicOnHoldWav();
  const pcm = new Int16Array(16_000);
  for (let i = 0; i < pcm.length; i++) pcm[i] = wav.readInt16LE(44 + 2 * i);
  const a = new RtpAnalysis();
  const pkt = Buffer.alloc(12 + 160);
  pkt[0] = 0x80;
  for (let f = 0; f < 100; f++) {
    for (let i = 0; i < 160; i++) pkt[12 + i] = ULAW_ENCODE[pcm[f * 160 + i]! & 0xffff]!;
    a.add(pkt, f * 20);
  }
  assert.ok(a.toneRatio(TONE_HZ) < 0.01, describe(a));
  assert.ok(a.rms() > 2000, describe(a));
  assert.ok(runs(a.frameLevels(TONE_HZ)).every((r) => r.kind === 'music'), 'every frame classifies as music');
});

// --- the PBX ----------------------------------------------------------------------

test('a 1 kHz PCMU tone crosses the relay both ways with ≥ 80 % of its energy at 1 kHz, and the CDR counts the packets', async (t) => {
  const r = await mediaCall({
    uac: 'uac-media-call', uas: 'uas-media-answer',
    uacVars: { pt: 0, codec: 'PCMU' }, uasVars: { pt: 0, codec: 'PCMU' },
    uacFiles: { 'audio.pcap': tonePcmu }, uasFiles: { 'audio.pcap': tonePcmu },
  });
  assert.equal(r.caller.stats.successful, 1);
  assert.equal(r.callee.stats.successful, 1);
  t.diagnostic(`at callee: ${describe(r.atCallee)}; at caller: ${describe(r.atCaller)}; CDR quality ${JSON.stringify(r.cdr.quality)}`);
  assertHearsTone(r.atCallee, 'callee');
  assertHearsTone(r.atCaller, 'caller');
  assert.equal(r.atCallee.counts().byPayloadType[0], r.atCallee.counts().packets, `only PCMU at the callee: ${describe(r.atCallee)}`);
  assert.equal(r.cdr.disposition, 'answered');
  assert.equal(r.cdr.endCause ?? null, null, 'a normal end has no end cause');
  assert.ok(r.cdr.quality, 'the CDR has media quality');
  assert.ok(r.cdr.quality.a.packetsIn > 50, `leg a (caller) packetsIn ${r.cdr.quality.a.packetsIn}`);
  assert.ok(r.cdr.quality.b.packetsIn > 50, `leg b (callee) packetsIn ${r.cdr.quality.b.packetsIn}`);
});

test('an A-law caller and a µ-law callee are transcoded: caller receives PT 8, callee PT 0, the tone survives both ways', async (t) => {
  const r = await mediaCall({
    uac: 'uac-media-call', uas: 'uas-media-answer',
    uacVars: { pt: 8, codec: 'PCMA' }, uasVars: { pt: 0, codec: 'PCMU' },
    uacFiles: { 'audio.pcap': tonePcma }, uasFiles: { 'audio.pcap': tonePcmu },
  });
  assert.equal(r.caller.stats.successful, 1);
  assert.equal(r.callee.stats.successful, 1);
  t.diagnostic(`at callee: ${describe(r.atCallee)}; at caller: ${describe(r.atCaller)}`);
  const atCaller = r.atCaller.counts();
  const atCallee = r.atCallee.counts();
  assert.ok((atCaller.byPayloadType[8] ?? 0) >= 50 && atCaller.byPayloadType[0] === undefined, `caller gets only PCMA: ${describe(r.atCaller)}`);
  assert.ok((atCallee.byPayloadType[0] ?? 0) >= 50 && atCallee.byPayloadType[8] === undefined, `callee gets only PCMU: ${describe(r.atCallee)}`);
  assertHearsTone(r.atCallee, 'callee (A-law → µ-law)');
  assertHearsTone(r.atCaller, 'caller (µ-law → A-law)');
  assert.equal(r.cdr.disposition, 'answered');
});

test('an RFC 4733 digit from sipp\'s pcap reaches a callee with telephone-event as an event, and the PBX counts it', async () => {
  assert.ok(existsSync(DTMF_PCAP), `${DTMF_PCAP} is missing: install Debian's sip-tester`);
  const before = (await pbx.status()).counters['calls.dtmfDigits'] ?? 0;
  const r = await mediaCall({
    uac: 'uac-media-dtmf', uas: 'uas-media-answer-dtmf',
    uacFiles: { 'dtmf.pcap': readFileSync(DTMF_PCAP) },
  });
  assert.equal(r.caller.stats.successful, 1);
  assert.equal(r.callee.stats.successful, 1);
  assert.deepEqual(r.atCallee.eventDigits(), ['1'], `events at the callee: ${JSON.stringify(r.atCallee.telephoneEvents())}; ${describe(r.atCallee)}`);
  assert.ok((r.atCallee.counts().byPayloadType[101] ?? 0) >= 3, 'forwarded with the callee\'s telephone-event payload type 101');
  const after = await eventually(async () => {
    const n = (await pbx.status()).counters['calls.dtmfDigits'] ?? 0;
    return n > before ? n : undefined;
  }, 3000, 'calls.dtmfDigits to go up');
  assert.equal(after - before, 1, 'one digit counted');
});

test('an RFC 4733 digit reaches a callee without telephone-event as in-band DTMF that media\'s detector recognises', async (t) => {
  assert.ok(existsSync(DTMF_PCAP), `${DTMF_PCAP} is missing: install Debian's sip-tester`);
  const before = (await pbx.status()).counters['calls.dtmfDigits'] ?? 0;
  const r = await mediaCall({
    uac: 'uac-media-dtmf', uas: 'uas-media-answer',
    uasVars: { pt: 0, codec: 'PCMU' },
    uacFiles: { 'dtmf.pcap': readFileSync(DTMF_PCAP) }, uasFiles: { 'audio.pcap': tonePcmu },
  });
  assert.equal(r.caller.stats.successful, 1);
  assert.equal(r.callee.stats.successful, 1);
  assert.equal(r.atCallee.counts().byPayloadType[101], undefined, 'no telephone-event packets to a callee that did not agree them');
  t.diagnostic(`at callee: ${describe(r.atCallee)}`);
  assert.deepEqual(r.atCallee.inbandDigits(), ['1'], `in-band digits at the callee; ${describe(r.atCallee)}`);
  const after = await eventually(async () => {
    const n = (await pbx.status()).counters['calls.dtmfDigits'] ?? 0;
    return n > before ? n : undefined;
  }, 3000, 'calls.dtmfDigits to go up');
  assert.equal(after - before, 1, 'one digit counted');
});

test('a caller on hold gets recvonly, the callee hears music instead of the tone, then the tone again after resume, with no re-INVITE to the callee', async (t) => {
  const r = await mediaCall({
    uac: 'uac-media-hold', uas: 'uas-media-answer',
    uasVars: { pt: 0, codec: 'PCMU' },
    uacFiles: { 'audio.pcap': tonePcmu }, uasFiles: { 'audio.pcap': tonePcmu },
    timeoutSec: 25,
  });
  // The caller's scenario fails unless each re-INVITE's 200 carries the expected
  // direction (an ereg with check_it); the callee's fails on any request but ACK and BYE.
  assert.equal(r.caller.stats.successful, 1, 'both re-INVITEs answered with recvonly then sendrecv');
  assert.equal(r.callee.stats.successful, 1, 'the callee saw no re-INVITE');
  assert.equal(r.callee.stats.unexpectedMessage, 0);
  const summary = runs(r.atCallee.frameLevels(TONE_HZ));
  const text = summary.map((s) => `${s.kind}×${s.frames}(rms ${s.rms.toFixed(0)}, ${(100 * s.toneRatio).toFixed(0)}%)`).join(' ');
  t.diagnostic(`callee heard: ${text}`);
  const firstTone = summary.findIndex((s) => s.kind === 'tone' && s.frames >= 50);
  const music = summary.findIndex((s, i) => i > firstTone && s.kind === 'music' && s.frames >= 50);
  const resumed = summary.findIndex((s, i) => i > music && s.kind === 'tone' && s.frames >= 50);
  assert.ok(firstTone >= 0, `the callee heard the tone before hold: ${text}`);
  assert.ok(music > firstTone, `the callee heard ≥ 1 s of music (not the tone) while the caller held: ${text}`);
  assert.ok(resumed > music, `the callee heard the tone again after resume: ${text}`);
  const moh = summary[music]!;
  assert.ok(moh.rms > 1000, `music on hold is audible (RMS ${moh.rms.toFixed(0)})`);
  assert.ok(moh.toneRatio < 0.2, `music on hold is not the caller's 1 kHz tone (${(100 * moh.toneRatio).toFixed(0)} %)`);
  assert.equal(r.cdr.disposition, 'answered');
});

test('a call where neither phone sends RTP is ended by the media timeout with BYE to both and endCause media-timeout', async (t) => {
  const t0 = Date.now();
  const r = await mediaCall({ uac: 'uac-media-silent', uas: 'uas-media-silent', timeoutSec: 20 });
  const took = Date.now() - t0;
  t.diagnostic(`call ended ${took} ms after the caller started; CDR ${JSON.stringify({ endCause: r.cdr.endCause, hangupSide: r.cdr.hangupSide, billableSec: r.cdr.billableSec })}`);
  assert.equal(r.caller.stats.successful, 1, 'the caller got BYE from the PBX');
  assert.equal(r.callee.stats.successful, 1, 'the callee got BYE from the PBX');
  assert.ok(took >= 5000, `ended after ${took} ms, not before the 5 s timeout`);
  assert.equal(r.cdr.disposition, 'answered');
  assert.equal(r.cdr.endCause, 'media-timeout');
  assert.equal(r.cdr.hangupSide, 'system');
});
