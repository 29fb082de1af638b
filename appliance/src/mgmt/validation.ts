import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { ApiError, type ErrorDetail } from './errors.ts';
import type { JsonSchema } from './route-types.ts';

// Bodies are JSON and must already have the right types; query strings and path parameters are
// text, so their validator coerces ("20" -> 20) and fills defaults.
const bodyAjv = new Ajv({ allErrors: true, strict: false });
const textAjv = new Ajv({ allErrors: true, strict: false, coerceTypes: true, useDefaults: true });
// `date-time` (RFC 3339 §5.6): the schema's pattern checks the shape, this that it is a real instant.
for (const ajv of [bodyAjv, textAjv]) ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));

/** Escapes one JSON pointer token (RFC 6901 §3). */
const token = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** ajv errors as details with a JSON pointer under `prefix`, pointing at the field itself. */
function details(errors: ErrorObject[], prefix: string): ErrorDetail[] {
  return errors.map((e) => {
    const p = e.params as Record<string, unknown>;
    if (e.keyword === 'required') return { path: `${prefix}${e.instancePath}/${token(String(p.missingProperty))}`, message: 'is required' };
    if (e.keyword === 'additionalProperties') return { path: `${prefix}${e.instancePath}/${token(String(p.additionalProperty))}`, message: 'is not a known field' };
    if (e.keyword === 'enum') return { path: `${prefix}${e.instancePath}`, message: `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    return { path: `${prefix}${e.instancePath}`, message: e.message ?? e.keyword };
  });
}

/** A compiled validator that throws ApiError('VALIDATION') listing every problem. */
export type Check = (value: unknown) => void;

/** Compiles `schema` once, at route-table load. `kind` picks coercion and the path prefix of details. */
export function compileCheck(schema: JsonSchema, kind: 'body' | 'query' | 'params'): Check {
  const fn: ValidateFunction = (kind === 'body' ? bodyAjv : textAjv).compile(schema);
  const prefix = kind === 'body' ? '' : `/${kind}`;
  return (value) => {
    if (!fn(value)) throw new ApiError('VALIDATION', 'the request is invalid', { details: details(fn.errors ?? [], prefix) });
  };
}
