import type { ErrorDetail } from './types.ts';

/** A failed API call: HTTP status plus the stable code, both messages and field details. */
export class ApiError extends Error {
  /** Stable error code, e.g. `VALIDATION`, `UNAUTHENTICATED`, or `NETWORK` when no answer came. */
  readonly code: string;
  /** HTTP status; 0 when the request never got an answer. */
  readonly status: number;
  /** Chinese message from the server, when it sent one. */
  readonly messageZh: string | undefined;
  /** Per-field problems, each addressed by a JSON pointer such as `/secret`. */
  readonly details: ErrorDetail[];
  /** Seconds to wait before retrying (lockout), when given. */
  readonly retryAfterSec: number | undefined;

  constructor(status: number, code: string, message: string, opts: { messageZh?: string; details?: ErrorDetail[]; retryAfterSec?: number } = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.messageZh = opts.messageZh;
    this.details = opts.details ?? [];
    this.retryAfterSec = opts.retryAfterSec;
  }

  /** The detail message for a field (`/secret` or `secret`), if the server named one. */
  fieldMessage(field: string): string | undefined {
    const want = field.startsWith('/') ? field : `/${field}`;
    return this.details.find((d) => d.path === want || d.path.startsWith(`${want}/`))?.message;
  }
}
