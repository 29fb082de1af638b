import { createHmac, hkdfSync, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { atomicWriteFile } from '../config/index.ts';
import { BackupError, wrongPassphrase } from './errors.ts';

/** scrypt parameters, stored in every archive header and in the recovery kit. */
export interface KdfParams {
  name: 'scrypt';
  /** CPU/memory cost (power of two). */
  N: number;
  r: number;
  p: number;
  /** Base64 salt, 16 random bytes, chosen when the passphrase is set. */
  salt: string;
}

/**
 * N = 2^15, r = 8: 32 MiB and ~0.1 s per derivation on the appliance CPU, the interactive setting
 * of the scrypt paper; derivation runs once per backup or restore, never per record.
 */
export const DEFAULT_KDF = { name: 'scrypt', N: 1 << 15, r: 8, p: 1 } as const;

/** The derived backup key with what identifies it (no passphrase is ever stored). */
export interface BackupKey {
  kdf: KdfParams;
  /** Hex, the first 16 bytes of HMAC-SHA256(key, "hotline backup key check v1"). */
  keyCheck: string;
  /** 32-byte master key (scrypt output). */
  key: Buffer;
}

const KEY_CHECK_LABEL = 'hotline backup key check v1';
const ARCHIVE_KEY_INFO = 'hotline backup archive v1';

function scrypt(pass: string, salt: Buffer, p: KdfParams): Promise<Buffer> {
  // maxmem above 128·N·r, which node's default (32 MiB) only just meets.
  return new Promise((ok, fail) => scryptCb(pass.normalize('NFC'), salt, 32, { N: p.N, r: p.r, p: p.p, maxmem: 256 * p.N * p.r }, (e, k) => (e ? fail(e) : ok(k))));
}

/** Key check value of a master key: lets a wrong passphrase be told apart from a corrupted archive. */
export function keyCheckOf(key: Buffer): string {
  return createHmac('sha256', key).update(KEY_CHECK_LABEL).digest().subarray(0, 16).toString('hex');
}

/** Derives a new key from a passphrase with a fresh salt (setting or changing the passphrase). */
export async function newBackupKey(passphrase: string, params: Omit<KdfParams, 'salt'> = DEFAULT_KDF): Promise<BackupKey> {
  if (passphrase.length < 8) throw new BackupError('INVALID_SETTINGS', 'the backup passphrase must have at least 8 characters', '备份口令至少需要 8 个字符');
  const kdf: KdfParams = { ...params, salt: randomBytes(16).toString('base64') };
  const key = await scrypt(passphrase, Buffer.from(kdf.salt, 'base64'), kdf);
  return { kdf, key, keyCheck: keyCheckOf(key) };
}

/** Re-derives the key an archive was made with; a mismatching key check throws WRONG_PASSPHRASE. */
export async function keyFromPassphrase(passphrase: string, kdf: KdfParams, keyCheck: string): Promise<BackupKey> {
  if (kdf.name !== 'scrypt' || !(kdf.N > 1 && kdf.N <= 1 << 20) || !(kdf.r >= 1 && kdf.r <= 32) || !(kdf.p >= 1 && kdf.p <= 16)) {
    throw new BackupError('CORRUPTED', 'the backup names unsupported key-derivation parameters; nothing was changed', '备份中的密钥派生参数不受支持，未做任何更改');
  }
  const key = await scrypt(passphrase, Buffer.from(kdf.salt, 'base64'), kdf);
  const check = keyCheckOf(key);
  if (check.length !== keyCheck.length || !timingSafeEqual(Buffer.from(check), Buffer.from(keyCheck))) throw wrongPassphrase();
  return { kdf, key, keyCheck };
}

/** The per-archive AES-256 key: HKDF-SHA256 of the master key with the archive's own salt. */
export function archiveKey(master: Buffer, fileSalt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', master, fileSalt, ARCHIVE_KEY_INFO, 32));
}

/** On-disk form of the box's key file (mode 0600). */
interface KeyFile {
  version: 1;
  kdf: KdfParams;
  keyCheck: string;
  key: string;
  setAt: string;
}

/**
 * Stores the derived key so that scheduled backups run unattended. The passphrase itself is never
 * stored; the key file is excluded from backups (an archive carrying its own key protects nothing).
 */
export async function saveBackupKey(path: string, k: BackupKey, now: Date = new Date()): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const file: KeyFile = { version: 1, kdf: k.kdf, keyCheck: k.keyCheck, key: k.key.toString('base64'), setAt: now.toISOString() };
  await atomicWriteFile(path, JSON.stringify(file, null, 2) + '\n');
  await chmod(path, 0o600);
}

/** The box's backup key, or undefined when no passphrase was set yet. */
export async function loadBackupKey(path: string): Promise<(BackupKey & { setAt: string }) | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const f = JSON.parse(text) as KeyFile;
  return { kdf: f.kdf, keyCheck: f.keyCheck, key: Buffer.from(f.key, 'base64'), setAt: f.setAt };
}

/** The recovery kit: everything but the passphrase, with instructions in both languages. */
export interface RecoveryKit {
  kind: 'hotline-backup-recovery-kit';
  version: 1;
  createdAt: string;
  kdf: KdfParams;
  keyCheck: string;
  cipher: 'AES-256-GCM, 64 KiB records (see docs/backup.md)';
  instructions: { 'zh-CN': string[]; en: string[] };
}

/** Builds the recovery kit of a key (salt, KDF parameters, key check value, instructions). */
export function recoveryKit(k: Pick<BackupKey, 'kdf' | 'keyCheck'>, now: Date = new Date()): RecoveryKit {
  return {
    kind: 'hotline-backup-recovery-kit',
    version: 1,
    createdAt: now.toISOString(),
    kdf: k.kdf,
    keyCheck: k.keyCheck,
    cipher: 'AES-256-GCM, 64 KiB records (see docs/backup.md)',
    instructions: {
      'zh-CN': [
        '请将本文件打印或保存在设备以外的安全地点，并另行妥善保管备份口令（本文件不含口令）。',
        '恢复时需要：备份文件 + 备份口令。在新设备上执行 “hotline backup restore <文件>” 或在管理界面“备份”页上传备份文件并输入口令。',
        '可用 “hotline backup check-passphrase --kit <本文件>” 在恢复前确认口令正确：口令经 scrypt（上方参数与盐值）派生的密钥，其校验值必须等于 keyCheck。',
        '丢失口令则无法解密备份，任何人（包括厂商）都无法找回。',
      ],
      en: [
        'Print this file or store it somewhere safe OFF the appliance, and keep the backup passphrase separately (this file does not contain it).',
        'To restore you need: the backup archive + the passphrase. Run "hotline backup restore <file>" on the new box, or upload the archive on the Backups page of the management UI and enter the passphrase.',
        'Before a restore, "hotline backup check-passphrase --kit <this file>" confirms a passphrase: the key scrypt derives from it with the salt and parameters above must give this keyCheck.',
        'Without the passphrase the backups cannot be decrypted by anyone, the vendor included.',
      ],
    },
  };
}
