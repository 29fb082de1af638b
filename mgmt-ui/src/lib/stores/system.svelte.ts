// System summary for the dashboard and the appliance time zone for every page.
import { api } from '../api/api.ts';
import type { SystemSummary } from '../api/types.ts';

class SystemState {
  /** Latest summary, once loaded. */
  summary = $state<SystemSummary | undefined>(undefined);
  /** Error of the last refresh, if it failed. */
  error = $state<unknown>(undefined);
  private timer: ReturnType<typeof setInterval> | undefined;
  private users = 0;
  private inflight: Promise<void> | undefined;

  /** The appliance's IANA time zone; Asia/Shanghai until the summary says otherwise. */
  get timeZone(): string {
    return this.summary?.timeZone ?? 'Asia/Shanghai';
  }

  /** Loads the summary now; joins a request already on its way instead of sending another. */
  refresh(): Promise<void> {
    this.inflight ??= api.system
      .summary()
      .then((s) => {
        this.summary = s;
        this.error = undefined;
      })
      .catch((err: unknown) => {
        this.error = err;
      })
      .finally(() => {
        this.inflight = undefined;
      });
    return this.inflight;
  }

  /** Refreshes every `ms` while at least one page watches; returns the stop function. */
  watch(ms = 10_000): () => void {
    this.users++;
    if (!this.timer) {
      void this.refresh();
      this.timer = setInterval(() => void this.refresh(), ms);
    }
    return () => {
      this.users--;
      if (this.users === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }
}

/** The app-wide system state. */
export const system = new SystemState();
