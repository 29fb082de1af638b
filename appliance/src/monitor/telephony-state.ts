import type { AnalogStatus } from '../analog/analog-status.ts';
import type { HotlineConfig } from '../config/index.ts';
import { analogSettings, trunkSettings } from '../config/index.ts';
import type { PbxStatus } from '../control/index.ts';
import type { CallRow, CardRow, PortRow, TrunkRow } from './snapshot.ts';

const ms = (iso: string | undefined): number | undefined => {
  const t = iso === undefined ? Number.NaN : Date.parse(iso);
  return Number.isFinite(t) ? t : undefined;
};

/**
 * Gives each call a number when it is first seen (hlCallIndex) and forgets it when the call ends;
 * numbers are never reused while the monitor runs, so a row never changes meaning under an NMS.
 */
export class CallIndexer {
  #next = 1;
  readonly #byCallId = new Map<string, number>();

  rows(calls: PbxStatus['activeCalls']): CallRow[] {
    const live = new Set<string>();
    const out: CallRow[] = [];
    for (const c of calls) {
      live.add(c.callId);
      let index = this.#byCallId.get(c.callId);
      if (index === undefined) {
        index = this.#next;
        this.#next = this.#next >= 0xffffffff ? 1 : this.#next + 1;
        this.#byCallId.set(c.callId, index);
      }
      out.push({ index, callee: c.callee, state: c.state, startedAt: ms(c.startedAt) ?? Date.now() });
    }
    for (const id of this.#byCallId.keys()) if (!live.has(id)) this.#byCallId.delete(id);
    return out.sort((a, b) => a.index - b.index);
  }
}

/** Trunks as configured, in the state the PBX reports (unknown when it does not answer). */
export function trunkRows(config: HotlineConfig, pbx: PbxStatus | undefined): TrunkRow[] {
  const reported = new Map((pbx?.trunks ?? []).map((t) => [t.name, t]));
  return trunkSettings(config).map((t): TrunkRow => {
    const r = pbx ? reported.get(t.name) : undefined;
    const state = (r?.state ?? 'unknown') as TrunkRow['state'];
    const known: TrunkRow['state'][] = ['up', 'registering', 'unregistered', 'down'];
    const s = known.includes(state) ? state : 'unknown';
    let registration: TrunkRow['registration'] = 'notRequired';
    if (t.register) registration = s === 'up' ? 'registered' : s === 'unregistered' ? 'refused' : 'registering';
    const row: TrunkRow = { name: t.name, peer: `${t.host}:${t.port}`, state: s, registration };
    const since = ms(r?.since);
    if (since !== undefined) row.since = since;
    return row;
  });
}

/** Cards and ports as configured, in the state the analog gateway reports. */
export function cardRows(config: HotlineConfig, analog: AnalogStatus | undefined): { cards: CardRow[]; ports: PortRow[] } {
  const settings = analogSettings(config);
  if (!settings) return { cards: [], ports: [] };
  const reported = new Map((analog?.ports ?? []).map((p) => [p.port, p]));
  const ports: PortRow[] = [];
  const cards: CardRow[] = settings.cards.map((c) => {
    let lineAlarm = false;
    for (const p of c.ports) {
      const r = reported.get(p.port);
      const state = analog ? (r?.state ?? 'unknown') : 'unknown';
      if (state === 'alarm') lineAlarm = true;
      ports.push({
        port: p.port, card: c.name, kind: p.kind, state,
        alarm: state === 'alarm' ? 'lineAlarm' : state === 'stuck-offhook' ? 'stuckOffhook' : 'none',
        extension: p.extension ?? '', group: p.group ?? '',
      });
    }
    const cardState = analog?.card.state;
    const state: CardRow['state'] = cardState === 'open' || cardState === 'missing' || cardState === 'misconfigured' ? cardState : 'unknown';
    const alarm: CardRow['alarm'] = state === 'missing' || state === 'misconfigured' ? 'unavailable' : lineAlarm ? 'lineAlarm' : 'none';
    return { name: c.name, driver: c.driver, state, alarm, ports: c.ports.length };
  });
  return { cards, ports: ports.sort((a, b) => a.port - b.port) };
}
