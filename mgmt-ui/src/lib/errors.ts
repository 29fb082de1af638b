// The one error handler of the UI: any failure becomes one readable sentence in the
// current language. The server's own message is preferred (it says what exactly went
// wrong); the catalog message by code is the fallback for network errors and old servers.
import { ApiError } from './api/errors.ts';
import { i18n, isMessageKey, t } from './i18n/i18n.svelte.ts';

/** A readable message for any thrown value, in the current language. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.code === 'LOCKED_OUT') return t('err.LOCKED_OUT', { minutes: Math.max(1, Math.ceil((err.retryAfterSec ?? 900) / 60)) });
    if (err.code === 'NETWORK') return t('err.NETWORK');
    const server = i18n.locale === 'zh-CN' ? err.messageZh : err.message;
    if (server && err.code !== 'INTERNAL') return server;
    const key = `err.${err.code}`;
    if (isMessageKey(key)) return t(key);
    return t('err.generic', { status: err.status });
  }
  return t('err.generic', { status: err instanceof Error ? err.message : String(err) });
}

/** Field messages of a validation error, by field name (`/secret` → `secret`). */
export function fieldErrors(err: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(err instanceof ApiError)) return out;
  for (const d of err.details) {
    const field = d.path.replace(/^\//, '').split('/')[0] ?? '';
    if (!(field in out)) out[field] = d.message;
  }
  return out;
}
