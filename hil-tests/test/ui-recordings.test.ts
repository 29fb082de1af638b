// Browser test of the Recordings page: headless Chromium (Debian's package via playwright-core)
// against the real mgmt service, which reads the recorder's folder and index in the appliance's
// data dir. A two-party A-law recording is written with media's WavFileWriter and indexed; the
// page must list it, open the player and draw both channels' waveforms, in English and zh-CN,
// then export it as a zip and delete it with a reason. The row names its trunk (column and
// filter) and a pause, which the player lists and shades on the waveform.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { linearToAlaw, WavFileWriter } from '@hotline/media';
import { openRecords, RecordingStore } from '@hotline/appliance/records';
import { startAppliance, type HilAppliance } from '../src/appliance.ts';
import { launchBrowser, screenshot, VIEWPORTS, type HilBrowser } from '../src/browser.ts';

const PASSWORD = 'Hotline-Records-2024!';
let app: HilAppliance;
let hb: HilBrowser;
let page: Page;

/** 3 s, 8 kHz, channel 0 a 400 Hz tone, channel 1 silent for 1 s then a 1 kHz tone; both silent in the pause 2.0–2.5 s. */
function writeRecording(dataDir: string): void {
  const rel = '2026/11/30/ui-rec-1.wav';
  mkdirSync(join(dataDir, 'recordings/2026/11/30'), { recursive: true });
  const w = new WavFileWriter(join(dataDir, 'recordings', rel), { encoding: 'alaw', sampleRate: 8000, channels: 2 });
  const frames = 8000 * 3;
  const data = new Uint8Array(frames * 2);
  for (let i = 0; i < frames; i++) {
    if (i >= 16000 && i < 20000) { data[2 * i] = linearToAlaw(0); data[2 * i + 1] = linearToAlaw(0); continue; }
    data[2 * i] = linearToAlaw(Math.round(12000 * Math.sin((2 * Math.PI * 400 * i) / 8000)));
    data[2 * i + 1] = linearToAlaw(i < 8000 ? 0 : Math.round(8000 * Math.sin((2 * Math.PI * 1000 * i) / 8000)));
  }
  w.append(data);
  w.close();
  const records = openRecords(join(dataDir, 'records.db'));
  const store = new RecordingStore(records);
  const startedAt = Date.now() - 60_000;
  store.start({ id: 'ui-rec-1', callId: 'call-ui-1', sessionCallId: 's-ui-1', startedAt, codec: 'PCMA', channels: 2, path: rel, retentionClass: 'standard', segment: 1, agent: '1001', queue: 'sales', trunk: 'carrier-a',
    parties: [{ channel: 0, label: '1', aor: 'tel:13800001111', name: '13800001111', role: 'caller' }, { channel: 1, label: '2', aor: 'sip:1001@hotline', name: 'Agent 1001', role: 'agent' }] });
  store.setPauses('ui-rec-1', [{ fromMs: 2000, toMs: 2500 }]);
  const bytes = readFileSync(join(dataDir, 'recordings', rel));
  store.end('ui-rec-1', { endedAt: startedAt + 3000, durationMs: 3000, sha256: createHash('sha256').update(bytes).digest('hex'), sizeBytes: bytes.length, path: rel, encrypted: false, state: 'closed', packetsLost: 0 });
  records.close();
}

before(async () => {
  app = await startAppliance();
  writeRecording(app.pbx.dataDir);
  hb = await launchBrowser();
  page = await (await hb.newContext({ locale: 'en-US', viewport: VIEWPORTS.laptop })).newPage();
  page.setDefaultTimeout(30_000);
});

after(async () => {
  await hb?.close();
  await app?.stop();
});

/** Non-background pixels of the waveform canvas in the upper and lower lane (channel 0 and 1). */
async function inkPerLane(p: Page): Promise<[number, number]> {
  return p.$eval('[data-testid="rec-waveform"]', (el) => {
    const c = el as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const lanes: [number, number] = [0, 0];
    for (let y = 0; y < c.height; y++) {
      for (let x = 0; x < c.width; x++) {
        const i = (y * c.width + x) * 4;
        // The wave colours are blue and green; the axis is light grey and the cursor red.
        if (d[i + 3]! > 0 && (d[i + 2]! > 150 || d[i + 1]! > 120) && d[i]! < 100) lanes[y < c.height / 2 ? 0 : 1]++;
      }
    }
    return lanes;
  });
}

