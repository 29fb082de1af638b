import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { wavHeader } from '@hotline/media';
import { VoicemailStore } from '../../src/records/index.ts';
import { call, login, seedUser, startHarness, type Harness } from './harness.ts';

/** A message as the PBX leaves it: a WAV under voicemail/<box>/ and its row. */
function leave(h: Harness, box: string, caller: string, at: number, bytes = 16000): number {
  const rel = `${box}/${at}-c.wav`;
  mkdirSync(join(h.dir, 'voicemail', box), { recursive: true });
  writeFileSync(join(h.dir, 'voicemail', rel), Buffer.concat([wavHeader({ encoding: 'alaw', sampleRate: 8000, channels: 1 }, bytes), Buffer.alloc(bytes, 0xd5)]));
  return new VoicemailStore(h.records).insert({ box, caller, digits: 'main:9', callId: `c-${at}`, receivedAt: at, durationMs: bytes / 8, path: rel });
}

async function harness(t: Parameters<typeof startHarness>[0]) {
  const h = await startHarness(t, { deps: {} });
  (h.services.deps as { voicemailDir?: string }).voicemailDir = join(h.dir, 'voicemail');
  await h.config.update((d) => void (d.voicemail = { boxes: [{ box: '800', name: 'After hours', owners: ['1001'] }, { box: '801', name: 'Billing' }] }), { author: 'test', comment: 'boxes' });
  return h;
}

test('voicemail: boxes with counts, messages newest first, audio with a byte range, mark heard, audited delete of file and row', async (t) => {
  const h = await harness(t);
  await seedUser(h, 'sue', 'supervisor');
  const c = await login(h, 'sue');
  const first = leave(h, '800', '13800000001', Date.parse('2025-03-01T07:00:00Z'));
  const second = leave(h, '800', '13800000002', Date.parse('2025-03-01T07:30:00Z'));

  const boxes = await call(h, 'GET', '/api/v1/voicemail/boxes', { client: c });
  assert.equal(boxes.status, 200, boxes.text);
  assert.deepEqual(boxes.json.boxes, [
    { box: '800', name: 'After hours', owners: ['1001'], total: 2, unheard: 2 },
    { box: '801', name: 'Billing', owners: [], total: 0, unheard: 0 },
  ]);
  const list = await call(h, 'GET', '/api/v1/voicemail/boxes/800/messages', { client: c });
  assert.deepEqual(list.json.messages.map((m: { id: number }) => m.id), [second, first]);
  assert.deepEqual(list.json.messages[0], { id: second, box: '800', caller: '13800000002', digits: 'main:9', receivedAt: '2025-03-01T07:30:00.000Z', durationMs: 2000, heard: false });

  const whole = await fetch(`${h.base}/api/v1/voicemail/messages/${first}/audio`, { headers: { cookie: c.cookie } });
  assert.equal(whole.status, 200);
  assert.equal(whole.headers.get('content-type'), 'audio/wav');
  const size = wavHeader({ encoding: 'alaw', sampleRate: 8000, channels: 1 }, 16000).length + 16000;
  assert.equal((await whole.arrayBuffer()).byteLength, size);
  const part = await fetch(`${h.base}/api/v1/voicemail/messages/${first}/audio`, { headers: { cookie: c.cookie, range: 'bytes=100-199' } });
  assert.equal(part.status, 206);
  assert.equal(part.headers.get('content-range'), `bytes 100-199/${size}`);
  assert.equal((await part.arrayBuffer()).byteLength, 100);
  const beyond = await fetch(`${h.base}/api/v1/voicemail/messages/${first}/audio`, { headers: { cookie: c.cookie, range: 'bytes=99999-' } });
  assert.equal(beyond.status, 416);

  const heard = await call(h, 'PUT', `/api/v1/voicemail/messages/${first}/heard`, { client: c, body: { heard: true } });
  assert.equal(heard.status, 200, heard.text);
  assert.equal(heard.json.heard, true);
  assert.equal((await call(h, 'GET', '/api/v1/voicemail/boxes', { client: c })).json.boxes[0].unheard, 1);

  const del = await call(h, 'DELETE', `/api/v1/voicemail/messages/${first}`, { client: c });
  assert.equal(del.status, 200, del.text);
  assert.equal(existsSync(join(h.dir, 'voicemail', '800', `${Date.parse('2025-03-01T07:00:00Z')}-c.wav`)), false, 'the file is gone');
  assert.deepEqual((await call(h, 'GET', '/api/v1/voicemail/boxes/800/messages', { client: c })).json.messages.map((m: { id: number }) => m.id), [second]);
  const again = await call(h, 'DELETE', `/api/v1/voicemail/messages/${first}`, { client: c });
  assert.equal(again.status, 404);
  assert.match(again.json.error.messageZh, /不存在/);
  await seedUser(h, 'root', 'admin');
  const audit = await call(h, 'GET', '/api/v1/audit?action=voicemail.deleted', { client: await login(h, 'root') });
  assert.equal(audit.json.total, 1);
});

test('voicemail: agents and engineers are refused; bad ids and bodies get a clear 400; a row pointing outside the folder is not served', async (t) => {
  const h = await harness(t);
  await seedUser(h, 'amy', 'agent');
  await seedUser(h, 'eve', 'engineer');
  await seedUser(h, 'root', 'admin');
  for (const who of ['amy', 'eve']) {
    const c = await login(h, who);
    assert.equal((await call(h, 'GET', '/api/v1/voicemail/boxes', { client: c })).status, 403, who);
  }
  const c = await login(h, 'root');
  assert.equal((await call(h, 'GET', '/api/v1/voicemail/messages/abc/audio', { client: c })).status, 400);
  assert.equal((await call(h, 'GET', '/api/v1/voicemail/boxes/x1/messages', { client: c })).status, 400);
  const id = leave(h, '800', '1', 1000);
  assert.equal((await call(h, 'PUT', `/api/v1/voicemail/messages/${id}/heard`, { client: c, body: { heard: 'yes' } })).status, 400);
  const evil = new VoicemailStore(h.records).insert({ box: '800', caller: '1', digits: '', callId: 'x', receivedAt: 2000, durationMs: 10, path: '../records.db' });
  const res = await call(h, 'GET', `/api/v1/voicemail/messages/${evil}/audio`, { client: c });
  assert.equal(res.status, 404);
  assert.equal((await call(h, 'GET', '/api/v1/voicemail/boxes', { client: c })).status, 200, 'the service keeps running');
});
