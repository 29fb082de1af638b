// FXS hook-flash transfer end to end: the real PBX process, the real analog gateway on
// the DAHDI simulator card, and two sipp phones. The analog phone (2001) calls A (1001),
// flashes (A is held, second dial tone), dials B (1003), talks to B, hangs up: the gateway
// REFERs the first call with Replaces naming the second, the PBX re-INVITEs B onto A's call,
// and A and B hear each other; B's BYE then reaches A.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildToneRtpPcap } from '../src/pcap.ts';
import { startRtpAnalyzer } from '../src/rtp-analyzer.ts';
import { freePort, freeUdpPorts } from '../src/ports.ts';
import { runSipp, scenario, startSipp, waitForUdpBound } from '../src/sipp.ts';
import { eventually, startPbx, type HilPbx } from '../src/pbx.ts';
import { startAnalog, type HilAnalog } from '../src/analog.ts';

const A = { number: '1001', secret: 'a-secret-1001' };
const B = { number: '1003', secret: 'b-secret-1003' };
const ANALOG_PHONE = { number: '2001', secret: 'analog-phone-secret-2001' };
const FXS = 1;

let pbx: HilPbx;
let analog: HilAnalog;

before(async () => {
  const gatewaySipPort = await freePort();
  pbx = await startPbx({
    extensions: [A, B, ANALOG_PHONE],
    noAnswerTimeoutSec: 15,
    configure: (c) => {
      c.analog = {
        cards: [{ name: 'sim1', driver: 'simulator', ports: [{ port: FXS, kind: 'FXS', extension: ANALOG_PHONE.number }] }],
        lineGroups: [],
        sipPort: gatewaySipPort,
        interDigitTimeoutSec: 2,
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

const target = () => `127.0.0.1:${pbx.sipPort}`;

async function register(ext: { number: string; secret: string }, contactPort: number, expires = 300) {
  return runSipp({
    scenarioFile: scenario('register'), remote: target(), service: ext.number,
    auth: { username: ext.number, password: ext.secret }, vars: { contact_port: contactPort, expires },
    timeoutSec: 10, allowFailure: expires === 0,
  });
}

const portState = async () => (await analog.status()).ports.find((p) => p.port === FXS)?.state;

test('flash, dial, talk, hang up: the analog phone transfers A to B (attended, REFER with Replaces) and A and B hear each other', async () => {
  const [aPort, bPort] = [await freePort(), await freePort()];
  const [aRtp, bRtp] = await freeUdpPorts(2);
  const atA = await startRtpAnalyzer(aRtp);
  const atB = await startRtpAnalyzer(bRtp);
  const since = Date.now() - 1000;
  try {
    const a = startSipp({
      scenarioFile: scenario('uas-media-answer'), localPort: aPort, service: A.number, timeoutSec: 40,
      vars: { rtp_port: aRtp, pt: 8, codec: 'PCMA' }, files: { 'audio.pcap': buildToneRtpPcap({ durationMs: 25_000, law: 'pcma', frequencyHz: 1000 }) },
    });
    const b = startSipp({
      scenarioFile: scenario('uas-answer-reinvited'), localPort: bPort, service: B.number, timeoutSec: 40,
      vars: { rtp_port: bRtp, pt: 8, codec: 'PCMA' }, files: { 'audio.pcap': buildToneRtpPcap({ durationMs: 4000, law: 'pcma', frequencyHz: 1400 }) },
    });
    await waitForUdpBound(aPort);
    await waitForUdpBound(bPort);
    await register(A, aPort);
    await register(B, bPort);

    await analog.sim.offHook(FXS);
    await new Promise((r) => setTimeout(r, 300));
    await analog.sim.dtmf(FXS, A.number);
    await eventually(async () => (await portState()) === 'connected' ? true : undefined, 10_000, 'the phone talking to A');

    await analog.sim.flash(FXS);
    await eventually(async () => (await portState()) === 'consult-dialtone' ? true : undefined, 5000, 'second dial tone');
    await analog.sim.dtmf(FXS, B.number);
    await eventually(async () => (await portState()) === 'consult-connected' ? true : undefined, 10_000, 'the phone talking to B');
    await eventually(async () => (await pbx.status()).activeCalls.filter((c) => c.state === 'answered').length === 2 ? true : undefined, 5000, 'two calls at the PBX');

    await analog.sim.onHook(FXS);
    const aResult = await a.done;
    const bResult = await b.done;
    assert.equal(bResult.code, 0, `B was re-INVITEd and its BYE answered: ${bResult.errors}`);
    assert.equal(aResult.code, 0, `A got B's BYE: ${aResult.errors}`);
    assert.ok(atB.analysis.toneSeconds(1000, 0.7, 500) >= 1.5, `B heard A's 1 kHz (${atB.analysis.toneSeconds(1000, 0.7, 500).toFixed(2)} s)`);
    assert.ok(atA.analysis.toneSeconds(1400, 0.7, 500) >= 1.5, `A heard B's 1.4 kHz (${atA.analysis.toneSeconds(1400, 0.7, 500).toFixed(2)} s)`);
    assert.equal(await portState(), 'idle');

    const rows = await eventually(async () => {
      const r = (await pbx.cdr()).filter((x) => x.startedAt >= since);
      return r.length >= 3 ? r : undefined;
    }, 8000, 'three CDRs');
    const summary = rows.map((r) => `${r.caller}>${r.callee}:${r.endCause ?? ''}`).sort();
    assert.deepEqual(summary, ['1003>1001:', '2001>1001:transferred', '2001>1003:transferred']);
  } finally {
    await register(A, aPort, 0);
    await register(B, bPort, 0);
    await atA.stop();
    await atB.stop();
  }
});

test('hanging up while the consult call still rings transfers blind: the consult is cancelled, the PBX calls B again for A, and A and B hear each other', async () => {
  const [aPort, bPort] = [await freePort(), await freePort()];
  const [aRtp, bRtp] = await freeUdpPorts(2);
  const atA = await startRtpAnalyzer(aRtp);
  const atB = await startRtpAnalyzer(bRtp);
  try {
    const a = startSipp({
      scenarioFile: scenario('uas-media-answer'), localPort: aPort, service: A.number, timeoutSec: 40,
      vars: { rtp_port: aRtp, pt: 8, codec: 'PCMA' }, files: { 'audio.pcap': buildToneRtpPcap({ durationMs: 25_000, law: 'pcma', frequencyHz: 1000 }) },
    });
    const b = startSipp({
      scenarioFile: scenario('uas-ring-cancel-or-answer'), localPort: bPort, service: B.number, timeoutSec: 40, calls: 2,
      vars: { rtp_port: bRtp, pt: 8, codec: 'PCMA' }, files: { 'audio.pcap': buildToneRtpPcap({ durationMs: 4000, law: 'pcma', frequencyHz: 1400 }) },
    });
    await waitForUdpBound(aPort);
    await waitForUdpBound(bPort);
    await register(A, aPort);
    await register(B, bPort);

    await analog.sim.offHook(FXS);
    await new Promise((r) => setTimeout(r, 300));
    await analog.sim.dtmf(FXS, A.number);
    await eventually(async () => (await portState()) === 'connected' ? true : undefined, 10_000, 'the phone talking to A');
    await analog.sim.flash(FXS);
    await eventually(async () => (await portState()) === 'consult-dialtone' ? true : undefined, 5000, 'second dial tone');
    await analog.sim.dtmf(FXS, B.number);
    await eventually(async () => (await portState()) === 'consult-ringback' ? true : undefined, 10_000, 'B ringing');
    await analog.sim.onHook(FXS);

    const bResult = await b.done;
    const aResult = await a.done;
    assert.equal(bResult.code, 0, `B's consult call was cancelled, the PBX's call answered and B's BYE answered: ${bResult.errors}`);
    assert.equal(bResult.stats.successful, 2);
    assert.equal(aResult.code, 0, `A got B's BYE: ${aResult.errors}`);
    assert.ok(atB.analysis.toneSeconds(1000, 0.7, 500) >= 1.5, `B heard A's 1 kHz (${atB.analysis.toneSeconds(1000, 0.7, 500).toFixed(2)} s)`);
    assert.ok(atA.analysis.toneSeconds(1400, 0.7, 500) >= 1.5, `A heard B's 1.4 kHz (${atA.analysis.toneSeconds(1400, 0.7, 500).toFixed(2)} s)`);
  } finally {
    await register(A, aPort, 0);
    await register(B, bPort, 0);
    await atA.stop();
    await atB.stop();
  }
});
