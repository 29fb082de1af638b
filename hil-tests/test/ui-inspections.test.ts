// Browser tests of the maintenance pages: an inspection run on a tablet-sized screen from
// start to a signed PDF (signatures drawn with the mouse on the canvas), and a fault report
// moved through its states and exported. Headless Chromium (Debian's package through
// playwright-core) against the real mgmt service and PBX; the PDFs are rendered to PNG with
// pdftoppm into artifacts/screenshots so a person can look at them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { startAppliance, type HilAppliance } from '../src/appliance.ts';
import { launchBrowser, screenshot, SCREENSHOT_DIR, VIEWPORTS, type HilBrowser } from '../src/browser.ts';
import { renderPdfPages } from '../src/pdf-pages.ts';
import { apiFromPage, firstSignIn, openPage } from '../src/ui-pages.ts';

const NEW_PASSWORD = 'Hotline-Inspect-2026!';

/** A real 1×1 PNG for the photo upload. */
const PHOTO = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

let app: HilAppliance;
let hb: HilBrowser;
let ctx: BrowserContext;
let page: Page;
let tmp: string;

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'hotline-insp-ui-'));
  app = await startAppliance({ extensions: [{ number: '1001', secret: 'insp-secret-1001' }] });
  hb = await launchBrowser();
  ctx = await hb.newContext({ viewport: VIEWPORTS.tablet, locale: 'zh-CN', touch: true });
  page = await ctx.newPage();
  page.setDefaultTimeout(20_000);
  await firstSignIn(page, app.baseUrl, 'admin', app.adminPassword, NEW_PASSWORD);
});

