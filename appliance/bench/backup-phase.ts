// One measured phase of `npm run bench:backup`, run in its own process so its peak RSS is its own:
//   backup  <dataDir> <targetDir> <recordings: 0|1>
//   restore <dataDir> <targetDir> <archiveName>     (into a fresh, empty box at <dataDir>)
// Prints one JSON line: { phase, ms, maxRssMb, ... }.
import { ConfigStore } from '../src/config/index.ts';
import { openRecords } from '../src/records/index.ts';
import { BackupService, dataPaths } from '../src/backup/index.ts';

const [phase, root, target, arg] = process.argv.slice(2);
const paths = dataPaths(root);
const config = await ConfigStore.open(paths);
const records = openRecords(paths.records);
const svc = new BackupService({ paths, records, productVersion: 'bench', config });
await svc.saveSettings({ targets: [{ id: 'bench', kind: 'folder', path: target }], schedules: [], retention: { keepCount: 100, maxAgeDays: 3650 } });
const t0 = performance.now();
let extra: Record<string, unknown> = {};
if (phase === 'backup') {
  if (!(await svc.keyStatus()).set) await svc.setPassphrase('bench passphrase');
  const r = await svc.backup({ target: 'bench', recordings: arg === '1' });
  extra = { archive: r.catalog.name, archiveMb: +(r.catalog.size / 1_048_576).toFixed(1) };
} else {
  const staged = await svc.stage({ target: 'bench', name: arg, passphrase: 'bench passphrase' });
  const r = await svc.apply(staged.id, 'bench');
  extra = { cdrRows: r.tables.cdr, recordings: r.recordings };
}
const ms = performance.now() - t0;
records.close();
// maxRSS is the process high-water mark in KiB (getrusage ru_maxrss): setup + this phase, nothing else.
console.log(JSON.stringify({ phase, ms: Math.round(ms), maxRssMb: +(process.resourceUsage().maxRSS / 1024).toFixed(1), ...extra }));
