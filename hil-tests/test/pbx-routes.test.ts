// Call routing against real peers (issue 5): sipp extensions dial through outbound routes to
// sipp carriers on SIP trunks (failover, digest to the carrier, strip/prepend on the
// Request-URI), a sipp carrier calls a DID in, an emergency number goes out with no route,
// and sipp plays the analog gateway on its SIP port (FXS phone dialling, FXO call in, a
// line group refusing with 503) — the wire protocol of appliance/src/analog/call-legs.ts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildToneRtpPcap } from '../src/pcap.ts';
import { freePort, freeUdpPorts } from '../src/ports.ts';
import { runSipp, scenario, startSipp, waitForTcpListening, waitForUdpBound, type SippProcess } from '../src/sipp.ts';
import { eventually, startPbx, type HilPbx } from '../src/pbx.ts';

const CALLER = { number: '1001', secret: 'caller-secret-1001' };
const CALLEE = { number: '1002', secret: 'callee-secret-1002' };
/** The extension of the phone on the simulated card's FXS port. */
const FXS = { number: '8001', secret: 'fxs-secret-8001' };
const ACCOUNT = { username: 'acct42', password: 'carrier-secret' };
const DID = '66100001';
/** The phones' audio (uac-call and uas-answer stream it once answered). */
const files = { 'tone.pcap': buildToneRtpPcap({ durationMs: 2000 }) };

let pbx: HilPbx;
let carrier: SippProcess;
let refuser: SippProcess;
let tcpCarrier: SippProcess;
let inboundPort: number;
let refuserPort: number;
let gatewayPort: number;
const logs = mkdtempSync(join(tmpdir(), 'hil-routes-'));
const carrierLog = join(logs, 'carrier.log');
const refuserLog = join(logs, 'refuser.log');
const gatewayLog = join(logs, 'gateway.log');
const tcpLog = join(logs, 'tcp-carrier.log');

/** Lines the carriers appended so far: `<Request-URI user> <From user>` for each answered INVITE. */
const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

before(async () => {
  const [carrierPort, deadPort, carrierRtp] = [await freePort(), await freePort(), (await freeUdpPorts(1))[0]];
  [refuserPort, inboundPort, gatewayPort] = [await freePort(), await freePort(), await freePort()];
  const tcpPort = await freePort();
  // Carriers listen before the PBX starts, so the first OPTIONS keepalive finds them.
  carrier = startSipp({
    scenarioFile: scenario('carrier-uas'), localPort: carrierPort, calls: 0, timeoutSec: 170, allowFailure: true,
    vars: { user: ACCOUNT.username, secret: ACCOUNT.password, log: carrierLog, rtp_port: carrierRtp },
  });
  refuser = startSipp({ scenarioFile: scenario('carrier-refuse-uas'), localPort: refuserPort, calls: 0, timeoutSec: 170, allowFailure: true, vars: { log: refuserLog } });
  tcpCarrier = startSipp({
    scenarioFile: scenario('carrier-uas'), localPort: tcpPort, transport: 't1', calls: 0, timeoutSec: 170, allowFailure: true,
    vars: { user: ACCOUNT.username, secret: ACCOUNT.password, log: tcpLog, rtp_port: carrierRtp + 2 },
  });
  await waitForUdpBound(carrierPort);
  await waitForUdpBound(refuserPort);
  await waitForTcpListening(tcpPort);
  pbx = await startPbx({
    extensions: [CALLER, CALLEE, FXS], noAnswerTimeoutSec: 10, authFailureLimit: 50,
    trunks: [
      { name: 'dead', host: '127.0.0.1', port: deadPort },
      { name: 'refuser', host: '127.0.0.1', port: refuserPort },
      { name: 'carrier', host: '127.0.0.1', port: carrierPort, ...ACCOUNT, register: false },
      { name: 'inbound', host: '127.0.0.1', port: inboundPort },
      { name: 'tcp', host: '127.0.0.1', port: tcpPort, transport: 'tcp', ...ACCOUNT, register: false },
    ],
    configure: (c) => {
      // The PBX only reads this section (no card is opened): it says where the gateway is and who is on FXS.
      c.analog = {
        cards: [{ name: 'sim', driver: 'simulator', ports: [{ port: 1, kind: 'FXS', extension: FXS.number }, { port: 2, kind: 'FXO', group: 'pstn' }] }],
        lineGroups: [{ name: 'pstn' }],
        sipPort: gatewayPort,
      };
      c.routes = {
        inbound: [{ name: 'hotline', did: DID, destination: { kind: 'extension', number: CALLEE.number } }],
        outbound: [
          { name: 'national', patterns: ['_0[1-9]X.'], strip: 1, prepend: '86', trunks: ['dead', 'carrier'] },
          { name: 'mobile', patterns: ['_1[3-9]XXXXXXXXX'], prepend: '0086', trunks: ['refuser', 'carrier'] },
          { name: 'local', patterns: ['_9NXXXXXXX'], strip: 1, trunks: ['pstn', 'carrier'] },
          { name: 'over tcp', patterns: ['_7XXX'], trunks: ['tcp'] },
        ],
      };
    },
  });
  // Keepalives decide the states: the trunk with nobody listening stays down, the sipp carriers come up.
  await eventually(async () => {
    const t = (await pbx.status()).trunks ?? [];
    const state = (n: string) => t.find((x) => x.name === n)?.state;
    return state('carrier') === 'up' && state('refuser') === 'up' && state('tcp') === 'up' ? t : undefined;
  }, 10_000, 'the sipp carriers to be up');
});

