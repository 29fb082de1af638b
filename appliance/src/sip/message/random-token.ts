// Random tags, branches and Call-IDs (RFC 3261 §19.3, §8.1.1.7, §8.1.1.4).
import { randomBytes } from 'node:crypto';

// One randomBytes call per 256 tokens keeps the per-token cost at a few hex
// digits instead of a syscall.
const POOL_SIZE = 4096;
let pool = randomBytes(POOL_SIZE);
let offset = 0;

function hex(bytes: number): string {
  if (offset + bytes > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    offset = 0;
  }
  const s = pool.toString('hex', offset, offset + bytes);
  offset += bytes;
  return s;
}

/** The RFC 3261 §8.1.1.7 magic cookie every branch starts with. */
export const BRANCH_COOKIE = 'z9hG4bK';

/** A From/To tag with 64 random bits (§19.3 asks for at least 32). */
export function newTag(): string {
  return hex(8);
}

/** A Via branch: the magic cookie plus 96 random bits, unique per transaction (§8.1.1.7). */
export function newBranch(): string {
  return BRANCH_COOKIE + hex(12);
}

/** A Call-ID of 128 random bits at `host` (§8.1.1.4). */
export function newCallId(host: string): string {
  return `${hex(16)}@${host}`;
}
