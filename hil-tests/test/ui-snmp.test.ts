// Browser test of the SNMP settings page (issue 8): headless Chromium against the real mgmt
// service and a real monitor process sharing its data dir, with net-snmp's own tools as the
// NMS. Changing the community on the page makes the running agent answer the new one and drop
// the old one (no restart of the monitor); bad input is shown at its field and changes
// nothing; the MIB files downloaded from the page load in snmptranslate.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startAppliance, type HilAppliance } from '../src/appliance.ts';
import { launchBrowser, screenshot, VIEWPORTS, type HilBrowser } from '../src/browser.ts';
import { startMonitor, type HilMonitor } from '../src/monitor.ts';
import { apiFromPage, firstSignIn, openPage } from '../src/ui-pages.ts';
import { freeUdpPort, MIB_DIR, runTool, snmpToolsInstalled } from '../src/snmp-tools.ts';

const PASSWORD = 'Hotline-Snmp-2024!';
const OLD = 'old-community-1';
const NEW = 'new-community-2';
const HOTLINE_PRODUCT = '1.3.6.1.4.1.32473.1.1.1.0';

let app: HilAppliance;
let monitor: HilMonitor;
let hb: HilBrowser;
let page: Page;
let target: string;
const downloads = mkdtempSync(join(tmpdir(), 'hil-mib-download-'));

/** snmpget of hlProductName with `community`, one try, a short timeout. */
function getWith(community: string) {
  return runTool('snmpget', ['-v2c', '-c', community, '-t', '1', '-r', '0', '-On', target, HOTLINE_PRODUCT]);
}

before(async () => {
  assert.ok(snmpToolsInstalled(), 'net-snmp tools missing: bash provisioning/scripts/bootstrap-host.sh test');
  app = await startAppliance();
  const port = await freeUdpPort();
  target = `127.0.0.1:${port}`;
  monitor = await startMonitor((d) => {
    d.snmp = {
      port, bindAddress: '127.0.0.1',
      v2c: { enabled: true, community: OLD, allowedSources: ['127.0.0.1'] },
      v3Users: [{ name: 'nms', authKey: 'nms-auth-key-1', privKey: 'nms-priv-key-1' }],
    };
  }, 30_000, app.pbx.dataDir);
  hb = await launchBrowser();
  const ctx = await hb.browser.newContext({ viewport: VIEWPORTS.laptop, locale: 'en-US', timezoneId: 'UTC', acceptDownloads: true });
  page = await ctx.newPage();
  page.setDefaultTimeout(30_000);
  await firstSignIn(page, app.baseUrl, 'admin', app.adminPassword, PASSWORD);
});

after(async () => {
  await hb?.close();
  await monitor?.stop();
  await app?.stop();
  rmSync(downloads, { recursive: true, force: true });
});

test('changing the community on the page: snmpget with the new one answers, the old one times out', async () => {
  assert.equal((await getWith(OLD)).status, 0, 'the configured community answers before the change');
  await openPage(page, 'snmp');
  await page.waitForSelector('[data-testid="snmp-form"]');
  // Write-only: the stored community is not in the page, only a note that one is stored.
  assert.equal(await page.inputValue('input[name="community"]'), '');
  assert.ok(!(await page.content()).includes(OLD), 'the stored community is not sent to the browser');
  assert.equal(await page.inputValue('[data-user="0"] input[name="authKey"]'), '');

  const before = (await apiFromPage<{ configVersion: number }>(page, 'GET', '/snmp/settings')).json.configVersion;
  await page.fill('input[name="community"]', NEW);
  await page.fill('input[name="comment"]', 'new read community');
  await page.click('[data-testid="snmp-save"]');
  await page.waitForSelector('[data-testid="notice"]:has-text("the SNMP agent restarted")');
  await screenshot(page, 'snmp-saved-en');
  const after = (await apiFromPage<{ configVersion: number }>(page, 'GET', '/snmp/settings')).json.configVersion;
  assert.equal(after, before + 1);

  const fresh = await getWith(NEW);
  assert.equal(fresh.status, 0, fresh.stderr);
  assert.match(fresh.stdout, /STRING: "Hotline"/);
  const stale = await getWith(OLD);
  assert.notEqual(stale.status, 0, 'the old community is no longer answered');
  assert.match(stale.stderr, /Timeout/);
  // The v3 user kept the keys the form left empty.
  const v3 = await runTool('snmpget', ['-v3', '-l', 'authPriv', '-u', 'nms', '-a', 'SHA-256', '-A', 'nms-auth-key-1', '-x', 'AES', '-X', 'nms-priv-key-1', '-t', '2', '-r', '1', '-On', target, HOTLINE_PRODUCT]);
  assert.equal(v3.status, 0, v3.stderr);
  const status = await monitor.status();
  assert.equal(status.configVersion, after, 'the running monitor took the new version without a restart');
});

