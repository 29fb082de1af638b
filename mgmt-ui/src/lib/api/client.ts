// The one place the UI talks HTTP to the management API. Adds the CSRF header to every
// state-changing request (the server binds the token to the session cookie), and turns
// every failure into an ApiError so pages have one thing to handle.
import { ApiError } from './errors.ts';
import type { ErrorBody } from './types.ts';

/** Base path of the API. */
export const API_BASE = '/api/v1';

/** Query string values; undefined and empty strings are left out. */
export type Query = Record<string, string | number | boolean | undefined | null>;

let csrfToken = '';
let onUnauthenticated: (() => void) | undefined;

/** Remembers the CSRF token returned by login or `/auth/me`. */
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

/** Registers what to do when the session has ended (idle timeout, logout elsewhere). */
export function setUnauthenticatedHandler(fn: () => void): void {
  onUnauthenticated = fn;
}

/** Builds `/api/v1/<path>?<query>` without empty parameters. */
export function apiUrl(path: string, query?: Query): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined || v === null || v === '') continue;
    qs.set(k, String(v));
  }
  const s = qs.toString();
  return `${API_BASE}${path}${s ? `?${s}` : ''}`;
}

/** Sends one request and parses the JSON answer, or throws ApiError. */
export async function request<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, opts: { query?: Query; body?: unknown; raw?: Blob; headers?: Record<string, string> } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...(opts.headers ?? {}) };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  // Raw uploads (inspection photos, backup archives) go as their own media type, not JSON.
  if (opts.raw !== undefined) headers['content-type'] = opts.raw.type || 'application/octet-stream';
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(apiUrl(path, opts.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
    });
  } catch (err) {
    throw new ApiError(0, 'NETWORK', err instanceof Error ? err.message : String(err));
  }
  const text = await res.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }
  if (!res.ok) throw failure(res.status, data, path);
  return data as T;
}

/** The ApiError of a failed answer (its JSON error body when there is one). */
function failure(status: number, data: unknown, path: string): ApiError {
  const e = (data as ErrorBody | undefined)?.error;
  const err = e
    ? new ApiError(status, e.code, e.message, { messageZh: e.messageZh, details: e.details, retryAfterSec: e.retryAfterSec })
    : new ApiError(status, status >= 500 ? 'INTERNAL' : 'HTTP', `HTTP ${status}`);
  // A login attempt answers 401 too; only an established session that lapsed is a sign-out.
  if (err.code === 'UNAUTHENTICATED' && path !== '/auth/login') onUnauthenticated?.();
  return err;
}

/** Fetches a binary answer (a recording, a zip) with a JSON body and the CSRF token; throws ApiError. */
export async function fetchBinary(method: 'GET' | 'POST', path: string, opts: { query?: Query; body?: unknown } = {}): Promise<Blob> {
  const headers: Record<string, string> = {};
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(apiUrl(path, opts.query), { method, headers, credentials: 'same-origin', body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  } catch (err) {
    throw new ApiError(0, 'NETWORK', err instanceof Error ? err.message : String(err));
  }
  if (res.ok) return res.blob();
  const text = await res.text();
  let data: unknown;
  try { data = JSON.parse(text); } catch { data = undefined; }
  throw failure(res.status, data, path);
}

/** POSTs a file as application/octet-stream (the browser streams it; no FormData copy). */
export function upload<T>(path: string, file: Blob, headers: Record<string, string> = {}): Promise<T> {
  return request<T>('POST', path, { raw: file, headers });
}
