import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ALAW_DECODE, goertzelAmplitude, parseWav, wavHeader } from '@hotline/media';
import { call, login, mint, seedUser, startHarness, type Client, type Harness } from './harness.ts';

/** A 16-bit PCM WAV of a sine. */
function tone(rate: number, hz: number, seconds: number, channels = 1): Buffer {
  const frames = Math.round(rate * seconds);
  const data = Buffer.alloc(frames * 2 * channels);
  for (let i = 0; i < frames; i++) for (let c = 0; c < channels; c++) data.writeInt16LE(Math.round(12000 * Math.sin((2 * Math.PI * hz * i) / rate)), (i * channels + c) * 2);
  return Buffer.concat([wavHeader({ encoding: 'pcm16', sampleRate: rate, channels }, data.length), data]);
}

async function upload(h: Harness, c: Client, name: string, body: Buffer, language = 'all') {
  const res = await fetch(`${h.base}/api/v1/prompts/${name}?language=${language}`, { method: 'PUT', headers: { cookie: c.cookie, 'x-csrf-token': c.csrf, 'content-type': 'audio/wav' }, body: new Uint8Array(body) });
  const text = await res.text();
  return { status: res.status, json: JSON.parse(text), text };
}

const queue = { name: 'repair', strategy: 'ring-all' };

test('a WAV upload is converted to 8 kHz mono A-law, listed, played back and deleted; the audit log has both', async (t) => {
  const h = await startHarness(t);
  await seedUser(h, 'root', 'admin');
  const c = await login(h, 'root');
  const up = await upload(h, c, 'greeting', tone(44100, 1000, 1.5, 2), 'zh-CN');
  assert.equal(up.status, 200, up.text);
  assert.equal(up.json.language, 'zh-CN');
  assert.equal(up.json.durationMs, 1500);
  const list = await call(h, 'GET', '/api/v1/prompts', { client: c });
  assert.equal(list.status, 200);
  assert.deepEqual(list.json.prompts.map((p: { name: string; language: string }) => `${p.language}/${p.name}`), ['zh-CN/greeting']);
  const audio = await fetch(`${h.base}/api/v1/prompts/greeting/audio?language=zh-CN`, { headers: { cookie: c.cookie } });
  assert.equal(audio.headers.get('content-type'), 'audio/wav');
  const wav = parseWav(Buffer.from(await audio.arrayBuffer()));
  assert.deepEqual([wav.encoding, wav.sampleRate, wav.channels], ['alaw', 8000, 1]);
  const samples = Int16Array.from(wav.data, (b) => ALAW_DECODE[b]!);
  assert.ok(goertzelAmplitude(samples, 1000, 8000, 1000, 11000) > 10000, 'the tone is still at 1 kHz');
  const shared = await fetch(`${h.base}/api/v1/prompts/greeting/audio`, { headers: { cookie: c.cookie } });
  assert.equal(shared.status, 404, 'no shared file of that name');

  const del = await call(h, 'DELETE', '/api/v1/prompts/greeting?language=zh-CN', { client: c });
  assert.equal(del.status, 200, del.text);
  assert.equal(existsSync(join(h.dir, 'prompts', 'zh-CN', 'greeting.wav')), false);
  const audit = await call(h, 'GET', '/api/v1/audit?action=prompt.uploaded', { client: c });
  assert.equal(audit.json.total, 1);
  assert.equal((await call(h, 'GET', '/api/v1/audit?action=prompt.deleted', { client: c })).json.total, 1);
});

test('bad or oversized uploads get a clear error and change nothing', async (t) => {
  const h = await startHarness(t);
  await seedUser(h, 'root', 'admin');
  await seedUser(h, 'sue', 'supervisor');
  const c = await login(h, 'root');
  assert.equal((await upload(h, c, 'welcome-x', tone(8000, 440, 0.2))).status, 200);
  const before = readdirSync(join(h.dir, 'prompts'));
  const notWav = await upload(h, c, 'welcome-x', Buffer.from('ID3\u0004 not a wav at all'));
  assert.equal(notWav.status, 400);
  assert.equal(notWav.json.error.code, 'VALIDATION');
  assert.match(notWav.json.error.message, /not a RIFF\/WAVE file/);
  assert.match(notWav.json.error.messageZh, /不是有效的 WAV/);
  const float = tone(8000, 440, 0.2);
  float.writeUInt16LE(3, 20);
  float.writeUInt16LE(32, 34);
  const unsupported = await upload(h, c, 'welcome-x', float);
  assert.equal(unsupported.status, 400);
  assert.match(unsupported.json.error.message, /format tag 3/);
  const tooLong = await upload(h, c, 'long', tone(4000, 440, 301));
  assert.equal(tooLong.status, 400);
  assert.match(tooLong.json.error.message, /at most 300 s/);
  const huge = await upload(h, c, 'huge', Buffer.alloc(65 * 1024 * 1024));
  assert.equal(huge.status, 400);
  assert.match(huge.json.error.message, /larger than 64 MiB/);
  const badName = await upload(h, c, '..hidden', tone(8000, 440, 0.2));
  assert.equal(badName.status, 400);
  assert.deepEqual(readdirSync(join(h.dir, 'prompts')), before, 'nothing written, nothing left behind');
  const kept = await fetch(`${h.base}/api/v1/prompts/welcome-x/audio`, { headers: { cookie: c.cookie } });
  assert.equal(parseWav(Buffer.from(await kept.arrayBuffer())).dataLength, 1600, 'the earlier upload is intact');
  const sue = mint(h, 'sue');
  assert.equal((await call(h, 'GET', '/api/v1/prompts', { client: sue })).status, 200, 'supervisors may list');
  assert.equal((await upload(h, sue, 'x', tone(8000, 440, 0.2))).status, 403, 'only admins upload');
});

