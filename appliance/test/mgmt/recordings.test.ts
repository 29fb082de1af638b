import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, existsSync, writeFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { WavFileWriter } from '../../../media/src/index.ts';
import { encryptFile } from '../../src/recorder/index.ts';
import { RecordingStore, type RecordingParty } from '../../src/records/index.ts';
import { call, mint, seedUser, startHarness, type Harness } from './harness.ts';

const T0 = Date.parse('2025-02-20T09:00:00Z');

/** Writes a two-channel PCMA WAV (a ramp per channel) under the recordings dir and indexes it as closed. */
function addRecording(h: Harness, store: RecordingStore, dir: string, o: { id: string; at: number; seconds: number; agent?: string; queue?: string; caller: string }): string {
  const rel = `2025/02/20/${o.id}.wav`;
  mkdirSync(join(dir, '2025/02/20'), { recursive: true });
  const w = new WavFileWriter(join(dir, rel), { encoding: 'alaw', sampleRate: 8000, channels: 2 });
  const frames = 8000 * o.seconds;
  const data = new Uint8Array(frames * 2);
  for (let i = 0; i < frames; i++) { data[2 * i] = i & 0xff; data[2 * i + 1] = (i * 3) & 0xff; }
  w.append(data);
  w.close();
  const parties: RecordingParty[] = [{ channel: 0, label: '1', aor: `sip:${o.caller}@pbx`, name: o.caller, role: 'caller' }, { channel: 1, label: '2', aor: `sip:${o.agent ?? '1001'}@pbx`, role: 'agent' }];
  store.start({ id: o.id, callId: `call-${o.id}`, sessionCallId: `s-${o.id}`, startedAt: o.at, parties, agent: o.agent, queue: o.queue, codec: 'PCMA', channels: 2, path: rel, retentionClass: 'standard', segment: 0 });
  const bytes = readFileSync(join(dir, rel));
  store.end(o.id, { endedAt: o.at + o.seconds * 1000, durationMs: o.seconds * 1000, sha256: createHash('sha256').update(bytes).digest('hex'), sizeBytes: bytes.length, path: rel, encrypted: false, state: 'closed', packetsLost: 0 });
  return join(dir, rel);
}

