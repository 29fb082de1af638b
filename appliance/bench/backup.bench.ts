// `npm run bench:backup`: a records.db of 1,000,000 call records (the real CDR schema, bulk
// inserted) plus 10,000 recordings (SMALL files: 8 KiB each, 80 MiB in all, so the figure is about
// file count, not disk bandwidth), then three measured phases, each in its own process so its
// peak RSS is its own: backup of config + records, backup with recordings, restore of that backup
// into a wiped box. Targets (issue 9): config+records backup < 30 s, peak memory < 200 MB,
// restore < 60 s. The data lives in a temp folder that is removed at the end.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigStore } from '../src/config/index.ts';
import { CdrStore, openRecords, type CallRecord } from '../src/records/index.ts';
import { dataPaths } from '../src/backup/index.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const FILES = Number(process.env.BENCH_FILES ?? 10_000);
const dir = mkdtempSync(join(tmpdir(), 'hotline-backup-bench-'));
const box = join(dir, 'box');
const target = join(dir, 'target');
const phaseScript = join(import.meta.dirname, 'backup-phase.ts');

const call = (i: number): CallRecord => {
  const startedAt = 1_780_000_000_000 + i * 997;
  const answered = i % 4 !== 0;
  return {
    callId: `${i.toString(16)}-bench@10.0.0.1`, caller: `138${String(i % 100_000_000).padStart(8, '0')}`, callee: '95598',
    startedAt, answeredAt: answered ? startedAt + 4000 : null, endedAt: startedAt + 125_000, disposition: answered ? 'answered' : 'no-answer',
    durationSec: 125, billableSec: answered ? 121 : 0, sipCode: answered ? 200 : 480, sipReason: answered ? 'OK' : 'Temporarily Unavailable', hangupSide: 'caller',
    endCause: null, quality: answered ? { a: { packetsIn: 6000, packetsOut: 6000, lost: 3, jitterMs: 1.5 }, b: { packetsIn: 6000, packetsOut: 6000, lost: 0, jitterMs: 0.8 } } : null,
  };
};

function phase(args: string[]): Record<string, number | string> {
  const out = execFileSync(process.execPath, ['--import', 'tsx', phaseScript, ...args], { env: { ...process.env, HOTLINE_LOG_LEVEL: 'warn' }, maxBuffer: 1 << 20 }).toString();
  return JSON.parse(out.trim().split('\n').pop()!) as Record<string, number | string>;
}

try {
  const t0 = performance.now();
  const paths = dataPaths(box);
  await ConfigStore.open(paths);
  const records = openRecords(paths.records);
  const cdr = new CdrStore(records);
  for (let i = 0; i < ROWS; i += 50_000) cdr.insertMany(Array.from({ length: Math.min(50_000, ROWS - i) }, (_, k) => call(i + k)));
  records.db.pragma('wal_checkpoint(TRUNCATE)');
  records.close();
  const payload = Buffer.alloc(8192, 0xd5); // A-law silence
  for (let i = 0; i < FILES; i++) {
    const d = join(paths.recordings, '2026', '11', String(1 + (i % 28)).padStart(2, '0'));
    if (i < 28) mkdirSync(d, { recursive: true });
    writeFileSync(join(d, `call-${i}.wav`), payload);
  }
  const dbMb = statSync(paths.records).size / 1_048_576;
  console.log(`setup: ${ROWS.toLocaleString('en')} CDR rows (records.db ${dbMb.toFixed(0)} MB), ${FILES.toLocaleString('en')} recordings of 8 KiB, in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const b1 = phase(['backup', box, target, '0']);
  console.log(`backup config+records:            ${(Number(b1.ms) / 1000).toFixed(1)} s, peak RSS ${b1.maxRssMb} MB, archive ${b1.archiveMb} MB   (targets: < 30 s, < 200 MB)`);
  const b2 = phase(['backup', box, target, '1']);
  console.log(`backup config+records+recordings: ${(Number(b2.ms) / 1000).toFixed(1)} s, peak RSS ${b2.maxRssMb} MB, archive ${b2.archiveMb} MB`);
  const fresh = join(dir, 'fresh-box');
  const r = phase(['restore', fresh, target, String(b2.archive)]);
  console.log(`restore (records+recordings) into a wiped box: ${(Number(r.ms) / 1000).toFixed(1)} s, peak RSS ${r.maxRssMb} MB, ${r.cdrRows} rows, ${r.recordings} recordings   (targets: < 60 s, < 200 MB)`);
  const ok = Number(b1.ms) < 30_000 && Number(r.ms) < 60_000 && [b1, b2, r].every((x) => Number(x.maxRssMb) < 200);
  console.log(ok ? 'all targets met' : 'TARGET MISSED');
  process.exitCode = ok ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
