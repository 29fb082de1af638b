// Shared helpers of the drivers tests: wait for a condition polled on the event loop.
/** Resolves when `cond()` is true; rejects with `what` after `timeoutMs`. */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A 160-byte frame filled with a byte pattern unlike G.711 silence (0xD5 / 0xFF). */
export function patternFrame(seed: number): Buffer {
  const f = Buffer.alloc(160);
  for (let i = 0; i < 160; i++) f[i] = (seed * 31 + i * 7) & 0x7f;
  return f;
}
