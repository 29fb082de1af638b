import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CdrQueue, CdrStore, CdrWriter, openRecords, type CallRecord } from '../../src/records/index.ts';

const record = (i: number): CallRecord => ({
  callId: `c${i}`, caller: '1001', callee: '1002', startedAt: 1_700_000_000_000 + i, answeredAt: null, endedAt: 1_700_000_001_000 + i,
  disposition: 'no-answer', durationSec: 1, billableSec: 0, sipCode: 480, sipReason: 'Temporarily Unavailable', hangupSide: 'system',
});

test('a failing store (full disk) loses nothing: records wait and are written by the next successful flush', () => {
  const stored: CallRecord[] = [];
  let failing = true;
  const q = new CdrQueue({ insertMany: (b) => { if (failing) throw new Error('SQLITE_FULL: database or disk is full'); stored.push(...b); } });
  for (let i = 0; i < 5; i++) q.push(record(i));
  assert.equal(q.flush(), false);
  assert.equal(q.counters.writeErrors, 1);
  assert.match(q.lastError!, /SQLITE_FULL/);
  q.push(record(5));
  failing = false;
  assert.equal(q.flush(), true);
  assert.deepEqual(stored.map((r) => r.callId), ['c0', 'c1', 'c2', 'c3', 'c4', 'c5']);
  assert.equal(q.counters.pending, 0);
});

test('past its bound the queue drops the oldest records and counts them, so memory stays bounded', () => {
  const q = new CdrQueue({ insertMany: () => { throw new Error('locked'); } }, 3);
  for (let i = 0; i < 5; i++) q.push(record(i));
  assert.equal(q.counters.pending, 3);
  assert.equal(q.counters.dropped, 2);
});

test('the worker-thread writer stores records in records.db and close() waits for them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cdrw-'));
  try {
    const path = join(dir, 'records.db');
    const w = CdrWriter.start(path);
    for (let i = 0; i < 250; i++) w.write(record(i));
    assert.equal(await w.close(), true);
    assert.equal(w.counters.written, 250);
    const db = openRecords(path);
    assert.equal(new CdrStore(db).count(), 250);
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
