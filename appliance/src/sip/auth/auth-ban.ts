/** Policy of an {@link AuthBanList}. */
export interface AuthBanPolicy {
  /** Failures within the window that trigger a ban. */
  limit: number;
  /** Length of the sliding window, seconds. */
  windowSec: number;
  /** How long a ban lasts, seconds. */
  banSec: number;
}

/** Options of an {@link AuthBanList}. */
export interface AuthBanListOptions extends AuthBanPolicy {
  /** Clock in milliseconds since the epoch; injected for tests. */
  now?: () => number;
  /** Most sources tracked (failure counters and bans each); the least recently touched is evicted. Default 10 000. */
  maxSources?: number;
  /** Sources never counted nor banned (e.g. the trunk provider, loopback). */
  exempt?: (address: string) => boolean;
  /** Called once when a source gets banned; `until` is in milliseconds since the epoch. */
  onBan?: (address: string, until: number, failures: number) => void;
}

const DEFAULT_MAX_SOURCES = 10_000;

/**
 * Counts authentication failures per source address in a sliding window; bans a
 * source for banSec after `limit` failures (RFC-free policy, like fail2ban).
 * Memory bounded: at most `maxSources` failure counters and as many bans, the
 * least recently touched evicted first, so a spray from many addresses cannot grow
 * it. Pure logic: the caller decides what a ban means (drop silently, 403).
 */
export class AuthBanList {
  private policy: AuthBanPolicy;
  private readonly now: () => number;
  private readonly maxSources: number;
  private readonly exempt: ((address: string) => boolean) | undefined;
  private readonly onBan: ((address: string, until: number, failures: number) => void) | undefined;
  /** Failure timestamps (ms) per source, oldest first; Map order = least recently touched first. */
  private readonly failures = new Map<string, number[]>();
  /** Ban expiry (ms) per source; Map order = oldest ban first. */
  private readonly bans = new Map<string, number>();

  /** Creates an empty list with the given policy. */
  constructor(opts: AuthBanListOptions) {
    this.policy = checkPolicy(opts);
    this.now = opts.now ?? Date.now;
    this.maxSources = opts.maxSources ?? DEFAULT_MAX_SOURCES;
    if (!(this.maxSources >= 1)) throw new RangeError('AuthBanList maxSources must be >= 1');
    this.exempt = opts.exempt;
    this.onBan = opts.onBan;
  }

  /** True while `address` is banned. */
  isBanned(address: string): boolean {
    const until = this.bans.get(address);
    if (until === undefined) return false;
    if (this.now() < until) return true;
    this.bans.delete(address);
    return false;
  }

  /** Counts one failure from `address`; bans it when the limit is reached within the window. */
  recordFailure(address: string): { banned: boolean } {
    if (this.exempt?.(address)) return { banned: false };
    if (this.isBanned(address)) return { banned: true };
    const now = this.now();
    const windowStart = now - this.policy.windowSec * 1000;
    let times = this.failures.get(address);
    if (times === undefined) {
      times = [];
      if (this.failures.size >= this.maxSources) this.evictOldest(this.failures);
    } else {
      this.failures.delete(address); // re-inserted below: most recently touched goes last
    }
    // Drop failures that slid out of the window.
    let drop = 0;
    while (drop < times.length && times[drop]! <= windowStart) drop++;
    if (drop > 0) times.splice(0, drop);
    times.push(now);
    if (times.length >= this.policy.limit) {
      const until = now + this.policy.banSec * 1000;
      if (this.bans.size >= this.maxSources) this.evictOldest(this.bans);
      this.bans.set(address, until);
      this.onBan?.(address, until, times.length);
      return { banned: true };
    }
    this.failures.set(address, times);
    return { banned: false };
  }

  /** Clears the failure count of `address` (a successful authentication); an active ban stays. */
  recordSuccess(address: string): void {
    this.failures.delete(address);
  }

  /** Active bans, oldest first. */
  banned(): Array<{ address: string; until: number }> {
    const now = this.now();
    const out: Array<{ address: string; until: number }> = [];
    for (const [address, until] of this.bans) {
      if (now < until) out.push({ address, until });
      else this.bans.delete(address);
    }
    return out;
  }

  /** Lifts a ban by hand (management UI); returns whether there was one. */
  unban(address: string): boolean {
    this.failures.delete(address);
    return this.bans.delete(address);
  }

  /** Replaces the policy (config reload); running bans keep their expiry, counters are kept and judged by the new window. */
  updatePolicy(opts: AuthBanPolicy): void {
    this.policy = checkPolicy(opts);
  }

  /** Number of sources with a failure counter, for metrics and the memory-bound test. */
  trackedSources(): number {
    return this.failures.size;
  }

  private evictOldest(map: Map<string, unknown>): void {
    const first = map.keys().next();
    if (!first.done) map.delete(first.value);
  }
}

function checkPolicy(p: AuthBanPolicy): AuthBanPolicy {
  if (!(p.limit >= 1) || !(p.windowSec > 0) || !(p.banSec > 0)) {
    throw new RangeError(`AuthBanList policy needs limit >= 1, windowSec > 0, banSec > 0 (got ${p.limit}, ${p.windowSec}, ${p.banSec})`);
  }
  return { limit: p.limit, windowSec: p.windowSec, banSec: p.banSec };
}
