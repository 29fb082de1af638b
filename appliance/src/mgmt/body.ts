import type { Context } from 'koa';
import { ApiError } from './errors.ts';

/** Largest JSON body accepted; a PEM certificate chain with its key fits many times over. */
export const MAX_BODY_BYTES = 256 * 1024;

/**
 * Hands the request body to `consume` as chunks. When `consume` fails before the end of the body
 * (a refused upload, a body too large), the rest is read and discarded so the error answer
 * reaches the client and the kept-alive connection stays usable: a body left half read keeps the
 * socket paused, the next request on that connection (a browser reuses it) is never parsed, and
 * the keep-alive timeout then resets it. Every streamed request body goes through here.
 */
export async function withRequestBody<T>(ctx: Context, consume: (chunks: AsyncIterable<Buffer>) => Promise<T>): Promise<T> {
  // Not destroyed when a consumer stops early (the default would reset the connection, answer unsent).
  const chunks = ctx.req.iterator({ destroyOnReturn: false }) as AsyncIterableIterator<Buffer>;
  try {
    return await consume(chunks);
  } catch (err) {
    await chunks.return?.(); // releases the iterator's 'readable' listener, without which resume() does not flow
    ctx.req.resume();
    throw err;
  }
}

/** Reads a raw request body up to `max` bytes; a larger one is refused with `tooLarge` (the rest is discarded). */
export async function readRawBody(ctx: Context, max: number, tooLarge: string): Promise<Buffer> {
  return withRequestBody(ctx, async (body) => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body) {
      size += chunk.length;
      if (size > max) throw new ApiError('VALIDATION', tooLarge, { details: [{ path: '', message: 'too large' }] });
      chunks.push(chunk);
    }
    return Buffer.concat(chunks, size);
  });
}

/** Reads and parses a JSON request body; an empty body is `{}`. Refuses other media types and oversize bodies. */
export async function readJsonBody(ctx: Context): Promise<unknown> {
  const type = ctx.get('content-type');
  const raw = await readRawBody(ctx, MAX_BODY_BYTES, `request body is larger than ${MAX_BODY_BYTES} bytes`);
  if (raw.length === 0) return {};
  if (type && !/^application\/json\b/i.test(type)) throw new ApiError('VALIDATION', 'request body must be application/json', { details: [{ path: '', message: 'must be JSON' }] });
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    throw new ApiError('VALIDATION', 'request body is not valid JSON', { details: [{ path: '', message: 'is not valid JSON' }] });
  }
}