after(async () => {
  await pbx?.stop();
  await carrier?.stop();
  await refuser?.stop();
  await tcpCarrier?.stop();
  rmSync(logs, { recursive: true, force: true });
});

/**
 * The extension CALLER dials `number` with sipp, authenticating as today's phones do; the call
 * is answered, lasts 2.5 s and is hung up. `fromGateway`: the FXS phone `caller` dials through
 * the analog gateway instead (sipp on the gateway's port, no credentials).
 */
async function dial(number: string, fromGateway?: { caller: string }) {
  const target = `127.0.0.1:${pbx.sipPort}`;
  const who = fromGateway
    ? { localPort: gatewayPort, vars: { caller: fromGateway.caller }, allowFailure: true }
    : { localPort: await freePort(), auth: { username: CALLER.number, password: CALLER.secret }, authUri: `${number}@${target}`, vars: { caller: CALLER.number } };
  return runSipp({
    scenarioFile: scenario('uac-call'), remote: target, service: number, timeoutSec: 30, ...who,
    vars: { ...who.vars, rtp_port: (await freeUdpPorts(1))[0] }, files,
  });
}

/** Runs `fn` while CALLEE is registered with a sipp UAS that answers; returns that UAS's result. */
async function withCalleeAnswering(fn: () => Promise<void>) {
  const [uasPort, uasRtp] = [await freePort(), (await freeUdpPorts(1))[0]];
  const target = `127.0.0.1:${pbx.sipPort}`;
  const callee = startSipp({ scenarioFile: scenario('uas-answer'), localPort: uasPort, service: CALLEE.number, timeoutSec: 25, vars: { rtp_port: uasRtp }, files });
  await waitForUdpBound(uasPort);
  const reg = (expires: number) => runSipp({
    scenarioFile: scenario('register'), remote: target, service: CALLEE.number,
    auth: { username: CALLEE.number, password: CALLEE.secret }, vars: { contact_port: uasPort, expires }, timeoutSec: 10, allowFailure: expires === 0,
  });
  await reg(300);
  try {
    await fn();
    return await callee.done;
  } finally {
    await callee.stop();
    // Expires: 0, so a later test's sipp that gets this port is not rung.
    await reg(0);
  }
}

/** The CDR of the latest answered call to `callee`. */
async function cdrOf(callee: string) {
  return eventually(async () => (await pbx.cdr()).filter((r) => r.callee === callee && r.disposition === 'answered').at(-1), 8000, `the CDR of the call to ${callee}`);
}

test('a trunk that is down is skipped, and the call connects through the next trunk after its 401 challenge, with strip and prepend applied', async () => {
  const status = await pbx.status();
  assert.equal((status.trunks ?? []).find((t) => t.name === 'dead')?.state, 'down');
  const before = lines(carrierLog).length;
  const r = await dial('02166100000');
  assert.equal(r.stats.successful, 1);
  assert.deepEqual(lines(carrierLog).slice(before), ['862166100000 acct42'], 'Request-URI user stripped of 0 and prefixed with 86; From user = the trunk account');
  assert.equal((await cdrOf('02166100000')).trunk, 'carrier');
});

