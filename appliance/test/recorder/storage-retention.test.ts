import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRecords, RecordingStore } from '../../src/records/index.ts';
import { sweepRetention } from '../../src/recorder/retention.ts';
import { judgeDisk, newRecordingId, recordingRelPath } from '../../src/recorder/storage.ts';
import { recorderSettings, RecorderSettingsError } from '../../src/recorder/settings.ts';
import { decryptFile, encryptFile, loadKey } from '../../src/recorder/encryption.ts';

const dir = mkdtempSync(join(tmpdir(), 'rec-store-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const DAY = 86_400_000;

test('recordings go to YYYY/MM/DD folders by their start, with sortable unique ids', () => {
  const t = new Date(2026, 10, 30, 8, 5, 9).getTime();
  const id = newRecordingId(t, () => Buffer.from([1, 2, 3, 4, 5]));
  assert.equal(id, '20261130T080509-0102030405');
  assert.equal(recordingRelPath(t, id), `2026/11/30/${id}.wav`);
});

test('disk watermarks: alarm levels in order, refusing at the refuse level', () => {
  const f = (usedPercent: number) => ({ totalBytes: 100, freeBytes: 100 - usedPercent, usedPercent });
  assert.deepEqual([judgeDisk(f(50), 95, [80, 90]).alarmLevel, judgeDisk(f(50), 95, [80, 90]).refusing], [null, false]);
  assert.equal(judgeDisk(f(85), 95, [80, 90]).alarmLevel, 80);
  assert.equal(judgeDisk(f(91), 95, [80, 90]).alarmLevel, 90);
  const full = judgeDisk(f(95), 95, [80, 90]);
  assert.deepEqual([full.refusing, full.alarmLevel], [true, 95]);
});

test('settings: defaults, and bad values named by variable', () => {
  const s = recorderSettings({}, '/data');
  assert.deepEqual([s.sipPort, s.recordingsDir, s.refusePercent, s.alarmPercents, s.defaultClass], [5080, '/data/recordings', 95, [80, 90], 'standard']);
  const bad: Array<[NodeJS.ProcessEnv, RegExp]> = [
    [{ HOTLINE_RECORDER_SIP_PORT: 'x' }, /HOTLINE_RECORDER_SIP_PORT/],
    [{ HOTLINE_RECORDER_RETENTION: '{' }, /not JSON/],
    [{ HOTLINE_RECORDER_RETENTION: '{"a":{"days":0}}', HOTLINE_RECORDER_DEFAULT_CLASS: 'a' }, /days ≥ 1/],
    [{ HOTLINE_RECORDER_RETENTION: '{"a":{"days":3,"archive":true}}', HOTLINE_RECORDER_DEFAULT_CLASS: 'a' }, /ARCHIVE_DIR/],
    [{ HOTLINE_RECORDER_DEFAULT_CLASS: 'gold' }, /"gold" is not among/],
    [{ HOTLINE_RECORDER_KEY_FILE: '/data/recordings/key' }, /must not be inside the recordings folder/],
    [{ HOTLINE_RECORDER_ALARM_PERCENTS: '80,x' }, /not a percentage/],
  ];
  for (const [env, why] of bad) assert.throws(() => recorderSettings(env, '/data'), (e: unknown) => e instanceof RecorderSettingsError && why.test(e.message), JSON.stringify(env));
});

test('retention deletes expired recordings of a class, archives another class, and keeps the index rows', async () => {
  const root = join(dir, 'ret');
  const recordingsDir = join(root, 'recordings');
  const archiveDir = join(root, 'archive');
  const db = openRecords(join(root, 'records.db'));
  const store = new RecordingStore(db);
  const now = Date.UTC(2026, 10, 30);
  const add = (id: string, cls: string, endedDaysAgo: number) => {
    const path = `2026/01/01/${id}.wav`;
    mkdirSync(join(recordingsDir, '2026/01/01'), { recursive: true });
    writeFileSync(join(recordingsDir, path), id);
    store.start({ id, callId: id, sessionCallId: id, startedAt: now - endedDaysAgo * DAY - 1000, parties: [], codec: 'PCMU', channels: 2, path, retentionClass: cls, segment: 1 });
    store.end(id, { endedAt: now - endedDaysAgo * DAY, durationMs: 1000, sha256: 'x', sizeBytes: 2, path, encrypted: false, state: 'closed', packetsLost: 0 });
  };
  add('old-standard', 'standard', 200);
  add('new-standard', 'standard', 10);
  add('old-complaint', 'complaint', 800);
  add('mid-complaint', 'complaint', 200);
  add('orphan-class', 'gone', 200); // class no longer configured: the default's rule applies
  const r = await sweepRetention(store, { retention: { standard: { days: 180 }, complaint: { days: 730, archive: true } }, defaultClass: 'standard', recordingsDir, archiveDir }, now);
  assert.deepEqual([r.deleted, r.archived, r.errors], [2, 1, []]);
  assert.equal(store.get('old-standard')!.state, 'deleted');
  assert.equal(existsSync(join(recordingsDir, '2026/01/01/old-standard.wav')), false);
  assert.equal(store.get('orphan-class')!.state, 'deleted');
  assert.equal(store.get('new-standard')!.state, 'closed');
  assert.equal(store.get('mid-complaint')!.state, 'closed');
  const archived = store.get('old-complaint')!;
  assert.equal(archived.state, 'archived');
  assert.equal(readFileSync(join(archiveDir, '2026/01/01/old-complaint.wav'), 'utf8'), 'old-complaint');
  assert.equal(archived.path, join(archiveDir, '2026/01/01/old-complaint.wav'));
  db.close();
});

test('the recordings index searches by agent, queue, party and duration', () => {
  const db = openRecords(':memory:');
  const store = new RecordingStore(db);
  store.start({ id: 'a', callId: 'c1', sessionCallId: 's1', startedAt: 1000, parties: [{ channel: 0, label: '1', aor: 'sip:13800138000@x', name: '13800138000' }], agent: '8001', queue: 'repairs', direction: 'inbound', codec: 'PCMA', channels: 2, path: 'p', retentionClass: 'standard', segment: 1 });
  store.end('a', { endedAt: 61_000, durationMs: 60_000, sha256: 'h', sizeBytes: 10, path: 'p', encrypted: false, state: 'closed', packetsLost: 3 });
  store.start({ id: 'b', callId: 'c2', sessionCallId: 's2', startedAt: 2000, parties: [], agent: '8002', codec: 'PCMA', channels: 2, path: 'q', retentionClass: 'standard', segment: 2, previousId: 'a' });
  assert.deepEqual(store.search({ agent: '8001' }).map((r) => r.id), ['a']);
  assert.deepEqual(store.search({ party: '13800' }).map((r) => r.id), ['a']);
  assert.deepEqual(store.search({ party: '%' }).map((r) => r.id), []);
  assert.deepEqual(store.search({ minDurationMs: 30_000 }).map((r) => r.id), ['a']);
  assert.deepEqual(store.search({ queue: 'repairs', from: 0, to: 5000 }).map((r) => r.id), ['a']);
  assert.deepEqual(store.active().map((r) => [r.id, r.previousId, r.segment]), [['b', 'a', 2]]);
  assert.equal(store.get('a')!.packetsLost, 3);
  db.close();
});

test('the index keeps the trunk (searchable) and the pauses of a recording (migration 16)', () => {
  const db = openRecords(':memory:');
  const store = new RecordingStore(db);
  store.start({ id: 't', callId: 'c1', sessionCallId: 's1', startedAt: 1000, parties: [], direction: 'inbound', trunk: 'carrier-a', codec: 'PCMU', channels: 2, path: 'p', retentionClass: 'standard', segment: 1 });
  store.start({ id: 'u', callId: 'c2', sessionCallId: 's2', startedAt: 2000, parties: [], codec: 'PCMU', channels: 2, path: 'q', retentionClass: 'standard', segment: 1 });
  assert.deepEqual(store.search({ trunk: 'carrier-a' }).map((r) => r.id), ['t']);
  assert.equal(store.get('u')!.trunk, undefined);
  assert.deepEqual(store.get('t')!.pauses, [], 'no pause yet');
  store.setPauses('t', [{ fromMs: 1200, toMs: null }]);
  assert.deepEqual(store.get('t')!.pauses, [{ fromMs: 1200, toMs: null }], 'an open pause while the SRC holds it');
  store.setPauses('t', [{ fromMs: 1200, toMs: 3100 }]);
  store.updateMetadata('t', { callId: 'c1', parties: [], direction: 'inbound', trunk: 'analog:fxo', retentionClass: 'standard' });
  assert.deepEqual([store.get('t')!.pauses, store.get('t')!.trunk], [[{ fromMs: 1200, toMs: 3100 }], 'analog:fxo']);
  db.close();
});

test('AES-256-GCM at rest: round trip, and a flipped byte or a wrong key fails', async () => {
  const keyPath = join(dir, 'key.hex');
  writeFileSync(keyPath, `${'ab'.repeat(32)}\n`);
  const key = loadKey(keyPath);
  assert.equal(key.length, 32);
  const plain = Buffer.alloc(300_000);
  for (let i = 0; i < plain.length; i++) plain[i] = (i * 7) & 0xff;
  writeFileSync(join(dir, 'p.wav'), plain);
  await encryptFile(join(dir, 'p.wav'), join(dir, 'p.wav.enc'), key);
  const enc = readFileSync(join(dir, 'p.wav.enc'));
  assert.equal(enc.subarray(0, 8).toString('latin1'), 'HLRECGCM');
  assert.equal(enc.length, plain.length + 8 + 1 + 12 + 16);
  assert.ok(decryptFile(join(dir, 'p.wav.enc'), key).equals(plain));
  enc[1000] ^= 1;
  writeFileSync(join(dir, 'bad.enc'), enc);
  assert.throws(() => decryptFile(join(dir, 'bad.enc'), key));
  assert.throws(() => decryptFile(join(dir, 'p.wav.enc'), Buffer.alloc(32, 1)));
  writeFileSync(join(dir, 'short.key'), 'abc');
  assert.throws(() => loadKey(join(dir, 'short.key')), /32 bytes or 64 hex/);
});
