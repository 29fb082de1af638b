// Browser test of the Voicemail page: headless Chromium (Debian's package via playwright-core)
// against the real mgmt service. A message is left in box 800 as the PBX leaves one (an A-law
// WAV under the data folder's voicemail/ and its records row); the page must list it as new,
// play it with its waveform (which marks it heard), and delete it after asking. The IVR designer
// sends a key to the box.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { linearToAlaw, WavFileWriter } from '@hotline/media';
import { openRecords, VoicemailStore } from '@hotline/appliance/records';
import { startAppliance, type HilAppliance } from '../src/appliance.ts';
import { launchBrowser, screenshot, VIEWPORTS, type HilBrowser } from '../src/browser.ts';
import { apiFromPage, openPage } from '../src/ui-pages.ts';

const PASSWORD = 'Hotline-Voicemail-2024!';
const REL = '800/ui-vm-1.wav';
let app: HilAppliance;
let hb: HilBrowser;
let page: Page;

/** 2 s of a 1 kHz tone from 13800002222, left in box 800 through the IVR's key 9. */
function leaveMessage(dataDir: string): void {
  mkdirSync(join(dataDir, 'voicemail', '800'), { recursive: true });
  const w = new WavFileWriter(join(dataDir, 'voicemail', REL), { encoding: 'alaw', sampleRate: 8000, channels: 1 });
  const data = new Uint8Array(16000);
  for (let i = 0; i < data.length; i++) data[i] = linearToAlaw(Math.round(12000 * Math.sin((2 * Math.PI * 1000 * i) / 8000)));
  w.append(data);
  w.close();
  const records = openRecords(join(dataDir, 'records.db'));
  try {
    new VoicemailStore(records).insert({ box: '800', caller: '13800002222', digits: 'main:9', callId: 'call-vm-1', receivedAt: Date.now() - 60_000, durationMs: 2000, path: REL });
  } finally {
    records.close();
  }
}

before(async () => {
  app = await startAppliance({
    configure: (d) => {
      d.voicemail = { boxes: [{ box: '800', name: 'After hours' }] };
      d.ivr = { menus: [{ name: 'main', prompt: 'welcome', options: [{ digit: '1', destination: { kind: 'hangup' } }] }] };
    },
  });
  leaveMessage(app.pbx.dataDir);
  hb = await launchBrowser();
  page = await (await hb.newContext({ locale: 'en-US', viewport: VIEWPORTS.laptop })).newPage();
  page.setDefaultTimeout(30_000);
});

after(async () => {
  await hb?.close();
  await app?.stop();
});

test('Voicemail page: lists the new message, plays it with its waveform (then it is heard), deletes it after asking; zh-CN labels', async () => {
  await page.goto(app.baseUrl);
  await page.fill('input[name="username"]', 'admin');
  await page.fill('input[name="password"]', app.adminPassword);
  await page.click('button[type="submit"]');
  await page.waitForSelector('[data-testid="pw-required"]');
  await page.fill('input[name="currentPassword"]', app.adminPassword);
  await page.fill('input[name="newPassword"]', PASSWORD);
  await page.fill('input[name="repeat"]', PASSWORD);
  await page.click('button[type="submit"]');

  await page.click('button[data-lang="zh-CN"]');
  await page.waitForSelector('html[lang="zh-CN"]');
  await page.click('nav a[data-nav="voicemail"]');
  await page.waitForSelector('nav a[data-nav="voicemail"][aria-current="page"]');
  assert.equal((await page.textContent('h1'))?.trim(), '语音信箱');
  const row = page.locator('[data-testid="vm-table"] tr[data-msg]');
  await row.waitFor();
  assert.equal((await row.locator('[data-testid="vm-status"]').textContent())?.trim(), '未听');
  await screenshot(page, 'voicemail-zh-CN');

  await page.click('button[data-lang="en"]');
  await page.waitForSelector('html[lang="en"]');
  assert.equal((await page.textContent('h1'))?.trim(), 'Voicemail');
  assert.equal(await page.textContent('[data-testid="vm-unheard"]'), '1');
  assert.match((await row.textContent()) ?? '', /13800002222.*main:9/);

  await row.locator('[data-testid="vm-play"]').click();
  await page.waitForSelector('[data-testid="vm-player"]');
  await page.waitForFunction(() => !document.querySelector('[data-testid="vm-player"] p.muted'));
  const ink = await page.$eval('[data-testid="vm-waveform"]', (el) => {
    const c = el as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i + 3]! > 0 && d[i + 2]! > 150 && d[i]! < 100) n++;
    return n;
  });
  assert.ok(ink > 2000, `the waveform is drawn (${ink} px)`);
  await page.waitForFunction(() => document.querySelector('[data-testid="vm-status"]')?.textContent?.trim() === 'Heard');
  assert.equal(await page.locator('[data-testid="vm-unheard"]').count(), 0, 'no unheard badge once played');
  const duration = await page.$eval('[data-testid="vm-player"] audio', (a) => new Promise<number>((res) => {
    const el = a as HTMLAudioElement;
    if (el.readyState >= 1) res(el.duration); else el.addEventListener('loadedmetadata', () => res(el.duration), { once: true });
  }));
  assert.ok(Math.abs(duration - 2) < 0.1, `the browser plays 2 s (${duration})`);
  await screenshot(page, 'voicemail-en');

  await row.locator('[data-testid="vm-delete"]').click();
  await page.click('[data-testid="confirm"]');
  await row.waitFor({ state: 'detached' });
  assert.equal(existsSync(join(app.pbx.dataDir, 'voicemail', REL)), false, 'the file is gone');
});

test('IVR designer: a key is sent to voicemail box 800, picked from the configured boxes, saved and applied by the PBX', async () => {
  await openPage(page, 'ivr');
  const option = page.locator('li[data-menu="main"] > ul.options > li[data-option="0"]');
  await option.locator('select[name="kind"]').selectOption('voicemail');
  const box = option.locator('select[name="box"]');
  assert.equal(await box.inputValue(), '800', 'the first configured box is chosen');
  assert.deepEqual(await box.locator('option').allInnerTexts(), ['800 After hours']);
  const before = Math.max(...(await apiFromPage<Array<{ version: number }>>(page, 'GET', '/config/versions')).json.map((v) => v.version));
  await page.fill('input[name="comment"]', 'key 1 to voicemail');
  await page.click('[data-testid="ivr-save"]');
  await page.waitForFunction((v) => document.querySelector('[data-testid="ivr-version"]')?.textContent?.includes(String(v)), before + 1);
  const saved = await apiFromPage<{ ivr: { menus: Array<{ options: Array<{ destination: unknown }> }> } }>(page, 'GET', `/config/versions/${before + 1}`);
  assert.deepEqual(saved.json.ivr.menus[0]!.options[0]!.destination, { kind: 'voicemail', box: '800' });
  assert.equal((await app.pbx.status()).configVersion, before + 1, 'the PBX reloaded the saved version');
});
