// The SNMP page edits the `snmp` section as form text; these convert between the two. Keys and
// communities are write-only: the server shows them masked, the form starts them empty, and an
// empty one is sent as absent, which the server reads as "keep the stored value". Port numbers
// that are not numbers are sent as text, so the server's validation names the field.
import type { SnmpAuthProtocol, SnmpForm, SnmpPrivProtocol, SnmpSettingsView } from './api/types.ts';
import { newKey } from './routes-draft.ts';

/** One v3 user as the form holds it; `stored` says the server has keys for this name. */
export interface SnmpUserDraft {
  key: number;
  name: string;
  authProtocol: SnmpAuthProtocol;
  authKey: string;
  privProtocol: SnmpPrivProtocol;
  privKey: string;
  stored: boolean;
}

/** One trap destination as the form holds it. */
export interface SnmpTargetDraft {
  key: number;
  host: string;
  port: string;
  version: 'v2c' | 'v3';
  community: string;
  user: string;
  /** Unconfirmed trap, or inform (acknowledged, resent until it is). */
  mode: 'trap' | 'inform';
  /** Inform resends and first wait as stored; the page does not edit them, only keeps them. */
  retries?: number;
  timeoutSec?: number;
  /** The server has a community for this host and port. */
  stored: boolean;
}

/** The whole page as the form holds it. */
export interface SnmpDraft {
  enabled: boolean;
  contact: string;
  location: string;
  v2cEnabled: boolean;
  community: string;
  /** True when a community is stored (the field may stay empty). */
  communityStored: boolean;
  /** One address or CIDR block per line. */
  allowedSources: string;
  users: SnmpUserDraft[];
  targets: SnmpTargetDraft[];
}

export const AUTH_PROTOCOLS: readonly SnmpAuthProtocol[] = ['SHA-224', 'SHA-256', 'SHA-384', 'SHA-512'];
export const PRIV_PROTOCOLS: readonly SnmpPrivProtocol[] = ['AES', 'AES-256'];

const pick = <T extends string>(list: readonly T[], v: string, fallback: T): T => (list.includes(v as T) ? (v as T) : fallback);

/** The form of the settings the server shows. */
export function toSnmpDraft(s: SnmpSettingsView): SnmpDraft {
  return {
    enabled: s.enabled, contact: s.contact, location: s.location,
    v2cEnabled: s.v2c.enabled, community: '', communityStored: s.v2c.community !== '', allowedSources: s.v2c.allowedSources.join('\n'),
    users: s.v3Users.map((u) => ({
      key: newKey(), name: u.name, authProtocol: pick(AUTH_PROTOCOLS, u.authProtocol, 'SHA-256'), authKey: '',
      privProtocol: pick(PRIV_PROTOCOLS, u.privProtocol, 'AES'), privKey: '', stored: true,
    })),
    targets: s.trapTargets.map((t) => ({
      key: newKey(), host: t.host, port: String(t.port), version: t.version === 'v3' ? 'v3' : 'v2c', community: '', user: t.user ?? '', mode: t.mode === 'inform' ? 'inform' : 'trap',
      ...(t.retries !== undefined && { retries: t.retries }), ...(t.timeoutSec !== undefined && { timeoutSec: t.timeoutSec }), stored: !!t.community,
    })),
  };
}

/** A blank row for "add user". */
export function newUser(): SnmpUserDraft {
  return { key: newKey(), name: '', authProtocol: 'SHA-256', authKey: '', privProtocol: 'AES', privKey: '', stored: false };
}

/** A blank row for "add destination". */
export function newTarget(): SnmpTargetDraft {
  return { key: newKey(), host: '', port: '162', version: 'v3', community: '', user: '', mode: 'trap', stored: false };
}

const secret = (v: string): string | undefined => (v === '' ? undefined : v);

/** The body of `PUT /snmp/settings`. */
export function fromSnmpDraft(d: SnmpDraft): SnmpForm {
  const sources = d.allowedSources.split('\n').map((l) => l.trim()).filter(Boolean);
  const community = secret(d.community.trim());
  return {
    enabled: d.enabled, contact: d.contact.trim(), location: d.location.trim(),
    v2c: { enabled: d.v2cEnabled, allowedSources: sources, ...(community !== undefined && { community }) },
    v3Users: d.users.map((u) => {
      const authKey = secret(u.authKey);
      const privKey = secret(u.privKey);
      return { name: u.name.trim(), authProtocol: u.authProtocol, privProtocol: u.privProtocol, ...(authKey !== undefined && { authKey }), ...(privKey !== undefined && { privKey }) };
    }),
    trapTargets: d.targets.map((t) => {
      const port = t.port.trim();
      const out: SnmpForm['trapTargets'][number] = { host: t.host.trim(), version: t.version };
      // Not a number: sent as is, so the server's schema names /snmp/trapTargets/<i>/port.
      if (port !== '') out.port = (/^[0-9]+$/.test(port) ? Number(port) : port) as number;
      if (t.mode === 'inform') out.mode = 'inform';
      if (t.retries !== undefined) out.retries = t.retries;
      if (t.timeoutSec !== undefined) out.timeoutSec = t.timeoutSec;
      if (t.version === 'v3') out.user = t.user;
      else if (secret(t.community.trim()) !== undefined) out.community = t.community.trim();
      return out;
    }),
  };
}

/** Pointers the page shows next to a field; any other detail goes to "other problems". */
export const SNMP_FIELD = /^\/snmp\/(enabled|contact|location|v2c\/(enabled|community|allowedSources(\/[0-9]+)?)|v3Users\/[0-9]+\/(name|authProtocol|authKey|privProtocol|privKey)|trapTargets\/[0-9]+\/(host|port|version|community|user|mode))$/;
