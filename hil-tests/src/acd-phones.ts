// sipp peers of the call-center tests (issue 6): agents' desk phones that register and answer,
// and callers coming in on a trunk who key RFC 4733 digit 1 (sipp's own capture) after the answer.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, freeUdpPorts } from './ports.ts';
import { buildToneRtpPcap } from './pcap.ts';
import { runSipp, scenario, startSipp, waitForUdpBound, type SippProcess, type SippResult } from './sipp.ts';

/** RFC 4733 events for digit 1, as sipp ships them. */
export const DTMF_1_PCAP = '/usr/share/sip-tester/dtmf_2833_1.pcap';

/** What an agent's phone sends once answered: 2 s of tone, so a test can tell the bridged audio from music on hold. */
const AGENT_VOICE = buildToneRtpPcap({ durationMs: 2000 });

/** A registered sipp phone answering every INVITE; `invites()` reads when each arrived (sipp's gettimeofday) and from whom. */
export interface AgentPhone {
  sipp: SippProcess;
  invites(): Array<{ at: number; from: string }>;
  /** Stops sipp and unregisters the contact. */
  stop(): Promise<void>;
}

/**
 * Starts a phone for extension `number` (digest `secret`) on the PBX at `sipPort`; it answers `answerMs` after ringing.
 * `media` overrides what it sends once answered (`voice`, a pcap) and where its SDP asks for audio (`rtpPort`, an analyzer's).
 */
export async function agentPhone(sipPort: number, number: string, secret: string, logDir: string, answerMs = 300, media: { rtpPort?: number; voice?: Buffer } = {}): Promise<AgentPhone> {
  const [port, rtp] = [await freePort(), media.rtpPort ?? (await freeUdpPorts(1))[0]!];
  const log = join(logDir, `phone-${number}-${port}.log`);
  const sipp = startSipp({ scenarioFile: scenario('acd-agent'), localPort: port, service: number, calls: 0, timeoutSec: 300, allowFailure: true, vars: { rtp_port: rtp, log }, extraArgs: ['-d', String(answerMs)], files: { 'tone.pcap': media.voice ?? AGENT_VOICE } });
  await waitForUdpBound(port);
  const reg = (expires: number) => runSipp({
    scenarioFile: scenario('register'), remote: `127.0.0.1:${sipPort}`, service: number,
    auth: { username: number, password: secret }, vars: { contact_port: port, expires }, timeoutSec: 10, allowFailure: expires === 0,
  });
  await reg(300);
  return {
    sipp,
    invites: () => (existsSync(log) ? readFileSync(log, 'utf8') : '').split('\n').filter(Boolean).map((l) => {
      const [, sec, usec, from] = l.split(' ');
      return { at: Number(sec) * 1000 + Number(usec) / 1000, from: from ?? '' };
    }),
    stop: async () => { await sipp.stop(); await reg(0); },
  };
}

/**
 * A caller from the trunk whose peer port is `localPort`, dialling `did` as `caller`: digit 1 at
 * 400 ms, hangs up `holdMs` after it. `rtpPort` is where its SDP asks for audio (an RtpCounter's
 * port to check what the caller hears).
 */
export async function trunkCall(sipPort: number, localPort: number, did: string, caller: string, holdMs: number, rtpPort?: number): Promise<SippResult> {
  return runSipp({
    scenarioFile: scenario('acd-caller'), remote: `127.0.0.1:${sipPort}`, service: did, localPort, timeoutSec: 40,
    vars: { caller, rtp_port: rtpPort ?? (await freeUdpPorts(1))[0]! }, files: { 'dtmf.pcap': readFileSync(DTMF_1_PCAP) }, extraArgs: ['-d', String(holdMs)],
  });
}
