// One call between two sipp phones through the PBX, each streaming a known tone (a different
// frequency per party), for the recording tests: the callee registers, answers and plays its
// tone; the caller dials, plays its tone and hangs up after `holdMs`.
import assert from 'node:assert/strict';
import { buildToneRtpPcap } from './pcap.ts';
import { freePort, freeUdpPorts } from './ports.ts';
import { runSipp, scenario, startSipp, waitForUdpBound } from './sipp.ts';

/** An extension as the PBX is configured with it. */
export interface ToneCallPhone {
  number: string;
  secret: string;
}

/** What to play: frequencies and amplitudes (0..1 of full scale) per party. */
export interface ToneCallOptions {
  caller: ToneCallPhone;
  callee: ToneCallPhone;
  callerLaw?: 'PCMU' | 'PCMA';
  callerHz?: number;
  calleeHz?: number;
  callerAmplitude?: number;
  calleeAmplitude?: number;
  /** Length of each party's tone. */
  audioMs?: number;
  /** When the caller hangs up after the answer (the scenario's default 2500 ms when unset). */
  holdMs?: number;
}

/** Places the call and resolves when both phones finished it successfully. */
export async function toneCall(pbx: { sipPort: number }, o: ToneCallOptions): Promise<void> {
  const law = o.callerLaw ?? 'PCMU';
  const audioMs = o.audioMs ?? 2000;
  const target = `127.0.0.1:${pbx.sipPort}`;
  const uasPort = await freePort();
  const [uacRtp, uasRtp] = await freeUdpPorts(2);
  const callee = startSipp({
    scenarioFile: scenario('uas-media-answer'), localPort: uasPort, service: o.callee.number, timeoutSec: 20 + Math.ceil((o.holdMs ?? 0) / 1000),
    vars: { rtp_port: uasRtp, pt: 0, codec: 'PCMU' }, files: { 'audio.pcap': buildToneRtpPcap({ frequencyHz: o.calleeHz ?? 440, durationMs: audioMs, amplitude: o.calleeAmplitude ?? 0.25 }) },
  });
  await waitForUdpBound(uasPort);
  await runSipp({ scenarioFile: scenario('register'), remote: target, service: o.callee.number, auth: { username: o.callee.number, password: o.callee.secret }, vars: { contact_port: uasPort, expires: 300 }, timeoutSec: 10 });
  const caller = await runSipp({
    scenarioFile: scenario('uac-media-call'), remote: target, service: o.callee.number, timeoutSec: 20 + Math.ceil((o.holdMs ?? 0) / 1000), localPort: await freePort(),
    auth: { username: o.caller.number, password: o.caller.secret }, authUri: `${o.callee.number}@${target}`,
    vars: { caller: o.caller.number, rtp_port: uacRtp, pt: law === 'PCMU' ? 0 : 8, codec: law, ...(o.holdMs ? { hold_ms: o.holdMs } : {}) },
    files: { 'audio.pcap': buildToneRtpPcap({ frequencyHz: o.callerHz ?? 1000, durationMs: audioMs, amplitude: o.callerAmplitude ?? 0.5, law: law === 'PCMU' ? 'pcmu' : 'pcma' }) },
  });
  assert.equal(caller.stats.successful, 1);
  assert.equal((await callee.done).stats.successful, 1);
}
