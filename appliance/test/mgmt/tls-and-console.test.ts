import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { statSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataPaths } from '../../src/paths.ts';
import { runUser } from '../../src/cli/user.ts';
import type { CliContext } from '../../src/cli/context.ts';
import { CliUsageError } from '../../src/cli/errors.ts';
import { ensureFirstAdmin } from '../../src/mgmt/first-admin.ts';
import { ensureCertificate, tlsFiles, validateCertificatePair } from '../../src/mgmt/tls.ts';
import { openRecords, UserStore } from '../../src/records/index.ts';
import { call, login, seedUser, startHarness } from './harness.ts';

async function tempDir(t: { after(fn: () => unknown): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hotline-mgmt-tls-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A self-signed pair made with openssl, valid from `days` ago for `validDays`. */
function opensslPair(dir: string, name: string, validDays: number): { certPem: string; keyPem: string } {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.crt`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', String(validDays), '-subj', `/CN=${name}`], { stdio: 'ignore' });
  return { certPem: readFileSync(cert, 'utf8'), keyPem: readFileSync(key, 'utf8') };
}

test('first start generates a self-signed certificate whose key file is mode 0600, and keeps it on the next start', async (t) => {
  const dir = await tempDir(t);
  const first = await ensureCertificate(join(dir, 'tls'), 'hotline-box');
  assert.match(first.certPem, /BEGIN CERTIFICATE/);
  assert.equal(statSync(tlsFiles(join(dir, 'tls')).key).mode & 0o777, 0o600);
  assert.deepEqual(await ensureCertificate(join(dir, 'tls'), 'hotline-box'), first);
});

test('certificate upload: admin only, a key of another certificate and garbage are refused with paths, a good pair is stored and swapped in', async (t) => {
  const h = await startHarness(t);
  const dir = await tempDir(t);
  const a = opensslPair(dir, 'a', 30);
  const b = opensslPair(dir, 'b', 30);
  h.clock.now = Date.now();
  await seedUser(h, 'root', 'admin');
  await seedUser(h, 'eng', 'engineer');
  const c = await login(h, 'root');
  assert.equal((await call(h, 'PUT', '/api/v1/system/certificate', { client: await login(h, 'eng'), body: a })).status, 403);
  const mismatch = await call(h, 'PUT', '/api/v1/system/certificate', { client: c, body: { certPem: a.certPem, keyPem: b.keyPem } });
  assert.equal(mismatch.status, 400);
  assert.deepEqual(mismatch.json.error.details, [{ path: '/keyPem', message: 'does not belong to the certificate' }]);
  const garbage = await call(h, 'PUT', '/api/v1/system/certificate', { client: c, body: { certPem: 'nope', keyPem: a.keyPem } });
  assert.equal(garbage.json.error.details[0].path, '/certPem');
  // The session would not survive a clock 40 days ahead, so the expiry rule is checked directly.
  assert.throws(() => validateCertificatePair(a, Date.now() + 40 * 86_400_000), /expired/);
  assert.throws(() => validateCertificatePair(a, Date.now() - 86_400_000), /not valid before/);
  let swapped: unknown;
  h.services.deps.onCertificateChanged = (p) => (swapped = p);
  const ok = await call(h, 'PUT', '/api/v1/system/certificate', { client: c, body: a });
  assert.equal(ok.status, 200, ok.text);
  assert.match(ok.json.subject, /CN=a/);
  assert.deepEqual(swapped, a);
  assert.equal(readFileSync(tlsFiles(join(h.dir, 'tls')).cert, 'utf8'), a.certPem);
  assert.equal(statSync(tlsFiles(join(h.dir, 'tls')).key).mode & 0o777, 0o600);
  const audit = h.services.auditLog.search({ action: 'system.certificate_replaced' }).items[0];
  assert.ok(audit && !JSON.stringify(audit).includes('PRIVATE KEY'));
});

test('ensureFirstAdmin creates admin once with a policy-compliant one-time password that must be changed', async (t) => {
  const dir = await tempDir(t);
  const paths = dataPaths(dir);
  const first = await ensureFirstAdmin(paths);
  assert.equal(first.created, true);
  assert.equal(first.username, 'admin');
  assert.equal(first.password!.length, 16);
  assert.deepEqual(await ensureFirstAdmin(paths), { created: false });
  const records = openRecords(paths.records);
  t.after(() => records.close());
  const admin = new UserStore(records).get('admin')!;
  assert.equal(admin.role, 'admin');
  assert.equal(admin.mustChangePassword, true);
  assert.ok(!admin.passwordHash.includes(first.password!), 'only a hash is stored');
});

test('console recovery: user add, passwd (lifts a lockout, forces a change) and list, with the same policy as the UI', async (t) => {
  const dir = await tempDir(t);
  let out = '';
  const ctx: CliContext = { paths: dataPaths(dir), out: (s) => void (out += s), err: () => {}, now: Date.now, author: 'cli:test' };
  assert.equal(await runUser('add', ['ops', '--role', 'admin', '--password', 'Ops-Password-1'], ctx), 0);
  await assert.rejects(runUser('add', ['weak', '--role', 'agent', '--password', 'short'], ctx), CliUsageError);
  await assert.rejects(runUser('add', ['x1', '--role', 'boss', '--password', 'Ops-Password-1'], ctx), /role must be one of/);
  const records = openRecords(dataPaths(dir).records);
  records.db.prepare("INSERT INTO login_locks (kind, key, locked_until) VALUES ('user', 'ops', ?)").run(Date.now() + 600_000);
  records.close();
  assert.equal(await runUser('passwd', ['ops', '--password', 'Ops-Password-2'], ctx), 0);
  await assert.rejects(runUser('passwd', ['ops', '--password', 'Ops-Password-1'], ctx), /last 3/);
  const check = openRecords(dataPaths(dir).records);
  t.after(() => check.close());
  assert.deepEqual(check.db.prepare('SELECT COUNT(*) AS n FROM login_locks').get(), { n: 0 });
  assert.equal(new UserStore(check).get('ops')!.mustChangePassword, true);
  out = '';
  assert.equal(await runUser('list', ['--json'], ctx), 0);
  assert.deepEqual(JSON.parse(out).map((u: { username: string; role: string }) => [u.username, u.role]), [['ops', 'admin']]);
});
