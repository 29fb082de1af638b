// Browser tests of the management UI: headless Chromium (Debian's package, driven by
// playwright-core) against the real mgmt service and a real PBX, with sipp as phones.
// The steps build on each other as an installer's first session would: one-time
// password, forced change, an extension, a call, Chinese, a rollback. Screenshots of
// every page land in artifacts/screenshots/ for a person to look at.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { startAppliance, type HilAppliance } from '../src/appliance.ts';
import { launchBrowser, screenshot, VIEWPORTS, type HilBrowser } from '../src/browser.ts';
import { buildToneRtpPcap } from '../src/pcap.ts';
import { freePort, freeUdpPorts } from '../src/ports.ts';
import { runSipp, scenario, startSipp, waitForUdpBound, SCENARIO_DIR } from '../src/sipp.ts';

const CALLER = { number: '1001', secret: 'caller-secret-1001' };
const CALLEE = { number: '1002', secret: 'callee-secret-1002' };
const NEW_PASSWORD = 'Hotline-Ui-2024!';
const PAGES = ['dashboard', 'extensions', 'trunks', 'ports', 'routes', 'ivr', 'customers', 'reports', 'cdr', 'users', 'audit', 'config', 'snmp'] as const;

let app: HilAppliance;
let hb: HilBrowser;
let ctx: BrowserContext;
let page: Page;
let scratch: string;

before(async () => {
  app = await startAppliance({ extensions: [CALLER, CALLEE], noAnswerTimeoutSec: 10, authFailureLimit: 50 });
  hb = await launchBrowser();
  ctx = await hb.newContext({ viewport: VIEWPORTS.laptop, locale: 'en-US' });
  page = await ctx.newPage();
  page.setDefaultTimeout(10_000);
  scratch = mkdtempSync(join(tmpdir(), 'hil-ui-'));
});

after(async () => {
  await hb?.close();
  await app?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** Opens a page through the navigation (as a user would click it). */
async function openPage(path: string): Promise<void> {
  await page.click(`nav a[data-nav="${path}"]`);
  await page.waitForSelector(`nav a[data-nav="${path}"][aria-current="page"]`);
}

/** A uac-call scenario whose call lasts `ms`, long enough to watch it on the dashboard. */
function longCallScenario(ms: number): string {
  const xml = readFileSync(join(SCENARIO_DIR, 'uac-call.xml'), 'utf8').replace(/<pause milliseconds="\d+"\/>/, `<pause milliseconds="${ms}"/>`);
  const file = join(scratch, 'uac-long-call.xml');
  writeFileSync(file, xml);
  return file;
}

test('the first sign-in with the one-time password forces a password change before any page', async () => {
  await page.goto(app.baseUrl);
  await page.waitForSelector('input[name="username"]');
  await screenshot(page, 'login-en');
  await page.fill('input[name="username"]', 'admin');
  await page.fill('input[name="password"]', app.adminPassword);
  await page.click('button[type="submit"]');
  await page.waitForSelector('[data-testid="pw-required"]');
  assert.equal(await page.locator('nav').count(), 0, 'no navigation before the password is changed');
  await screenshot(page, 'change-password-en');

  await page.fill('input[name="currentPassword"]', app.adminPassword);
  await page.fill('input[name="newPassword"]', 'short');
  await page.fill('input[name="repeat"]', 'short');
  await page.click('button[type="submit"]');
  await page.waitForSelector('.field-error');
  assert.equal(await page.locator('nav').count(), 0, 'a password against the policy is refused');

  await page.fill('input[name="newPassword"]', NEW_PASSWORD);
  await page.fill('input[name="repeat"]', NEW_PASSWORD);
  await page.click('button[type="submit"]');
  await page.waitForSelector('nav a[data-nav="dashboard"][aria-current="page"]');
});

test('the dashboard shows the version, the PBX state and live counters', async () => {
  await page.waitForSelector('[data-testid="live-state"][data-connected="true"]');
  const version = await page.textContent('[data-testid="version"]');
  assert.match(version ?? '', /^Hotline \d/);
  assert.equal(await page.textContent('[data-testid="count-calls"]'), '0');
  assert.ok(await page.isVisible('[data-testid="alarms-empty"]'));
  await screenshot(page, 'dashboard-en');
});

test('an invalid extension is refused with the API message next to the number field', async () => {
  await openPage('extensions');
  await page.click('[data-testid="ext-add"]');
  await page.fill('[data-testid="ext-form"] input[name="number"]', 'abc');
  await page.fill('[data-testid="ext-form"] input[name="secret"]', 'x');
  await page.click('[data-testid="ext-form"] button[type="submit"]');
  const fieldError = page.locator('[data-testid="ext-form"] label:has(input[name="number"]) .field-error');
  await fieldError.waitFor();
  assert.ok(((await fieldError.textContent()) ?? '').length > 0);
  await screenshot(page, 'extension-form-validation-en');
  await page.click('[data-testid="ext-form"] button[type="button"]');
});

test('an added extension appears in the list', async () => {
  await page.click('[data-testid="ext-add"]');
  await page.fill('[data-testid="ext-form"] input[name="number"]', '1005');
  await page.fill('[data-testid="ext-form"] input[name="name"]', 'Repair desk');
  await page.fill('[data-testid="ext-form"] input[name="secret"]', 'Repair-desk-1005');
  await page.click('[data-testid="ext-form"] button[type="submit"]');
  await page.waitForSelector('tr[data-ext="1005"]');
  assert.match((await page.textContent('tr[data-ext="1005"]')) ?? '', /Repair desk/);
  await screenshot(page, 'extensions-en');
});

test('a sipp call shows up live on the dashboard, then in Call records', async () => {
  await openPage('dashboard');
  await page.waitForSelector('[data-testid="live-state"][data-connected="true"]');
  const pcap = buildToneRtpPcap({ durationMs: 2000 });
  const uasPort = await freePort();
  const [uacRtp, uasRtp] = await freeUdpPorts(2);
  const target = `127.0.0.1:${app.pbx.sipPort}`;
  const register = (expires: number) =>
    runSipp({
      scenarioFile: scenario('register'), remote: target, service: CALLEE.number,
      auth: { username: CALLEE.number, password: CALLEE.secret }, vars: { contact_port: uasPort, expires }, timeoutSec: 10,
    });
  const callee = startSipp({
    scenarioFile: scenario('uas-answer'), localPort: uasPort, service: CALLEE.number, timeoutSec: 30,
    vars: { rtp_port: uasRtp }, files: { 'tone.pcap': pcap },
  });
  try {
    await waitForUdpBound(uasPort);
    await register(300);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="count-registrations"]')?.textContent) >= 1);
    const caller = runSipp({
      scenarioFile: longCallScenario(6000), remote: target, service: CALLEE.number, timeoutSec: 30, localPort: await freePort(),
      auth: { username: CALLER.number, password: CALLER.secret }, authUri: `${CALLEE.number}@${target}`,
      vars: { caller: CALLER.number, rtp_port: uacRtp }, files: { 'tone.pcap': pcap },
    });
    await page.waitForFunction(() => document.querySelector('[data-testid="count-calls"]')?.textContent === '1', undefined, { timeout: 8000 });
    await page.waitForSelector('[data-testid="live-calls"]');
    await screenshot(page, 'dashboard-call-en');
    await caller;
    await callee.done;
    await page.waitForFunction(() => document.querySelector('[data-testid="count-calls"]')?.textContent === '0', undefined, { timeout: 8000 });
  } finally {
    await register(0).catch(() => undefined);
    await callee.stop();
  }

  await openPage('cdr');
  await page.waitForSelector('tr[data-cdr]');
  const row = await page.textContent('tr[data-cdr]');
  assert.match(row ?? '', /1001/);
  assert.match(row ?? '', /1002/);
  assert.match(row ?? '', /Answered/);
  // The answered bar of the call's hour has a height; empty hours draw zero-height bars.
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="hourly-chart"] rect.answered')].some((r) => Number(r.getAttribute('height')) > 0));
  await screenshot(page, 'cdr-en');
});

