// The analog gateway end to end (issue 5): the real PBX process, the real gateway process
// on the DAHDI simulator card, and sipp as the SIP phone. Port 1 is an FXS desk phone
// (extension 2001), port 2 an FXO line (line group `pstn`, DID 95598).
//
// What a phone hears is read back from the simulator (what the gateway played on the port)
// and decoded; what a sipp phone hears is caught by an RTP analyzer on its SDP port.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import {
  ALAW_DECODE, ALAW_ENCODE, DtmfDetector, encodeCallerId, renderFskCallerId,
} from '@hotline/media';
import { DAHDI_ONHOOK } from '@hotline/drivers';
import { buildToneRtpPcap } from '../src/pcap.ts';
import { startRtpAnalyzer, toneEnergyRatio } from '../src/rtp-analyzer.ts';
import { freePort, freeUdpPorts } from '../src/ports.ts';
import { runSipp, scenario, startSipp, waitForUdpBound } from '../src/sipp.ts';
import { REPO_ROOT, eventually, startPbx, type HilPbx } from '../src/pbx.ts';
import { startAnalog, type HilAnalog } from '../src/analog.ts';

const SIP_PHONE = { number: '1001', secret: 'sip-phone-secret-1001' };
const ANALOG_PHONE = { number: '2001', secret: 'analog-phone-secret-2001' };
const FXS = 1;
const FXO = 2;
const DID = '95598';
const PSTN_CALLER = '13800138000';

let pbx: HilPbx;
let analog: HilAnalog;

before(async () => {
  const gatewaySipPort = await freePort();
  pbx = await startPbx({
    extensions: [SIP_PHONE, ANALOG_PHONE],
    configure: (c) => {
      c.analog = {
        cards: [{ name: 'sim1', driver: 'simulator', ports: [{ port: FXS, kind: 'FXS', extension: ANALOG_PHONE.number }, { port: FXO, kind: 'FXO', group: 'pstn', did: DID }] }],
        lineGroups: [{ name: 'pstn' }],
        sipPort: gatewaySipPort,
        interDigitTimeoutSec: 2,
      };
      c.routes = {
        inbound: [{ name: 'hotline', did: DID, destination: { kind: 'extension', number: SIP_PHONE.number } }],
        outbound: [{ name: 'city', patterns: ['_9NXXXXXXX'], strip: 1, trunks: ['pstn'] }],
      };
    },
  });
  analog = await startAnalog(pbx);
  await eventually(async () => {
    const st = await analog.status();
    return st.registrations.find((r) => r.extension === ANALOG_PHONE.number && r.state === 'registered');
  }, 15_000, 'the FXS phone registered at the PBX');
});
after(async () => {
  await analog?.stop();
  await pbx?.stop();
});

function target(): string {
  return `127.0.0.1:${pbx.sipPort}`;
}

async function register(ext: { number: string; secret: string }, contactPort: number, expires = 300) {
  return runSipp({
    scenarioFile: scenario('register'), remote: target(), service: ext.number,
    auth: { username: ext.number, password: ext.secret }, vars: { contact_port: contactPort, expires },
    timeoutSec: 10, allowFailure: expires === 0,
  });
}

/** A-law samples of a sine, `ms` long. */
function alawTone(hz: number, ms: number, amplitude = 8000): Uint8Array {
  const n = (ms * 8000) / 1000;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = ALAW_ENCODE[Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / 8000)) & 0xffff]!;
  return out;
}

function decodeAlaw(a: Uint8Array): Int16Array {
  return Int16Array.from(a, (c) => ALAW_DECODE[c]!);
}

/** Seconds of 20 ms blocks whose energy is mostly at `hz`. */
function toneSeconds(pcm: Int16Array, hz: number, minRatio = 0.7): number {
  let blocks = 0;
  for (let i = 0; i + 160 <= pcm.length; i += 160) if (toneEnergyRatio(pcm, hz, i, i + 160) >= minRatio) blocks++;
  return blocks * 0.02;
}

/** What the gateway played on `channel` over `ms`, drained as it goes. */
async function collectPlayed(channel: number, ms: number): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    parts.push(await analog.sim.played(channel));
    await new Promise((r) => setTimeout(r, 200));
  }
  return Buffer.concat(parts);
}

