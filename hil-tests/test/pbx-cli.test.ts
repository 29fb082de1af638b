// The console CLI against a running PBX: a change made with `hotline` is saved through the
// config store, the PBX reloads it over the control socket without a restart, and a real
// sipp phone sees the difference at once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { runSipp, scenario } from '../src/sipp.ts';
import { REPO_ROOT, startPbx, type HilPbx } from '../src/pbx.ts';

let pbx: HilPbx;
before(async () => { pbx = await startPbx({ extensions: [{ number: '1001', secret: 'first-secret-1001' }] }); });
after(async () => { await pbx?.stop(); });

function hotline(...args: string[]) {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'appliance/bin/hotline.mjs'), '--data-dir', pbx.dataDir, ...args], { encoding: 'utf8', cwd: REPO_ROOT });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function register(number: string, password: string, scenarioName = 'register') {
  return runSipp({
    scenarioFile: scenario(scenarioName), remote: `127.0.0.1:${pbx.sipPort}`, service: number,
    auth: { username: number, password }, vars: { contact_port: 5097, expires: 0 }, timeoutSec: 10, allowFailure: true,
  });
}

test('an extension added with the CLI can register at once, without restarting the PBX', async () => {
  const before = await register('1009', 'cli-added-secret-9');
  assert.equal(before.stats.successful, 0, 'unknown before the change');
  const add = hotline('extension', 'add', '1009', '--secret', 'cli-added-secret-9', '--name', '座席 1009');
  assert.equal(add.code, 0, add.err);
  const after = await register('1009', 'cli-added-secret-9');
  assert.equal(after.stats.successful, 1, 'registered after the CLI change');
});

test('a secret changed with the CLI applies at once: the old one is refused, the new one accepted', async () => {
  assert.equal(hotline('extension', 'passwd', '1001', '--secret', 'second-secret-1001').code, 0);
  assert.equal((await register('1001', 'first-secret-1001', 'register-refused')).stats.successful, 1, 'old secret refused');
  assert.equal((await register('1001', 'second-secret-1001')).stats.successful, 1, 'new secret accepted');
});

test('hotline status shows the running PBX, and a rollback through the CLI is applied too', async () => {
  const status = hotline('status', '--json');
  assert.equal(status.code, 0, status.err);
  const parsed = JSON.parse(status.out) as { listening: Array<{ port: number }> };
  assert.ok(parsed.listening.some((l) => l.port === pbx.sipPort));
  const history = JSON.parse(hotline('config', 'history', '--json').out) as Array<{ version: number }>;
  const beforeAdd = history.find((v) => v.version === 2)!; // 1 = defaults, 2 = the test's config, 3+ = CLI changes
  assert.equal(hotline('config', 'rollback', String(beforeAdd.version)).code, 0);
  assert.equal((await register('1009', 'cli-added-secret-9')).stats.successful, 0, '1009 is gone again');
});
