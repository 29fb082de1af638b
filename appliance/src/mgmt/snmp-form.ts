// The SNMP settings page's view of the `snmp` config section: what is shown (secrets masked)
// and how a submitted form becomes the next section (secrets kept where the form left them
// blank). Pure functions, so the write-only rule is unit-tested without a server.
import { snmpSettings, type HotlineConfig, type SnmpConfig, type SnmpTrapTarget, type SnmpV3User } from '../config/index.ts';
import { MASK } from './mask.ts';

/** A v3 user as the form sends it: keys omitted, empty or MASK mean "keep the stored one". */
export type SnmpUserForm = Omit<SnmpV3User, 'authKey' | 'privKey'> & { authKey?: string; privKey?: string };

/** What the page edits; the agent's port, bind address and engine ID stay as configured. */
export interface SnmpForm {
  enabled: boolean;
  contact?: string;
  location?: string;
  v2c: { enabled: boolean; community?: string; allowedSources: string[] };
  v3Users: SnmpUserForm[];
  /** A v2c community omitted, empty or MASK means "keep the stored one" (same host and port). */
  trapTargets: SnmpTrapTarget[];
}

/** The section as the page shows it: defaults filled in, every key and community masked. */
export interface SnmpView {
  enabled: boolean;
  port: number;
  bindAddress: string;
  engineId: string;
  contact: string;
  location: string;
  v2c: { enabled: boolean; community: string; allowedSources: string[] };
  v3Users: Array<Required<SnmpV3User>>;
  trapTargets: Array<SnmpTrapTarget & { port: number }>;
}

/** A secret left blank or sent back masked: the form did not change it. */
function unchanged(v: string | undefined): boolean {
  return v === undefined || v === '' || v === MASK;
}

/** The current section for the page: a set secret reads as MASK, an unset one as ''. */
export function snmpView(config: HotlineConfig): SnmpView {
  const s = snmpSettings(config);
  const mask = (v: string | undefined) => (v ? MASK : '');
  return {
    enabled: s.enabled, port: s.port, bindAddress: s.bindAddress, engineId: s.engineId, contact: s.contact, location: s.location,
    v2c: { enabled: s.v2c.enabled, community: mask(s.v2c.community), allowedSources: s.v2c.allowedSources },
    v3Users: s.v3Users.map((u) => ({ ...u, authKey: mask(u.authKey), privKey: mask(u.privKey) })),
    trapTargets: s.trapTargets.map((t) => (t.community === undefined ? t : { ...t, community: mask(t.community) })),
  };
}

/**
 * The next `snmp` section: the form's fields over the stored section, with each secret the form
 * left blank taken from the stored value it stands for (the v2c community; a v3 user's keys by
 * user name; a v2c trap target's community by host and port). A blank secret with nothing stored
 * stays absent, so the config schema reports it at its own pointer (`/snmp/v3Users/1/authKey is
 * required`).
 */
export function mergeSnmpForm(stored: SnmpConfig | undefined, form: SnmpForm): SnmpConfig {
  const old = stored ?? {};
  const next: SnmpConfig = { ...old, enabled: form.enabled };
  if (form.contact !== undefined) next.contact = form.contact;
  if (form.location !== undefined) next.location = form.location;

  const community = unchanged(form.v2c.community) ? old.v2c?.community : form.v2c.community;
  next.v2c = { enabled: form.v2c.enabled, allowedSources: [...form.v2c.allowedSources], ...(community !== undefined && { community }) };

  const oldUsers = new Map((old.v3Users ?? []).map((u) => [u.name, u]));
  next.v3Users = form.v3Users.map((u) => {
    const prev = oldUsers.get(u.name);
    const authKey = unchanged(u.authKey) ? prev?.authKey : u.authKey;
    const privKey = unchanged(u.privKey) ? prev?.privKey : u.privKey;
    const user: Partial<SnmpV3User> = { name: u.name };
    if (u.authProtocol) user.authProtocol = u.authProtocol;
    if (authKey !== undefined) user.authKey = authKey;
    if (u.privProtocol) user.privProtocol = u.privProtocol;
    if (privKey !== undefined) user.privKey = privKey;
    return user as SnmpV3User;
  });

  const portOf = (t: SnmpTrapTarget) => t.port ?? 162;
  next.trapTargets = form.trapTargets.map((t) => {
    const target: SnmpTrapTarget = { host: t.host, version: t.version };
    if (t.port !== undefined) target.port = t.port;
    // Inform delivery rides along as sent; the page shows the mode and passes retries/timeout back unchanged.
    if (t.mode !== undefined) target.mode = t.mode;
    if (t.retries !== undefined) target.retries = t.retries;
    if (t.timeoutSec !== undefined) target.timeoutSec = t.timeoutSec;
    if (t.version === 'v3') {
      if (t.user !== undefined) target.user = t.user;
      return target;
    }
    const prev = (old.trapTargets ?? []).find((o) => o.version === 'v2c' && o.host === t.host && portOf(o) === portOf(t));
    const c = unchanged(t.community) ? prev?.community : t.community;
    if (c !== undefined) target.community = c;
    return target;
  });
  return next;
}
