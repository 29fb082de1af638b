// CDR insert rate into a file database: single-row autocommit inserts and one-transaction
// batches (what the PBX's writer thread does), median of 5 rounds. `npm run bench:cdr`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CdrStore, openRecords, type CallRecord } from '../src/records/index.ts';

const call = (i: number): CallRecord => ({
  callId: `bench-${i}`, caller: '1001', callee: '1002', startedAt: 1_700_000_000_000 + i, answeredAt: 1_700_000_001_000 + i,
  endedAt: 1_700_000_060_000 + i, disposition: 'answered', durationSec: 60, billableSec: 59, sipCode: 200, sipReason: 'OK', hangupSide: 'caller',
});
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dir = mkdtempSync(join(tmpdir(), 'cdr-bench-'));
try {
  const rec = openRecords(join(dir, 'records.db'));
  const cdr = new CdrStore(rec);
  const single: number[] = [];
  const batched: number[] = [];
  let n = 0;
  for (let round = 0; round < 5; round++) {
    let t = process.hrtime.bigint();
    for (let i = 0; i < 3000; i++) cdr.insert(call(n++));
    single.push(3000 / (Number(process.hrtime.bigint() - t) / 1e9));
    const batch = Array.from({ length: 3000 }, () => call(n++));
    t = process.hrtime.bigint();
    for (let i = 0; i < batch.length; i += 100) cdr.insertMany(batch.slice(i, i + 100));
    batched.push(3000 / (Number(process.hrtime.bigint() - t) / 1e9));
  }
  console.log(`CDR single-row inserts: ${Math.round(median(single))}/s (median of 5 rounds of 3000)`);
  console.log(`CDR batches of 100:     ${Math.round(median(batched))}/s (ratio ${(median(batched) / median(single)).toFixed(1)}x)`);
  rec.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
