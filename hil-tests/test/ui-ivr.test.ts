// The IVR designer page (issue 6) in headless Chromium against the real mgmt service and PBX:
// the call flow is shown as a tree from the inbound route down; an option to a queue is added
// in place; a dangling destination (its menu removed) is refused in the browser with the error
// at that option and nothing saved; fixed, it is saved through config apply and the PBX runs
// the new version. Prompts: a 44.1 kHz stereo WAV is uploaded (converted to 8 kHz), a bad file
// gets its error, a prompt a menu plays is deleted only after a confirmation naming the menu.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import { wavHeader } from '@hotline/media';
import { startAppliance, type HilAppliance } from '../src/appliance.ts';
import { launchBrowser, screenshot, VIEWPORTS, type HilBrowser } from '../src/browser.ts';
import { apiFromPage, firstSignIn, openPage } from '../src/ui-pages.ts';
import { readFileSync } from 'node:fs';
import { freePort, freeUdpPorts } from '../src/ports.ts';
import { runSipp, scenario } from '../src/sipp.ts';

const NEW_PASSWORD = 'Hotline-Ivr-2024!';

let app: HilAppliance;
let hb: HilBrowser;
let ctx: BrowserContext;
let page: Page;
/** Where the caller's trunk is: calls from this port are inbound calls from trunk `callers`. */
let callerPort: number;

before(async () => {
  callerPort = await freePort();
  app = await startAppliance({
    extensions: [{ number: '1001', secret: 'ivr-secret-1001' }],
    trunks: [{ name: 'callers', host: '127.0.0.1', port: callerPort }],
    configure: (d) => {
      d.acd = { queues: [{ name: 'repair' }, { name: 'billing' }] } as never;
      d.ivr = {
        menus: [
          { name: 'main', prompt: 'welcome', options: [{ digit: '1', destination: { kind: 'queue', name: 'billing' } }, { digit: '2', destination: { kind: 'menu', menu: 'account' } }] },
          { name: 'account', prompt: 'enter-account', options: [{ digit: '0', destination: { kind: 'hangup' } }] },
        ],
      };
      d.routes = { inbound: [{ name: 'hotline', did: '95598', destination: { kind: 'ivr', menu: 'main' } }] } as never;
    },
  });
  hb = await launchBrowser();
  ctx = await hb.newContext({ locale: 'en-US' });
  page = await ctx.newPage();
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (e) => console.error('PAGEERROR', e.message));
  await firstSignIn(page, app.baseUrl, 'admin', app.adminPassword, NEW_PASSWORD);
});

after(async () => {
  await hb?.close();
  await app?.stop();
});

const menu = (name: string) => `li[data-menu="${name}"]`;
const latestVersion = async () => Math.max(...(await apiFromPage<Array<{ version: number }>>(page, 'GET', '/config/versions')).json.map((v) => v.version));

/** A 16-bit PCM WAV of a 1 kHz tone. */
function toneWav(rate: number, channels: number, seconds: number): Buffer {
  const frames = Math.round(rate * seconds);
  const data = Buffer.alloc(frames * channels * 2);
  for (let i = 0; i < frames; i++) for (let c = 0; c < channels; c++) data.writeInt16LE(Math.round(10000 * Math.sin((2 * Math.PI * 1000 * i) / rate)), (i * channels + c) * 2);
  return Buffer.concat([wavHeader({ encoding: 'pcm16', sampleRate: rate, channels }, data.length), data]);
}

