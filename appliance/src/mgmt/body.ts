import type { Context } from 'koa';
import { ApiError } from './errors.ts';

/** Largest JSON body accepted; a PEM certificate chain with its key fits many times over. */
export const MAX_BODY_BYTES = 256 * 1024;

/** Reads and parses a JSON request body; an empty body is `{}`. Refuses other media types and oversize bodies. */
export async function readJsonBody(ctx: Context): Promise<unknown> {
  const type = ctx.get('content-type');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new ApiError('VALIDATION', `request body is larger than ${MAX_BODY_BYTES} bytes`, { details: [{ path: '', message: 'too large' }] });
    chunks.push(chunk);
  }
  if (size === 0) return {};
  if (type && !/^application\/json\b/i.test(type)) throw new ApiError('VALIDATION', 'request body must be application/json', { details: [{ path: '', message: 'must be JSON' }] });
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new ApiError('VALIDATION', 'request body is not valid JSON', { details: [{ path: '', message: 'is not valid JSON' }] });
  }
}
