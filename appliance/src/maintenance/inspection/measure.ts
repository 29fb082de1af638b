import type { Bilingual } from '../text.ts';
import { PROBES, type ProbeSources } from './probes.ts';
import type { AutomaticItem, ItemStatus } from './template-types.ts';
import { judge, worse } from './thresholds.ts';

/** An automatic item's result: the value (number for trends, or text), the status, why. */
export interface Measurement {
  itemId: string;
  valueNum: number | null;
  valueText: string | null;
  status: ItemStatus;
  detail?: Bilingual;
}

/**
 * Runs the item's probe and judges it. A probe that throws (a socket refused, a command
 * missing) makes its item `na` with the reason; it never aborts the other items of a run.
 */
export async function measure(item: AutomaticItem, src: ProbeSources): Promise<Measurement> {
  const probe = PROBES[item.probe];
  if (!probe) return { itemId: item.id, valueNum: null, valueText: null, status: 'na', detail: { en: `unknown probe ${item.probe}`, zh: `未知探针 ${item.probe}` } };
  try {
    const r = await probe.run(src);
    if (typeof r.value === 'number') {
      // A probe may force a worse status than the number alone (e.g. the last backup attempt failed).
      const status = r.status ? worse(judge(r.value, item.threshold), r.status) : judge(r.value, item.threshold);
      return { itemId: item.id, valueNum: r.value, valueText: null, status, detail: r.detail };
    }
    return { itemId: item.id, valueNum: null, valueText: r.value, status: r.status ?? (r.value === null ? 'na' : 'pass'), detail: r.detail };
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    return { itemId: item.id, valueNum: null, valueText: null, status: 'na', detail: { en: `probe failed: ${msg}`, zh: `探针出错：${msg}` } };
  }
}

/** Measures every item, sharing one host reading between the host probes of the run. */
export async function measureAll(items: readonly AutomaticItem[], src: ProbeSources): Promise<Measurement[]> {
  let host: ReturnType<ProbeSources['host']> | undefined;
  const shared: ProbeSources = { ...src, host: () => (host ??= src.host()) };
  return Promise.all(items.map((i) => measure(i, shared)));
}
