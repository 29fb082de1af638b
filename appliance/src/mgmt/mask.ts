/** What replaces a secret value in API output, audit entries and diffs. */
export const MASK = '********';

/** Field names whose values are secrets: extension digest secrets, passwords, private keys, SNMP keys and communities. */
const SECRET_KEY = /^(secret|password|currentPassword|newPassword|passwordHash|passwordHistory|keyPem|privateKey|authKey|privKey|community)$/i;

/** A deep copy of `value` with every secret field's value replaced by MASK. */
export function maskSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v)) as T;
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) && v !== undefined ? MASK : maskSecrets(v);
    return out as T;
  }
  return value;
}
