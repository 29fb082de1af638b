// Live listen in the browser (issue 7): a call between two sipp phones — the caller playing
// 1 kHz, the callee 440 Hz — goes through the real PBX, which records it on the real recorder;
// a supervisor in headless Chromium sees it under "Calls being recorded now", presses Listen, and
// the page decodes audio of both parties (its per-party meters count decoded samples and level).
// The frames the page received over the management WebSocket are decoded here too and each
// party's channel must carry its own tone. An agent is refused (the WebSocket and the list), and
// the audit log has both the listen and the refusal.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import { ALAW_DECODE, ULAW_DECODE } from '@hotline/media';
import { decodeLiveFrame } from '@hotline/appliance/recorder';
import { startAppliance, type HilAppliance } from '../src/appliance.ts';
import { launchBrowser, screenshot, VIEWPORTS, type HilBrowser } from '../src/browser.ts';
import { freePort } from '../src/ports.ts';
import { startRecorder, type HilRecorder } from '../src/recorder.ts';
import { toneEnergyRatio } from '../src/rtp-analyzer.ts';
import { toneCall } from '../src/tone-call.ts';
import { apiFromPage, firstSignIn, openPage } from '../src/ui-pages.ts';

const CALLER = { number: '1001', secret: 'listen-secret-1001' };
const CALLEE = { number: '1002', secret: 'listen-secret-1002' };
const ADMIN_PASSWORD = 'Hotline-Listen-2024!';
const CALL_MS = 14_000;

let app: HilAppliance;
let rec: HilRecorder;
let hb: HilBrowser;
let admin: Page;

before(async () => {
  const recorderSip = await freePort();
  app = await startAppliance({
    extensions: [CALLER, CALLEE], authFailureLimit: 50,
    configure: (draft) => { draft.recording = { recorder: { host: '127.0.0.1', port: recorderSip } }; },
  });
  // The recorder on the appliance's data dir: mgmt reaches it over <data>/run/recorder.sock.
  rec = await startRecorder({}, 30_000, { dataDir: app.pbx.dataDir, sipPort: recorderSip });
  hb = await launchBrowser();
  admin = await (await hb.newContext({ locale: 'en-US', viewport: VIEWPORTS.laptop })).newPage();
  admin.setDefaultTimeout(30_000);
  await firstSignIn(admin, app.baseUrl, 'admin', app.adminPassword, ADMIN_PASSWORD);
});

after(async () => {
  await hb?.close();
  await rec?.stop();
  await app?.stop();
});

/** Signs a new user of `role` in, in its own browser context. */
async function userPage(role: 'supervisor' | 'agent'): Promise<{ ctx: BrowserContext; page: Page }> {
  const created = await apiFromPage(admin, 'POST', '/users', { username: role.slice(0, 3), role, password: `Onetime-${role}-2024!` });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  const ctx = await hb.newContext({ locale: 'en-US', viewport: VIEWPORTS.laptop });
  const page = await ctx.newPage();
  page.setDefaultTimeout(30_000);
  await firstSignIn(page, app.baseUrl, role.slice(0, 3), `Onetime-${role}-2024!`, `${role}-Chosen-2024!`);
  return { ctx, page };
}

