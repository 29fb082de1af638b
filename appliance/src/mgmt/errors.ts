import type { Context, Next } from 'koa';
import type { Logger } from '../log.ts';
import { MaintenanceError } from '../maintenance/index.ts';

/** Stable error codes of the management API (API contract v1). */
export type ApiErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'CSRF'
  | 'NOT_FOUND'
  | 'VALIDATION'
  | 'CONFLICT'
  | 'LOCKED_OUT'
  | 'PASSWORD_CHANGE_REQUIRED'
  | 'PASSWORD_POLICY'
  | 'PBX_UNAVAILABLE'
  | 'BACKUP_REFUSED'
  | 'INTERNAL';

/** One field-level problem, `path` a JSON pointer into the request (or the configuration). */
export interface ErrorDetail {
  path: string;
  message: string;
}

const STATUS: Record<ApiErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  CSRF: 403,
  NOT_FOUND: 404,
  VALIDATION: 400,
  CONFLICT: 409,
  LOCKED_OUT: 429,
  PASSWORD_CHANGE_REQUIRED: 403,
  PASSWORD_POLICY: 400,
  PBX_UNAVAILABLE: 503,
  BACKUP_REFUSED: 422,
  INTERNAL: 500,
};

const ZH: Record<ApiErrorCode, string> = {
  UNAUTHENTICATED: '请先登录',
  FORBIDDEN: '无权执行此操作',
  CSRF: '请求校验失败，请刷新页面后重试',
  NOT_FOUND: '未找到',
  VALIDATION: '输入有误',
  CONFLICT: '与现有数据冲突',
  LOCKED_OUT: '登录失败次数过多，账户已暂时锁定',
  PASSWORD_CHANGE_REQUIRED: '请先修改密码',
  PASSWORD_POLICY: '密码不符合要求',
  PBX_UNAVAILABLE: '交换机服务未运行',
  BACKUP_REFUSED: '备份操作被拒绝',
  INTERNAL: '内部错误',
};

/** An error meant for the client: its code, status and message are safe to show (`expose`). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly expose = true;

  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly extra: { details?: ErrorDetail[]; messageZh?: string; retryAfterSec?: number; reason?: string } = {},
  ) {
    super(message);
    this.status = STATUS[code];
  }
}

/** The JSON body of every error response. */
export function errorBody(err: ApiError): { error: Record<string, unknown> } {
  const error: Record<string, unknown> = { code: err.code, message: err.message, messageZh: err.extra.messageZh ?? ZH[err.code] };
  if (err.extra.details) error.details = err.extra.details;
  if (err.extra.reason) error.reason = err.extra.reason;
  if (err.extra.retryAfterSec !== undefined) error.retryAfterSec = err.extra.retryAfterSec;
  return { error };
}

/** A refused maintenance operation (bad input, wrong state, unknown record) as the API reports it. */
export function fromMaintenance(err: MaintenanceError): ApiError {
  const code: ApiErrorCode = err.kind === 'invalid' ? 'VALIDATION' : err.kind === 'conflict' ? 'CONFLICT' : 'NOT_FOUND';
  return new ApiError(code, err.message, err.kind === 'invalid' ? { details: [{ path: err.path, message: err.message }] } : {});
}

/**
 * The one error handler (STYLE.md §13): ApiError goes out as is; anything else is logged with its
 * stack and answered 500 INTERNAL with a generic message, so no internal detail reaches a client.
 */
export function errorHandler(log: Logger) {
  return async (ctx: Context, next: Next): Promise<void> => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined && ctx.path.startsWith('/api/')) {
        throw new ApiError('NOT_FOUND', `no route ${ctx.method} ${ctx.path}`);
      }
    } catch (err) {
      const api = err instanceof ApiError ? err : err instanceof MaintenanceError ? fromMaintenance(err) : undefined;
      if (!api) log.error({ err, method: ctx.method, path: ctx.path }, 'request failed');
      const out = api ?? new ApiError('INTERNAL', 'internal error; the details are in the service log');
      ctx.status = out.status;
      if (out.extra.retryAfterSec !== undefined) ctx.set('Retry-After', String(out.extra.retryAfterSec));
      ctx.body = errorBody(out);
    }
  };
}
