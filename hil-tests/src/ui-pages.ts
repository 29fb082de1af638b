// Steps the UI tests share: the first sign-in with the one-time password, and opening a
// page through the navigation as a user would.
import type { Page } from 'playwright-core';

/** Opens a page by clicking its navigation entry and waits until it is the current one. */
export async function openPage(page: Page, path: string): Promise<void> {
  await page.click(`nav a[data-nav="${path}"]`);
  await page.waitForSelector(`nav a[data-nav="${path}"][aria-current="page"]`);
}

/** Signs in with a one-time password and sets `newPassword` on the forced change form. */
export async function firstSignIn(page: Page, baseUrl: string, username: string, oneTimePassword: string, newPassword: string): Promise<void> {
  await page.goto(baseUrl);
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', oneTimePassword);
  await page.click('button[type="submit"]');
  await page.waitForSelector('[data-testid="pw-required"]');
  await page.fill('input[name="currentPassword"]', oneTimePassword);
  await page.fill('input[name="newPassword"]', newPassword);
  await page.fill('input[name="repeat"]', newPassword);
  await page.click('button[type="submit"]');
  await page.waitForSelector('nav a[aria-current="page"]');
}

/** Calls the API from the page, with its session cookie and CSRF token (from /auth/me). */
export async function apiFromPage<T>(page: Page, method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const me = (await (await fetch('/api/v1/auth/me')).json()) as { csrfToken: string };
      const res = await fetch(`/api/v1${path}`, {
        method,
        headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, json: (await res.json()) as T };
    },
    { method, path, body },
  );
}