after(async () => {
  await hb?.close();
  await app?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Draws a squiggle across the canvas with mouse moves, as a finger would. */
async function drawSignature(selector: string): Promise<void> {
  const canvas = page.locator(selector);
  await canvas.scrollIntoViewIfNeeded();
  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.1, box.y + box.height * 0.6);
  await page.mouse.down();
  for (let i = 1; i <= 24; i++) {
    const x = box.x + box.width * (0.1 + (0.8 * i) / 24);
    const y = box.y + box.height * (0.5 + 0.3 * Math.sin(i / 2));
    await page.mouse.move(x, y, { steps: 2 });
  }
  await page.mouse.up();
}

test('an engineer runs the quarterly inspection on a tablet to a signed Chinese PDF with trends and both signatures', async () => {
  await page.click('button[data-lang="zh-CN"]');
  await page.waitForSelector('html[lang="zh-CN"]');
  // A first run through the API gives the trend charts a second point.
  const first = await apiFromPage<{ id: number }>(page, 'POST', '/inspections/runs', { templateId: 'quarterly', site: '热线机房' });
  assert.equal(first.status, 201);

  await openPage(page, 'inspections');
  await page.fill('[data-testid="insp-site"]', '热线机房');
  await page.click('[data-testid="insp-start"]');
  await page.waitForSelector('[data-testid="run-state"]:has-text("草稿")');
  // The automatic items filled in by themselves: firmware is always measurable.
  assert.equal(await page.getAttribute('[data-testid="item-firmware"]', 'data-status'), 'pass');
  assert.ok(await page.locator('[data-testid="item-cpu-load"]:has-text("%")').count() > 0, 'CPU load shows a percentage');

  const runId = Number(/#(\d+)/.exec((await page.textContent('h1')) ?? '')?.[1]);
  const run = await apiFromPage<{ results: Array<{ itemId: string; status: string }> }>(page, 'GET', `/inspections/runs/${runId}`);
  const manual = run.json.results.filter((r) => r.status === 'pending').map((r) => r.itemId);
  assert.equal(manual.length, 8);
  for (const id of manual) {
    await page.fill(`[data-testid="value-${id}"]`, id === 'room-temp' ? '24.5' : id === 'room-humidity' ? '52' : '正常');
    await page.click(`[data-testid="status-${id}-${id === 'fans-dust' ? 'warn' : 'pass'}"]`);
    await page.click(`[data-testid="save-${id}"]`);
    await page.waitForSelector(`[data-testid="item-${id}"][data-status="${id === 'fans-dust' ? 'warn' : 'pass'}"]`);
  }
  await page.setInputFiles('[data-testid="photo-fans-dust"]', { name: 'fan.png', mimeType: 'image/png', buffer: PHOTO });
  await page.waitForSelector('[data-testid="item-fans-dust"] img');

  await page.selectOption('[data-testid="finding-risk"]', 'high');
  await page.selectOption('[data-testid="finding-item"]', 'fans-dust');
  await page.fill('[data-testid="finding-description"]', '2 号风扇积尘较多，转速偏低');
  await page.fill('[data-testid="finding-remediation"]', '清洁风扇并在下次巡检复查');
  await page.click('[data-testid="finding-add"]');
  await page.waitForSelector('[data-testid="findings"]:has-text("2 号风扇积尘较多")');
  assert.ok(await page.locator('[data-testid="trend-chart"]').count() >= 3, 'trend charts drawn as SVG');

  await page.fill('[data-testid="signer-name-engineer"]', '李工');
  await drawSignature('[data-testid="signature-engineer"]');
  await page.click('[data-testid="sign-engineer"]');
  await page.waitForSelector('[data-testid="signer-engineer"]:has-text("李工 已于")');
  await page.fill('[data-testid="signer-name-customer"]', '王经理');
  await drawSignature('[data-testid="signature-customer"]');
  await page.click('[data-testid="sign-customer"]');
  await page.waitForSelector('[data-testid="run-state"]:has-text("已签字")');
  await screenshot(page, 'inspection-run-signed-zh');

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="pdf-zh"]')]);
  const pdf = join(tmp, 'inspection-zh.pdf');
  await download.saveAs(pdf);
  const bytes = readFileSync(pdf);
  assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
  const pages = await renderPdfPages(pdf, SCREENSHOT_DIR, 'inspection-report-zh');
  assert.ok(pages.length >= 4, `cover, summary/items, trends, signatures: got ${pages.length} pages`);
  for (const p of pages) assert.ok(p.bytes > 5_000, `${p.path} is ${p.bytes} bytes: a blank page would be smaller`);

  await page.click('[data-testid="run-close"]');
  await page.waitForSelector('[data-testid="run-state"]:has-text("已归档")');
});

test('a fault report is created in the form, moved through its states, and exported as a PDF', async () => {
  await openPage(page, 'faults');
  await page.click('[data-testid="fault-new"]');
  await page.fill('[data-testid="fault-title"]', '中继 carrier-a 无法呼出');
  await page.selectOption('[data-testid="fault-level"]', '1');
  await page.fill('[data-testid="fault-contact"]', '张主任');
  await page.fill('[data-testid="fault-location"]', 'SIP 中继 carrier-a');
  await page.click('[data-testid="fault-save"]');
  const row = page.locator('[data-testid^="fault-FR-"]').first();
  await row.waitFor();
  const number = (await row.getAttribute('data-testid'))!.replace('fault-', '');
  assert.match(number, /^FR-\d{4}-0001$/);
  assert.equal(await row.locator('[data-testid="fault-overdue"]').count(), 0, 'just reported: not overdue');

  for (const [next, label] of [['responding', '响应中'], ['on-site', '已到场'], ['resolved', '已解决']] as const) {
    await row.locator(`[data-testid="fault-move-${next}"]`).click();
    await row.locator(`[data-testid="fault-state"]:has-text("${label}")`).waitFor();
  }
  await row.locator('[data-testid="fault-edit"]').click();
  await page.fill('[data-testid="fault-result"]', '重新注册中继后恢复正常');
  await page.click('[data-testid="fault-save"]');
  await page.waitForSelector('[data-testid="fault-form"]', { state: 'detached' });
  await row.locator('[data-testid="fault-move-closed"]').click();
  await row.locator('[data-testid="fault-state"]:has-text("已关闭")').waitFor();
  await screenshot(page, 'fault-reports-zh');

  const [download] = await Promise.all([page.waitForEvent('download'), row.locator('[data-testid="fault-pdf-zh"]').click()]);
  const pdf = join(tmp, 'fault-zh.pdf');
  await download.saveAs(pdf);
  assert.equal(readFileSync(pdf).subarray(0, 5).toString(), '%PDF-');
  const pages = await renderPdfPages(pdf, SCREENSHOT_DIR, 'fault-report-zh');
  assert.ok(pages.length >= 1);
  assert.ok(pages[0]!.bytes > 5_000, `${pages[0]!.path} has content`);
  const audit = await apiFromPage<{ items: Array<{ action: string }> }>(page, 'GET', '/audit?limit=200');
  const actions = new Set(audit.json.items.map((e) => e.action));
  for (const a of ['fault.created', 'fault.state_changed', 'fault.report_exported', 'inspection.signed']) assert.ok(actions.has(a), `audited: ${a}`);
});

test('the maintenance pages and the run page fit 1366x768 and 768x1024 in both languages (screenshots)', async () => {
  for (const [sizeName, viewport] of [['laptop', VIEWPORTS.laptop], ['tablet', VIEWPORTS.tablet]] as const) {
    await page.setViewportSize(viewport);
    for (const lang of ['en', 'zh-CN'] as const) {
      await page.click(`button[data-lang="${lang}"]`);
      await page.waitForSelector(`html[lang="${lang}"]`);
      for (const p of ['inspections', 'faults'] as const) {
        await openPage(page, p);
        await page.waitForLoadState('networkidle');
        if (p === 'inspections') {
          await page.locator('[data-testid="insp-runs"] tbody tr button').first().click();
          await page.waitForSelector('[data-testid="run-state"]');
        }
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        await screenshot(page, `${p}-${lang}-${sizeName}`);
        assert.ok(overflow <= 0, `${p} (${lang}) is ${overflow}px wider than the ${sizeName} viewport`);
      }
    }
  }
});
