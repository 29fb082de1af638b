// Proves the sipp scenarios against each other, without the PBX: a UAC scenario and
// the UAS scenario it is written for must complete a call. When a PBX test fails,
// this file tells whether the scenario or the PBX is at fault.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildToneRtpPcap } from '../src/pcap.ts';
import { startRtpCounter } from '../src/rtp-counter.ts';
import { freePort, freeUdpPorts } from '../src/ports.ts';
import { runSipp, scenario, startSipp, waitForUdpBound } from '../src/sipp.ts';

const pcap = buildToneRtpPcap({ durationMs: 2000 });

/** Whether a UAS scenario answers with SDP (and so declares `$rtp_port`). */
function uasHasMedia(name: string): boolean {
  return name.startsWith('uas-answer');
}

/** Runs `uac` against `uas` directly and returns both results. */
async function pair(uac: string, uas: string, rtp = false) {
  const uasPort = await freePort();
  const [uacRtp, uasRtp] = await freeUdpPorts(2);
  const uacCounter = rtp ? await startRtpCounter(uacRtp) : undefined;
  const uasCounter = rtp ? await startRtpCounter(uasRtp) : undefined;
  try {
    const callee = startSipp({
      scenarioFile: scenario(uas), localPort: uasPort, service: '1002', timeoutSec: 20,
      vars: uasHasMedia(uas) ? { rtp_port: uasRtp } : {}, files: { 'tone.pcap': pcap },
    });
    await waitForUdpBound(uasPort);
    const caller = await runSipp({
      scenarioFile: scenario(uac), remote: `127.0.0.1:${uasPort}`, service: '1002', timeoutSec: 20,
      vars: { caller: '1001', rtp_port: uacRtp }, files: { 'tone.pcap': pcap },
    });
    const calleeResult = await callee.done;
    return { caller, callee: calleeResult, uacRtp: uacCounter?.counts(), uasRtp: uasCounter?.counts() };
  } finally {
    await uacCounter?.stop();
    await uasCounter?.stop();
  }
}

test('uac-call and uas-answer complete a call with tone audio received on both sides', async () => {
  const r = await pair('uac-call', 'uas-answer', true);
  assert.equal(r.caller.stats.successful, 1);
  assert.equal(r.callee.stats.successful, 1);
  // 2 s of 20 ms frames is 100 packets; allow for scheduling at the edges.
  assert.ok(r.uacRtp!.pcmu >= 80, `caller received ${r.uacRtp!.pcmu} PCMU packets`);
  assert.ok(r.uasRtp!.pcmu >= 80, `callee received ${r.uasRtp!.pcmu} PCMU packets`);
  assert.ok(r.uacRtp!.audible >= 80 && r.uasRtp!.audible >= 80, 'the received payload is a tone, not silence');
});

test('uac-call-callee-bye and uas-answer-hangup end the call with the callee BYE', async () => {
  const r = await pair('uac-call-callee-bye', 'uas-answer-hangup');
  assert.equal(r.caller.stats.successful, 1);
  assert.equal(r.callee.stats.successful, 1);
});

test('uac-busy receives the 486 that uas-busy sends', async () => {
  const r = await pair('uac-busy', 'uas-busy');
  assert.equal(r.caller.stats.successful, 1);
  assert.equal(r.callee.stats.successful, 1);
});

test('uac-cancel cancels a ringing uas-ring, which answers 200 and 487', async () => {
  const r = await pair('uac-cancel', 'uas-ring');
  assert.equal(r.caller.stats.successful, 1);
  assert.equal(r.callee.stats.successful, 1);
});

test('register succeeds against a registrar that accepts the digest', async () => {
  const port = await freePort();
  const registrar = startSipp({ scenarioFile: scenario('registrar-uas'), localPort: port, vars: { user: '1001', secret: 'right-secret' } });
  await waitForUdpBound(port);
  const r = await runSipp({
    scenarioFile: scenario('register'), remote: `127.0.0.1:${port}`, service: '1001',
    auth: { username: '1001', password: 'right-secret' }, vars: { contact_port: 5099, expires: 60 },
  });
  assert.equal(r.stats.successful, 1);
  assert.equal((await registrar.done).stats.successful, 1);
});

test('register-refused passes when the registrar refuses a wrong digest', async () => {
  const port = await freePort();
  const registrar = startSipp({ scenarioFile: scenario('registrar-uas'), localPort: port, vars: { user: '1001', secret: 'right-secret' } });
  await waitForUdpBound(port);
  const r = await runSipp({
    scenarioFile: scenario('register-refused'), remote: `127.0.0.1:${port}`, service: '1001',
    auth: { username: '1001', password: 'wrong-secret' }, vars: { contact_port: 5099, expires: 60 },
  });
  assert.equal(r.stats.successful, 1);
  await registrar.done;
});