test('a prompt a menu plays is not deleted without force, and the menus are named; built-in prompts are never deleted', async (t) => {
  const h = await startHarness(t);
  await seedUser(h, 'root', 'admin');
  const c = await login(h, 'root');
  assert.equal((await upload(h, c, 'repair-menu', tone(16000, 700, 0.3))).status, 200);
  assert.equal((await upload(h, c, 'welcome', tone(16000, 700, 0.3), 'en')).status, 200);
  await h.config.update((d) => {
    d.acd = { queues: [queue] } as never;
    d.ivr = { menus: [{ name: 'main', prompt: 'repair-menu', options: [{ digit: '1', destination: { kind: 'queue', name: 'repair' } }] }] };
  }, { author: 'test', comment: 'menu' });
  const list = await call(h, 'GET', '/api/v1/prompts', { client: c });
  const entry = list.json.prompts.find((p: { name: string }) => p.name === 'repair-menu');
  assert.deepEqual(entry.usedBy, ['/ivr/menus/0/prompt']);
  const refused = await call(h, 'DELETE', '/api/v1/prompts/repair-menu', { client: c });
  assert.equal(refused.status, 409);
  assert.equal(refused.json.error.reason, 'IN_USE');
  assert.match(refused.json.error.message, /played by menu main/);
  assert.ok(existsSync(join(h.dir, 'prompts', 'repair-menu.wav')));
  const forced = await call(h, 'DELETE', '/api/v1/prompts/repair-menu?force=true', { client: c });
  assert.equal(forced.status, 200);
  assert.deepEqual(forced.json.usedBy, ['main']);
  const builtIn = await call(h, 'DELETE', '/api/v1/prompts/welcome?language=en&force=true', { client: c });
  assert.equal(builtIn.status, 409);
  assert.equal(builtIn.json.error.reason, 'BUILT_IN');
  assert.equal((await call(h, 'DELETE', '/api/v1/prompts/nosuch', { client: c })).status, 404);
});

test('PUT /config/ivr saves menus; a dangling destination, a duplicate key and a missing prompt come back as field details', async (t) => {
  const h = await startHarness(t);
  await seedUser(h, 'root', 'admin');
  const c = await login(h, 'root');
  await h.config.update((d) => void (d.acd = { queues: [queue] } as never), { author: 'test', comment: 'queue' });
  assert.equal((await upload(h, c, 'main-menu', tone(8000, 500, 0.2))).status, 200);
  const before = h.config.version;
  const bad = {
    menus: [{ name: 'main', prompt: 'main-menu', invalidPrompt: 'nope', options: [
      { digit: '1', destination: { kind: 'queue', name: 'repair' } },
      { digit: '1', destination: { kind: 'queue', name: 'billing' } },
    ] }],
  };
  const res = await call(h, 'PUT', '/api/v1/config/ivr', { client: c, body: { ivr: bad, comment: 'bad' } });
  assert.equal(res.status, 400, res.text);
  const paths = (res.json.error.details as Array<{ path: string }>).map((d) => d.path).sort();
  assert.deepEqual(paths, ['/ivr/menus/0/invalidPrompt', '/ivr/menus/0/options/1/destination/name', '/ivr/menus/0/options/1/digit']);
  assert.equal(h.config.version, before, 'nothing saved');

  const good = { menus: [{ name: 'main', prompt: 'main-menu', options: [{ digit: '1', destination: { kind: 'queue', name: 'repair' } }, { digit: '0', destination: { kind: 'hangup' } }] }] };
  const ok = await call(h, 'PUT', '/api/v1/config/ivr', { client: c, body: { ivr: good, comment: 'main menu' } });
  assert.equal(ok.status, 200, ok.text);
  assert.deepEqual(h.config.current.ivr, good);
  assert.equal(h.pbx.reloads, 1);
  assert.equal((await call(h, 'GET', '/api/v1/audit?action=config.ivr_updated', { client: c })).json.total, 1);
});
