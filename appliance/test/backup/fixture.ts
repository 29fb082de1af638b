// A populated data directory for backup tests, and a digest of everything a restore must bring back.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ConfigStore } from '../../src/config/index.ts';
import { dataPaths } from '../../src/paths.ts';
import { AuditStore, CdrStore, openRecords, type CallRecord, type RecordsDb } from '../../src/records/index.ts';
import { BackupService, type BackupSettings } from '../../src/backup/index.ts';

/** A fresh temporary folder (tests remove it). */
export const tempDir = (tag: string) => mkdtempSync(join(tmpdir(), `hotline-${tag}-`));

/** A call record number `i`. */
export function call(i: number): CallRecord {
  const startedAt = 1_790_000_000_000 + i * 1000;
  return { callId: `call-${i}@test`, caller: `1${String(i % 900).padStart(3, '0')}`, callee: '95598', startedAt, answeredAt: i % 3 ? startedAt + 2000 : null, endedAt: startedAt + 60_000, disposition: i % 3 ? 'answered' : 'no-answer', durationSec: 60, billableSec: i % 3 ? 58 : 0, sipCode: i % 3 ? 200 : 480, sipReason: i % 3 ? 'OK' : 'Temporarily Unavailable', hangupSide: 'caller', endCause: null, quality: null };
}

/** Fills a data directory: 3 config versions, CDRs, an audit row, tls, prompts, a voicemail message, recordings. */
export async function populate(root: string, o: { calls?: number; recordings?: number } = {}): Promise<{ store: ConfigStore; records: RecordsDb }> {
  const paths = dataPaths(root);
  const store = await ConfigStore.open(paths);
  await store.update((c) => void c.extensions.push({ number: '2001', secret: 'Secret-2001-xyz', name: '张三', maxContacts: 5, callWaiting: false }), { author: 'test', comment: 'add 2001' });
  await store.update((c) => void (c.extensions[c.extensions.length - 1].name = '李四'), { author: 'test', comment: 'rename 2001' });
  const records = openRecords(paths.records);
  const cdr = new CdrStore(records);
  const n = o.calls ?? 500;
  cdr.insertMany(Array.from({ length: n }, (_, i) => call(i)));
  new AuditStore(records).append({ at: 1_790_000_000_000, actor: 'admin', role: 'admin', sourceAddress: '127.0.0.1', action: 'user.created', target: 'x', outcome: 'ok' });
  await mkdir(paths.tls, { recursive: true });
  await writeFile(join(paths.tls, 'cert.pem'), '-----BEGIN CERTIFICATE-----\nfake\n-----END CERTIFICATE-----\n');
  await writeFile(join(paths.tls, 'key.pem'), '-----BEGIN PRIVATE KEY-----\nfake\n-----END PRIVATE KEY-----\n');
  await mkdir(join(paths.prompts, 'zh-CN'), { recursive: true });
  await writeFile(join(paths.prompts, 'zh-CN', 'welcome.wav'), randomBytes(3000));
  await mkdir(join(paths.voicemail, '800'), { recursive: true });
  await writeFile(join(paths.voicemail, '800', 'message-1.wav'), randomBytes(2000));
  await addRecordings(root, 0, o.recordings ?? 12);
  return { store, records };
}

/** Adds recordings number `from`..`from+count-1` (random bytes, 1..40 KB). */
export async function addRecordings(root: string, from: number, count: number): Promise<void> {
  const dir = join(dataPaths(root).recordings, '2026', '11', '30');
  await mkdir(dir, { recursive: true });
  for (let i = from; i < from + count; i++) await writeFile(join(dir, `call-${i}.wav`), randomBytes(1000 + ((i * 7919) % 40_000)));
}

async function filesDigest(dir: string, prefix = ''): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  let names: string[] = [];
  try {
    names = await readdir(dir, { recursive: true });
  } catch {
    return out;
  }
  for (const n of names.sort()) {
    try {
      out[prefix + n] = createHash('sha256').update(await readFile(join(dir, n))).digest('hex');
    } catch {
      // a directory
    }
  }
  return out;
}

/** Every row of every table (except backup_runs), as SHA-256 per table plus counts. */
export function recordsDigest(path: string): Record<string, { rows: number; sha256: string }> {
  const db = new Database(path, { readonly: true });
  try {
    const out: Record<string, { rows: number; sha256: string }> = {};
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT IN ('backup_runs', 'schema_migrations') ORDER BY name").all() as Array<{ name: string }>).map((r) => r.name);
    for (const t of tables) {
      const h = createHash('sha256');
      let rows = 0;
      for (const r of db.prepare(`SELECT * FROM "${t}" ORDER BY rowid`).iterate()) (h.update(JSON.stringify(r)), rows++);
      out[t] = { rows, sha256: h.digest('hex') };
    }
    return out;
  } finally {
    db.close();
  }
}

/** Everything of a data directory a restore touches: config text, history files, tls, prompts, voicemail, recordings, rows. */
export async function stateDigest(root: string) {
  const p = dataPaths(root);
  return {
    config: await readFile(p.config, 'utf8').catch(() => null),
    history: await filesDigest(p.configHistory),
    tls: await filesDigest(p.tls),
    prompts: await filesDigest(p.prompts),
    voicemail: await filesDigest(p.voicemail),
    recordings: await filesDigest(p.recordings),
    records: recordsDigest(p.records),
    topLevel: (await readdir(root)).filter((n) => n !== 'backup').sort(),
  };
}

/** A service on `root` whose only target is the folder `targetDir`; passphrase set. */
export async function serviceWithTarget(root: string, records: RecordsDb, targetDir: string, store?: ConfigStore, passphrase = 'correct horse battery'): Promise<BackupService> {
  const svc = new BackupService({ paths: dataPaths(root), records, productVersion: '0.1.0-test', config: store });
  const settings: BackupSettings = { targets: [{ id: 'usb', kind: 'folder', path: targetDir }], schedules: [], retention: { keepCount: 10, maxAgeDays: 365 } };
  await svc.saveSettings(settings);
  if (passphrase) await svc.setPassphrase(passphrase);
  return svc;
}
