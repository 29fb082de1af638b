import { randomInt } from 'node:crypto';
import { dataPaths } from '../paths.ts';
import { defaultConfig } from './defaults.ts';
import { ConfigStore, type ConfigPaths } from './store.ts';
import type { HotlineConfig } from './types.ts';

/** Login data of one demo extension, shown to the installer once. */
export interface DemoCredential {
  number: string;
  name: string;
  secret: string;
}

// No 0/O, 1/l/I: the secrets are read off a console and typed into a desk phone's keypad menu.
const SECRET_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** A random secret of `length` characters from the crypto RNG (rejection-free via randomInt). */
export function randomSecret(length = 12): string {
  let s = '';
  for (let i = 0; i < length; i++) s += SECRET_ALPHABET[randomInt(SECRET_ALPHABET.length)];
  return s;
}

/** The demo site: agents 1001..1004 and supervisor 2000, each with a fresh random secret. */
export function demoSite(): { config: HotlineConfig; credentials: DemoCredential[] } {
  const config = defaultConfig();
  config.site.name = '演示站点 / Demo site';
  const people: Array<[string, string]> = [
    ['1001', '座席 1001 / Agent 1001'],
    ['1002', '座席 1002 / Agent 1002'],
    ['1003', '座席 1003 / Agent 1003'],
    ['1004', '座席 1004 / Agent 1004'],
    ['2000', '班长席 / Supervisor'],
  ];
  const credentials = people.map(([number, name]) => ({ number, name, secret: randomSecret(12) }));
  config.extensions = credentials.map((c) => ({ number: c.number, name: c.name, secret: c.secret, maxContacts: 5, callWaiting: false }));
  // The supervisor's desk phone may use the supervisor codes *31–*36 (docs/supervisor.md).
  config.acd = { ...config.acd, supervisors: ['2000'] };
  return { config, credentials };
}

/**
 * On the very first start (no config file yet) writes the demo site as version 1, author
 * 'first-start', and returns its credentials for the caller to print ONCE. They are never logged
 * nor kept anywhere else; later starts return `{ created: false }`. Creation runs under the
 * config lock, so two services starting together cannot both create it.
 */
export async function ensureFirstStart(paths: ConfigPaths = dataPaths()): Promise<{ created: boolean; credentials?: DemoCredential[] }> {
  const demo = demoSite();
  const store = await ConfigStore.open(paths, { initial: { config: demo.config, meta: { author: 'first-start', comment: 'demo site' } } });
  return store.created ? { created: true, credentials: demo.credentials } : { created: false };
}