test('an analog phone on an FXS port calls a SIP phone and they hear each other', async () => {
  const uasPort = await freePort();
  const [uasRtp] = await freeUdpPorts(1);
  const atSipPhone = await startRtpAnalyzer(uasRtp);
  try {
    const callee = startSipp({
      scenarioFile: scenario('uas-media-answer'), localPort: uasPort, service: SIP_PHONE.number, timeoutSec: 30,
      vars: { rtp_port: uasRtp, pt: 8, codec: 'PCMA' }, files: { 'audio.pcap': buildToneRtpPcap({ durationMs: 3000, law: 'pcma', frequencyHz: 1000 }) },
      traceMsg: true, keepDir: true,
    });
    await waitForUdpBound(uasPort);
    await register(SIP_PHONE, uasPort);

    await analog.sim.offHook(FXS);
    const dialTone = decodeAlaw(await collectPlayed(FXS, 600));
    assert.ok(toneSeconds(dialTone, 450) >= 0.3, 'the phone hears the 450 Hz dial tone (China) after lifting the handset');
    await analog.sim.dtmf(FXS, SIP_PHONE.number);

    await eventually(async () => (await pbx.status()).activeCalls.some((c) => c.state === 'answered') ? true : undefined, 10_000, 'the call answered at the PBX');
    // The phone speaks a 600 Hz tone for 3 s while the SIP phone plays its 1 kHz pcap.
    const [, played] = await Promise.all([analog.sim.audio(FXS, alawTone(600, 3000)), collectPlayed(FXS, 3500)]);
    const heard = decodeAlaw(played);
    assert.ok(toneSeconds(heard, 1000) >= 1.5, `the analog phone heard the SIP phone's 1 kHz tone (${toneSeconds(heard, 1000).toFixed(2)} s)`);
    await eventually(async () => atSipPhone.analysis.toneSeconds(600, 0.7, 500) >= 1.5 ? true : undefined, 5000, 'the SIP phone hearing the analog phone\'s 600 Hz');

    await analog.sim.onHook(FXS);
    const result = await callee.done;
    assert.equal(result.code, 0, `sipp callee: ${result.errors}\n${result.output}`);
    const invite = readFileSync(join(result.dir, 'messages.log'), 'utf8');
    rmSync(result.dir, { recursive: true, force: true });
    assert.match(invite, /From: [^\r\n]*sip:2001@/, 'the callee sees the analog extension as the caller');
  } finally {
    await register(SIP_PHONE, uasPort, 0);
    await atSipPhone.stop();
  }
});

test('a PSTN call on an FXO line with caller ID is routed by its DID to an extension', async () => {
  const uasPort = await freePort();
  const [uasRtp] = await freeUdpPorts(1);
  const rtp = await startRtpAnalyzer(uasRtp);
  try {
    const callee = startSipp({
      scenarioFile: scenario('uas-answer-hangup'), localPort: uasPort, service: SIP_PHONE.number, timeoutSec: 30,
      vars: { rtp_port: uasRtp }, files: { 'tone.pcap': buildToneRtpPcap({ durationMs: 2000 }) }, traceMsg: true, keepDir: true,
    });
    await waitForUdpBound(uasPort);
    await register(SIP_PHONE, uasPort);

    const cid = renderFskCallerId(encodeCallerId({ number: PSTN_CALLER, time: { month: 11, day: 30, hour: 9, minute: 0 } }, 'mdmf'));
    const cidAlaw = Uint8Array.from(cid, (s) => ALAW_ENCODE[s & 0xffff]!);
    await analog.sim.ring(FXO, cidAlaw);
    await new Promise((r) => setTimeout(r, 2000));
    await analog.sim.ring(FXO);
    const result = await callee.done;
    assert.equal(result.code, 0, `sipp callee: ${result.errors}\n${result.output}`);
    const messages = readFileSync(join(result.dir, 'messages.log'), 'utf8');
    rmSync(result.dir, { recursive: true, force: true });
    assert.match(messages, new RegExp(`From: [^\\r\\n]*sip:${PSTN_CALLER}@`), 'the caller ID decoded on the line is the caller');
    // The SIP phone hung up: the gateway releases the line.
    await eventually(async () => (await analog.sim.hook(FXO)) === DAHDI_ONHOOK ? true : undefined, 5000, 'the FXO line back on hook')
      .catch(async (err) => { throw new Error(`${(err as Error).message}: hook ${await analog.sim.hook(FXO)}, ${JSON.stringify(await analog.status())}\n${analog.logs().slice(-3000)}`); });
  } finally {
    await register(SIP_PHONE, uasPort, 0);
    await rtp.stop();
  }
});

