// Screen pop end to end (issue 6): PBX + mgmt, a real Chromium on the agent desktop page. The
// agent logs in from the page (call-control API), a sipp caller enters the queue, and the
// caller's number must appear on the page — through the CTI WebSocket — before the agent's
// sipp phone receives the INVITE (both times from this machine's clock). The wallboard then
// counts the answered call.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startAppliance, type HilAppliance } from '../src/appliance.ts';
import { launchBrowser, type HilBrowser } from '../src/browser.ts';
import { firstSignIn, openPage } from '../src/ui-pages.ts';
import { freePort, freeUdpPorts } from '../src/ports.ts';
import { runSipp, scenario, startSipp, waitForUdpBound } from '../src/sipp.ts';
import { buildToneRtpPcap } from '../src/pcap.ts';
import { agentPhone, trunkCall } from '../src/acd-phones.ts';
import { eventually } from '../src/pbx.ts';

const PHONE = { number: '2001', secret: 'secret-2001' };
/** The supervisor's desk phone: the admin user's extension, in acd.supervisors. */
const SUPERVISOR = { number: '2099', secret: 'secret-2099' };
let app: HilAppliance;
let browser: HilBrowser;
let page: Page;
let callerPort: number;
const logs = mkdtempSync(join(tmpdir(), 'hil-acd-cti-'));

before(async () => {
  callerPort = await freePort();
  app = await startAppliance({
    extensions: [PHONE, SUPERVISOR],
    trunks: [{ name: 'callers', host: '127.0.0.1', port: callerPort }],
    configure: (d) => {
      d.acd = { queues: [{ name: 'billing', wrapUpSec: 1 }], agents: [{ number: '8001', name: '王芳', queues: [{ queue: 'billing' }] }], supervisors: [SUPERVISOR.number] };
      d.routes = { inbound: [{ name: 'billing line', did: '95500', destination: { kind: 'queue', name: 'billing' } }] };
    },
  });
  browser = await launchBrowser();
  page = await (await browser.newContext()).newPage();
  await firstSignIn(page, app.baseUrl, 'admin', app.adminPassword, 'Agent-desk-pass-2026');
});

after(async () => {
  await browser?.close();
  await app?.stop();
  rmSync(logs, { recursive: true, force: true });
});

