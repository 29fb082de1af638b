// Launches Debian's headless Chromium through playwright-core for the UI tests and the
// UI benchmark. Never a downloaded browser: the image and CI hosts have no route to the
// browser CDN, and the distribution package is what the project's setup installs.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { REPO_ROOT } from './pbx.ts';

/** Where Debian's chromium package puts the browser. */
export const CHROMIUM_PATH = process.env.HOTLINE_CHROMIUM ?? '/usr/bin/chromium';

/** Screenshots of the UI tests (gitignored). */
export const SCREENSHOT_DIR = join(REPO_ROOT, 'artifacts/screenshots');

/** Viewports the UI must work at: a 1366x768 laptop and a tablet held upright. */
export const VIEWPORTS = {
  laptop: { width: 1366, height: 768 },
  tablet: { width: 768, height: 1024 },
} as const;

/** A running browser (its profile is a fresh temporary directory). */
export interface HilBrowser {
  browser: Browser;
  /** A fresh context (cookies, storage) at a viewport, with a locale the UI will see. */
  newContext(opts?: { viewport?: { width: number; height: number }; locale?: string; touch?: boolean }): Promise<BrowserContext>;
  /** Closes the browser; playwright removes the temporary profile. */
  close(): Promise<void>;
}

/** Starts headless Chromium with a fresh user-data-dir and no background traffic. */
export async function launchBrowser(): Promise<HilBrowser> {
  // playwright-core refuses a --user-data-dir flag on launch() and instead gives every
  // launch a fresh temporary profile of its own, removed on close: that is the fresh
  // profile each run needs, without a persistent context (which allows one context only).
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    newContext: (opts = {}) =>
      browser.newContext({
        viewport: opts.viewport ?? VIEWPORTS.laptop,
        locale: opts.locale ?? 'en-US',
        hasTouch: opts.touch ?? false,
        isMobile: false,
        timezoneId: 'UTC',
      }),
    close: async () => {
      await browser.close().catch(() => undefined);
    },
  };
}

/** Saves a full-page screenshot as `artifacts/screenshots/<name>.png`; returns the path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
