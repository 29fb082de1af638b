// Interop: blind transfer from baresip (its `transfer` command over ctrl_tcp sends REFER)
// against the real PBX. 1001 calls 1002, 1002 transfers to 1003: 1003 rings with 1001 as
// the caller, answers, and hears 1001's tone; 1002 is released.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dominantFrequency, loudestWindow, startBaresip, toneShare, type BaresipPhone } from '../src/baresip.ts';
import { eventually, startPbx, type HilPbx } from '../src/pbx.ts';

const A = { number: '1001', secret: 'a-secret-1001', toneHz: 800 };
const B = { number: '1002', secret: 'b-secret-1002', toneHz: 1200 };
const C = { number: '1003', secret: 'c-secret-1003', toneHz: 1600 };
let pbx: HilPbx;
const phones: BaresipPhone[] = [];

before(async () => {
  pbx = await startPbx({ extensions: [A, B, C], noAnswerTimeoutSec: 10 });
  for (const e of [A, B, C]) phones.push(await startBaresip({ extension: e.number, secret: e.secret, pbxPort: pbx.sipPort, toneHz: e.toneHz }));
});
after(async () => {
  await Promise.allSettled(phones.map((p) => p.stop()));
  await pbx?.stop();
});

test('baresip transfers a call blind: the target is called as the transferee, answers, hears the transferee, and the transferor is released', async () => {
  const [a, b, c] = phones as [BaresipPhone, BaresipPhone, BaresipPhone];
  for (const p of phones) await p.waitFor('REGISTER_OK', 10_000);
  const since = Date.now() - 1000;
  await a.dial(`sip:${B.number}@127.0.0.1:${pbx.sipPort}`);
  await a.waitFor('CALL_ESTABLISHED', 8000);
  await b.waitFor('CALL_ESTABLISHED', 8000);
  await new Promise((r) => setTimeout(r, 500));
  const fromB = b.events.length;
  const res = await b.command('transfer', `sip:${C.number}@127.0.0.1:${pbx.sipPort}`);
  assert.ok(res.ok, `baresip accepted the transfer command: ${res.data}`);
  const atC = await c.waitFor('CALL_ESTABLISHED', 8000);
  assert.match(atC.peeruri ?? '', new RegExp(`^sip:${A.number}@`), 'the target sees the transferee as the caller');
  await b.waitFor('CALL_CLOSED', 8000, fromB);
  await new Promise((r) => setTimeout(r, 2500));
  const fromA = a.events.length;
  await c.hangup();
  await a.waitFor('CALL_CLOSED', 5000, fromA);
  await c.waitFor('CALL_CLOSED', 5000);
  const wav = c.recordedWav();
  const window = loudestWindow(wav.samples, wav.sampleRate);
  assert.ok(Math.abs(dominantFrequency(window, wav.sampleRate) - A.toneHz) <= 20, 'the target hears the transferee\'s tone');
  assert.ok(toneShare(window, wav.sampleRate, A.toneHz) > 0.8);
  const rows = await eventually(async () => {
    const r = (await pbx.cdr()).filter((x) => x.startedAt >= since);
    return r.length >= 2 ? r : undefined;
  }, 8000, 'two CDRs');
  assert.deepEqual(rows.map((r) => `${r.caller}>${r.callee}:${r.endCause ?? ''}:${r.hangupSide}`).sort(), [
    `${A.number}>${B.number}:transferred:callee`, `${A.number}>${C.number}::callee`,
  ]);
});
