import { USERNAME_PATTERN } from './auth/accounts.ts';

/** Shared JSON schemas of the API; the route table composes them, the OpenAPI document shows them. */

/** The error body (API contract v1). */
export const errorResponseSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'messageZh'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        messageZh: { type: 'string' },
        retryAfterSec: { type: 'integer' },
        details: { type: 'array', items: { type: 'object', required: ['path', 'message'], properties: { path: { type: 'string' }, message: { type: 'string' } } } },
      },
    },
  },
} as const;

/** ISO-8601 instant in a query string. */
export const isoTime = { type: 'string', format: 'date-time', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9]{2}:[0-9]{2})$' } as const;

/** Paging fields of list queries. */
export const paging = {
  offset: { type: 'integer', minimum: 0, default: 0 },
  limit: { type: 'integer', minimum: 1, maximum: 1000, default: 50 },
} as const;

/** A role name. */
export const roleSchema = { type: 'string', enum: ['admin', 'supervisor', 'engineer', 'auditor', 'agent'] } as const;

/** A username. */
export const usernameSchema = { type: 'string', pattern: USERNAME_PATTERN } as const;

/** The signed-in user as the API shows it. */
export const sessionUserSchema = {
  type: 'object',
  required: ['username', 'role', 'mustChangePassword'],
  properties: { username: { type: 'string' }, role: roleSchema, mustChangePassword: { type: 'boolean' }, displayName: { type: 'string' }, language: { type: 'string' } },
} as const;

/** `{ user, csrfToken }` of login and me. */
export const sessionResponseSchema = { type: 'object', required: ['user', 'csrfToken'], properties: { user: sessionUserSchema, csrfToken: { type: 'string' } } } as const;

/** Extension number, 2 to 8 digits (the config schema's rule). */
export const extensionNumber = { type: 'string', pattern: '^[0-9]{2,8}$' } as const;

/** An extension as the API shows it: never its secret. */
export const extensionSchema = {
  type: 'object',
  required: ['number', 'maxContacts', 'callWaiting', 'registered', 'contacts'],
  properties: {
    number: extensionNumber,
    name: { type: 'string' },
    maxContacts: { type: 'integer' },
    callWaiting: { type: 'boolean' },
    registered: { type: 'boolean' },
    contacts: { type: 'integer' },
  },
} as const;

/** Result of a configuration write. */
export const configWriteSchema = {
  type: 'object',
  required: ['configVersion', 'applied'],
  properties: { configVersion: { type: 'integer' }, applied: { type: 'boolean' }, applyError: { type: 'string' } },
} as const;

/** A configuration version's metadata. */
export const configVersionSchema = {
  type: 'object',
  required: ['version', 'savedAt', 'author', 'comment', 'sha256'],
  properties: { version: { type: 'integer' }, savedAt: { type: 'string' }, author: { type: 'string' }, comment: { type: 'string' }, sha256: { type: 'string' } },
} as const;

/** `{ ok: true }`. */
export const okSchema = { type: 'object', required: ['ok'], properties: { ok: { const: true } } } as const;