test('bad input shows the field errors in English and Chinese and changes nothing', async () => {
  await openPage(page, 'snmp');
  await page.waitForSelector('[data-testid="snmp-form"]');
  const before = (await apiFromPage<{ configVersion: number }>(page, 'GET', '/snmp/settings')).json.configVersion;
  await page.fill('textarea[name="allowedSources"]', '127.0.0.1\n10.0.0.0/33');
  await page.click('[data-testid="snmp-add-user"]');
  await page.fill('[data-user="1"] input[name="userName"]', 'second');
  await page.fill('[data-user="1"] input[name="authKey"]', 'short');
  await page.fill('input[name="comment"]', 'broken');
  await page.click('[data-testid="snmp-save"]');
  const sources = page.locator('[data-testid="snmp-v2c"] .field-error');
  await sources.waitFor();
  assert.match(await sources.innerText(), /Line 2: must be an IP address or a CIDR block/);
  const key = page.locator('[data-user="1"] .field-error');
  assert.equal(await key.count(), 2, 'the short auth key and the missing privacy key are shown at their fields');
  assert.match(await key.first().innerText(), /8/);
  await screenshot(page, 'snmp-errors-en');

  await page.click('button[data-lang="zh-CN"]');
  await page.waitForSelector('h1:has-text("SNMP 代理")');
  assert.match(await sources.innerText(), /第 2 行：must be an IP address/);
  await screenshot(page, 'snmp-errors-zh');
  await page.click('button[data-lang="en"]');

  const after = (await apiFromPage<{ configVersion: number; settings: { v2c: { allowedSources: string[] }; v3Users: unknown[] } }>(page, 'GET', '/snmp/settings')).json;
  assert.equal(after.configVersion, before, 'no configuration version written');
  assert.deepEqual(after.settings.v2c.allowedSources, ['127.0.0.1']);
  assert.equal(after.settings.v3Users.length, 1);
  assert.equal((await getWith(NEW)).status, 0, 'the agent still answers as before');
});

test('the MIB files downloaded from the page load in snmptranslate', async () => {
  await openPage(page, 'snmp');
  const links = page.locator('[data-testid="snmp-mibs"] a[data-mib]');
  await links.first().waitFor();
  const names = await links.evaluateAll((as) => as.map((a) => a.getAttribute('data-mib') ?? ''));
  assert.equal(names[0], 'HOTLINE-MIB.txt');
  for (const name of names) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(`a[data-mib="${name}"]`)]);
    assert.equal(download.suggestedFilename(), name);
    await download.saveAs(join(downloads, name));
  }
  assert.equal(readFileSync(join(downloads, 'HOTLINE-MIB.txt'), 'utf8'), readFileSync(join(MIB_DIR, 'HOTLINE-MIB.txt'), 'utf8'));
  // Only the downloaded directory on the MIB path (-M without +), so nothing else can help.
  const r = await runTool('snmptranslate', ['-M', downloads, '-m', 'HOTLINE-MIB', '-On', 'HOTLINE-MIB::hlAlarmRaised', 'HOTLINE-MIB::hlProductName.0']);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.split('\n').filter(Boolean), ['.1.3.6.1.4.1.32473.0.1', '.1.3.6.1.4.1.32473.1.1.1.0']);
});

test('the SNMP page fits the laptop and tablet viewports', async () => {
  for (const [sizeName, viewport] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(viewport);
    await openPage(page, 'snmp');
    await page.waitForSelector('[data-testid="snmp-form"]');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await screenshot(page, `snmp-en-${sizeName}`);
    assert.ok(overflow <= 0, `the SNMP page is ${overflow}px wider than the ${sizeName} viewport`);
  }
});
