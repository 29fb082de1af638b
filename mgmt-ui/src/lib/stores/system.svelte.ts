// System summary for the dashboard and the appliance time zone for every page.
import { api } from '../api/api.ts';
import type { SystemSummary } from '../api/types.ts';
import { Polled } from './polled.svelte.ts';

class SystemState extends Polled<SystemSummary> {
  /** Latest summary, once loaded. */
  get summary(): SystemSummary | undefined {
    return this.value;
  }

  /** The appliance's IANA time zone; Asia/Shanghai until the summary says otherwise. */
  get timeZone(): string {
    return this.summary?.timeZone ?? 'Asia/Shanghai';
  }
}

/** The app-wide system state. */
export const system = new SystemState(() => api.system.summary(), 10_000);
