// Voicemail (issue 6) against a real PBX process: a sipp phone dials an IVR menu by its number,
// lets the menu time out into voicemail box 800 (the menu's fail destination), hears the
// greeting and the beep, streams a 1 kHz tone and keys RFC 4733 # (sipp's own capture). A row
// must be written with the message's WAV, which sox must find the tone in. A caller who hangs up
// 0.3 s into the message leaves nothing. A queue with nobody logged in overflows to box 801.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseWav } from '@hotline/media';
import { SHIPPED_PROMPTS_DIR } from '@hotline/appliance/prompts';
import { openRecords, VoicemailStore, type StoredVoicemailMessage } from '@hotline/appliance/records';
import { freePort, freeUdpPorts } from '../src/ports.ts';
import { buildToneRtpPcap } from '../src/pcap.ts';
import { runSipp, scenario } from '../src/sipp.ts';
import { startPbx, type HilPbx } from '../src/pbx.ts';

let pbx: HilPbx;
const MENU_TIMEOUT_SEC = 1;

before(async () => {
  pbx = await startPbx({
    extensions: [{ number: '2001', secret: 'secret-2001' }],
    configure: (d) => {
      d.voicemail = { boxes: [{ box: '800', name: 'After hours', maxMessageSec: 30 }, { box: '801', name: 'Queue overflow', maxMessageSec: 30 }] };
      // No agent is ever logged in: a caller of this queue overflows to box 801 on joining.
      d.acd = { queues: [{ name: 'night-desk', number: '7100', joinEmpty: 'if-logged-in', overflow: { kind: 'voicemail', box: '801' } }] };
      d.ivr = {
        language: 'en',
        menus: [{
          name: 'night', number: '7000', prompt: 'beep', timeoutSec: MENU_TIMEOUT_SEC, maxRetries: 0,
          options: [{ digit: '0', destination: { kind: 'extension', number: '2001' } }],
          failDestination: { kind: 'voicemail', box: '800' },
        }],
      };
    },
  });
});
after(async () => { await pbx?.stop(); });

/** Length of a shipped prompt in ms. */
function promptMs(name: string): number {
  const w = parseWav(readFileSync(join(SHIPPED_PROMPTS_DIR, 'en', `${name}.wav`)));
  return (w.dataLength / w.blockAlign / w.sampleRate) * 1000;
}

/** The menu's beep, its timeout, the greeting and the beep: recording starts after them (plus room for a loaded machine). */
const untilRecordingMs = () => Math.round(promptMs('beep') + MENU_TIMEOUT_SEC * 1000 + promptMs('voicemail-greeting') + promptMs('beep') + 1200);

function messages(box = '800'): StoredVoicemailMessage[] {
  const db = openRecords(join(pbx.dataDir, 'records.db'));
  try { return new VoicemailStore(db).list(box); } finally { db.close(); }
}

/** RMS amplitude of the file after a band-pass around `hz` (sox stat prints to stderr). */
function bandRms(file: string, hz: number): number {
  const r = spawnSync('sox', [file, '-n', 'sinc', `${hz - 50}-${hz + 50}`, 'stat'], { encoding: 'utf8' });
  const err = r.stderr;
  const m = /RMS\s+amplitude:\s+([0-9.]+)/.exec(err);
  assert.ok(m, `sox stat output:\n${err}`);
  return Number(m[1]);
}

const logTail = () => pbx.logs().split('\n').filter((l) => /voicemail|ivr|dtmf|warn|error/i.test(l)).slice(-30).join('\n');

