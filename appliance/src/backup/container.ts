// The outer container of a backup archive: a plaintext header, then the payload (a tar stream) cut
// into records of at most 64 KiB, each sealed with AES-256-GCM under its own nonce and tag.
//
//   offset 0   8 bytes  magic "HLBK\0\0\0\1" (format 1)
//          8   4 bytes  header length H (big endian, ≤ 64 KiB)
//         12   H bytes  header JSON (UTF-8): ArchiveHeader
//   then records until the one marked final:
//          4 bytes  bit 31 = final record, bits 0..30 = payload length L (≤ 65536)
//          L bytes  payload (ciphertext when encrypted)
//         16 bytes  GCM tag (encrypted archives only)
//
// Nonce of record i = noncePrefix (8 random bytes per archive) ‖ i (u32 BE). Every record's
// additional data is SHA-256(magic ‖ length ‖ header) ‖ i ‖ final flag, so a changed header, a
// reordered or dropped record, or a final flag moved to cut the stream short fails authentication,
// and a stream that ends without a final record is reported as truncated (the STREAM construction
// of Hoang, Reyhanitabar, Rogaway and Vizár, "Online authenticated-encryption and its nonce-reuse
// misuse-resistance", 2015).
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { corrupted, notABackup, truncated } from './errors.ts';
import type { KdfParams } from './keys.ts';

/** First 8 bytes of every archive. */
export const MAGIC = Buffer.from([0x48, 0x4c, 0x42, 0x4b, 0, 0, 0, 1]);
/** Largest payload per record. */
export const RECORD_SIZE = 64 * 1024;
const FINAL_BIT = 0x8000_0000;
const TAG_LEN = 16;
const MAX_HEADER = 64 * 1024;

/** The plaintext header: what a reader needs before the first record. */
export interface ArchiveHeader {
  format: 1;
  backupId: string;
  createdAt: string;
  encryption: 'aes-256-gcm' | 'none';
  /** Present when encrypted: how the passphrase becomes the master key, and its check value. */
  kdf?: KdfParams;
  keyCheck?: string;
  /** Base64: HKDF salt of this archive's key, and the nonce prefix. */
  fileSalt?: string;
  noncePrefix?: string;
  recordSize: number;
}

/** Serialises a header with magic and length. */
export function encodeHeader(h: ArchiveHeader): Buffer {
  const json = Buffer.from(JSON.stringify(h), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(json.length);
  return Buffer.concat([MAGIC, len, json]);
}

/** Fresh random per-archive material for an encrypted header. */
export function freshCipherFields(): Pick<ArchiveHeader, 'fileSalt' | 'noncePrefix'> {
  return { fileSalt: randomBytes(16).toString('base64'), noncePrefix: randomBytes(8).toString('base64') };
}

function aad(headerHash: Buffer, index: number, final: boolean): Buffer {
  const b = Buffer.alloc(headerHash.length + 5);
  headerHash.copy(b, 0);
  b.writeUInt32BE(index, headerHash.length);
  b[headerHash.length + 4] = final ? 1 : 0;
  return b;
}

function nonce(prefix: Buffer, index: number): Buffer {
  const n = Buffer.alloc(12);
  prefix.copy(n, 0, 0, 8);
  n.writeUInt32BE(index, 8);
  return n;
}

/**
 * Seals a payload stream: yields the header, then one record per 64 KiB of input and a final record
 * (possibly empty) at the end. `key` is the per-archive AES key, or undefined for `encryption: 'none'`.
 */
export async function* sealStream(src: AsyncIterable<Buffer>, header: ArchiveHeader, key: Buffer | undefined): AsyncGenerator<Buffer> {
  const head = encodeHeader(header);
  const headerHash = createHash('sha256').update(head).digest();
  const prefix = header.noncePrefix ? Buffer.from(header.noncePrefix, 'base64') : Buffer.alloc(8);
  yield head;
  let index = 0;
  const record = (payload: Buffer, final: boolean): Buffer => {
    const word = Buffer.alloc(4);
    word.writeUInt32BE((final ? FINAL_BIT : 0) + payload.length);
    if (!key) {
      index++;
      return Buffer.concat([word, payload]);
    }
    const c = createCipheriv('aes-256-gcm', key, nonce(prefix, index));
    c.setAAD(aad(headerHash, index++, final));
    const body = Buffer.concat([word, c.update(payload), c.final(), c.getAuthTag()]);
    return body;
  };
  let pending: Buffer[] = [];
  let pendingLen = 0;
  for await (const chunk of src) {
    pending.push(chunk);
    pendingLen += chunk.length;
    if (pendingLen < RECORD_SIZE) continue;
    let all = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingLen);
    while (all.length >= RECORD_SIZE) {
      yield record(all.subarray(0, RECORD_SIZE), false);
      all = all.subarray(RECORD_SIZE);
    }
    pending = all.length ? [all] : [];
    pendingLen = all.length;
  }
  yield record(pending.length ? Buffer.concat(pending, pendingLen) : Buffer.alloc(0), true);
}

/** Byte queue over an async iterator: read exactly n bytes, or undefined at the end of input. */
class ByteReader {
  #chunks: Buffer[] = [];
  #len = 0;
  #done = false;
  /** Bytes consumed so far (for progress and error positions). */
  consumed = 0;
  constructor(private readonly it: AsyncIterator<Buffer>) {}

