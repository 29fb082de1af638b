import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { callDurations, CdrStore, openRecords, recordsMigrations, RecordsSchemaTooNewError, type CallRecord } from '../../src/records/index.ts';

async function tempDb(t: { after(fn: () => unknown): void }) {
  const dir = await mkdtemp(join(tmpdir(), 'hotline-records-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return join(dir, 'records.db');
}

function call(over: Partial<CallRecord> = {}): CallRecord {
  const startedAt = over.startedAt ?? 1_700_000_000_000;
  return {
    callId: 'c1@hotline',
    caller: '1001',
    callee: '1002',
    startedAt,
    answeredAt: startedAt + 5_000,
    endedAt: startedAt + 65_000,
    disposition: 'answered',
    durationSec: 65,
    billableSec: 60,
    sipCode: 200,
    sipReason: 'OK',
    hangupSide: 'caller',
    ...over,
  };
}

test('opens with WAL, synchronous=NORMAL, foreign keys on and a 5 s busy timeout', async (t) => {
  const rec = openRecords(await tempDb(t));
  t.after(() => rec.close());
  assert.equal(rec.db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(rec.db.pragma('synchronous', { simple: true }), 1); // 1 = NORMAL
  assert.equal(rec.db.pragma('foreign_keys', { simple: true }), 1);
  assert.equal(rec.db.pragma('busy_timeout', { simple: true }), 5000);
});

/** The schema revision is the highest migration id (ids may have gaps while branches are merged and renumbered). */
const latest = Math.max(...recordsMigrations.map((m) => m.id));

test('migrations run once: reopening applies nothing and keeps the data', async (t) => {
  const path = await tempDb(t);
  const first = openRecords(path);
  assert.equal(first.schemaRevision(), latest);
  new CdrStore(first).insert(call());
  first.close();
  const second = openRecords(path);
  t.after(() => second.close());
  const rows = second.db.prepare('SELECT id, name FROM schema_migrations ORDER BY id').all();
  assert.deepEqual(rows, recordsMigrations.map((m) => ({ id: m.id, name: m.name })));
  assert.equal(new CdrStore(second).count(), 1);
});

test('a new migration (SQL or function) is applied on the next open, each in its own transaction', async (t) => {
  const path = await tempDb(t);
  openRecords(path).close();
  const next = latest + 1;
  const extra = [
    ...recordsMigrations,
    { id: next, name: 'add_notes', up: 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)' },
    { id: next + 1, name: 'seed_notes', up: (db: Database.Database) => void db.prepare("INSERT INTO notes (body) VALUES ('hi')").run() },
  ];
  const rec = openRecords(path, { migrations: extra });
  t.after(() => rec.close());
  assert.equal(rec.schemaRevision(), next + 1);
  assert.deepEqual(rec.db.prepare('SELECT body FROM notes').all(), [{ body: 'hi' }]);
});

test('a failing migration is rolled back whole and not recorded', async (t) => {
  const path = await tempDb(t);
  const broken = [...recordsMigrations, { id: latest + 1, name: 'broken', up: 'CREATE TABLE half (x INTEGER); SELECT * FROM no_such_table;' }];
  assert.throws(() => openRecords(path, { migrations: broken }), /no such table/);
  const rec = openRecords(path);
  t.after(() => rec.close());
  assert.equal(rec.schemaRevision(), latest);
  assert.deepEqual(rec.db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'half'").get(), { n: 0 });
});

test('refuses a file migrated by a newer release, naming both revisions', async (t) => {
  const path = await tempDb(t);
  openRecords(path).close();
  const raw = new Database(path);
  raw.prepare("INSERT INTO schema_migrations (id, name, applied_at) VALUES (99, 'from_the_future', 0)").run();
  raw.close();
  assert.throws(() => openRecords(path), (e: unknown) => e instanceof RecordsSchemaTooNewError && e.fileRevision === 99 && new RegExp(`revision 99.*\\(${latest}\\)`).test(e.message));
});

test('insert returns row ids and list returns newest first with every field intact', async (t) => {
  const rec = openRecords(await tempDb(t));
  t.after(() => rec.close());
  const cdr = new CdrStore(rec);
  const a = cdr.insert(call({ callId: 'a', startedAt: 1000 }));
  const b = cdr.insert(call({ callId: 'b', startedAt: 3000, answeredAt: null, disposition: 'busy', billableSec: 0, sipCode: 486, sipReason: 'Busy Here', hangupSide: null }));
  assert.equal(b, a + 1);
  const rows = cdr.list({});
  assert.deepEqual(rows.map((r) => r.callId), ['b', 'a']);
  assert.deepEqual(rows[0], { id: b, ...call({ callId: 'b', startedAt: 3000, answeredAt: null, disposition: 'busy', billableSec: 0, sipCode: 486, sipReason: 'Busy Here', hangupSide: null }), endCause: null, quality: null });
  assert.equal(cdr.count(), 2);
});

test('list filters by since (inclusive), until (exclusive), caller, callee and limit', async (t) => {
  const rec = openRecords(await tempDb(t));
  t.after(() => rec.close());
  const cdr = new CdrStore(rec);
  for (let i = 0; i < 10; i++) cdr.insert(call({ callId: `c${i}`, startedAt: i * 1000, caller: i % 2 ? '1001' : '1003', callee: i < 5 ? '2000' : '1002' }));
  const ids = (q: Parameters<CdrStore['list']>[0]) => cdr.list(q).map((r) => r.callId);
  assert.deepEqual(ids({ since: 7000 }), ['c9', 'c8', 'c7']);
  assert.deepEqual(ids({ until: 2000 }), ['c1', 'c0']);
  assert.deepEqual(ids({ caller: '1001', callee: '2000' }), ['c3', 'c1']);
  assert.deepEqual(ids({ limit: 2 }), ['c9', 'c8']);
  assert.deepEqual(ids({ since: 2000, until: 6000, caller: '1003' }), ['c4', 'c2']);
  assert.equal(cdr.list({}).length, 10);
});

test('the schema rejects an unknown disposition', async (t) => {
  const rec = openRecords(await tempDb(t));
  t.after(() => rec.close());
  assert.throws(() => new CdrStore(rec).insert(call({ disposition: 'lost' as never })), /CHECK constraint/);
});

test('callDurations floors to whole seconds and bills nothing when unanswered', () => {
  assert.deepEqual(callDurations(0, 4_999, 65_998), { durationSec: 65, billableSec: 60 });
  assert.deepEqual(callDurations(0, null, 30_000), { durationSec: 30, billableSec: 0 });
});

test('media figures and the end cause survive the round trip (migration 5)', async (t) => {
  const rec = openRecords(await tempDb(t));
  t.after(() => rec.close());
  const cdr = new CdrStore(rec);
  const quality = { a: { packetsIn: 500, packetsOut: 498, lost: 2, jitterMs: 1.75 }, b: { packetsIn: 499, packetsOut: 500, lost: 0, jitterMs: 0.5 } };
  cdr.insert(call({ callId: 'q', endCause: 'media-timeout', quality }));
  const [row] = cdr.list({});
  assert.equal(row.endCause, 'media-timeout');
  assert.deepEqual(row.quality, quality);
});

test('insertMany stores a batch in one transaction, all or nothing', async (t) => {
  const rec = openRecords(await tempDb(t));
  t.after(() => rec.close());
  const cdr = new CdrStore(rec);
  const ids = cdr.insertMany([call({ callId: 'x' }), call({ callId: 'y' })]);
  assert.equal(ids.length, 2);
  assert.throws(() => cdr.insertMany([call({ callId: 'z' }), call({ disposition: 'lost' as never })]), /CHECK constraint/);
  assert.equal(cdr.count(), 2);
});
