// Byte copying without allocation. Buffer.prototype.copy and TypedArray.set with a
// subarray both create a view object per call in Node 20 (measured: one scavenge
// per ~10k 160-byte copies), so hot paths copy frames with a plain loop, which V8
// compiles to a tight move and which allocates nothing.

/** Copies `length` bytes from `src[srcOffset..]` to `dst[dstOffset..]`; no bounds beyond the arrays' own. */
export function copyBytes(src: Uint8Array, srcOffset: number, dst: Uint8Array, dstOffset: number, length: number): void {
  for (let i = 0; i < length; i++) dst[dstOffset + i] = src[srcOffset + i]!;
}