test('Recordings page: lists the recording, the player draws both parties\' waveforms, in English and zh-CN', async () => {
  await page.goto(app.baseUrl);
  await page.fill('input[name="username"]', 'admin');
  await page.fill('input[name="password"]', app.adminPassword);
  await page.click('button[type="submit"]');
  await page.waitForSelector('[data-testid="pw-required"]');
  await page.fill('input[name="currentPassword"]', app.adminPassword);
  await page.fill('input[name="newPassword"]', PASSWORD);
  await page.fill('input[name="repeat"]', PASSWORD);
  await page.click('button[type="submit"]');

  for (const lang of ['en', 'zh-CN'] as const) {
    await page.click(`button[data-lang="${lang}"]`);
    await page.waitForSelector(`html[lang="${lang}"]`);
    await page.click('nav a[data-nav="recordings"]');
    await page.waitForSelector('nav a[data-nav="recordings"][aria-current="page"]');
    assert.equal((await page.textContent('h1'))?.trim(), lang === 'en' ? 'Recordings' : '录音');
    const row = page.locator('[data-testid="rec-table"] tr[data-rec="ui-rec-1"]');
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /13800001111/);
    assert.equal((await row.locator('td[data-col="trunk"]').textContent())?.trim(), 'carrier-a', 'the trunk column');
    // The trunk filter: another carrier finds nothing, the row's own finds it again.
    await page.fill('input[name="trunk"]', 'carrier-b');
    await page.click('form.toolbar button[type="submit"]');
    await row.waitFor({ state: 'detached' });
    await page.fill('input[name="trunk"]', 'carrier-a');
    await page.click('form.toolbar button[type="submit"]');
    await row.waitFor();
    await row.locator('[data-testid="rec-play"]').click();
    await page.waitForSelector('[data-testid="rec-player"]');
    await page.waitForFunction(() => !document.querySelector('[data-testid="rec-player"] p.muted'));
    const [top, bottom] = await inkPerLane(page);
    assert.ok(top > 2000, `channel 0 waveform drawn (${top} px)`);
    assert.ok(bottom > 500, `channel 1 waveform drawn (${bottom} px)`);
    assert.ok(top > bottom, `the caller's tone is louder and longer than the agent's (${top} vs ${bottom})`);
    // The pause: listed with its offsets, and shaded over both lanes at 2.0–2.5 s of 3 s (x 533–667 of 800).
    const pause = (await page.textContent('[data-testid="rec-pauses"] li[data-pause="2000"]'))?.trim() ?? '';
    assert.match(pause, lang === 'en' ? /^0:02\.0 – 0:02\.5 \(0\.5 s not recorded\)$/ : /^0:02\.0 – 0:02\.5（0\.5 秒未录音）$/);
    // (No named function inside the page function: tsx would wrap it in a __name() the page lacks.)
    const pixels = await page.$eval('[data-testid="rec-waveform"]', (el, pts) => {
      const g = (el as HTMLCanvasElement).getContext('2d')!;
      return pts.map(([x, y]) => Array.from(g.getImageData(x!, y!, 1, 1).data));
    }, [[600, 2], [600, 157], [100, 2], [300, 157]]);
    const shade = { inPause: pixels.slice(0, 2), outside: pixels.slice(2) };
    for (const p of shade.inPause) assert.deepEqual(p, [209, 213, 219, 255], `pause shaded (${p})`);
    for (const p of shade.outside) assert.equal(p[3], 0, `no shade outside the pause (${p})`);
    await screenshot(page, `recordings-${lang}`);
    // Seeking: a click at the middle moves the audio to about half its 3 s.
    await page.click('[data-testid="rec-waveform"]', { position: { x: 400, y: 80 } });
    const t = await page.$eval('[data-testid="rec-player"] audio', (a) => (a as HTMLAudioElement).currentTime);
    assert.ok(t > 1 && t < 2, `seeked to ${t}s`);
    // The page with the player open fits a tablet too.
    await page.setViewportSize(VIEWPORTS.tablet);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await screenshot(page, `recordings-${lang}-tablet`);
    assert.ok(overflow <= 0, `Recordings (${lang}) is ${overflow}px wider than the tablet viewport`);
    await page.setViewportSize(VIEWPORTS.laptop);
    await page.click('[data-testid="rec-player"] .head button');
  }

  // Select, export: the browser saves a zip holding the WAV and the manifest.
  const row = page.locator('[data-testid="rec-table"] tr[data-rec="ui-rec-1"]');
  await row.locator('input[type="checkbox"]').check();
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="rec-export"]')]);
  assert.equal(download.suggestedFilename(), 'recordings.zip');
  const zipPath = join(app.pbx.dataDir, 'export.zip');
  await download.saveAs(zipPath);
  const listing = execFileSync('unzip', ['-l', zipPath], { encoding: 'utf8' });
  assert.match(listing, /recording-ui-rec-1\.wav/);
  assert.match(listing, /manifest\.json/);

  // Delete (admin): a reason is required, then the row is gone.
  await row.locator('[data-testid="rec-delete"]').click();
  assert.equal(await page.isDisabled('[data-testid="confirm"]'), true, 'no deletion without a reason');
  await page.fill('input[name="reason"]', '测试删除');
  await page.click('[data-testid="confirm"]');
  await row.waitFor({ state: 'detached' });
  assert.equal(existsSync(join(app.pbx.dataDir, 'recordings/2026/11/30/ui-rec-1.wav')), false);
});
