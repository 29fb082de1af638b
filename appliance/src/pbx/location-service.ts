import type { Endpoint } from '../sip/transport/index.ts';
import type { Clock } from '../sip/clock.ts';

/** One registered contact of an extension (RFC 3261 §10.3 binding), with the flow it came over. */
export interface Binding {
  aor: string;
  contact: string;           // Contact URI as the phone sent it
  source: Endpoint;          // where the REGISTER came from
  target: Endpoint;          // where requests to this contact are sent (see contactTarget)
  expiresAt: number;         // epoch ms
  callId: string;
  cseq: number;
  userAgent?: string;
  q?: number;
  registeredAt: number;
}

/**
 * The location service: bindings per address-of-record, held in memory and expired lazily
 * and by a sweep. Holds at most `maxContacts` per AOR, dropping the oldest on overflow.
 */
export class LocationService {
  private readonly byAor = new Map<string, Binding[]>();

  constructor(private readonly clock: Clock) {}

  /** Current (unexpired) bindings of an AOR, newest first. */
  lookup(aor: string): Binding[] {
    const list = this.byAor.get(aor);
    if (!list) return [];
    const now = this.clock.now();
    const live = list.filter((b) => b.expiresAt > now);
    if (live.length !== list.length) this.store(aor, live);
    return live;
  }

  /** Finds the binding for exactly this contact URI, if any (URI comparison is simplified to string equality after trimming). */
  find(aor: string, contact: string): Binding | undefined {
    return this.lookup(aor).find((b) => b.contact === contact);
  }

  /** Adds or replaces the binding for (aor, contact); keeps at most `maxContacts`, evicting the oldest. */
  upsert(binding: Binding, maxContacts: number): void {
    const list = this.lookup(binding.aor).filter((b) => b.contact !== binding.contact);
    list.unshift(binding);
    while (list.length > maxContacts) list.pop();
    this.store(binding.aor, list);
  }

  /** Removes one contact of an AOR. */
  remove(aor: string, contact: string): void {
    this.store(aor, this.lookup(aor).filter((b) => b.contact !== contact));
  }

  /** Removes every contact of an AOR (Contact: * with Expires: 0, or the extension was deleted). */
  removeAll(aor: string): void { this.byAor.delete(aor); }

  /** Every live binding, for the status page. */
  all(): Binding[] {
    const out: Binding[] = [];
    for (const aor of [...this.byAor.keys()]) out.push(...this.lookup(aor));
    return out;
  }

  /** Drops expired bindings everywhere; the service calls it periodically so memory stays bounded. */
  sweep(): void { for (const aor of [...this.byAor.keys()]) this.lookup(aor); }

  private store(aor: string, list: Binding[]): void {
    if (list.length === 0) this.byAor.delete(aor);
    else this.byAor.set(aor, list);
  }
}
