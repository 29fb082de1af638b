// Recording an IVR prompt from a phone (issue 6) against a real PBX process: a sipp phone of an
// admin dials *5142#, waits for the intro and the beep, streams a 1 kHz tone, keys RFC 4733 #
// (sipp's own capture) to end the take and 1 to keep it while it plays back. The stored prompt
// must hold the tone's energy. A phone not listed in ivr.promptRecorders is refused.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALAW_DECODE, goertzelAmplitude, parseWav } from '@hotline/media';
import { SHIPPED_PROMPTS_DIR } from '@hotline/appliance/prompts';
import { freePort, freeUdpPorts } from '../src/ports.ts';
import { buildToneRtpPcap, shiftRtpPcap } from '../src/pcap.ts';
import { runSipp, scenario } from '../src/sipp.ts';
import { startPbx, type HilPbx } from '../src/pbx.ts';

let pbx: HilPbx;

before(async () => {
  pbx = await startPbx({
    extensions: [{ number: '2001', secret: 'secret-2001' }, { number: '2002', secret: 'secret-2002' }],
    configure: (d) => { d.ivr = { language: 'en', promptRecorders: ['2001'] }; },
  });
});
after(async () => { await pbx?.stop(); });

/** Length of a shipped prompt in ms. */
function promptMs(name: string): number {
  const w = parseWav(readFileSync(join(SHIPPED_PROMPTS_DIR, 'en', `${name}.wav`)));
  return (w.dataLength / w.blockAlign / w.sampleRate) * 1000;
}

test('an admin phone records prompt rec-42 with *5142#: beep, tone, # ends, 1 keeps; the stored prompt has the tone at 1 kHz', async () => {
  // Wait out the intro and the beep (recording starts when they end), with room for a loaded machine.
  const introMs = Math.round(promptMs('record-after-beep') + promptMs('beep') + 1200);
  const r = await runSipp({
    scenarioFile: scenario('record-prompt'), remote: `127.0.0.1:${pbx.sipPort}`, service: '*5142%23', localPort: await freePort(),
    auth: { username: '2001', password: 'secret-2001' }, authUri: `*5142%23@127.0.0.1:${pbx.sipPort}`, timeoutSec: 60,
    vars: { caller: '2001', rtp_port: (await freeUdpPorts(1))[0]! }, extraArgs: ['-d', String(introMs)],
    files: {
      'tone.pcap': buildToneRtpPcap({ frequencyHz: 1000, durationMs: 2000, amplitude: 0.5 }),
      'pound.pcap': readFileSync('/usr/share/sip-tester/dtmf_2833_pound.pcap'),
      // After the # in RTP time, as a phone would send it (the sample starts at an older timestamp).
      'one.pcap': shiftRtpPcap(readFileSync('/usr/share/sip-tester/dtmf_2833_1.pcap'), 0x40000, 0x400),
    },
    allowFailure: true,
  });
  assert.equal(r.stats.successful, 1, `sipp failed; PBX log:\n${pbx.logs().split('\n').filter((l) => /prompt|dtmf|record|warn|error/i.test(l)).slice(-30).join('\n')}`);
  const file = join(pbx.dataDir, 'prompts', 'rec-42.wav');
  assert.ok(existsSync(file), `no ${file}; PBX log:\n${pbx.logs().slice(-3000)}`);
  const wav = parseWav(readFileSync(file));
  assert.deepEqual([wav.encoding, wav.sampleRate, wav.channels], ['alaw', 8000, 1]);
  const seconds = wav.dataLength / 8000;
  assert.ok(seconds > 1 && seconds < 3.5, `take of ${seconds} s (2 s of tone sent)`);
  const samples = Int16Array.from(wav.data, (b) => ALAW_DECODE[b]!);
  const at1k = goertzelAmplitude(samples, 1000, 8000) / 32768;
  const at500 = goertzelAmplitude(samples, 500, 8000) / 32768;
  // The tone is 0.5 of full scale for 2 s of the take; silence around it lowers the average.
  assert.ok(at1k > 0.2, `1 kHz amplitude ${at1k.toFixed(3)}`);
  assert.ok(at500 < at1k / 20, `500 Hz ${at500.toFixed(4)} vs 1 kHz ${at1k.toFixed(3)}`);
  assert.deepEqual(readdirSync(join(pbx.dataDir, 'prompts')).filter((f) => f.startsWith('.take')), [], 'no take left behind');
  assert.match(pbx.logs(), /prompt recorded from a phone/);
});

test('a phone not listed in ivr.promptRecorders hears the failure prompt and nothing is recorded', async () => {
  const r = await runSipp({
    scenarioFile: scenario('feature-code'), remote: `127.0.0.1:${pbx.sipPort}`, service: '*5143%23', localPort: await freePort(),
    auth: { username: '2002', password: 'secret-2002' }, authUri: `*5143%23@127.0.0.1:${pbx.sipPort}`, timeoutSec: 30,
    vars: { caller: '2002', rtp_port: (await freeUdpPorts(1))[0]! },
  });
  assert.equal(r.stats.successful, 1, 'answered, then hung up by the PBX');
  assert.equal(existsSync(join(pbx.dataDir, 'prompts', 'rec-43.wav')), false);
  assert.match(pbx.logs(), /prompt recording refused/);
});
