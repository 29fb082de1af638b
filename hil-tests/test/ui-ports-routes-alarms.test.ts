// Browser tests of the Ports and Routes pages and the dashboard's alarm panel: headless
// Chromium (Debian's package via playwright-core) against the real mgmt service and PBX.
// Alarms are real: the two trunks point at UDP ports nobody listens on, so the PBX reports
// them down. The analog gateway process is not in the tree yet, so the Ports page is shown
// first without it and then against a stand-in answering GET /v1/status on the real
// control socket (src/analog-status-server.ts); the real gateway will replace the stand-in.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import type { AnalogStatus } from '@hotline/appliance/analog';
import { startAppliance, type HilAppliance } from '../src/appliance.ts';
import { serveAnalogStatus, type AnalogStatusServer } from '../src/analog-status-server.ts';
import { launchBrowser, screenshot, type HilBrowser } from '../src/browser.ts';
import { freeUdpPorts } from '../src/ports.ts';
import { apiFromPage, firstSignIn, openPage } from '../src/ui-pages.ts';

const NEW_PASSWORD = 'Hotline-Routes-2024!';
const ENGINEER_PASSWORD = 'Engineer-Routes-2024!';

let app: HilAppliance;
let hb: HilBrowser;
let ctx: BrowserContext;
let page: Page;
let gateway: AnalogStatusServer | undefined;

before(async () => {
  const [deadA, deadB] = await freeUdpPorts(2);
  app = await startAppliance({
    extensions: [{ number: '1001', secret: 'routes-secret-1001' }, { number: '1002', secret: 'routes-secret-1002' }],
    trunks: [
      { name: 'carrier-a', host: '127.0.0.1', port: deadA, keepaliveSec: 5 },
      { name: 'carrier-b', host: '127.0.0.1', port: deadB, keepaliveSec: 5 },
    ],
    configure: (d) => {
      d.analog = { cards: [], lineGroups: [{ name: 'pstn' }] };
    },
  });
  hb = await launchBrowser();
  ctx = await hb.newContext({ locale: 'en-US' });
  page = await ctx.newPage();
  page.setDefaultTimeout(10_000);
  await firstSignIn(page, app.baseUrl, 'admin', app.adminPassword, NEW_PASSWORD);
});

after(async () => {
  await gateway?.close();
  await hb?.close();
  await app?.stop();
});

async function setLanguage(lang: 'en' | 'zh-CN'): Promise<void> {
  await page.click(`button[data-lang="${lang}"]`);
  await page.waitForSelector(`html[lang="${lang}"]`);
}

test('the dashboard lists the trunk-down alarms with severity, source and text, and the navigation counts them', async () => {
  await openPage(page, 'dashboard');
  const alarm = page.locator('[data-alarm="trunk-down:carrier-a"]');
  await alarm.waitFor();
  assert.equal(await alarm.getAttribute('data-severity'), 'major');
  const text = (await alarm.textContent()) ?? '';
  assert.match(text, /Major/);
  assert.match(text, /Trunk carrier-a .* does not answer/);
  assert.match(text, /pbx\/trunk\/carrier-a/);
  assert.equal(await page.locator('[data-testid="alarms-empty"]').count(), 0);
  assert.equal(await page.textContent('[data-testid="nav-badge-dashboard"]'), '2');
  await screenshot(page, 'dashboard-alarms-en');

  await setLanguage('zh-CN');
  await page.waitForSelector('[data-alarm="trunk-down:carrier-a"]:has-text("无响应")');
  assert.match((await alarm.textContent()) ?? '', /主要/);
  assert.match((await page.textContent('main')) ?? '', /活动告警/);
  await screenshot(page, 'dashboard-alarms-zh');
  await setLanguage('en');
});

test('the Ports page says when the analog gateway is not running, in both languages', async () => {
  await openPage(page, 'ports');
  await page.waitForSelector('[data-testid="ports-gateway-stopped"]');
  assert.match((await page.textContent('[data-testid="ports-gateway-stopped"]')) ?? '', /analog gateway is not running/);
  await screenshot(page, 'ports-stopped-en');
  await setLanguage('zh-CN');
  await page.waitForSelector('[data-testid="ports-gateway-stopped"]:has-text("模拟网关未运行")');
  assert.match((await page.textContent('h1')) ?? '', /端口/);
  await setLanguage('en');
});