test('switching to Chinese relabels the UI, and the choice survives a reload', async () => {
  await page.click('button[data-lang="zh-CN"]');
  await page.waitForSelector('nav a[data-nav="dashboard"]:has-text("仪表盘")');
  assert.match((await page.textContent('h1')) ?? '', /通话记录/);
  assert.match((await page.textContent('tr[data-cdr]')) ?? '', /已接听/);
  await screenshot(page, 'cdr-zh');
  await page.reload();
  await page.waitForSelector('nav a[data-nav="extensions"]:has-text("分机")');
  await openPage('dashboard');
  await page.waitForSelector('[data-testid="live-state"][data-connected="true"]');
  assert.match((await page.textContent('h1')) ?? '', /仪表盘/);
  await screenshot(page, 'dashboard-zh');
  await page.click('button[data-lang="en"]');
  await page.waitForSelector('nav a[data-nav="dashboard"]:has-text("Dashboard")');
});

test('rolling back to an earlier configuration version asks first, then makes a new current version', async () => {
  await openPage('config');
  await page.waitForSelector('[data-testid="config-versions"] tr[data-version]');
  const before = await page.locator('tr[data-version]').count();
  await page.waitForSelector('[data-testid="diff"]');
  await screenshot(page, 'config-en');
  // Roll back the extension added above: the version before it is the second row.
  const target = await page.locator('tr[data-version]').nth(1).getAttribute('data-version');
  await page.locator('tr[data-version]').nth(1).locator('[data-testid="rollback"]').click();
  await page.waitForSelector('[role="dialog"]');
  await screenshot(page, 'config-rollback-confirm-en');
  await page.click('[data-testid="confirm"]');
  await page.waitForSelector('[data-testid="notice"]');
  assert.match((await page.textContent('[data-testid="notice"]')) ?? '', /Rolled back/);
  assert.equal(await page.locator('tr[data-version]').count(), before + 1);
  await openPage('extensions');
  await page.waitForSelector('tr[data-ext="1001"]');
  assert.equal(await page.locator('tr[data-ext="1005"]').count(), 0, `extension 1005 is gone after rolling back to version ${target}`);
});

test('every page renders at 1366x768 and at 768x1024 in both languages (screenshots)', async () => {
  const sizes = [['laptop', VIEWPORTS.laptop], ['tablet', VIEWPORTS.tablet]] as const;
  for (const [sizeName, viewport] of sizes) {
    await page.setViewportSize(viewport);
    for (const lang of ['en', 'zh-CN'] as const) {
      await page.click(`button[data-lang="${lang}"]`);
      for (const p of PAGES) {
        await openPage(p);
        await page.waitForLoadState('networkidle');
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        await screenshot(page, `${p}-${lang}-${sizeName}`);
        assert.ok(overflow <= 0, `${p} (${lang}) is ${overflow}px wider than the ${sizeName} viewport`);
      }
    }
  }
  await page.setViewportSize(VIEWPORTS.laptop);
  await page.click('button[data-lang="en"]');
});