test('the agent desktop logs in, pops the caller\'s number and queue before the phone rings, and the wallboard counts the answer', async () => {
  await openPage(page, 'agent');
  await page.fill('[data-testid="agent-number"]', '8001');
  await page.fill('[data-testid="agent-extension"]', PHONE.number);
  await page.click('[data-testid="agent-login"]');
  await page.waitForSelector('[data-testid="agent-state-bar"][data-state="ready"]');
  await page.waitForFunction(() => document.body.textContent?.includes('screen pop connected'));
  // When the pop appears, by the page's clock (the same machine clock sipp reads).
  await page.evaluate(() => {
    const w = window as unknown as { popAt?: number; pop?: string[] };
    new MutationObserver(() => {
      const caller = document.querySelector('[data-testid="pop-caller"]');
      if (w.popAt !== undefined || !caller) return;
      w.popAt = Date.now();
      w.pop = [caller.textContent ?? '', document.querySelector('[data-testid="pop-queue"]')?.textContent ?? ''];
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  const phone = await agentPhone(app.pbx.sipPort, PHONE.number, PHONE.secret, logs, 500);
  try {
    const r = await trunkCall(app.pbx.sipPort, callerPort, '95500', '13812345678', 2500);
    assert.equal(r.stats.successful, 1);
    const { popAt, pop } = await page.evaluate(() => {
      const w = window as unknown as { popAt?: number; pop?: string[] };
      return { popAt: w.popAt, pop: w.pop };
    });
    const invites = phone.invites();
    assert.equal(invites.length, 1);
    assert.ok(popAt !== undefined, 'the screen pop appeared');
    assert.ok(popAt < invites[0]!.at, `screen pop at ${popAt}, INVITE at ${invites[0]!.at}`);
    assert.deepEqual(pop, ['13812345678', 'billing'], 'the caller\'s number and the queue');
  } finally {
    await phone.stop();
  }
  await openPage(page, 'wallboard');
  const answered = await eventually(async () => {
    const v = await page.textContent('tr[data-queue="billing"] [data-testid="q-answered"]').catch(() => null);
    return v === '1' ? v : undefined;
  }, 8000, 'the wallboard to count the answered call');
  assert.equal(answered, '1');
});

test('the wallboard\'s supervisor buttons force an agent not ready and then log it out; the row follows through the CTI stream', async () => {
  await openPage(page, 'wallboard');
  const row = 'li[data-agent="8001"]';
  await page.waitForSelector(`${row}[data-state="ready"]`, { timeout: 10_000 });
  // Listen/whisper/barge only appear while a supervisor is in the agent's call (dialled *31–*33).
  assert.equal(await page.locator(`${row} button[data-action="whisper"]`).count(), 0);
  await page.click(`${row} button[data-action="not-ready"]`);
  await page.waitForSelector(`${row}[data-state="not-ready"]`, { timeout: 10_000 });
  assert.match((await page.textContent(row)) ?? '', /\(supervisor\)/);
  assert.match((await page.textContent('[data-testid="supervise-done"]')) ?? '', /8001/);
  await page.click(`${row} button[data-action="logout"]`);
  await page.waitForSelector(`${row}[data-state="logged-out"]`, { timeout: 10_000 });
  assert.equal(await page.locator(`${row} button`).count(), 0, 'no actions on a logged-out agent');
});

test('the agent desktop\'s conference buttons reach the PBX: a merge without a consult call is refused with its reason', async () => {
  await openPage(page, 'agent');
  await page.fill('[data-testid="agent-number"]', '8001');
  await page.fill('[data-testid="agent-extension"]', PHONE.number);
  await page.click('[data-testid="agent-login"]');
  await page.waitForSelector('[data-testid="agent-state-bar"][data-state="ready"]');
  await page.click('[data-testid="conference-merge"]');
  await page.waitForFunction(() => /a merge needs a call and a consult call/.test(document.querySelector('[data-testid="agent-state-bar"] .field-error')?.textContent ?? ''));
  await page.click('[data-testid="conference-leave"]');
  await page.waitForFunction(() => /in no conference/.test(document.querySelector('[data-testid="agent-state-bar"] .field-error')?.textContent ?? ''));
});

test('the wallboard\'s Listen calls the signed-in user\'s own phone (its extension set in Users); refused while that phone is not registered; Whisper then switches it', async () => {
  // The admin's desk phone, set in the Users page.
  await openPage(page, 'users');
  await page.click('[data-testid="users-table"] tr:has(strong:text-is("admin")) .row-actions button >> nth=0');
  await page.fill('input[name="extension"]', SUPERVISOR.number);
  await page.click('form button[type="submit"]');
  await page.waitForSelector('input[name="extension"]', { state: 'detached' });

  const phone = await agentPhone(app.pbx.sipPort, PHONE.number, PHONE.secret, logs, 200);
  const supervisorPort = await freePort();
  const supervisorLog = join(logs, 'supervisor-phone.log');
  const register = (expires: number) => runSipp({
    scenarioFile: scenario('register'), remote: `127.0.0.1:${app.pbx.sipPort}`, service: SUPERVISOR.number,
    auth: { username: SUPERVISOR.number, password: SUPERVISOR.secret }, vars: { contact_port: supervisorPort, expires }, timeoutSec: 10, allowFailure: expires === 0,
  });
  const call = trunkCall(app.pbx.sipPort, callerPort, '95500', '13812345679', 12_000);
  try {
    await openPage(page, 'wallboard');
    const row = 'li[data-agent="8001"]';
    await page.waitForSelector(`${row}[data-state="on-call"]`, { timeout: 10_000 });
    // The phone is not registered yet: the PBX's refusal is shown.
    await page.click(`${row} button[data-action="listen"]`);
    await page.waitForFunction(() => /supervisor phone 2099 is not registered/.test(document.querySelector('[data-testid="supervise-error"]')?.textContent ?? ''));

    const supervisor = startSipp({
      scenarioFile: scenario('supervisor-phone'), localPort: supervisorPort, service: SUPERVISOR.number, timeoutSec: 30, allowFailure: true,
      vars: { rtp_port: (await freeUdpPorts(1))[0]!, log: supervisorLog }, files: { 'tone.pcap': buildToneRtpPcap({ frequencyHz: 1700, durationMs: 8000 }) }, extraArgs: ['-d', '6000'],
    });
    await waitForUdpBound(supervisorPort);
    await register(300);
    await page.click(`${row} button[data-action="listen"]`);
    await page.waitForFunction(() => /2099/.test(document.querySelector('[data-testid="supervise-done"]')?.textContent ?? ''));
    // The PBX rang the phone as "listen 8001"; answered, the row shows the supervision (CTI).
    await page.waitForSelector(`${row} [data-testid="supervised"]`, { timeout: 10_000 });
    assert.match(existsSync(supervisorLog) ? readFileSync(supervisorLog, 'utf8') : '', /"listen 8001" <sip:8001@/);
    assert.match((await page.textContent(`${row} [data-testid="supervised"]`)) ?? '', /2099/);
    assert.equal(await page.locator(`${row} button[data-action="listen"]`).isDisabled(), true, 'the current mode');
    await page.click(`${row} button[data-action="whisper"]`);
    await page.waitForSelector(`${row} button[data-action="whisper"]:disabled`, { timeout: 10_000 });
    assert.equal(await page.locator(`${row} button[data-action="listen"]`).isDisabled(), false);
    // The supervisor's phone hangs up: the row no longer shows it.
    await supervisor.done;
    await page.waitForSelector(`${row} [data-testid="supervised"]`, { state: 'detached', timeout: 10_000 });
  } finally {
    await register(0).catch(() => undefined);
    await call.catch(() => undefined);
    await phone.stop();
  }
});

test('the agent desktop\'s Hold / Resume / Hang up / Transfer buttons control the agent\'s call; without a call the PBX\'s refusal is shown', async () => {
  await openPage(page, 'agent');
  await page.fill('[data-testid="agent-number"]', '8001');
  await page.fill('[data-testid="agent-extension"]', PHONE.number);
  await page.click('[data-testid="agent-login"]').catch(() => undefined);
  await page.waitForSelector('[data-testid="agent-state-bar"][data-state="ready"]');
  await page.click('[data-testid="call-hangup"]');
  await page.waitForFunction(() => /no answered call/.test(document.querySelector('[data-testid="agent-state-bar"] .field-error')?.textContent ?? ''));
  // Transfer: only a dialable number enables the button; without a call the PBX refuses.
  await page.fill('[data-testid="call-transfer-to"]', 'sip:x');
  assert.equal(await page.isDisabled('[data-testid="call-transfer"]'), true);
  await page.fill('[data-testid="call-transfer-to"]', '8002');
  // The page clears its error when a command starts and shows the new one: mark the old message.
  await page.evaluate(() => { document.querySelector('[data-testid="agent-state-bar"] .field-error')?.setAttribute('data-old', ''); });
  await page.click('[data-testid="call-transfer"]');
  await page.waitForFunction(() => /no answered call/.test(document.querySelector('[data-testid="agent-state-bar"] .field-error:not([data-old])')?.textContent ?? ''));
  const phone = await agentPhone(app.pbx.sipPort, PHONE.number, PHONE.secret, logs, 200);
  // The caller would stay 15 s; the desktop's Hang up ends it sooner.
  const started = Date.now();
  // sipp, pausing before its own BYE, aborts on the PBX's BYE: that is the hang-up we want.
  const call = trunkCall(app.pbx.sipPort, callerPort, '95500', '13812345679', 15_000)
    .then(() => 'the caller hung up', (err: Error) => (/unexpected BYE/.test(err.message) ? 'the PBX hung up' : err.message));
  try {
    await page.waitForFunction(() => document.querySelector('[data-testid="pop-caller"]')?.textContent === '13812345679', undefined, { timeout: 10_000 });
    // The pop comes before the phone rings: hold only once the agent's phone has answered.
    await page.waitForSelector('[data-testid="agent-state-bar"][data-state="on-call"]', { timeout: 10_000 });
    await page.click('[data-testid="call-hold"]');
    await page.waitForSelector('[data-testid="call-held-note"]', { timeout: 10_000 });
    await page.click('[data-testid="call-resume"]');
    await page.waitForSelector('[data-testid="call-held-note"]', { state: 'detached', timeout: 10_000 });
    await page.click('[data-testid="call-hangup"]');
    // CallEnded clears the pop: the PBX ended the call, well before the caller would have.
    await page.waitForSelector('[data-testid="pop-caller"]', { state: 'detached', timeout: 10_000 });
    assert.ok(Date.now() - started < 14_000, 'the call ended before the caller would have hung up');
    assert.equal(await call, 'the PBX hung up');
  } finally {
    await call;
    await phone.stop();
  }
});

test('the agent desktop\'s Dial button: the PBX rings the agent\'s phone, then the number; the page follows the dial and Hang up ends it; a number that cannot be routed is refused', async () => {
  await openPage(page, 'agent');
  await page.fill('[data-testid="agent-number"]', '8001');
  await page.fill('[data-testid="agent-extension"]', PHONE.number);
  await page.click('[data-testid="agent-login"]').catch(() => undefined);
  await page.waitForSelector('[data-testid="agent-state-bar"][data-state="ready"]');
  const phone = await agentPhone(app.pbx.sipPort, PHONE.number, PHONE.secret, logs, 300);
  const other = await agentPhone(app.pbx.sipPort, SUPERVISOR.number, SUPERVISOR.secret, logs, 300);
  try {
    await page.fill('[data-testid="call-dial-to"]', '99999');
    await page.evaluate(() => { document.querySelector('[data-testid="agent-state-bar"] .field-error')?.setAttribute('data-old', ''); });
    await page.click('[data-testid="call-dial"]');
    await page.waitForFunction(() => /99999 cannot be dialled from extension 2001/.test(document.querySelector('[data-testid="agent-state-bar"] .field-error:not([data-old])')?.textContent ?? ''));
    assert.equal(phone.invites().length, 0, 'a refused dial rings nothing');

    await page.fill('[data-testid="call-dial-to"]', SUPERVISOR.number);
    await page.click('[data-testid="call-dial"]');
    await page.waitForSelector('[data-testid="call-dial-note"][data-phase="connected"]', { timeout: 10_000 });
    assert.match((await page.textContent('[data-testid="call-dial-note"]')) ?? '', /2099/);
    assert.equal(await page.isDisabled('[data-testid="call-dial"]'), true, 'one dial at a time');
    assert.equal(await page.$('[data-testid="call-complete"]'), null, 'complete belongs to a consult, not a plain dial');
    assert.equal(phone.invites().at(-1)!.from, SUPERVISOR.number, 'the agent\'s phone rang first, showing the number');
    assert.equal(other.invites().at(-1)!.from, PHONE.number);
    await page.click('[data-testid="call-hangup"]');
    await page.waitForSelector('[data-testid="call-dial-note"]', { state: 'detached', timeout: 10_000 });
  } finally {
    await phone.stop();
    await other.stop();
  }
});