test('a trunk answering 503 fails over to the next one, which carries the call', async () => {
  const before = lines(carrierLog).length;
  const r = await dial('13912345678');
  assert.equal(r.stats.successful, 1);
  assert.deepEqual(lines(refuserLog).slice(-1), [`sip:008613912345678@127.0.0.1:${refuserPort}`], 'the first trunk was tried and refused');
  assert.deepEqual(lines(carrierLog).slice(before), ['008613912345678 acct42']);
  assert.equal((await cdrOf('13912345678')).trunk, 'carrier');
});

test('an emergency number with no outbound route goes out through a trunk', async () => {
  const before = lines(carrierLog).length;
  const r = await dial('110');
  assert.equal(r.stats.successful, 1);
  assert.deepEqual(lines(carrierLog).slice(before), ['110 acct42']);
});

test('a trunk with transport tcp carries the call over TCP, challenge and all', async () => {
  const r = await dial('7001');
  assert.equal(r.stats.successful, 1);
  assert.deepEqual(lines(tcpLog), ['7001 acct42'], 'the sipp carrier listens on TCP only (-t t1)');
  assert.equal((await cdrOf('7001')).trunk, 'tcp');
});

test('a carrier calling a DID reaches the extension the inbound route names, without digest', async () => {
  const target = `127.0.0.1:${pbx.sipPort}`;
  const got = await withCalleeAnswering(async () => {
    // No auth given: the call must go through without a 407 (uac-call only answers one if it comes).
    const caller = await runSipp({
      scenarioFile: scenario('uac-call'), remote: target, service: DID, localPort: inboundPort, timeoutSec: 25,
      vars: { caller: '13912345678', rtp_port: (await freeUdpPorts(1))[0] }, files,
    });
    assert.equal(caller.stats.successful, 1);
  });
  assert.equal(got.stats.successful, 1, 'the registered extension answered the call');
  const cdr = await cdrOf(CALLEE.number);
  assert.equal(cdr.caller, '13912345678');
  assert.equal(cdr.trunk, 'inbound');
});

test('the analog gateway: an FXO call (;group=) reaches the extension of the inbound route without digest', async () => {
  const target = `127.0.0.1:${pbx.sipPort}`;
  const got = await withCalleeAnswering(async () => {
    const line = await runSipp({
      scenarioFile: scenario('gateway-fxo-call'), remote: target, service: DID, localPort: gatewayPort, timeoutSec: 25,
      vars: { caller: '13800138000', group: 'pstn', rtp_port: (await freeUdpPorts(1))[0] },
    });
    assert.equal(line.stats.successful, 1);
  });
  assert.equal(got.stats.successful, 1);
  const cdr = await eventually(async () => (await pbx.cdr()).filter((r) => r.caller === '13800138000' && r.disposition === 'answered').at(-1), 8000, 'the CDR');
  assert.equal(cdr.trunk, 'analog:pstn');
});

test('the analog gateway: an FXS phone dials out as its extension without digest; an extension on no FXS port gets 403', async () => {
  const before = lines(carrierLog).length;
  const r = await dial('110', { caller: FXS.number });
  assert.equal(r.stats.successful, 1, r.errors);
  assert.deepEqual(lines(carrierLog).slice(before), ['110 acct42']);
  const refused = await dial('110', { caller: CALLER.number });
  assert.equal(refused.stats.successful, 0);
  assert.match(refused.errors, /403 Forbidden/);
  assert.equal(lines(carrierLog).length, before + 1, 'the refused call went nowhere');
});

test('a line group is dialled through the gateway with ;group=, and its 503 (no free line) fails over to the trunk', async () => {
  const gateway = startSipp({ scenarioFile: scenario('carrier-refuse-uas'), localPort: gatewayPort, calls: 0, timeoutSec: 60, allowFailure: true, vars: { log: gatewayLog } });
  await waitForUdpBound(gatewayPort);
  try {
    const before = lines(carrierLog).length;
    const r = await dial('962345678');
    assert.equal(r.stats.successful, 1);
    assert.deepEqual(lines(gatewayLog), [`sip:62345678@127.0.0.1:${gatewayPort};group=pstn`]);
    assert.deepEqual(lines(carrierLog).slice(before), ['62345678 acct42']);
    assert.equal((await cdrOf('962345678')).trunk, 'carrier');
  } finally {
    await gateway.stop();
  }
});