async function raw(h: Harness, method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const res = await fetch(h.base + path, { method, headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

test('recordings API: search filters and paging, roles, audio bytes and ranges, encrypted playback, delete audited, zip export with manifest', async (t) => {
  const recDir = join('/tmp', `hotline-rec-${randomBytes(4).toString('hex')}`);
  const keyFile = `${recDir}.key`;
  writeFileSync(keyFile, randomBytes(32).toString('hex'));
  t.after(() => { execFileSync('rm', ['-rf', recDir, keyFile]); });
  const h = await startHarness(t, { deps: { recordingsDir: recDir, recorderKeyFile: keyFile } });
  const store = new RecordingStore(h.records);
  const a = addRecording(h, store, recDir, { id: 'rec-a', at: T0, seconds: 2, agent: '1001', queue: 'sales', caller: '13800001111' });
  addRecording(h, store, recDir, { id: 'rec-b', at: T0 + 3_600_000, seconds: 5, agent: '1002', queue: 'support', caller: '13900002222' });
  const c = addRecording(h, store, recDir, { id: 'rec-c', at: T0 + 7_200_000, seconds: 1, agent: '1001', queue: 'support', caller: '02155550000' });
  for (const [u, role] of [['root', 'admin'], ['sup', 'supervisor'], ['aud', 'auditor'], ['ag', 'agent']] as const) await seedUser(h, u, role);
  const admin = mint(h, 'root');
  const sup = mint(h, 'sup');
  const aud = mint(h, 'aud');
  const ag = mint(h, 'ag');
  const ids = (r: { json: { items: Array<{ id: string }> } }) => r.json.items.map((i) => i.id);

  // Search: newest first, each filter, paging with a total; auditors read, agents do not.
  const all = await call(h, 'GET', '/api/v1/recordings', { client: aud });
  assert.equal(all.status, 200);
  assert.deepEqual(ids(all), ['rec-c', 'rec-b', 'rec-a']);
  assert.equal(all.json.total, 3);
  assert.equal(all.json.items[0].path, undefined, 'the on-disk path is not shown');
  assert.equal(all.json.items[2].startedAt, '2025-02-20T09:00:00.000Z');
  assert.deepEqual(ids(await call(h, 'GET', '/api/v1/recordings?agent=1001', { client: sup })), ['rec-c', 'rec-a']);
  assert.deepEqual(ids(await call(h, 'GET', '/api/v1/recordings?queue=support', { client: sup })), ['rec-c', 'rec-b']);
  assert.deepEqual(ids(await call(h, 'GET', '/api/v1/recordings?party=1390000', { client: sup })), ['rec-b']);
  assert.deepEqual(ids(await call(h, 'GET', '/api/v1/recordings?minDurationSec=2&maxDurationSec=4', { client: sup })), ['rec-a']);
  assert.deepEqual(ids(await call(h, 'GET', `/api/v1/recordings?from=2025-02-20T09:30:00Z&to=2025-02-20T10:30:00Z`, { client: sup })), ['rec-b']);
  const page = await call(h, 'GET', '/api/v1/recordings?limit=1&offset=1', { client: sup });
  assert.deepEqual(ids(page), ['rec-b']);
  assert.equal(page.json.total, 3);
  assert.equal((await call(h, 'GET', '/api/v1/recordings?from=2025-02-21T00:00:00Z&to=2025-02-20T00:00:00Z', { client: sup })).status, 400);
  assert.equal((await call(h, 'GET', '/api/v1/recordings?minDurationSec=x', { client: sup })).status, 400);
  assert.equal((await call(h, 'GET', '/api/v1/recordings', { client: ag })).status, 403);
  const meta = await call(h, 'GET', '/api/v1/recordings/rec-a', { client: aud });
  assert.equal(meta.json.parties.length, 2);
  assert.equal(meta.json.codec, 'PCMA');
  assert.equal((await call(h, 'GET', '/api/v1/recordings/nope', { client: aud })).status, 404);

  // Audio: the file's bytes; auditors and agents may not listen.
  const fileA = readFileSync(a);
  const whole = await raw(h, 'GET', '/api/v1/recordings/rec-a/audio', { cookie: sup.cookie });
  assert.equal(whole.status, 200);
  assert.equal(whole.headers.get('content-type'), 'audio/wav');
  assert.equal(whole.headers.get('accept-ranges'), 'bytes');
  assert.ok(whole.bytes.equals(fileA), 'downloaded bytes equal the file');
  assert.equal((await raw(h, 'GET', '/api/v1/recordings/rec-a/audio', { cookie: aud.cookie })).status, 403);
  assert.equal((await raw(h, 'GET', '/api/v1/recordings/rec-a/audio', { cookie: ag.cookie })).status, 403);
  const part = await raw(h, 'GET', '/api/v1/recordings/rec-a/audio', { cookie: sup.cookie, range: 'bytes=100-1099' });
  assert.equal(part.status, 206);
  assert.equal(part.headers.get('content-range'), `bytes 100-1099/${fileA.length}`);
  assert.ok(part.bytes.equals(fileA.subarray(100, 1100)));
  const tail = await raw(h, 'GET', '/api/v1/recordings/rec-a/audio', { cookie: sup.cookie, range: 'bytes=-10' });
  assert.ok(tail.bytes.equals(fileA.subarray(fileA.length - 10)));
  const bad = await raw(h, 'GET', '/api/v1/recordings/rec-a/audio', { cookie: sup.cookie, range: `bytes=${fileA.length}-` });
  assert.equal(bad.status, 416);
  assert.equal(bad.headers.get('content-range'), `bytes */${fileA.length}`);
  const dl = await raw(h, 'GET', '/api/v1/recordings/rec-a/audio?download=true', { cookie: admin.cookie });
  assert.match(dl.headers.get('content-disposition') ?? '', /attachment; filename="recording-rec-a.wav"/);
  const dlLog = await call(h, 'GET', '/api/v1/audit?action=recording.downloaded', { client: admin });
  assert.deepEqual(dlLog.json.items.map((e: { actor: string; target: string }) => [e.actor, e.target]), [['root', 'rec-a']], 'a download (not playback) is audited');

  // Encrypted at rest: played decrypted, ranges on the plain bytes.
  const fileC = readFileSync(c);
  await encryptFile(c, `${c}.enc`, Buffer.from(readFileSync(keyFile, 'utf8'), 'hex'));
  unlinkSync(c);
  const rowC = store.get('rec-c')!;
  store.end('rec-c', { endedAt: rowC.endedAt!, durationMs: rowC.durationMs!, sha256: rowC.sha256!, sizeBytes: rowC.sizeBytes!, path: `${rowC.path}.enc`, encrypted: true, state: 'closed', packetsLost: 0 });
  const encWhole = await raw(h, 'GET', '/api/v1/recordings/rec-c/audio', { cookie: sup.cookie });
  assert.equal(encWhole.status, 200);
  assert.ok(encWhole.bytes.equals(fileC), 'decrypted on the fly');
  const encPart = await raw(h, 'GET', '/api/v1/recordings/rec-c/audio', { cookie: sup.cookie, range: 'bytes=44-143' });
  assert.ok(encPart.bytes.equals(fileC.subarray(44, 144)));

  // Without the key (or with the wrong one) an encrypted recording is refused with a reason, and the service carries on.
  const realKey = readFileSync(keyFile, 'utf8');
  writeFileSync(keyFile, randomBytes(32).toString('hex'));
  const wrong = await call(h, 'GET', '/api/v1/recordings/rec-c/audio', { client: sup });
  assert.equal(wrong.status, 409);
  assert.equal(wrong.json.error.reason, 'DECRYPT_FAILED');
  unlinkSync(keyFile);
  const noKey = await call(h, 'POST', '/api/v1/recordings/export', { client: sup, body: { ids: ['rec-a', 'rec-c'] } });
  assert.equal(noKey.status, 409);
  assert.equal(noKey.json.error.reason, 'NO_KEY');
  writeFileSync(keyFile, realKey);

  // Export: a zip of the files (encrypted ones decrypted) and a manifest with each file's SHA-256.
  const exp = await raw(h, 'POST', '/api/v1/recordings/export', { cookie: sup.cookie, 'x-csrf-token': sup.csrf }, { ids: ['rec-a', 'rec-c'] });
  assert.equal(exp.status, 200);
  assert.equal(exp.headers.get('content-type'), 'application/zip');
  const zipPath = `${recDir}-export.zip`;
  t.after(() => { execFileSync('rm', ['-rf', zipPath, `${recDir}-unzipped`]); });
  writeFileSync(zipPath, exp.bytes);
  execFileSync('unzip', ['-q', zipPath, '-d', `${recDir}-unzipped`]);
  const out = (n: string) => readFileSync(join(`${recDir}-unzipped`, n));
  assert.ok(out('recording-rec-a.wav').equals(fileA));
  assert.ok(out('recording-rec-c.wav').equals(fileC));
  const manifest = JSON.parse(out('manifest.json').toString('utf8'));
  assert.equal(manifest.exportedBy, 'sup');
  assert.deepEqual(manifest.recordings.map((m: { id: string }) => m.id), ['rec-a', 'rec-c']);
  for (const m of manifest.recordings) {
    assert.equal(m.sha256, createHash('sha256').update(out(m.file)).digest('hex'), `${m.file} checksum`);
    assert.equal(m.agent, '1001');
  }
  assert.equal((await raw(h, 'POST', '/api/v1/recordings/export', { cookie: aud.cookie, 'x-csrf-token': aud.csrf }, { ids: ['rec-a'] })).status, 403);
  assert.equal((await call(h, 'POST', '/api/v1/recordings/export', { client: sup, body: { ids: ['rec-a', 'missing'] } })).status, 404);

  // Delete: admin only, with a reason; file and row gone; the audit log keeps who, why and the row.
  assert.equal((await call(h, 'DELETE', '/api/v1/recordings/rec-a', { client: sup, body: { reason: 'customer request' } })).status, 403);
  assert.equal((await call(h, 'DELETE', '/api/v1/recordings/rec-a', { client: admin, body: {} })).status, 400);
  assert.ok(existsSync(a));
  const del = await call(h, 'DELETE', '/api/v1/recordings/rec-a', { client: admin, body: { reason: 'customer request' } });
  assert.equal(del.status, 204);
  assert.equal(existsSync(a), false, 'file removed');
  assert.equal(store.get('rec-a'), undefined, 'index row removed');
  assert.equal((await call(h, 'GET', '/api/v1/recordings/rec-a', { client: admin })).status, 404);
  const log = await call(h, 'GET', '/api/v1/audit?action=recording.deleted', { client: admin });
  const entry = (log.json.items as Array<any>).find((e) => e.action === 'recording.deleted');
  assert.ok(entry, JSON.stringify(log.json));
  assert.equal(entry.actor, 'root');
  assert.equal(entry.target, 'rec-a');
  assert.equal(entry.outcome, 'ok');
  assert.equal(entry.after.reason, 'customer request');
  assert.equal(entry.before.callId, 'call-rec-a');
});
