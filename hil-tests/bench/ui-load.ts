// `npm run bench:ui`: how fast the dashboard shows real numbers, and how big the UI is.
//
// 1. Builds the UI when dist/ is missing or older than a source file.
// 2. Starts the real PBX and mgmt service, signs in through the API (one-time password,
//    then the forced change) and hands the session cookie to the browser.
// 3. Five cold loads (a fresh browser context each: empty cache, new connection) of the
//    dashboard over loopback, timed from navigation start to the live counters and the
//    system summary being on screen. Prints the median and the target (< 1 s).
// 4. Gzips every JS and CSS file of the build with node:zlib and prints the sum and the
//    target (< 250 KB).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startAppliance, UI_DIST } from '../src/appliance.ts';
import { launchBrowser, VIEWPORTS } from '../src/browser.ts';
import { REPO_ROOT } from '../src/pbx.ts';

const LOADS = 5;
const TARGET_MS = 1000;
const TARGET_GZIP_BYTES = 250 * 1024;
const UI_ROOT = join(REPO_ROOT, 'mgmt-ui');

/** Newest modification time below `dir` (ms). */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

function buildIfNeeded(): void {
  const index = join(UI_DIST, 'index.html');
  const sources = Math.max(newest(join(UI_ROOT, 'src')), statSync(join(UI_ROOT, 'index.html')).mtimeMs, statSync(join(UI_ROOT, 'vite.config.ts')).mtimeMs);
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  console.log('building the UI (npm run build:ui)…');
  execFileSync('npm', ['run', '-s', 'build:ui'], { cwd: REPO_ROOT, stdio: 'inherit' });
}

/** Gzipped bytes of every .js and .css file of the build. */
function bundleGzipBytes(): { files: Array<{ name: string; raw: number; gzip: number }>; total: number } {
  const files: Array<{ name: string; raw: number; gzip: number }> = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(js|css)$/.test(e.name)) {
        const data = readFileSync(p);
        files.push({ name: p.slice(UI_DIST.length + 1), raw: data.length, gzip: gzipSync(data, { level: 9 }).length });
      }
    }
  };
  walk(UI_DIST);
  return { files, total: files.reduce((s, f) => s + f.gzip, 0) };
}

/** Signs in as the first admin, changes the one-time password, returns the session cookie. */
async function signIn(baseUrl: string, oneTime: string): Promise<{ name: string; value: string }> {
  const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: oneTime }),
  });
  if (!login.ok) throw new Error(`login answered ${login.status}: ${await login.text()}`);
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const setCookie = login.headers.getSetCookie().find((c) => c.startsWith('hotline_session='));
  if (!setCookie) throw new Error('login set no hotline_session cookie');
  const [pair] = setCookie.split(';');
  const [name, value] = [pair!.slice(0, pair!.indexOf('=')), pair!.slice(pair!.indexOf('=') + 1)];
  const change = await fetch(`${baseUrl}/api/v1/auth/password`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: `${name}=${value}`, 'x-csrf-token': csrfToken },
    body: JSON.stringify({ currentPassword: oneTime, newPassword: 'Bench-Ui-Load-2024!' }),
  });
  if (!change.ok) throw new Error(`password change answered ${change.status}: ${await change.text()}`);
  const renewed = change.headers.getSetCookie().find((c) => c.startsWith('hotline_session='));
  if (renewed) {
    const p = renewed.split(';')[0]!;
    return { name, value: p.slice(p.indexOf('=') + 1) };
  }
  return { name, value };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

buildIfNeeded();
const app = await startAppliance({ extensions: [{ number: '1001', secret: 'bench-secret-1001' }, { number: '1002', secret: 'bench-secret-1002' }] });
const hb = await launchBrowser();
try {
  const cookie = await signIn(app.baseUrl, app.adminPassword);
  const times: number[] = [];
  let breakdown: string[] = [];
  for (let i = 0; i < LOADS; i++) {
    const ctx = await hb.newContext({ viewport: VIEWPORTS.laptop });
    await ctx.addCookies([{ name: cookie.name, value: cookie.value, url: app.baseUrl, httpOnly: true, sameSite: 'Strict' }]);
    const page = await ctx.newPage();
    await page.goto(`${app.baseUrl}/#/dashboard`, { waitUntil: 'commit' });
    // Rendered with data: the live socket delivered a snapshot and the summary is shown.
    await page.waitForFunction(
      () => document.querySelector('[data-testid="live-state"]')?.getAttribute('data-connected') === 'true' && !!document.querySelector('[data-testid="version"]')?.textContent,
      undefined,
      { polling: 'raf', timeout: 15_000 },
    );
    times.push(await page.evaluate(() => performance.now()));
    // Where the time went, for the last load: when each request finished (ms from navigation start).
    if (i === LOADS - 1) {
      breakdown = await page.evaluate(() =>
        performance.getEntriesByType('resource').map((e) => `${new URL(e.name).pathname} ${(e as PerformanceResourceTiming).responseEnd.toFixed(0)}`),
      );
    }
    await ctx.close();
  }
  const gz = bundleGzipBytes();
  const med = median(times);
  console.log(`dashboard first render with data, ${LOADS} cold loads over loopback (ms): ${times.map((t) => t.toFixed(0)).join(', ')}`);
  console.log(`  median ${med.toFixed(0)} ms   target < ${TARGET_MS} ms   ${med < TARGET_MS ? 'OK' : 'OVER TARGET'}`);
  console.log(`  last load, requests finished at (ms): ${breakdown.join(', ')}`);
  for (const f of gz.files) console.log(`  ${f.name}: ${(f.raw / 1024).toFixed(1)} KB raw, ${(f.gzip / 1024).toFixed(1)} KB gzip`);
  console.log(`UI bundle (JS+CSS, gzip -9): ${(gz.total / 1024).toFixed(1)} KB   target < 250 KB   ${gz.total < TARGET_GZIP_BYTES ? 'OK' : 'OVER TARGET'}`);
} finally {
  await hb.close();
  await app.stop();
}
