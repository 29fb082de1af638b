// Browser test of the Backups page: headless Chromium (Debian's package via playwright-core)
// against the real mgmt service: set the passphrase, back up while watching the progress bar
// move to 100 %, then restore that backup through the change preview and confirmation.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { CdrStore, openRecords } from '@hotline/appliance/records';
import { startAppliance, type HilAppliance } from '../src/appliance.ts';
import { launchBrowser, screenshot, type HilBrowser } from '../src/browser.ts';

const PASSWORD = 'Hotline-Backup-2024!';
let app: HilAppliance;
let hb: HilBrowser;
let page: Page;

before(async () => {
  app = await startAppliance();
  // 300,000 call records (about 60 MB), so the archive phase lasts long enough to watch.
  const records = openRecords(join(app.pbx.dataDir, 'records.db'));
  const cdr = new CdrStore(records);
  for (let i = 0; i < 300_000; i += 50_000) {
    cdr.insertMany(Array.from({ length: 50_000 }, (_, k) => ({ callId: `ui-${i + k}`, caller: `1${(i + k) % 1000}`, callee: '95598', startedAt: 1_790_000_000_000 + (i + k) * 1000, answeredAt: null, endedAt: 1_790_000_001_000 + (i + k) * 1000, disposition: 'no-answer' as const, durationSec: 1, billableSec: 0, sipCode: 480, sipReason: 'Temporarily Unavailable', hangupSide: null })));
  }
  records.close();
  hb = await launchBrowser();
  const ctx = await hb.newContext({ locale: 'en-US' });
  page = await ctx.newPage();
  page.setDefaultTimeout(60_000); // a shared, loaded machine: the backup itself takes seconds
});

after(async () => {
  await hb?.close();
  await app?.stop();
});

test('Backups page: set the passphrase, back up with a progress bar that reaches 100 %, restore through the preview', async () => {
  await page.goto(app.baseUrl);
  await page.fill('input[name="username"]', 'admin');
  await page.fill('input[name="password"]', app.adminPassword);
  await page.click('button[type="submit"]');
  await page.waitForSelector('[data-testid="pw-required"]');
  await page.fill('input[name="currentPassword"]', app.adminPassword);
  await page.fill('input[name="newPassword"]', PASSWORD);
  await page.fill('input[name="repeat"]', PASSWORD);
  await page.click('button[type="submit"]');
  await page.click('nav a[data-nav="backups"]');
  await page.waitForSelector('nav a[data-nav="backups"][aria-current="page"]');

  assert.equal(await page.isDisabled('[data-testid="backup-now"]'), true, 'no backup before a passphrase is set');
  await page.fill('[data-testid="passphrase"]', 'ui backup passphrase');
  await page.fill('[data-testid="passphrase2"]', 'ui backup passphrase');
  await page.click('[data-testid="save-passphrase"]');
  await page.waitForSelector('[data-testid="recovery-kit"]');
  const kit = await page.evaluate(async (url) => (await fetch(url)).json(), (await page.getAttribute('[data-testid="recovery-kit"]', 'href'))!);
  assert.equal(kit.kind, 'hotline-backup-recovery-kit');

  await page.click('[data-testid="backup-now"]');
  // Sample the bar as the user sees it until it says done.
  const seen: Array<{ phase: string; percent: number }> = [];
  const deadline = Date.now() + 60_000;
  for (;;) {
    const bar = page.locator('[data-testid="backup-progress"]');
    if (await bar.count()) {
      const s = { phase: (await bar.getAttribute('data-phase')) ?? '', percent: Number(await bar.getAttribute('data-percent')) };
      if (!seen.length || seen[seen.length - 1].phase !== s.phase || seen[seen.length - 1].percent !== s.percent) seen.push(s);
      if (s.phase === 'archive' && seen.filter((x) => x.phase === 'archive').length === 2) await screenshot(page, 'backups-progress-en');
      if (s.phase === 'done' || s.phase === 'failed') break;
    }
    assert.ok(Date.now() < deadline, `no end of the backup: ${JSON.stringify(seen)}`);
    await page.waitForTimeout(100);
  }
  const last = seen[seen.length - 1];
  assert.deepEqual(last, { phase: 'done', percent: 100 }, JSON.stringify(seen));
  assert.ok(seen.some((s) => s.phase === 'archive' && s.percent > 0 && s.percent < 100), `the bar moved through the archive phase: ${JSON.stringify(seen)}`);
  const rows = page.locator('[data-testid="backup-list"] tbody tr[data-name]');
  await rows.first().waitFor();
  assert.equal(await rows.count(), 1);
  await page.waitForSelector('[data-testid="backup-runs"] tbody tr');
  await screenshot(page, 'backups-done-en');

  // Restore it: verify, look at the preview, confirm.
  await rows.first().locator('button.danger').click();
  await page.fill('[data-testid="restore-passphrase"]', 'ui backup passphrase');
  await page.click('[data-testid="verify"]');
  await page.waitForSelector('[data-testid="restore-plan"]', { timeout: 60_000 });
  const plan = await page.textContent('[data-testid="restore-plan"]');
  assert.match(plan ?? '', /300000/, 'the preview shows the record counts');
  await screenshot(page, 'backups-restore-preview-en');
  await page.click('[data-testid="apply-restore"]');
  await page.waitForSelector('[data-testid="restore-plan"]', { state: 'detached', timeout: 60_000 });
  // The confirmation banner fades after 4 s; the configuration history says it for good.
  const versions = (await page.evaluate(async () => (await fetch('/api/v1/config/versions')).json())) as Array<{ comment: string }>;
  assert.match(versions[versions.length - 1].comment, /restored from backup hotline-/);

  // A nightly schedule through the settings form, saved and validated by the appliance.
  await page.fill('[data-testid="schedule-id"]', 'nightly');
  await page.fill('[data-testid="schedule-time"]', '02:30');
  await page.click('[data-testid="add-schedule"]');
  await page.click('[data-testid="save-backup-settings"]');
  await page.waitForSelector('text=Saved.');
  const saved = (await page.evaluate(async () => (await fetch('/api/v1/backups/settings')).json())) as { settings: { schedules: Array<{ id: string; time: string; every: string }> } };
  assert.deepEqual(saved.settings.schedules.map((x) => [x.id, x.every, x.time]), [['nightly', 'daily', '02:30']]);
  await screenshot(page, 'backups-settings-en');

  // The same page in Chinese, for a person to look at.
  const zh = await (await hb.newContext({ locale: 'zh-CN' })).newPage();
  await zh.goto(app.baseUrl);
  await zh.fill('input[name="username"]', 'admin');
  await zh.fill('input[name="password"]', PASSWORD);
  await zh.click('button[type="submit"]');
  await zh.click('nav a[data-nav="backups"]');
  await zh.waitForSelector('h1:has-text("备份与恢复")');
  await zh.waitForSelector('[data-testid="backup-runs"] tbody tr');
  assert.ok(await zh.isVisible('text=立即备份'));
  await screenshot(zh, 'backups-zh-CN');
});
