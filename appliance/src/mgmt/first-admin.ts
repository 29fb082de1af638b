import { randomSecret } from '../config/index.ts';
import { dataPaths } from '../paths.ts';
import { openRecords, UserStore } from '../records/index.ts';
import { Accounts } from './auth/accounts.ts';
import { characterClasses } from './auth/password-policy.ts';

/** Result of `ensureFirstAdmin`: the one-time password only when the account was just created. */
export interface FirstAdmin {
  created: boolean;
  username?: string;
  password?: string;
}

/**
 * When no management account exists, creates `admin` with a random one-time password that must be
 * changed at first login, and returns it for the caller to print ONCE. It is never logged nor
 * stored in clear. Later calls return `{ created: false }`.
 */
export async function ensureFirstAdmin(paths: Pick<ReturnType<typeof dataPaths>, 'records'> = dataPaths()): Promise<FirstAdmin> {
  const records = openRecords(paths.records);
  try {
    const accounts = new Accounts(new UserStore(records));
    if (accounts.users.count() > 0) return { created: false };
    let password = randomSecret(16);
    // The random alphabet is letters and digits; make sure all three classes appear.
    while (characterClasses(password) < 3) password = randomSecret(16);
    await accounts.create({ username: 'admin', role: 'admin', password, displayName: 'Administrator', mustChangePassword: true });
    return { created: true, username: 'admin', password };
  } finally {
    records.close();
  }
}