test('the Ports page shows the card, ports with live state, FXS registrations and calls from the gateway socket, and follows changes', async () => {
  const now = Date.now();
  const iso = (agoSec: number) => new Date(now - agoSec * 1000).toISOString();
  const status: AnalogStatus = {
    startedAt: iso(600), configVersion: 1,
    card: { state: 'open', driver: 'simulator', since: iso(600) },
    ports: [
      { port: 1, kind: 'FXS', card: 'card1', extension: '1001', state: 'connected', since: iso(30), callerId: '13800138000' },
      { port: 2, kind: 'FXS', card: 'card1', extension: '1002', state: 'stuck-offhook', since: iso(120) },
      { port: 3, kind: 'FXO', card: 'card1', group: 'pstn', state: 'idle', since: iso(600) },
    ],
    registrations: [{ extension: '1001', state: 'registered', expiresAt: iso(-3000) }, { extension: '1002', state: 'registered', expiresAt: iso(-3000) }],
    calls: [{ port: 1, direction: 'out', state: 'connected', number: '13800138000' }],
    alarms: [],
  };
  gateway = await serveAnalogStatus(app.pbx.dataDir, status);
  // The page polls every 3 s; the stopped notice gives way to the card without a reload.
  await page.waitForSelector('[data-testid="ports"] tr[data-port="1"]', { timeout: 10_000 });
  assert.equal(await page.getAttribute('[data-testid="card"]', 'data-state'), 'open');
  assert.match((await page.textContent('[data-testid="card-state"]')) ?? '', /Open/);
  const row1 = (await page.textContent('tr[data-port="1"]')) ?? '';
  assert.match(row1, /FXS/);
  assert.match(row1, /Extension 1001/);
  assert.match(row1, /13800138000/);
  assert.equal(await page.getAttribute('tr[data-port="1"] .badge', 'data-state'), 'connected');
  assert.match((await page.getAttribute('tr[data-port="1"] .badge', 'class')) ?? '', /\bok\b/);
  assert.match((await page.getAttribute('tr[data-port="2"] .badge', 'class')) ?? '', /\bbad\b/);
  assert.match((await page.textContent('tr[data-port="3"]')) ?? '', /Line group pstn/);
  assert.equal(await page.locator('[data-testid="port-registrations"] tr[data-reg]').count(), 2);
  assert.match((await page.textContent('tr[data-reg="1001"]')) ?? '', /Registered/);
  assert.match((await page.textContent('[data-testid="port-calls"] tr[data-call-port="1"]')) ?? '', /Outgoing/);
  await screenshot(page, 'ports-en');

  await setLanguage('zh-CN');
  await page.waitForSelector('tr[data-port="1"]:has-text("通话中")');
  assert.match((await page.textContent('tr[data-port="2"]')) ?? '', /摘机未拨号/);
  assert.match((await page.textContent('[data-testid="card-state"]')) ?? '', /正常/);
  assert.match((await page.textContent('tr[data-reg="1001"]')) ?? '', /已注册/);
  await screenshot(page, 'ports-zh');
  await setLanguage('en');

  gateway.status = { ...status, card: { state: 'missing', driver: 'dahdi', since: iso(0), error: '/dev/dahdi/ctl: no such device' }, ports: [], registrations: [], calls: [] };
  await page.waitForSelector('[data-testid="card"][data-state="missing"]');
  assert.match((await page.textContent('[data-testid="card-error"]')) ?? '', /no such device/);

  gateway.status = { ...status, card: { state: 'none', since: iso(0) }, ports: [], registrations: [], calls: [] };
  await page.waitForSelector('[data-testid="ports-no-card"]');
  await gateway.close();
  gateway = undefined;
});

