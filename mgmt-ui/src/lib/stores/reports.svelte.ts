// Reports page state: which report, the date range (whole days in the appliance zone), filters,
// and the last answer.
import { api } from '../api/api.ts';
import type { Report, ReportKind } from '../api/types.ts';
import { fromLocalInput, toLocalInput } from '../format.ts';

const DAY = 86_400_000;

class ReportsState {
  kind = $state<ReportKind>('hour');
  /** First day, `YYYY-MM-DD` in the appliance zone. */
  fromDate = $state('');
  /** Last day (included), `YYYY-MM-DD` in the appliance zone. */
  toDate = $state('');
  queue = $state('');
  agent = $state('');
  report = $state<Report | undefined>(undefined);
  private initialised = false;

  /** Today, the first time the page opens. */
  init(timeZone: string): void {
    if (this.initialised) return;
    this.initialised = true;
    const today = toLocalInput(new Date(), timeZone).slice(0, 10);
    this.fromDate = today;
    this.toDate = today;
  }

  /** The range and filters as API query values: from the first day's midnight to the midnight after the last day. */
  query(timeZone: string): { from: string; to: string; queue?: string; agent?: string } {
    const last = Date.parse(`${this.toDate || this.fromDate}T12:00:00Z`);
    // Before the dates are set (first render) or while a date box is half typed: the last day.
    if (!this.fromDate || Number.isNaN(last)) return { from: new Date(Date.now() - DAY).toISOString(), to: new Date().toISOString() };
    const from = fromLocalInput(`${this.fromDate}T00:00`, timeZone) ?? new Date(Date.now() - DAY).toISOString();
    // The day after the last one, computed on the calendar date (noon avoids any zone edge).
    const next = new Date(last + DAY).toISOString().slice(0, 10);
    const to = fromLocalInput(`${next}T00:00`, timeZone) ?? new Date().toISOString();
    return { from, to, ...(this.queue.trim() ? { queue: this.queue.trim() } : {}), ...(this.agent.trim() ? { agent: this.agent.trim() } : {}) };
  }

  /** Loads the chosen report; throws ApiError. */
  async load(timeZone: string): Promise<void> {
    this.report = await api.reports.get(this.kind, this.query(timeZone));
  }

  /** Link of the CSV of the chosen report. */
  exportUrl(timeZone: string): string {
    return api.reports.exportUrl(this.kind, this.query(timeZone));
  }
}

/** The Reports page state. */
export const reports = new ReportsState();
