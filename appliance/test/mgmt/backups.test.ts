import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { call, mint, seedUser, startHarness, type Client, type Harness } from './harness.ts';

async function waitDone(h: Harness, admin: Client): Promise<any> {
  const seen: number[] = [];
  for (let i = 0; i < 400; i++) {
    const p = (await call(h, 'GET', '/api/v1/backups/progress', { client: admin })).json.progress;
    if (p) seen.push(p.percent);
    if (p && (p.phase === 'done' || p.phase === 'failed')) return { ...p, seen };
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('backup did not finish');
}

async function upload(h: Harness, admin: Client, bytes: Uint8Array, passphrase?: string) {
  const res = await fetch(h.base + '/api/v1/backups/restore/upload', {
    method: 'POST',
    headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf, 'content-type': 'application/octet-stream', ...(passphrase ? { 'x-backup-passphrase': encodeURIComponent(passphrase) } : {}) },
    body: new Blob([bytes as Uint8Array<ArrayBuffer>]),
  });
  return { status: res.status, json: (await res.json()) as any };
}

test('backups API: admin only, passphrase and kit, create with progress, download, upload refusals, restore with preview; audited', async (t) => {
  const h = await startHarness(t, { backups: true });
  await seedUser(h, 'root', 'admin');
  await seedUser(h, 'eng', 'engineer');
  const admin = mint(h, 'root');
  const eng = mint(h, 'eng');

  assert.equal((await call(h, 'POST', '/api/v1/backups', { client: eng, body: {} })).status, 403);
  assert.equal((await call(h, 'GET', '/api/v1/backups', { client: eng })).status, 403);
  assert.equal((await call(h, 'GET', '/api/v1/backups/status', { client: eng })).status, 200);

  const noKey = await call(h, 'POST', '/api/v1/backups', { client: admin, body: {} });
  assert.equal(noKey.status, 422);
  assert.equal(noKey.json.error.reason, 'NO_KEY');
  assert.match(noKey.json.error.messageZh, /备份口令/);

  const kit = await call(h, 'PUT', '/api/v1/backups/passphrase', { client: admin, body: { passphrase: 'a good passphrase' } });
  assert.equal(kit.status, 200);
  assert.equal(kit.json.kind, 'hotline-backup-recovery-kit');
  assert.equal(kit.json.kdf.name, 'scrypt');
  assert.ok(kit.json.instructions['zh-CN'].length && kit.json.instructions.en.length);
  assert.equal(JSON.stringify(kit.json).includes('a good passphrase'), false, 'the kit never holds the passphrase');
  const kitDl = await call(h, 'GET', '/api/v1/backups/recovery-kit', { client: admin });
  assert.match(kitDl.headers.get('content-disposition') ?? '', /attachment; filename="hotline-backup-recovery-kit.json"/);
  assert.equal(kitDl.json.keyCheck, kit.json.keyCheck);

  const started = await call(h, 'POST', '/api/v1/backups', { client: admin, body: {} });
  assert.equal(started.status, 202);
  const done = await waitDone(h, admin);
  assert.equal(done.phase, 'done', JSON.stringify(done));
  assert.equal(done.percent, 100);
  const list = (await call(h, 'GET', '/api/v1/backups', { client: admin })).json;
  assert.equal(list.length, 1);
  const name = list[0].name;

  const dl = await fetch(`${h.base}/api/v1/backups/${name}/download`, { headers: { cookie: admin.cookie } });
  assert.equal(dl.status, 200);
  const archive = new Uint8Array(await dl.arrayBuffer());
  assert.equal(createHash('sha256').update(archive).digest('hex'), list[0].sha256);

  const wrong = await upload(h, admin, archive, 'not the passphrase');
  assert.equal(wrong.status, 422);
  assert.equal(wrong.json.error.reason, 'WRONG_PASSPHRASE');
  const cut = await upload(h, admin, archive.subarray(0, archive.length - 100), 'a good passphrase');
  assert.equal(cut.json.error.reason, 'TRUNCATED');

  // Change the box after the backup, then restore it through upload → preview → apply.
  const original = structuredClone(h.config.current);
  await h.config.update((c) => void c.extensions.push({ number: '1002', secret: 'secret-1002', maxContacts: 5, callWaiting: false }), { author: 'test', comment: 'after backup' });
  const staged = await upload(h, admin, archive, 'a good passphrase');
  assert.equal(staged.status, 200, JSON.stringify(staged.json));
  assert.deepEqual(staged.json.plan.config.changedSections, ['extensions']);
  assert.equal(JSON.stringify(staged.json.plan).includes('secret-1001'), false, 'the preview holds no secrets');
  const reloads = h.pbx.reloads;
  const applied = await call(h, 'POST', `/api/v1/backups/restore/${staged.json.id}/apply`, { client: admin, body: {} });
  assert.equal(applied.status, 200, applied.text);
  assert.equal(applied.json.applied, true);
  assert.equal(h.pbx.reloads, reloads + 1, 'the PBX was told to reload');
  assert.deepEqual(h.config.current, original);
  assert.equal((await call(h, 'POST', `/api/v1/backups/restore/${staged.json.id}/apply`, { client: admin, body: {} })).status, 404, 'a staged restore applies once');

  const report = await call(h, 'POST', '/api/v1/backups/test-restore', { client: admin, body: {} });
  assert.equal(report.json.ok, true, report.text);

  const audit = (await call(h, 'GET', '/api/v1/audit?limit=50', { client: admin })).json;
  const actions = (audit.items ?? audit).map((e: { action: string }) => e.action);
  for (const a of ['backup.passphrase_set', 'backup.kit_downloaded', 'backup.created', 'backup.downloaded', 'backup.restore_staged', 'backup.restored', 'backup.test_restore']) assert.ok(actions.includes(a), `audited: ${a} in ${actions.join(',')}`);
  const status = (await call(h, 'GET', '/api/v1/backups/status', { client: eng })).json;
  assert.equal(status.lastSuccessArchive, name);
  assert.equal(status.alarm, null);
});
