import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigStore } from '../../src/config/index.ts';
import { dataPaths } from '../../src/paths.ts';

const repo = resolve(import.meta.dirname, '../../..');
const mainTs = join(repo, 'appliance/src/cli/main.ts');

function cli(dataDir: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, ['--import', 'tsx', mainTs, '--data-dir', dataDir, ...args], { cwd: repo }, (err, stdout, stderr) => {
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

test('hotline snmp shows the settings with keys and communities masked; config show masks them too; snmp mib prints the MIB path', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'hotline-cli-snmp-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const store = await ConfigStore.open(dataPaths(dir));
  await store.update((d) => {
    d.snmp = {
      port: 1161, v2c: { enabled: true, community: 'very-secret-community', allowedSources: ['192.0.2.0/24'] },
      v3Users: [{ name: 'nms', authKey: 'auth-secret-1', privKey: 'priv-secret-1' }],
      trapTargets: [{ host: '192.0.2.9', version: 'v3', user: 'nms' }, { host: '192.0.2.10', version: 'v3', user: 'nms', mode: 'inform' }],
    };
    d.monitor = { email: { host: 'smtp.example.com', user: 'hotline', password: 'smtp-secret-1', from: 'hotline@example.com', recipients: ['noc@example.com'] } };
    d.devices = { gateways: [{ index: 3, name: 'pstn-gw', host: '192.0.2.30', version: 'v2c', community: 'gw-secret-1' }] };
  }, { author: 'test', comment: 'snmp' });
  let r = await cli(dir, 'snmp');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /SNMPv2c: on, community \*+, from 192\.0\.2\.0\/24/);
  assert.match(r.stdout, /nms \(authPriv SHA-256\/AES\)/);
  assert.match(r.stdout, /Trap targets .*: v3 192\.0\.2\.9:162 as nms, v3 192\.0\.2\.10:162 as nms \(inform, 3 retries\)/);
  assert.match(r.stdout, /Alarm e-mail .*: starttls smtp\.example\.com:587 to noc@example\.com, minor and above, at most 30\/h/);
  assert.doesNotMatch(r.stdout, /smtp-secret-1/);
  assert.match(r.stdout, /Monitor .*not running/);
  assert.match(r.stdout, /Gateways polled .*: #3 pstn-gw v2c 192\.0\.2\.30:161 \(not polled yet\)/);
  assert.doesNotMatch(r.stdout, /gw-secret-1/);
  r = await cli(dir, 'snmp', '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).settings.v3Users[0].authKey, '********');
  assert.equal(JSON.parse(r.stdout).thresholds.email.auth.password, '********');
  r = await cli(dir, 'config', 'show');
  for (const secret of ['very-secret-community', 'auth-secret-1', 'priv-secret-1', 'smtp-secret-1', 'gw-secret-1']) {
    assert.doesNotMatch(r.stdout, new RegExp(secret));
  }
  r = await cli(dir, 'snmp', 'mib');
  assert.equal(r.stdout.trim(), join(repo, 'appliance/mibs/HOTLINE-MIB.txt'));
  r = await cli(dir, 'snmp', 'frobnicate');
  assert.equal(r.code, 2);
});
