import type { TrunkSettings } from '../../config/index.ts';
import type { TransactionLayer } from '../../sip/transaction/index.ts';
import type { Clock } from '../../sip/clock.ts';
import type { LocalIdentity } from '../../sip/local-address.ts';
import { Trunk, type TrunkState, type TrunkStatus } from './trunk.ts';

/** The configured trunks; a config reload restarts only the trunks whose settings changed. */
export class TrunkManager {
  private readonly trunks = new Map<string, Trunk>();
  private started = false;

  constructor(private readonly deps: { tx: TransactionLayer; local: LocalIdentity; clock: Clock; onStateChange?: (name: string, state: TrunkState) => void }) {}

  /** Starts every configured trunk (after the transports listen). */
  start(settings: TrunkSettings[]): void {
    this.started = true;
    this.apply(settings);
  }

  /** Applies a new list: removed and changed trunks stop, new and changed ones start. */
  apply(settings: TrunkSettings[]): void {
    const next = new Map(settings.map((s) => [s.name, s]));
    for (const [name, trunk] of this.trunks) {
      const s = next.get(name);
      if (!s || JSON.stringify(s) !== JSON.stringify(trunk.settings)) {
        trunk.stop();
        this.trunks.delete(name);
      }
    }
    if (!this.started) return;
    for (const s of settings) {
      if (this.trunks.has(s.name)) continue;
      const t = new Trunk(s, this.deps);
      this.trunks.set(s.name, t);
      t.start();
    }
  }

  /** The current state of one trunk (what outbound routing skips when `down`); undefined for an unknown name. */
  stateOf(name: string): TrunkState | undefined {
    return this.trunks.get(name)?.currentState;
  }

  /** Every trunk's state, for `hotline trunks`, the UI and SNMP. */
  status(): TrunkStatus[] {
    return [...this.trunks.values()].map((t) => t.status());
  }

  /** Stops all trunks (unregistering those that registered). */
  stop(): void {
    for (const t of this.trunks.values()) t.stop();
    this.trunks.clear();
    this.started = false;
  }
}
