// Interop: call transfer by REFER (RFC 3515) against the real PBX process with three sipp
// phones. A (1001) calls B (1002); B REFERs the call to C (1003) blind; the PBX calls C on
// A's behalf, re-bridges A's leg to C, NOTIFYs B and releases it. Audio is checked at both
// far ends: C hears A's tone and A hears C's, through the same relay session.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildToneRtpPcap } from '../src/pcap.ts';
import { startRtpCounter } from '../src/rtp-counter.ts';
import { freePort, freeUdpPorts } from '../src/ports.ts';
import { runSipp, scenario, startSipp, waitForUdpBound, type SippOptions } from '../src/sipp.ts';
import { eventually, startPbx, type HilPbx } from '../src/pbx.ts';

const A = { number: '1001', secret: 'a-secret-1001' };
const B = { number: '1002', secret: 'b-secret-1002' };
const C = { number: '1003', secret: 'c-secret-1003' };
const pcap = buildToneRtpPcap({ durationMs: 8000 });
let pbx: HilPbx;

before(async () => {
  pbx = await startPbx({ extensions: [A, B, C], noAnswerTimeoutSec: 10, authFailureLimit: 50 });
});
after(async () => {
  await pbx?.stop();
});

const target = () => `127.0.0.1:${pbx.sipPort}`;

async function register(ext: { number: string; secret: string }, contactPort: number, extra: Partial<SippOptions> = {}) {
  return runSipp({
    scenarioFile: scenario('register'), remote: target(), service: ext.number,
    auth: { username: ext.number, password: ext.secret }, vars: { contact_port: contactPort, expires: 300 }, timeoutSec: 10, ...extra,
  });
}

test('blind transfer: B REFERs A to C; B gets 202, NOTIFYs ending in 200 and a BYE; A and C hear each other through the PBX; the CDRs show A→B transferred and A→C', async () => {
  const [bPort, cPort, aPort] = [await freePort(), await freePort(), await freePort()];
  const [aRtp, bRtp, cRtp] = await freeUdpPorts(3);
  const aHears = await startRtpCounter(aRtp);
  const cHears = await startRtpCounter(cRtp);
  const since = Date.now() - 1000;
  try {
    const b = startSipp({
      scenarioFile: scenario('uas-answer-refer'), localPort: bPort, service: B.number, timeoutSec: 25,
      vars: { rtp_port: bRtp, target: C.number, pbx: target() }, extraArgs: ['-trace_logs', '-log_file', 'logs.log'], keepDir: true,
    });
    const c = startSipp({ scenarioFile: scenario('uas-answer'), localPort: cPort, service: C.number, timeoutSec: 25, vars: { rtp_port: cRtp }, files: { 'tone.pcap': pcap } });
    await waitForUdpBound(bPort);
    await waitForUdpBound(cPort);
    await register(B, bPort);
    await register(C, cPort);
    const a = await runSipp({
      scenarioFile: scenario('uac-transferee'), remote: target(), service: B.number, timeoutSec: 25, localPort: aPort,
      auth: { username: A.number, password: A.secret }, authUri: `${B.number}@${target()}`,
      vars: { caller: A.number, rtp_port: aRtp }, files: { 'tone.pcap': pcap },
    });
    const bResult = await b.done;
    const cResult = await c.done;
    assert.equal(a.stats.successful, 1, 'A\'s call went through and its BYE was answered');
    assert.equal(bResult.stats.successful, 1, 'B got 202, the NOTIFYs and the BYE');
    assert.equal(cResult.stats.successful, 1, 'C was called, answered, and got A\'s BYE');
    const notifies = readFileSync(join(bResult.dir, 'logs.log'), 'utf8').match(/NOTIFY SIP\/2\.0 \d{3}/g) ?? [];
    assert.equal(notifies[0], 'NOTIFY SIP/2.0 100', 'first NOTIFY: 100 Trying');
    assert.equal(notifies.at(-1), 'NOTIFY SIP/2.0 200', 'last NOTIFY: 200 OK');
    const heardByC = cHears.counts();
    const heardByA = aHears.counts();
    assert.ok(heardByC.audible >= 100, `C heard A's tone through the PBX (${heardByC.audible} audible packets)`);
    assert.ok(heardByA.audible >= 100, `A heard C's tone through the PBX (${heardByA.audible} audible packets)`);
    const rows = await eventually(async () => {
      const r = (await pbx.cdr()).filter((x) => x.startedAt >= since);
      return r.length >= 2 ? r : undefined;
    }, 8000, 'two CDRs');
    const first = rows.find((r) => r.callee === B.number)!;
    const second = rows.find((r) => r.callee === C.number)!;
    assert.equal(first.caller, A.number);
    assert.equal(first.endCause, 'transferred');
    assert.equal(first.hangupSide, 'callee');
    assert.equal(second.caller, A.number);
    assert.equal(second.callId, first.callId, 'one Call-ID for both segments');
    assert.equal(second.disposition, 'answered');
    assert.equal(second.hangupSide, 'caller');
    assert.ok(second.quality && second.quality.b.packetsIn > 100, 'the relay session carried C\'s audio on the leg B had');
  } finally {
    for (const [ext, port] of [[B, bPort], [C, cPort]] as const) await register(ext, port, { vars: { contact_port: port, expires: 0 }, allowFailure: true });
    await aHears.stop();
    await cHears.stop();
  }
});

