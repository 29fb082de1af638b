// A SIP trunk against a real peer: sipp plays the carrier's registrar (401 challenge, digest
// checked by sipp's verifyauth), the PBX registers, and `hotline trunks` reports the state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../src/ports.ts';
import { scenario, startSipp, waitForUdpBound } from '../src/sipp.ts';
import { REPO_ROOT, eventually, startPbx } from '../src/pbx.ts';

function trunks(dataDir: string): Array<{ name: string; state: string; lastError?: string }> {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'appliance/bin/hotline.mjs'), '--data-dir', dataDir, 'trunks', '--json'], { encoding: 'utf8', cwd: REPO_ROOT });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

for (const [password, expected] of [['carrier-secret', 'up'], ['not-the-secret', 'unregistered']] as const) {
  test(`a trunk registering with ${expected === 'up' ? 'the right' : 'a wrong'} password to a sipp carrier is ${expected}`, async () => {
    const carrierPort = await freePort();
    const carrier = startSipp({
      scenarioFile: scenario('registrar-uas'), localPort: carrierPort, calls: 1, timeoutSec: 20, allowFailure: true,
      vars: { user: 'acct42', secret: 'carrier-secret' },
    });
    await waitForUdpBound(carrierPort);
    const pbx = await startPbx({ trunks: [{ name: 'carrier', host: '127.0.0.1', port: carrierPort, username: 'acct42', password, register: true }] });
    try {
      const t = await eventually(async () => trunks(pbx.dataDir).find((x) => x.name === 'carrier' && x.state !== 'registering'), 10_000, 'the trunk state');
      assert.equal(t.state, expected, JSON.stringify(t));
      if (expected === 'unregistered') assert.match(t.lastError ?? '', /^403/);
    } finally {
      await pbx.stop();
      await carrier.stop();
    }
  });
}