test('the tree shows the route → main → account; an added queue option and a dangling destination: refused at the field, fixed, saved and applied by the PBX', async () => {
  await openPage(page, 'ivr');
  const tree = page.locator('[data-testid="ivr-tree"]');
  await tree.locator(`${menu('main')} ${menu('account')}`).waitFor();
  assert.match(await tree.innerText(), /Inbound route/);
  assert.equal(await page.locator(`${menu('main')} > ul.options > li[data-option="0"] select[name="queue"]`).inputValue(), 'billing');
  await screenshot(page, 'ivr-tree-en-laptop');

  // Add key 3 → queue repair, in place.
  await page.click(`${menu('main')} > .foot [data-testid="add-option"]`);
  const added = page.locator(`${menu('main')} > ul.options > li[data-option="2"]`);
  assert.equal(await added.locator('input[name="digit"]').inputValue(), '3');
  await added.locator('select[name="kind"]').selectOption('queue');
  await added.locator('select[name="queue"]').selectOption('repair');

  // Remove the account menu: key 2 now leads nowhere.
  const before = await latestVersion();
  await page.click(`${menu('account')} > .head button.danger`);
  await page.fill('input[name="comment"]', 'key 3 to repair');
  await page.click('[data-testid="ivr-save"]');
  await page.locator('[data-testid="ivr-invalid"]').waitFor();
  const dangling = page.locator(`${menu('main')} [data-path="/ivr/menus/0/options/1/destination"] .field-error`);
  assert.match(await dangling.innerText(), /account/);
  await screenshot(page, 'ivr-dangling-en-laptop');
  assert.equal(await latestVersion(), before, 'nothing was saved');

  // Fix it: key 2 hangs up instead.
  await page.locator(`${menu('main')} [data-path="/ivr/menus/0/options/1/destination"] select[name="kind"]`).selectOption('hangup');
  await page.click('[data-testid="ivr-save"]');
  await page.waitForFunction((v) => document.querySelector('[data-testid="ivr-version"]')?.textContent?.includes(String(v)), before + 1);
  const saved = await apiFromPage<{ ivr: { menus: Array<{ name: string; options: Array<{ digit: string; destination: Record<string, string> }> }> } }>(page, 'GET', `/config/versions/${before + 1}`);
  assert.deepEqual(saved.json.ivr.menus.map((m) => m.name), ['main']);
  assert.deepEqual(saved.json.ivr.menus[0]!.options, [
    { digit: '1', destination: { kind: 'queue', name: 'billing' } },
    { digit: '2', destination: { kind: 'hangup' } },
    { digit: '3', destination: { kind: 'queue', name: 'repair' } },
  ]);
  assert.equal((await app.pbx.status()).configVersion, before + 1, 'the PBX reloaded the saved version');

  // The PBX runs the edit: a caller on the trunk dials the hotline and presses 3 (RFC 4733, sipp's capture).
  await runSipp({
    scenarioFile: scenario('acd-caller'), remote: `127.0.0.1:${app.pbx.sipPort}`, service: '95598', localPort: callerPort, timeoutSec: 40,
    vars: { caller: '13800000001', rtp_port: (await freeUdpPorts(1))[0]! }, files: { 'dtmf.pcap': readFileSync('/usr/share/sip-tester/dtmf_2833_3.pcap') }, extraArgs: ['-d', '1500'],
  });
  const acd = await apiFromPage<{ queues: Array<{ name: string; stats: { offered: number } }> }>(page, 'GET', '/acd/snapshot');
  assert.deepEqual(acd.json.queues.map((q) => [q.name, q.stats.offered]), [['repair', 1], ['billing', 0]], 'key 3 put the caller in queue repair');
});

