import type { Alarm } from '../alarms/index.ts';
import type { AlarmOccurrence, AlarmStore } from '../records/index.ts';

/** A change of the active alarm set: what traps, e-mails and SMS are sent for. */
export interface AlarmEvent {
  kind: 'raised' | 'cleared';
  alarm: AlarmOccurrence;
}

/**
 * Turns the alarm lists the probes report into paired raise and clear events. The services
 * derive alarms from their state (appliance/src/alarms): an alarm is in the list exactly while
 * its condition holds. The manager remembers which ids are active per scope (the probe that
 * reports them); an id that appears is raised and stored with a new occurrence number, one that
 * disappears from its scope's next list is cleared with the time of that poll. A probe that
 * fails reports nothing, so its alarms stay active (the service-down alarm says why) instead of
 * being cleared by an absence of news. Active occurrences survive a restart through the store.
 */
export class AlarmManager {
  /** Active occurrences by alarm id. */
  readonly #active = new Map<string, AlarmOccurrence>();

  constructor(private readonly store: AlarmStore, private readonly now: () => number = Date.now) {
    for (const a of store.active()) this.#active.set(a.id, a);
  }

  /** Applies one successful poll of `scope`; returns the raises and clears it caused, clears first. */
  reconcile(scope: string, current: readonly Alarm[]): AlarmEvent[] {
    const at = this.now();
    const seen = new Map<string, Alarm>();
    for (const a of current) if (!seen.has(a.id)) seen.set(a.id, a);
    const cleared: AlarmEvent[] = [];
    const raised: AlarmEvent[] = [];
    for (const [id, occ] of this.#active) {
      if (occ.scope !== scope) continue;
      const now = seen.get(id);
      // A changed severity is a new occurrence: the NMS sees the old one cleared and the new one raised.
      if (now === undefined || now.severity !== occ.severity) cleared.push(this.#clear(occ, at));
    }
    for (const a of seen.values()) {
      if (this.#active.has(a.id)) continue;
      const began = Date.parse(a.raisedAt);
      const occ = this.store.raise({
        id: a.id, scope, severity: a.severity, source: a.source, text: { en: a.text.en, zh: a.text.zh },
        raisedAt: Number.isFinite(began) && began <= at ? began : at,
      });
      this.#active.set(a.id, occ);
      raised.push({ kind: 'raised', alarm: occ });
    }
    return [...cleared, ...raised];
  }

  /** Active occurrences, oldest first (by occurrence number). */
  active(): AlarmOccurrence[] {
    return [...this.#active.values()].sort((a, b) => a.seq - b.seq);
  }

  #clear(occ: AlarmOccurrence, at: number): AlarmEvent {
    this.store.clear(occ.seq, at);
    this.#active.delete(occ.id);
    return { kind: 'cleared', alarm: { ...occ, clearedAt: at } };
  }
}
