// SIP trunks and their state for the Trunks page, polled while the page is open.
import { api } from '../api/api.ts';
import type { TrunkList } from '../api/types.ts';

class TrunksState {
  /** Latest list, once loaded. */
  list = $state<TrunkList | undefined>(undefined);
  /** Error of the last refresh, if it failed. */
  error = $state<unknown>(undefined);
  private timer: ReturnType<typeof setInterval> | undefined;
  private users = 0;
  private inflight: Promise<void> | undefined;

  /** Loads the list now; joins a request already on its way instead of sending another. */
  refresh(): Promise<void> {
    this.inflight ??= api.trunks
      .list()
      .then((l) => {
        this.list = l;
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
  watch(ms = 5000): () => void {
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

/** The app-wide trunk state. */
export const trunks = new TrunksState();