test('a caller sent by the IVR to box 800 leaves a message: greeting, beep, 1 kHz tone, # ends; the row and the WAV (sox finds the tone) exist', async () => {
  const r = await runSipp({
    scenarioFile: scenario('voicemail-caller'), remote: `127.0.0.1:${pbx.sipPort}`, service: '7000', localPort: await freePort(),
    auth: { username: '2001', password: 'secret-2001' }, authUri: `7000@127.0.0.1:${pbx.sipPort}`, timeoutSec: 60,
    vars: { caller: '2001', rtp_port: (await freeUdpPorts(1))[0]! }, extraArgs: ['-d', String(untilRecordingMs())],
    files: {
      'tone.pcap': buildToneRtpPcap({ frequencyHz: 1000, durationMs: 2000, amplitude: 0.5 }),
      'pound.pcap': readFileSync('/usr/share/sip-tester/dtmf_2833_pound.pcap'),
    },
    allowFailure: true,
  });
  assert.equal(r.stats.successful, 1, `sipp failed; PBX log:\n${logTail()}`);
  const rows = messages();
  assert.equal(rows.length, 1, `one message expected; PBX log:\n${logTail()}`);
  const m = rows[0]!;
  assert.equal(m.caller, '2001');
  assert.equal(m.heard, false);
  assert.equal(m.digits, '', 'the menu timed out: no key on the way');
  assert.ok(m.durationMs > 1000 && m.durationMs < 4500, `message of ${m.durationMs} ms (2 s of tone sent)`);
  const file = join(pbx.dataDir, 'voicemail', m.path);
  assert.ok(existsSync(file), file);
  const wav = parseWav(readFileSync(file));
  assert.deepEqual([wav.encoding, wav.sampleRate, wav.channels], ['alaw', 8000, 1]);
  assert.equal(Math.round(wav.dataLength / 8), m.durationMs);
  const at1k = bandRms(file, 1000);
  const at500 = bandRms(file, 500);
  // The tone is 0.5 of full scale (RMS 0.35) for 2 s of the message; silence around it lowers the average.
  assert.ok(at1k > 0.15, `1 kHz band RMS ${at1k}`);
  assert.ok(at500 < at1k / 20, `500 Hz band RMS ${at500} vs 1 kHz ${at1k}`);
  assert.deepEqual(readdirSync(join(pbx.dataDir, 'voicemail', '800')).filter((f) => f.startsWith('.')), [], 'no temporary file left behind');
});

test('a caller who hangs up 0.3 s into the message leaves no row and no file', async () => {
  const before = messages().length;
  const filesBefore = readdirSync(join(pbx.dataDir, 'voicemail', '800')).length;
  const r = await runSipp({
    scenarioFile: scenario('voicemail-hangup'), remote: `127.0.0.1:${pbx.sipPort}`, service: '7000', localPort: await freePort(),
    auth: { username: '2001', password: 'secret-2001' }, authUri: `7000@127.0.0.1:${pbx.sipPort}`, timeoutSec: 60,
    vars: { caller: '2001', rtp_port: (await freeUdpPorts(1))[0]! }, extraArgs: ['-d', String(untilRecordingMs())],
    files: { 'tone.pcap': buildToneRtpPcap({ frequencyHz: 1000, durationMs: 2000, amplitude: 0.5 }) },
    allowFailure: true,
  });
  assert.equal(r.stats.successful, 1, `sipp failed; PBX log:\n${logTail()}`);
  // The PBX stores or discards when it sees the BYE; give it a moment on a loaded machine.
  let discarded = false;
  for (let i = 0; i < 50 && !discarded; i++) {
    discarded = /voicemail message too short; discarded/.test(pbx.logs());
    if (!discarded) await new Promise((res) => setTimeout(res, 100));
  }
  assert.ok(discarded, `the PBX never discarded the message; log:\n${logTail()}`);
  assert.equal(messages().length, before);
  assert.equal(readdirSync(join(pbx.dataDir, 'voicemail', '800')).length, filesBefore);
});

test('a queue with nobody logged in overflows its caller to box 801, who leaves the tone there', async () => {
  const r = await runSipp({
    scenarioFile: scenario('voicemail-caller'), remote: `127.0.0.1:${pbx.sipPort}`, service: '7100', localPort: await freePort(),
    auth: { username: '2001', password: 'secret-2001' }, authUri: `7100@127.0.0.1:${pbx.sipPort}`, timeoutSec: 60,
    vars: { caller: '2001', rtp_port: (await freeUdpPorts(1))[0]! }, extraArgs: ['-d', String(Math.round(promptMs('voicemail-greeting') + promptMs('beep') + 1200))],
    files: {
      'tone.pcap': buildToneRtpPcap({ frequencyHz: 1000, durationMs: 2000, amplitude: 0.5 }),
      'pound.pcap': readFileSync('/usr/share/sip-tester/dtmf_2833_pound.pcap'),
    },
    allowFailure: true,
  });
  assert.equal(r.stats.successful, 1, `sipp failed; PBX log:\n${logTail()}`);
  const rows = messages('801');
  assert.equal(rows.length, 1, `one message expected in 801; PBX log:\n${logTail()}`);
  assert.ok(rows[0]!.durationMs > 1000 && rows[0]!.durationMs < 4500, `message of ${rows[0]!.durationMs} ms`);
  const file = join(pbx.dataDir, 'voicemail', rows[0]!.path);
  assert.ok(bandRms(file, 1000) > 0.15, `1 kHz band RMS ${bandRms(file, 1000)}`);
});