test('an outbound route with two trunks and a line group, reordered and saved, is kept across a reload and in the configuration', async () => {
  await openPage(page, 'routes');
  await page.waitForSelector('[data-testid="routes-form"]');
  await page.click('[data-testid="add-outbound"]');
  const route = page.locator('[data-outbound="0"]');
  await route.locator('input[name="name"]').fill('mobile');
  await route.locator('textarea[name="patterns"]').fill('_1XXXXXXXXXX\n_01XXXXXXXXXX');
  await route.locator('input[name="strip"]').fill('0');
  for (const name of ['carrier-a', 'carrier-b', 'pstn']) {
    await route.locator('select[name="addTrunk"]').selectOption(name);
    await route.locator('[data-testid="add-trunk"]').click();
  }
  const order = () => route.locator('li[data-trunk]').evaluateAll((els) => els.map((e) => e.getAttribute('data-trunk')));
  assert.deepEqual(await order(), ['carrier-a', 'carrier-b', 'pstn']);
  // The live trunk state is shown next to each trunk; both point at nobody, so both are down.
  await route.locator('li[data-trunk="carrier-a"] [data-testid="trunk-state"][data-state="down"]').waitFor();
  assert.match((await route.locator('li[data-trunk="pstn"]').textContent()) ?? '', /Line group/);

  await route.locator('li[data-trunk="carrier-b"] [data-testid="trunk-up"]').click();
  await route.locator('li[data-trunk="carrier-a"] [data-testid="trunk-down"]').click();
  assert.deepEqual(await order(), ['carrier-b', 'pstn', 'carrier-a']);
  await route.locator('li[data-trunk="pstn"] [data-testid="trunk-down"]').click();
  assert.deepEqual(await order(), ['carrier-b', 'carrier-a', 'pstn']);

  await page.click('[data-testid="add-inbound"]');
  const inbound = page.locator('[data-inbound="0"]');
  await inbound.locator('input[name="name"]').fill('hotline');
  await inbound.locator('input[name="did"]').fill('95598');
  await inbound.locator('select[name="number"]').selectOption('1002');
  await page.fill('input[name="emergency"]', '110, 119, 120');

  await page.click('[data-testid="routes-save"]');
  await page.waitForSelector('.field-error:has-text("Describe the change")');
  await page.fill('input[name="comment"]', 'mobile numbers via carrier-b first');
  await page.click('[data-testid="routes-save"]');
  await page.waitForSelector('[data-testid="notice"]:has-text("Routes saved as configuration version")');
  await screenshot(page, 'routes-en');

  await page.reload();
  await page.waitForSelector('[data-outbound="0"] li[data-trunk]');
  assert.deepEqual(await order(), ['carrier-b', 'carrier-a', 'pstn']);
  assert.equal(await page.inputValue('[data-outbound="0"] input[name="name"]'), 'mobile');
  assert.equal(await page.inputValue('[data-inbound="0"] select[name="number"]'), '1002');

  const versions = await apiFromPage<Array<{ version: number; comment: string; author: string }>>(page, 'GET', '/config/versions');
  const last = versions.json.at(-1)!;
  assert.equal(last.comment, 'mobile numbers via carrier-b first');
  assert.equal(last.author, 'web:admin');
  const doc = await apiFromPage<{ routes: unknown }>(page, 'GET', `/config/versions/${last.version}`);
  assert.deepEqual(doc.json.routes, {
    inbound: [{ name: 'hotline', did: '95598', destination: { kind: 'extension', number: '1002' } }],
    outbound: [{ name: 'mobile', patterns: ['_1XXXXXXXXXX', '_01XXXXXXXXXX'], strip: 0, trunks: ['carrier-b', 'carrier-a', 'pstn'] }],
    emergencyNumbers: ['110', '119', '120'],
  });
});

