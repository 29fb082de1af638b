// A call from the PSTN through the analog gateway is recorded with its line group as trunk
// (issue 7): the real PBX, the real gateway on the DAHDI simulator card, the real recorder, and
// sipp as the SIP phone that answers. The policy records the line group `analog:pstn` always
// (default never), so the recording is there because of the trunk policy alone.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ALAW_ENCODE, encodeCallerId, renderFskCallerId } from '@hotline/media';
import { buildToneRtpPcap } from '../src/pcap.ts';
import { freePort, freeUdpPorts } from '../src/ports.ts';
import { runSipp, scenario, startSipp, waitForUdpBound } from '../src/sipp.ts';
import { eventually, startPbx, type HilPbx } from '../src/pbx.ts';
import { startAnalog, type HilAnalog } from '../src/analog.ts';
import { startRecorder, type HilRecorder } from '../src/recorder.ts';
import { until } from '../src/siprec-client.ts';
import { soxChannelRms, soxChannels } from '../src/sox.ts';

const SIP_PHONE = { number: '1001', secret: 'sip-phone-secret-1001' };
const FXO = 1;
const DID = '95598';
const PSTN_CALLER = '13800138000';

let rec: HilRecorder;
let pbx: HilPbx;
let analog: HilAnalog;

before(async () => {
  rec = await startRecorder();
  const gatewaySipPort = await freePort();
  pbx = await startPbx({
    extensions: [SIP_PHONE],
    configure: (c) => {
      c.analog = {
        cards: [{ name: 'sim1', driver: 'simulator', ports: [{ port: FXO, kind: 'FXO', group: 'pstn', did: DID }] }],
        lineGroups: [{ name: 'pstn' }], sipPort: gatewaySipPort, interDigitTimeoutSec: 2,
      } as typeof c.analog;
      c.routes = { inbound: [{ name: 'hotline', did: DID, destination: { kind: 'extension', number: SIP_PHONE.number } }] } as typeof c.routes;
      c.recording = { recorder: { host: '127.0.0.1', port: rec.sipPort }, default: 'never', trunks: { 'analog:pstn': 'always' } };
    },
  });
  analog = await startAnalog(pbx);
});
after(async () => {
  await analog?.stop();
  await pbx?.stop();
  await rec?.stop();
});

test('a PSTN call on an FXO line (line group pstn, policy always) is recorded inbound with trunk analog:pstn and the caller ID as the caller', async () => {
  const uasPort = await freePort();
  const [uasRtp] = await freeUdpPorts(1);
  const phone = startSipp({
    scenarioFile: scenario('uas-answer-hangup'), localPort: uasPort, service: SIP_PHONE.number, timeoutSec: 30,
    vars: { rtp_port: uasRtp! }, files: { 'tone.pcap': buildToneRtpPcap({ durationMs: 2000 }) },
  });
  await waitForUdpBound(uasPort);
  await runSipp({ scenarioFile: scenario('register'), remote: `127.0.0.1:${pbx.sipPort}`, service: SIP_PHONE.number, auth: { username: SIP_PHONE.number, password: SIP_PHONE.secret }, vars: { contact_port: uasPort, expires: 300 }, timeoutSec: 10 });
  const cid = renderFskCallerId(encodeCallerId({ number: PSTN_CALLER, time: { month: 11, day: 30, hour: 9, minute: 0 } }, 'mdmf'));
  await analog.sim.ring(FXO, Uint8Array.from(cid, (s) => ALAW_ENCODE[s & 0xffff]!));
  await new Promise((r) => setTimeout(r, 2000));
  await analog.sim.ring(FXO);
  const result = await phone.done;
  assert.equal(result.code, 0, `sipp phone: ${result.errors}`);
  const row = await until('the FXO call\'s recording', () => rec.recordings().find((r) => r.state === 'closed'), 20_000);
  assert.deepEqual([row.direction, row.trunk], ['inbound', 'analog:pstn']);
  assert.deepEqual(row.parties.map((p) => [p.role, p.aor?.replace(/@.*/, '')]), [['caller', `sip:${PSTN_CALLER}`], ['callee', `sip:${SIP_PHONE.number}`]]);
  const file = join(rec.recordingsDir, row.path);
  assert.equal(soxChannels(file), 2);
  assert.ok(soxChannelRms(file, 2) > 0.2, 'the SIP phone\'s 1 kHz tone is on the callee channel');
  assert.equal((await pbx.cdr()).at(-1)!.trunk, 'analog:pstn');
  await eventually(async () => ((await pbx.status()).activeCalls.length === 0 ? true : undefined), 5000, 'the call gone');
});
