// Interop: sipp callers and callees against the real PBX process. Each call test
// registers the callee's sipp UAS as an extension, dials it from another extension
// that must answer the PBX's 407 challenge, and checks the CDR the PBX wrote.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { buildToneRtpPcap } from '../src/pcap.ts';
import { startRtpCounter } from '../src/rtp-counter.ts';
import { freePort, freeUdpPorts } from '../src/ports.ts';
import { runSipp, scenario, startSipp, waitForUdpBound, type SippOptions } from '../src/sipp.ts';
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

/** Registers `ext` with its Contact on `contactPort`, as a desk phone would. */
async function register(ext: { number: string; secret: string }, contactPort: number, extra: Partial<SippOptions> = {}) {
  return runSipp({
    scenarioFile: scenario('register'), remote: target(), service: ext.number,
    auth: { username: ext.number, password: ext.secret }, vars: { contact_port: contactPort, expires: 300 },
    timeoutSec: 10, ...extra,
  });
}

/** The CDR of the latest call from CALLER to CALLEE started after `since`. */
async function cdrAfter(since: number) {
  return eventually(async () => {
    const rows = await pbx.cdr();
    return rows.filter((r) => r.caller === CALLER.number && r.callee === CALLEE.number && r.startedAt >= since).at(-1);
  }, 8000, 'the CDR of the call');
}

/** One call: the callee's UAS scenario registered and listening, then the caller's UAC scenario. */
async function call(uac: string, uas: string, media: boolean) {
  const uasPort = await freePort();
  const [uacRtp, uasRtp] = await freeUdpPorts(2);
  const callerRtp = media ? await startRtpCounter(uacRtp) : undefined;
  const calleeRtp = media ? await startRtpCounter(uasRtp) : undefined;
  const since = Date.now() - 1000;
  try {
    const callee = startSipp({
      scenarioFile: scenario(uas), localPort: uasPort, service: CALLEE.number, timeoutSec: 25,
      vars: uas.startsWith('uas-answer') ? { rtp_port: uasRtp } : {}, files: { 'tone.pcap': pcap },
    });
    await waitForUdpBound(uasPort);
    await register(CALLEE, uasPort);
    const caller = await runSipp({
      scenarioFile: scenario(uac), remote: target(), service: CALLEE.number, timeoutSec: 25, localPort: await freePort(),
      auth: { username: CALLER.number, password: CALLER.secret }, authUri: `${CALLEE.number}@${target()}`,
      vars: { caller: CALLER.number, rtp_port: uacRtp }, files: { 'tone.pcap': pcap },
    });
    const calleeResult = await callee.done;
    return { caller, callee: calleeResult, callerRtp: callerRtp?.counts(), calleeRtp: calleeRtp?.counts(), cdr: await cdrAfter(since) };
  } finally {
    // Remove the binding (Expires: 0, RFC 3261 §10.2.2): a later test's sipp may get
    // this port, and the PBX would fork the next call to it.
    await register(CALLEE, uasPort, { vars: { contact_port: uasPort, expires: 0 }, allowFailure: true });
    await callerRtp?.stop();
    await calleeRtp?.stop();
  }
}

test('REGISTER with the right digest password gets 200', async () => {
  const r = await register(CALLER, 5098);
  assert.equal(r.stats.successful, 1);
  await register(CALLER, 5098, { vars: { contact_port: 5098, expires: 0 } });
});

test('REGISTER with a wrong digest password is refused with 401 or 403', async () => {
  const r = await runSipp({
    scenarioFile: scenario('register-refused'), remote: target(), service: CALLER.number,
    auth: { username: CALLER.number, password: 'not-the-secret' }, vars: { contact_port: 5098, expires: 300 }, timeoutSec: 10,
  });
  assert.equal(r.stats.successful, 1);
});