test('an invalid dial pattern is refused and the server message shows at the pattern field', async () => {
  const versionsBefore = (await apiFromPage<unknown[]>(page, 'GET', '/config/versions')).json.length;
  const route = page.locator('[data-outbound="0"]');
  await route.locator('textarea[name="patterns"]').fill('_1XXXXXXXXXX\n_9[');
  await page.fill('input[name="comment"]', 'broken pattern');
  await page.click('[data-testid="routes-save"]');
  const err = route.locator('label:has(textarea[name="patterns"]) .field-error');
  await err.waitFor();
  assert.match((await err.textContent()) ?? '', /Pattern 2 \(_9\[\)/);
  assert.match((await route.locator('textarea[name="patterns"]').getAttribute('class')) ?? '', /invalid/);
  await page.waitForSelector('[data-testid="notice"]');
  await screenshot(page, 'routes-invalid-en');
  assert.equal((await apiFromPage<unknown[]>(page, 'GET', '/config/versions')).json.length, versionsBefore, 'no version was written');

  await setLanguage('zh-CN');
  assert.match((await page.textContent('h1')) ?? '', /路由/);
  assert.match((await page.textContent('[data-testid="outbound"] h2')) ?? '', /呼出路由/);
  assert.match((await page.textContent('[data-testid="inbound"] h2')) ?? '', /呼入路由/);
  assert.match((await err.textContent()) ?? '', /第 2 个模式/);
  await screenshot(page, 'routes-invalid-zh');
  await setLanguage('en');
  await page.click('[data-testid="routes-discard"]');
  await page.waitForFunction(() => (document.querySelector('[data-outbound="0"] textarea[name="patterns"]') as HTMLTextAreaElement | null)?.value === '_1XXXXXXXXXX\n_01XXXXXXXXXX');
});

test('an engineer sees the routes read-only in Chinese: no save, no add, disabled fields', async () => {
  const created = await apiFromPage(page, 'POST', '/users', { username: 'eng', role: 'engineer', password: 'Onetime-Eng-2024!' });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  const other = await hb.newContext({ locale: 'zh-CN' });
  try {
    const p = await other.newPage();
    p.setDefaultTimeout(10_000);
    await firstSignIn(p, app.baseUrl, 'eng', 'Onetime-Eng-2024!', ENGINEER_PASSWORD);
    await openPage(p, 'routes');
    await p.waitForSelector('[data-testid="routes-readonly"]');
    assert.match((await p.textContent('[data-testid="routes-readonly"]')) ?? '', /只读/);
    assert.equal(await p.locator('[data-testid="routes-save"]').count(), 0);
    assert.equal(await p.locator('[data-testid="add-outbound"]').count(), 0);
    assert.ok(await p.locator('[data-outbound="0"] input[name="name"]').isDisabled());
    assert.deepEqual(await p.locator('[data-outbound="0"] li[data-trunk]').evaluateAll((els) => els.map((e) => e.getAttribute('data-trunk'))), ['carrier-b', 'carrier-a', 'pstn']);
    await screenshot(p, 'routes-readonly-zh');
  } finally {
    await other.close();
  }
});

test('pages and alarms follow the roles: a supervisor has Ports but no Routes, an agent neither and no alarm panel', async () => {
  for (const [username, role] of [['sup', 'supervisor'], ['agt', 'agent']] as const) {
    const created = await apiFromPage(page, 'POST', '/users', { username, role, password: `Onetime-${role}-2024!` });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const other = await hb.newContext({ locale: 'en-US' });
    try {
      const p = await other.newPage();
      p.setDefaultTimeout(10_000);
      await firstSignIn(p, app.baseUrl, username, `Onetime-${role}-2024!`, `${role}-Chosen-2024!`);
      await p.waitForSelector('nav a[data-nav="dashboard"][aria-current="page"]');
      assert.equal(await p.locator('nav a[data-nav="routes"]').count(), 0, `${role}: no Routes page`);
      if (role === 'supervisor') {
        await p.waitForSelector('[data-alarm="trunk-down:carrier-a"]');
        assert.equal(await p.textContent('[data-testid="nav-badge-dashboard"]'), '2');
        await openPage(p, 'ports');
        await p.waitForSelector('[data-testid="ports-gateway-stopped"]');
      } else {
        await p.waitForSelector('[data-testid="live-state"][data-connected="true"]');
        assert.equal(await p.locator('nav a[data-nav="ports"]').count(), 0, 'agent: no Ports page');
        assert.equal(await p.locator('[data-testid="alarms"], [data-testid="alarms-empty"], .field-error').count(), 0, 'agent: no alarm panel and no 403 shown');
        assert.equal(await p.locator('[data-testid="nav-badge-dashboard"]').count(), 0);
      }
    } finally {
      await other.close();
    }
  }
});
