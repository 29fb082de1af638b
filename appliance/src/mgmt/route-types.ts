import type { Context } from 'koa';
import type { UserRecord } from '../records/index.ts';
import type { Session } from './auth/sessions.ts';
import type { RouteAccess } from './roles.ts';
import type { MgmtServices } from './services.ts';

/** A JSON schema (draft-07 subset ajv and OpenAPI 3.1 both read). */
export type JsonSchema = Record<string, unknown>;

/** What a handler receives: validated input, the signed-in user, the services. */
export interface ApiRequest<Q, B> {
  ctx: Context;
  svc: MgmtServices;
  /** Present on every route whose access is not 'public'. */
  session: Session | undefined;
  user: UserRecord | undefined;
  params: Record<string, string>;
  query: Q;
  body: B;
}

/**
 * One row of the route table: everything the router and the OpenAPI generator need. A handler
 * returns the response body (sent with `status`), or sets `ctx.body` itself and returns undefined.
 */
export interface RouteDef<Q = unknown, B = unknown> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Below `/api/v1`, koa-router syntax (`/extensions/:number`). */
  path: string;
  access: RouteAccess;
  summary: string;
  tag: string;
  params?: JsonSchema;
  query?: JsonSchema;
  body?: JsonSchema;
  /** Success status and body schema; `contentType` for non-JSON answers (CSV). */
  response: { status: number; schema?: JsonSchema; contentType?: string; description?: string };
  /** Answered even while the user must change the password (the `/auth/*` routes). */
  beforePasswordChange?: boolean;
  handler(req: ApiRequest<Q, B>): Promise<unknown> | unknown;
}

/** Declares a route with typed query and body (an identity function for inference). */
export function route<Q = Record<string, never>, B = undefined>(def: RouteDef<Q, B>): RouteDef<Q, B> {
  return def;
}

/** A route with its input types erased, as stored in the table. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = RouteDef<any, any>;