  async read(n: number): Promise<Buffer | undefined> {
    while (this.#len < n && !this.#done) {
      const r = await this.it.next();
      if (r.done) this.#done = true;
      else if (r.value.length) (this.#chunks.push(r.value), (this.#len += r.value.length));
    }
    if (this.#len < n) return undefined;
    let all = this.#chunks.length === 1 ? this.#chunks[0] : Buffer.concat(this.#chunks, this.#len);
    const out = all.subarray(0, n);
    all = all.subarray(n);
    this.#chunks = all.length ? [all] : [];
    this.#len = all.length;
    this.consumed += n;
    return out;
  }

  /** True when no byte follows. */
  async atEnd(): Promise<boolean> {
    return (await this.read(1)) === undefined;
  }

  /**
   * Lets go of the source when reading stops before its end (a refusal, a header peek): a file
   * closes, and an HTTP upload's stream is released so the server can discard the rest. An
   * abandoned iterator would keep the source open and paused.
   */
  async close(): Promise<void> {
    await this.it.return?.();
  }
}

/** Reads the header of an archive stream (what `list` and the key lookup need). */
async function readHeader(r: ByteReader, what: string): Promise<{ header: ArchiveHeader; headerHash: Buffer }> {
  const magic = await r.read(12);
  if (!magic || !magic.subarray(0, 8).equals(MAGIC)) throw magic && magic.length >= 4 && magic.subarray(0, 4).equals(MAGIC.subarray(0, 4)) ? corrupted('bad format marker') : notABackup(what);
  const len = magic.readUInt32BE(8);
  if (len > MAX_HEADER) throw corrupted('header length out of range');
  const json = await r.read(len);
  if (!json) throw truncated('inside the header');
  let header: ArchiveHeader;
  try {
    header = JSON.parse(json.toString('utf8')) as ArchiveHeader;
  } catch {
    throw corrupted('header is not valid JSON');
  }
  if (header.format !== 1 || (header.encryption !== 'none' && header.encryption !== 'aes-256-gcm') || header.recordSize !== RECORD_SIZE) throw corrupted('header fields out of range');
  if (header.encryption === 'aes-256-gcm' && (!header.kdf || !header.keyCheck || !header.fileSalt || !header.noncePrefix)) throw corrupted('header lacks its key fields');
  return { header, headerHash: createHash('sha256').update(magic).update(json).digest() };
}

/**
 * Opens an archive stream: reads the header, asks `keyFor(header)` for the per-archive key (it
 * throws WRONG_PASSPHRASE when the key check fails), then yields the verified payload record by
 * record. A failed tag is CORRUPTED, a stream that ends before the final record is TRUNCATED, bytes
 * after the final record are CORRUPTED. Payload is yielded only after its record authenticated.
 */
export async function* openStream(
  src: AsyncIterable<Buffer>,
  keyFor: (h: ArchiveHeader) => Promise<Buffer | undefined>,
  onHeader?: (h: ArchiveHeader) => void,
  what = 'the file',
): AsyncGenerator<Buffer> {
  const r = new ByteReader(src[Symbol.asyncIterator]());
  try {
    yield* verifiedRecords(r, keyFor, onHeader, what);
  } finally {
    await r.close();
  }
}

async function* verifiedRecords(r: ByteReader, keyFor: (h: ArchiveHeader) => Promise<Buffer | undefined>, onHeader: ((h: ArchiveHeader) => void) | undefined, what: string): AsyncGenerator<Buffer> {
  const { header, headerHash } = await readHeader(r, what);
  onHeader?.(header);
  const key = await keyFor(header);
  const prefix = header.noncePrefix ? Buffer.from(header.noncePrefix, 'base64') : Buffer.alloc(8);
  for (let index = 0; ; index++) {
    const word = await r.read(4);
    if (!word) throw truncated(`ends after record ${index}, before the final record`);
    const w = word.readUInt32BE(0);
    const final = (w & FINAL_BIT) !== 0;
    const len = w & 0x7fff_ffff;
    if (len > RECORD_SIZE) throw corrupted(`record ${index} length out of range`);
    const body = await r.read(len + (key ? TAG_LEN : 0));
    if (!body) throw truncated(`inside record ${index}`);
    let payload: Buffer;
    if (key) {
      const d = createDecipheriv('aes-256-gcm', key, nonce(prefix, index));
      d.setAAD(aad(headerHash, index, final));
      d.setAuthTag(body.subarray(len));
      try {
        payload = Buffer.concat([d.update(body.subarray(0, len)), d.final()]);
      } catch {
        throw corrupted(`record ${index} failed authentication`);
      }
    } else payload = Buffer.from(body);
    if (payload.length) yield payload;
    if (final) {
      if (!(await r.atEnd())) throw corrupted('bytes after the final record');
      return;
    }
  }
}

/** Reads only the header of an archive (list views, key lookup). */
export async function peekHeader(src: AsyncIterable<Buffer>, what = 'the file'): Promise<ArchiveHeader> {
  const r = new ByteReader(src[Symbol.asyncIterator]());
  try {
    return (await readHeader(r, what)).header;
  } finally {
    await r.close();
  }
}
