// A recorded call transferred (issue 7): A (1001) calls B (1002), recorded; B blind-transfers
// A to C (1003) by REFER. The PBX re-INVITEs the recorder with the next Hotline segment and C
// as the new participant, so the real recorder closes the first file and opens a second one
// linked to it by previous_id. Checked with sox: A's 1 kHz tone on channel 1 of both files,
// nothing from B (its sipp phone sends no audio) on channel 2 of the first, C's 440 Hz tone on
// channel 2 of the second.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { buildToneRtpPcap } from '../src/pcap.ts';
import { freePort, freeUdpPorts } from '../src/ports.ts';
import { runSipp, scenario, startSipp, waitForUdpBound } from '../src/sipp.ts';
import { startPbx } from '../src/pbx.ts';
import { startRecorder } from '../src/recorder.ts';
import { until } from '../src/siprec-client.ts';
import { soxChannelFrequency, soxChannelRms, soxChannels } from '../src/sox.ts';

const A = { number: '1001', secret: 'a-secret-1001' };
const B = { number: '1002', secret: 'b-secret-1002' };
const C = { number: '1003', secret: 'c-secret-1003' };
const cleanup: Array<() => Promise<void>> = [];
after(async () => { for (const c of cleanup.reverse()) await c(); });

test('blind transfer of a recorded call: two segments linked in the index, the second with C as participant; each file\'s channels carry the right party (sox)', async () => {
  const rec = await startRecorder();
  cleanup.push(() => rec.stop());
  const pbx = await startPbx({
    extensions: [A, B, C], noAnswerTimeoutSec: 10, authFailureLimit: 50,
    configure: (draft) => { draft.recording = { recorder: { host: '127.0.0.1', port: rec.sipPort } }; },
  });
  cleanup.push(() => pbx.stop());
  const target = `127.0.0.1:${pbx.sipPort}`;
  const register = (ext: typeof A, port: number) => runSipp({
    scenarioFile: scenario('register'), remote: target, service: ext.number,
    auth: { username: ext.number, password: ext.secret }, vars: { contact_port: port, expires: 300 }, timeoutSec: 10,
  });
  const [aPort, bPort, cPort] = [await freePort(), await freePort(), await freePort()];
  const [aRtp, bRtp, cRtp] = await freeUdpPorts(3);
  const b = startSipp({ scenarioFile: scenario('uas-answer-refer'), localPort: bPort, service: B.number, timeoutSec: 25, vars: { rtp_port: bRtp, target: C.number, pbx: target } });
  const c = startSipp({
    scenarioFile: scenario('uas-answer'), localPort: cPort, service: C.number, timeoutSec: 25, vars: { rtp_port: cRtp },
    files: { 'tone.pcap': buildToneRtpPcap({ frequencyHz: 440, durationMs: 8000, amplitude: 0.25 }) },
  });
  await waitForUdpBound(bPort);
  await waitForUdpBound(cPort);
  await register(B, bPort);
  await register(C, cPort);
  // A plays 8 s of 1 kHz and hangs up 7 s after the answer (B transfers after 1 s).
  const a = await runSipp({
    scenarioFile: scenario('uac-transferee'), remote: target, service: B.number, timeoutSec: 25, localPort: aPort,
    auth: { username: A.number, password: A.secret }, authUri: `${B.number}@${target}`,
    vars: { caller: A.number, rtp_port: aRtp }, files: { 'tone.pcap': buildToneRtpPcap({ frequencyHz: 1000, durationMs: 8000, amplitude: 0.5 }) },
  });
  assert.equal(a.stats.successful, 1, 'A\'s call went through');
  assert.equal((await b.done).stats.successful, 1, 'B transferred and was released');
  assert.equal((await c.done).stats.successful, 1, 'C answered and got A\'s BYE');

  const rows = await until('two closed segments', () => {
    const r = rec.recordings().filter((x) => x.state === 'closed');
    return r.length >= 2 ? r : undefined;
  }, 15_000);
  assert.equal(rows.length, 2, 'one file per segment');
  const first = rows.find((r) => r.segment === 1)!;
  const second = rows.find((r) => r.segment === 2)!;
  assert.ok(first && second, JSON.stringify(rows.map((r) => [r.id, r.segment, r.previousId])));
  assert.equal(second.previousId, first.id, 'the second segment links to the first');
  assert.equal(second.callId, first.callId, 'one call id across the transfer');
  assert.equal(first.sessionCallId, second.sessionCallId, 'one recording session');
  const who = (r: typeof first) => r.parties.map((p) => [p.label, p.role, p.aor?.replace(/@.*/, '')]);
  assert.deepEqual(who(first), [['1', 'caller', 'sip:1001'], ['2', 'callee', 'sip:1002']]);
  assert.deepEqual(who(second), [['1', 'caller', 'sip:1001'], ['2', 'callee', 'sip:1003']], 'C is the participant of the second segment');

  const f1 = join(rec.recordingsDir, first.path);
  const f2 = join(rec.recordingsDir, second.path);
  assert.equal(soxChannels(f1), 2);
  assert.equal(soxChannels(f2), 2);
  assert.ok(soxChannelRms(f1, 1) > 0.2, `A's tone in segment 1 (rms ${soxChannelRms(f1, 1)})`);
  assert.ok(Math.abs(soxChannelFrequency(f1, 1) - 1000) < 80);
  assert.ok(soxChannelRms(f1, 2) < 0.02, `B sent no audio: channel 2 of segment 1 is quiet (rms ${soxChannelRms(f1, 2)})`);
  assert.ok(soxChannelRms(f2, 1) > 0.2, `A's tone in segment 2 (rms ${soxChannelRms(f2, 1)})`);
  assert.ok(Math.abs(soxChannelFrequency(f2, 1) - 1000) < 80);
  assert.ok(soxChannelRms(f2, 2) > 0.1, `C's tone in segment 2 (rms ${soxChannelRms(f2, 2)})`);
  assert.ok(Math.abs(soxChannelFrequency(f2, 2) - 440) < 40, `C's 440 Hz (${soxChannelFrequency(f2, 2)} Hz)`);
  assert.equal((await pbx.status()).recording?.counters.segments, 1);
});