test('an extension dials out through an FXO line group: the line is seized and the number dialled as DTMF', async () => {
  const [uacRtp] = await freeUdpPorts(1);
  const rtp = await startRtpAnalyzer(uacRtp);
  try {
    const caller = startSipp({
      scenarioFile: scenario('uac-call'), remote: target(), service: '963335555', timeoutSec: 30, localPort: await freePort(),
      auth: { username: SIP_PHONE.number, password: SIP_PHONE.secret }, authUri: `963335555@${target()}`,
      vars: { caller: SIP_PHONE.number, rtp_port: uacRtp }, files: { 'tone.pcap': buildToneRtpPcap({ durationMs: 2000 }) },
    });
    const played = decodeAlaw(await collectPlayed(FXO, 4000));
    const detector = new DtmfDetector();
    const digits = detector.process(played).filter((e) => e.type === 'begin').map((e) => e.digit).join('');
    assert.equal(digits, '63335555', 'the number without the route\'s stripped 9, dialled in-band on the line');
    const result = await caller.done;
    assert.equal(result.code, 0, `sipp caller: ${result.errors}\n${result.output}`);
  } finally {
    await rtp.stop();
  }
});

/** `hotline` (the console CLI) on the test PBX's data directory. */
function hotline(...args: string[]): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'appliance/bin/hotline.mjs'), '--data-dir', pbx.dataDir, ...args], { encoding: 'utf8', cwd: REPO_ROOT });
  return { code: r.status, out: r.stdout + r.stderr };
}

test('an unplugged line is an alarm and a port state; calls to its phone are refused while SIP calls go on', async () => {
  await analog.sim.alarm(1, true);
  try {
    const st = await eventually(async () => {
      const s = await analog.status();
      return s.alarms.some((a) => a.id === 'span-alarm:sim1') ? s : undefined;
    }, 5000, 'the span alarm');
    assert.ok(st.ports.every((p) => p.state === 'alarm'), JSON.stringify(st.ports));
    const cli = JSON.parse(hotline('ports', '--json').out) as { ports: Array<{ state: string }>; alarms: Array<{ id: string; severity: string }> };
    assert.deepEqual(cli.alarms.map((a) => [a.id, a.severity]), [['span-alarm:sim1', 'major']]);

    // The analog phone cannot take the call: the SIP caller hears a refusal, not silence.
    const refused = await runSipp({
      scenarioFile: scenario('uac-unavailable'), remote: target(), service: ANALOG_PHONE.number, timeoutSec: 15, localPort: await freePort(),
      auth: { username: SIP_PHONE.number, password: SIP_PHONE.secret }, authUri: `${ANALOG_PHONE.number}@${target()}`,
      vars: { caller: SIP_PHONE.number, rtp_port: 9 },
    });
    assert.equal(refused.stats.successful, 1, 'the caller got 480 Temporarily Unavailable');
    // The PBX itself keeps registering SIP phones.
    const reg = await register(SIP_PHONE, await freePort());
    assert.equal(reg.stats.successful, 1);
  } finally {
    await analog.sim.alarm(1, false);
  }
  await eventually(async () => ((await analog.status()).alarms.length === 0 ? true : undefined), 5000, 'the alarm cleared');
  assert.ok((await analog.status()).ports.every((p) => p.state === 'idle'));
});

test('a phone left off hook becomes stuck-offhook with an alarm, and clears when hung up', { timeout: 60_000 }, async () => {
  await analog.sim.offHook(FXS);
  try {
    const st = await eventually(async () => {
      const s = await analog.status();
      return s.ports.find((p) => p.port === FXS)?.state === 'stuck-offhook' ? s : undefined;
    }, 40_000, 'the port stuck off hook');
    assert.ok(st.alarms.some((a) => a.id === `port-stuck-offhook:${FXS}` && a.severity === 'minor'), JSON.stringify(st.alarms));
    const table = hotline('ports');
    assert.match(table.out, /stuck-offhook/);
  } finally {
    await analog.sim.onHook(FXS);
  }
  await eventually(async () => ((await analog.status()).ports.find((p) => p.port === FXS)?.state === 'idle' ? true : undefined), 5000, 'the port idle again');
});