test('a prompt is uploaded from the page and converted to 8 kHz; a bad file gets its error; deleting a prompt in use asks first', async () => {
  await openPage(page, 'ivr');
  await page.fill('input[name="prompt-name"]', 'hello');
  await page.setInputFiles('input[name="prompt-file"]', { name: 'hello.wav', mimeType: 'audio/wav', buffer: toneWav(44100, 2, 1) });
  await page.click('[data-testid="prompt-upload-button"]');
  const row = page.locator('tr[data-prompt="all/hello"]');
  await row.waitFor();
  assert.match(await row.innerText(), /1\.0 s/);
  const listed = await apiFromPage<{ prompts: Array<{ name: string; language: string | null; durationMs: number }> }>(page, 'GET', '/prompts');
  assert.deepEqual(listed.json.prompts.filter((p) => p.name === 'hello').map((p) => [p.language, p.durationMs]), [[null, 1000]]);

  await page.fill('input[name="prompt-name"]', 'broken');
  await page.setInputFiles('input[name="prompt-file"]', { name: 'broken.wav', mimeType: 'audio/wav', buffer: Buffer.from('this is not a wav file at all') });
  await page.click('[data-testid="prompt-upload-button"]');
  await page.locator('[data-testid="prompt-upload"] .field-error', { hasText: 'RIFF/WAVE' }).waitFor();
  assert.equal(await page.locator('tr[data-prompt="all/broken"]').count(), 0);

  // Menu main plays hello now: deleting it names the menu and needs a confirmation.
  await page.locator(`${menu('main')} select[name="prompt"]`).selectOption('hello');
  await page.fill('input[name="comment"]', 'hello as the greeting');
  await page.click('[data-testid="ivr-save"]');
  await page.locator(`tr[data-prompt="all/hello"] td:nth-child(4)`, { hasText: 'main' }).waitFor();
  await page.click('tr[data-prompt="all/hello"] [data-testid="prompt-delete"]');
  const dialog = page.locator('[role="dialog"]');
  await dialog.waitFor();
  assert.match(await dialog.innerText(), /played by menu main/);
  await screenshot(page, 'ivr-prompt-in-use-en-laptop');
  await page.click('[data-testid="confirm"]');
  await row.waitFor({ state: 'detached' });
});

test('a time condition is added in place; bad hours and the prompt deleted above are refused at their fields; fixed, it is saved', async () => {
  await openPage(page, 'ivr');
  const before = await latestVersion();
  await page.click('[data-testid="add-condition"]');
  const cond = page.locator('li[data-condition="hours-1"]');
  await cond.waitFor();
  await cond.locator('select[name="open"]').selectOption('main');
  await cond.locator('select[name="closed"]').selectOption('main');
  await cond.locator('li[data-hours="0"] input[name="to"]').fill('07:00');
  await page.fill('input[name="comment"]', 'opening hours');
  await page.click('[data-testid="ivr-save"]');
  await page.locator('[data-testid="ivr-invalid"]').waitFor();
  assert.match(await cond.locator('li[data-hours="0"] .field-error').innerText(), /later than from \(08:30\)/);
  // Menu main still names the prompt deleted in the previous test.
  assert.match(await page.locator(`${menu('main')} > .field-error`).first().innerText(), /no prompt called hello/);
  assert.equal(await latestVersion(), before);

  await cond.locator('li[data-hours="0"] input[name="to"]').fill('17:30');
  await page.locator(`${menu('main')} select[name="prompt"]`).selectOption('welcome');
  await page.click('[data-testid="ivr-save"]');
  await page.waitForFunction((v) => document.querySelector('[data-testid="ivr-version"]')?.textContent?.includes(String(v)), before + 1);
  const saved = await apiFromPage<{ ivr: { timeConditions: unknown[] } }>(page, 'GET', `/config/versions/${before + 1}`);
  assert.deepEqual(saved.json.ivr.timeConditions, [{ name: 'hours-1', hours: [{ days: [1, 2, 3, 4, 5], from: '08:30', to: '17:30' }], open: 'main', closed: 'main' }]);
  await screenshot(page, 'ivr-condition-en-laptop');
});

test('the page in Chinese, and at tablet width without sideways scrolling', async () => {
  await page.click('button[data-lang="zh-CN"]');
  await page.waitForSelector('html[lang="zh-CN"]');
  await openPage(page, 'ivr');
  await page.locator('h1', { hasText: 'IVR 菜单与语音提示' }).waitFor();
  assert.match(await page.locator('[data-testid="ivr-tree"]').innerText(), /呼入路由/);
  await screenshot(page, 'ivr-zh-laptop');
  await page.setViewportSize(VIEWPORTS.tablet);
  await page.waitForTimeout(200);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'no horizontal scroll at tablet width');
  await screenshot(page, 'ivr-zh-tablet');
  await page.click('button[data-lang="en"]');
});
