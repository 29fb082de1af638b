// Encryption at rest (issue 7): a closed recording is rewritten as <name>.wav.enc with
// AES-256-GCM and the plain file removed. The key lives in a file outside the recordings
// folder (settings refuse one inside), so a copy of the folder alone is unreadable.
// File layout:  "HLRECGCM" (8) | version 1 (1) | IV (12) | ciphertext … | GCM tag (16)
// GCM authenticates the whole file: a flipped byte or a cut file fails to decrypt.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { closeSync, createReadStream, createWriteStream, fsyncSync, openSync, readFileSync, readSync, fstatSync } from 'node:fs';
import { once } from 'node:events';

/** Magic at the start of an encrypted recording. */
export const ENCRYPTED_MAGIC = Buffer.from('HLRECGCM', 'latin1');
const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = ENCRYPTED_MAGIC.length + 1 + IV_BYTES;

/** Reads a 256-bit key: 32 raw bytes, or 64 hex digits (with optional trailing newline). */
export function loadKey(path: string): Buffer {
  const raw = readFileSync(path);
  const hex = raw.toString('latin1').trim();
  if (/^[0-9a-fA-F]{64}$/.test(hex)) return Buffer.from(hex, 'hex');
  if (raw.length === 32) return raw;
  throw new Error(`${path}: an AES-256 key file holds 32 bytes or 64 hex digits`);
}

/** Encrypts `src` into `dst` (created, fsynced). Resolves when `dst` is durable. */
export async function encryptFile(src: string, dst: string, key: Buffer): Promise<void> {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const out = createWriteStream(dst, { flags: 'w' });
  const header = Buffer.concat([ENCRYPTED_MAGIC, Buffer.from([VERSION]), iv]);
  out.write(header);
  for await (const chunk of createReadStream(src, { highWaterMark: 256 * 1024 })) {
    if (!out.write(cipher.update(chunk as Buffer))) await once(out, 'drain');
  }
  out.write(cipher.final());
  out.write(cipher.getAuthTag());
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  const fd = openSync(dst, 'r');
  try { fsyncSync(fd); } finally { closeSync(fd); }
}

/** Decrypts a whole encrypted recording into memory; throws when the key is wrong or the file was altered. */
export function decryptFile(path: string, key: Buffer): Buffer {
  const fd = openSync(path, 'r');
  let data: Buffer;
  try {
    const size = fstatSync(fd).size;
    data = Buffer.alloc(size);
    let got = 0;
    while (got < size) { const n = readSync(fd, data, got, size - got, got); if (n === 0) break; got += n; }
  } finally { closeSync(fd); }
  if (data.length < HEADER_BYTES + TAG_BYTES || !data.subarray(0, 8).equals(ENCRYPTED_MAGIC) || data[8] !== VERSION) throw new Error(`${path}: not an encrypted recording`);
  const iv = data.subarray(9, HEADER_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
  return Buffer.concat([decipher.update(data.subarray(HEADER_BYTES, data.length - TAG_BYTES)), decipher.final()]);
}