test('an answered call carries G.711 audio both ways, and the caller BYE gives an answered CDR', async () => {
  const r = await call('uac-call', 'uas-answer', true);
  assert.equal(r.caller.stats.successful, 1);
  assert.equal(r.callee.stats.successful, 1);
  assert.ok(r.callerRtp!.pcmu >= 50, `caller received ${r.callerRtp!.pcmu} PCMU packets through the PBX`);
  assert.ok(r.calleeRtp!.pcmu >= 50, `callee received ${r.calleeRtp!.pcmu} PCMU packets through the PBX`);
  assert.ok(r.callerRtp!.audible >= 50 && r.calleeRtp!.audible >= 50, 'the relayed payload is the tone, not silence');
  assert.equal(r.cdr.disposition, 'answered');
  assert.equal(r.cdr.hangupSide, 'caller');
});

test('a callee BYE ends the call and the CDR says the callee hung up', async () => {
  const r = await call('uac-call-callee-bye', 'uas-answer-hangup', false);
  assert.equal(r.caller.stats.successful, 1);
  assert.equal(r.callee.stats.successful, 1);
  assert.equal(r.cdr.disposition, 'answered');
  assert.equal(r.cdr.hangupSide, 'callee');
});

test('a busy callee (486) gives the caller 486 and a busy CDR', async () => {
  const r = await call('uac-busy', 'uas-busy', false);
  assert.equal(r.caller.stats.successful, 1);
  assert.equal(r.cdr.disposition, 'busy');
  assert.equal(r.cdr.sipCode, 486);
});

test('a callee that never answers is cancelled by the PBX no-answer timeout, caller gets 480 or 408', async () => {
  const r = await call('uac-no-answer', 'uas-ring', false);
  assert.equal(r.caller.stats.successful, 1);
  assert.equal(r.callee.stats.successful, 1, 'the callee leg received CANCEL and answered 487');
  assert.equal(r.cdr.disposition, 'no-answer');
  assert.ok([408, 480].includes(r.cdr.sipCode), `CDR sipCode ${r.cdr.sipCode}`);
});

test('a caller CANCEL before answer gives 487 on both legs and a cancelled CDR', async () => {
  const r = await call('uac-cancel', 'uas-ring', false);
  assert.equal(r.caller.stats.successful, 1);
  assert.equal(r.callee.stats.successful, 1);
  assert.equal(r.cdr.disposition, 'cancelled');
  assert.equal(r.cdr.hangupSide, 'caller');
});

test('an unauthenticated INVITE from an untrusted source gets 407 and never reaches the callee', async () => {
  const uasPort = await freePort();
  const callee = startSipp({ scenarioFile: scenario('uas-busy'), localPort: uasPort, service: CALLEE.number, timeoutSec: 4, allowFailure: true });
  await waitForUdpBound(uasPort);
  await register(CALLEE, uasPort);
  const r = await runSipp({
    scenarioFile: scenario('uac-invite-unauthenticated'), remote: target(), service: CALLEE.number,
    vars: { caller: CALLER.number, rtp_port: 4000 }, timeoutSec: 10,
  });
  assert.equal(r.stats.successful, 1, 'the caller saw 407');
  const c = await callee.done;
  await register(CALLEE, uasPort, { vars: { contact_port: uasPort, expires: 0 }, allowFailure: true });
  assert.equal(c.stats.incoming, 0, 'the callee never saw an INVITE');
});

test('garbage datagrams and a 70 KB datagram do not stop the PBX from answering REGISTER', async () => {
  const sock = createSocket('udp4');
  const send = (b: Buffer) => new Promise<void>((res) => sock.send(b, pbx.sipPort, '127.0.0.1', () => res()));
  for (let i = 0; i < 500; i++) {
    const len = 1 + ((i * 7919) % 1400);
    const b = Buffer.alloc(len);
    for (let j = 0; j < len; j++) b[j] = (i * 31 + j * 17) & 0xff;
    await send(b);
  }
  await send(Buffer.from('INVITE sip:x SIP/2.0\r\nVia: garbage\r\n\r\n'));
  await new Promise<void>((res) => sock.send(Buffer.alloc(65_507, 0x41), pbx.sipPort, '127.0.0.1', () => res()));
  sock.close();
  const r = await register(CALLER, 5098);
  assert.equal(r.stats.successful, 1);
  assert.ok(await pbx.status(), 'control API still answers');
});
