// Call records page state: filters (wall times in the appliance zone), paging, hourly chart.
import { api, type CdrFilter } from '../api/api.ts';
import type { CallRecord, HourBucket } from '../api/types.ts';
import { fromLocalInput, toLocalInput } from '../format.ts';

class CdrState {
  /** `YYYY-MM-DDTHH:mm` in the appliance zone. */
  from = $state('');
  /** `YYYY-MM-DDTHH:mm` in the appliance zone. */
  to = $state('');
  /** Caller or callee. */
  number = $state('');
  /** Disposition filter, '' for any. */
  disposition = $state('');
  /** First row shown. */
  offset = $state(0);
  /** Rows per page. */
  readonly limit = 25;
  /** Rows of the current page. */
  items = $state<CallRecord[]>([]);
  /** Rows matching the filters. */
  total = $state(0);
  /** Hourly buckets for the chart. */
  buckets = $state<HourBucket[]>([]);
  private initialised = false;

  /** Sets the default range (the last 24 hours) the first time the page opens. */
  init(timeZone: string): void {
    if (this.initialised) return;
    this.initialised = true;
    const now = Date.now();
    this.from = toLocalInput(new Date(now - 24 * 3600_000), timeZone);
    this.to = toLocalInput(new Date(now + 3600_000), timeZone);
  }

  /** The filters as API query values. */
  filter(timeZone: string): CdrFilter {
    return {
      from: fromLocalInput(this.from, timeZone),
      to: fromLocalInput(this.to, timeZone),
      number: this.number.trim(),
      disposition: this.disposition,
      offset: this.offset,
      limit: this.limit,
    };
  }

  /** Loads rows and the chart; throws ApiError. */
  async load(timeZone: string): Promise<void> {
    const f = this.filter(timeZone);
    const [page, stats] = await Promise.all([api.cdr.list(f), api.cdr.hourly({ from: f.from, to: f.to })]);
    this.items = page.items;
    this.total = page.total;
    this.buckets = stats.buckets;
  }
}

/** The Call records page state. */
export const cdr = new CdrState();