test('a supervisor listens live to a recorded call: the page decodes both parties, each channel carries its party\'s tone; an agent is refused', async () => {
  const sup = await userPage('supervisor');
  const page = sup.page;
  // Every binary message the page receives on the listen socket, as the browser got it.
  const received: Buffer[] = [];
  page.on('websocket', (ws) => {
    if (!ws.url().includes('/api/v1/recordings/listen')) return;
    ws.on('framereceived', (f) => { if (typeof f.payload !== 'string') received.push(f.payload); });
  });
  await openPage(page, 'recordings');
  await page.waitForSelector('[data-testid="rec-live"]');

  const call = toneCall(app.pbx, { caller: CALLER, callee: CALLEE, callerHz: 1000, calleeHz: 440, audioMs: CALL_MS, holdMs: CALL_MS });
  try {
    // The page polls the recorder's active recordings; the call shows up with both parties.
    const row = page.locator('[data-testid="rec-live"] tr[data-live]');
    await row.first().waitFor({ timeout: 20_000 });
    assert.match((await row.first().textContent()) ?? '', /1001.*1002/);
    const id = await row.first().getAttribute('data-live');
    await row.first().locator('[data-testid="rec-listen"]').click();
    await page.waitForSelector('[data-testid="rec-listening"][data-phase="listening"]');

    // The page's meters: both parties decoded (≥ 1.5 s of audio each) with a tone's level.
    const meters = await page.waitForFunction(() => {
      const m = [...document.querySelectorAll('[data-testid="rec-meter"]')].map((e) => ({ samples: Number(e.getAttribute('data-samples')), rms: Number(e.getAttribute('data-rms')) }));
      return m.length === 2 && m.every((x) => x.samples >= 12_000 && x.rms > 0.05) ? m : null;
    }, undefined, { timeout: 20_000 }).then(async (h) => (await h.jsonValue())!);
    assert.ok(meters[0]!.rms > meters[1]!.rms, `the caller's 0.5 FS tone is louder than the callee's 0.25 FS (${JSON.stringify(meters)})`);
    await screenshot(page, 'recordings-live-listen-en');

    // The frames themselves: channel 0 is the caller's 1 kHz, channel 1 the callee's 440 Hz.
    const pcm: number[][] = [[], []];
    for (const b of received) {
      const f = decodeLiveFrame(b);
      const table = f.law === 'PCMA' ? ALAW_DECODE : ULAW_DECODE;
      for (const s of f.payload) pcm[f.channel]!.push(table[s]!);
    }
    const [ch0, ch1] = pcm.map((p) => Int16Array.from(p));
    assert.ok(ch0!.length >= 12_000 && ch1!.length >= 12_000, `frames of both channels (${ch0!.length}, ${ch1!.length} samples)`);
    assert.ok(toneEnergyRatio(ch0!, 1000) > 0.8, `channel 0 is the caller's 1 kHz (${toneEnergyRatio(ch0!, 1000)})`);
    assert.ok(toneEnergyRatio(ch1!, 440) > 0.8, `channel 1 is the callee's 440 Hz (${toneEnergyRatio(ch1!, 440)})`);
    assert.ok(toneEnergyRatio(ch0!, 440) < 0.05 && toneEnergyRatio(ch1!, 1000) < 0.05, 'and not the other party\'s');

    // An agent: no list of live calls, and the listen WebSocket never opens.
    const agent = await userPage('agent');
    try {
      assert.equal((await apiFromPage(agent.page, 'GET', '/recordings/live')).status, 403);
      const outcome = await agent.page.evaluate((recId) => new Promise<string>((resolve) => {
        const ws = new WebSocket(`ws://${location.host}/api/v1/recordings/listen?id=${encodeURIComponent(recId)}`);
        ws.binaryType = 'arraybuffer';
        let frames = 0;
        ws.onmessage = () => { frames++; };
        ws.onopen = () => setTimeout(() => resolve(`open, ${frames} messages`), 1000);
        ws.onclose = (e) => resolve(`closed ${e.code} after ${frames} messages`);
      }), id!);
      assert.equal(outcome, 'closed 1006 after 0 messages', 'the handshake is refused (403): no audio reaches an agent');
    } finally {
      await agent.ctx.close();
    }

    await page.click('[data-testid="rec-listen-stop"]');
    await page.waitForSelector('[data-testid="rec-listening"]', { state: 'detached' });
    const audit = await apiFromPage<{ items: Array<{ actor: string; outcome: string; target: string }> }>(admin, 'GET', '/audit?action=recording.listened');
    const entries = audit.json.items.map((e) => `${e.actor}:${e.outcome}:${e.target}`).sort();
    assert.deepEqual(entries, [`age:denied:${id}`, `sup:ok:${id}`]);
  } finally {
    await call;
    await sup.ctx.close();
  }
});

test('the live section speaks Chinese, and says when no call is being recorded', async () => {
  await openPage(admin, 'recordings');
  await admin.click('button[data-lang="zh-CN"]');
  await admin.waitForSelector('html[lang="zh-CN"]');
  assert.equal((await admin.textContent('[data-testid="rec-live"] h2'))?.trim(), '正在录音的通话');
  await admin.waitForFunction(() => document.querySelector('[data-testid="rec-live"]')?.textContent?.includes('当前没有正在录音的通话'), undefined, { timeout: 20_000 });
  await screenshot(admin, 'recordings-live-none-zh');
  await admin.click('button[data-lang="en"]');
});