test('attended transfer: B answers A, calls C itself, then REFERs A with Replaces naming its call to C; the PBX re-INVITEs C onto A\'s call, B\'s two dialogs get BYE, A and C hear each other and C\'s BYE reaches A', async () => {
  const [bPort, cPort, aPort] = [await freePort(), await freePort(), await freePort()];
  const [aRtp, bRtp, cRtp] = await freeUdpPorts(3);
  const aHears = await startRtpCounter(aRtp);
  const cHears = await startRtpCounter(cRtp);
  const since = Date.now() - 1000;
  try {
    const b = startSipp({
      scenarioFile: scenario('uas-answer-consult-refer'), localPort: bPort, service: B.number, timeoutSec: 25,
      auth: { username: B.number, password: B.secret }, authUri: `${C.number}@${target()}`,
      vars: { rtp_port: bRtp, target: C.number, pbx: target() }, extraArgs: ['-trace_logs', '-log_file', 'logs.log'], keepDir: true,
    });
    const c = startSipp({
      scenarioFile: scenario('uas-answer-reinvited'), localPort: cPort, service: C.number, timeoutSec: 25,
      vars: { rtp_port: cRtp, pt: 0, codec: 'PCMU' }, files: { 'audio.pcap': buildToneRtpPcap({ durationMs: 4000 }) },
    });
    await waitForUdpBound(bPort);
    await waitForUdpBound(cPort);
    await register(B, bPort);
    await register(C, cPort);
    const a = await runSipp({
      scenarioFile: scenario('uac-call-await-bye'), remote: target(), service: B.number, timeoutSec: 25, localPort: aPort,
      auth: { username: A.number, password: A.secret }, authUri: `${B.number}@${target()}`,
      vars: { caller: A.number, rtp_port: aRtp }, files: { 'tone.pcap': pcap },
    });
    const bResult = await b.done;
    const cResult = await c.done;
    assert.equal(a.stats.successful, 1, 'A\'s call ended with C\'s BYE');
    assert.equal(bResult.stats.successful, 1, 'B got 202, the NOTIFYs and a BYE on each dialog');
    assert.equal(cResult.stats.successful, 1, 'C was re-INVITEd and its BYE answered');
    const notifies = readFileSync(join(bResult.dir, 'logs.log'), 'utf8').match(/NOTIFY SIP\/2\.0 \d{3}/g) ?? [];
    assert.equal(notifies.at(-1), 'NOTIFY SIP/2.0 200');
    assert.ok(cHears.counts().audible >= 50, `C heard A's tone (${cHears.counts().audible} audible packets)`);
    assert.ok(aHears.counts().audible >= 50, `A heard C's tone (${aHears.counts().audible} audible packets)`);
    const rows = await eventually(async () => {
      const r = (await pbx.cdr()).filter((x) => x.startedAt >= since);
      return r.length >= 3 ? r : undefined;
    }, 8000, 'three CDRs');
    assert.deepEqual(rows.map((r) => `${r.caller}>${r.callee}:${r.endCause ?? ''}`).sort(), ['1001>1002:transferred', '1001>1003:', '1002>1003:transferred']);
  } finally {
    for (const [ext, port] of [[B, bPort], [C, cPort]] as const) await register(ext, port, { vars: { contact_port: port, expires: 0 }, allowFailure: true });
    await aHears.stop();
    await cHears.stop();
  }
});
