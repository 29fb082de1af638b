// Interop over SIP/TCP (RFC 3261 §18): the answered-call flow of pbx-sipp.test.ts with
// every SIP message on TCP — the callee's REGISTER, the caller's INVITE/ACK/BYE and the
// PBX's INVITE to the callee, which it opens towards the Contact's listening port
// (the no-NAT rule of docs/sip.md). RTP stays on UDP, counted as in the UDP test.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildToneRtpPcap } from '../src/pcap.ts';
import { startRtpCounter } from '../src/rtp-counter.ts';
import { freePort, freeUdpPorts } from '../src/ports.ts';
import { runSipp, scenario, startSipp, waitForTcpListening, type SippOptions } from '../src/sipp.ts';
import { eventually, startPbx, type HilPbx } from '../src/pbx.ts';

const CALLER = { number: '1001', secret: 'caller-secret-1001' };
const CALLEE = { number: '1002', secret: 'callee-secret-1002' };
const pcap = buildToneRtpPcap({ durationMs: 2000 });
let pbx: HilPbx;

before(async () => {
  pbx = await startPbx({ extensions: [CALLER, CALLEE], noAnswerTimeoutSec: 5, authFailureLimit: 50 });
});
after(async () => {
  await pbx?.stop();
});

function target(): string {
  return `127.0.0.1:${pbx.sipPort}`;
}

/** Registers `ext` over TCP with its Contact on `contactPort` (`;transport=TCP`). */
async function register(ext: { number: string; secret: string }, contactPort: number, extra: Partial<SippOptions> = {}) {
  return runSipp({
    scenarioFile: scenario('register'), remote: target(), service: ext.number, transport: 't1',
    auth: { username: ext.number, password: ext.secret }, vars: { contact_port: contactPort, expires: 300 },
    timeoutSec: 10, ...extra,
  });
}

test('REGISTER over TCP with the right digest password gets 200, and the PBX keeps a TCP binding', async () => {
  const contactPort = await freePort();
  const r = await register(CALLEE, contactPort);
  assert.equal(r.stats.successful, 1);
  try {
    const s = (await pbx.status()) as { registrations?: Array<{ extension: string; transport: string; contact: string }> };
    const mine = (s.registrations ?? []).filter((x) => x.extension === CALLEE.number);
    assert.equal(mine.length, 1, JSON.stringify(s.registrations));
    assert.equal(mine[0].transport, 'tcp');
    assert.match(mine[0].contact, new RegExp(`:${contactPort};transport=tcp`, 'i'));
  } finally {
    await register(CALLEE, contactPort, { vars: { contact_port: contactPort, expires: 0 } });
  }
});

test('an answered call over TCP carries G.711 audio both ways, and the caller BYE gives an answered CDR', async () => {
  const uasPort = await freePort();
  const [uacRtp, uasRtp] = await freeUdpPorts(2);
  const callerRtp = await startRtpCounter(uacRtp);
  const calleeRtp = await startRtpCounter(uasRtp);
  const since = Date.now() - 1000;
  try {
    const callee = startSipp({
      scenarioFile: scenario('uas-answer'), localPort: uasPort, service: CALLEE.number, transport: 't1', timeoutSec: 25,
      vars: { rtp_port: uasRtp }, files: { 'tone.pcap': pcap },
    });
    await waitForTcpListening(uasPort);
    await register(CALLEE, uasPort);
    const caller = await runSipp({
      scenarioFile: scenario('uac-call'), remote: target(), service: CALLEE.number, transport: 't1', timeoutSec: 25,
      localPort: await freePort(),
      auth: { username: CALLER.number, password: CALLER.secret }, authUri: `${CALLEE.number}@${target()}`,
      vars: { caller: CALLER.number, rtp_port: uacRtp }, files: { 'tone.pcap': pcap },
    });
    const calleeResult = await callee.done;
    assert.equal(caller.stats.successful, 1);
    // sipp -t t1 has no UDP SIP socket: the callee's INVITE and BYE can only have come over TCP.
    assert.equal(calleeResult.stats.successful, 1);
    const up = callerRtp.counts();
    const down = calleeRtp.counts();
    assert.ok(up.pcmu >= 50, `caller received ${up.pcmu} PCMU packets`);
    assert.ok(down.pcmu >= 50, `callee received ${down.pcmu} PCMU packets`);
    assert.ok(up.audible >= 50 && down.audible >= 50, 'the payload is the tone, not silence');

    const cdr = await eventually(async () => {
      const rows = await pbx.cdr();
      return rows.filter((r) => r.caller === CALLER.number && r.callee === CALLEE.number && r.startedAt >= since).at(-1);
    }, 8000, 'the CDR of the call');
    assert.equal(cdr.disposition, 'answered');
    assert.equal(cdr.caller, CALLER.number);
    assert.equal(cdr.callee, CALLEE.number);
    assert.equal(cdr.hangupSide, 'caller');
    assert.equal(cdr.sipCode, 200);
  } finally {
    // Remove the binding (Expires: 0, RFC 3261 §10.2.2) so no later call forks to this port.
    await register(CALLEE, uasPort, { vars: { contact_port: uasPort, expires: 0 }, allowFailure: true });
    await callerRtp.stop();
    await calleeRtp.stop();
  }
});
