// A value the UI loads from the API and refreshes on a timer while some page watches it.

/** Polls `load`: one request at a time, a timer only while at least one page watches. */
export class Polled<T> {
  /** Latest value, once loaded. */
  value = $state<T | undefined>(undefined);
  /** Error of the last refresh, if it failed. */
  error = $state<unknown>(undefined);
  private timer: ReturnType<typeof setInterval> | undefined;
  private users = 0;
  private inflight: Promise<void> | undefined;

  constructor(private readonly load: () => Promise<T>, private readonly defaultMs: number) {}

  /** Loads now; joins a request already on its way instead of sending another. */
  refresh(): Promise<void> {
    this.inflight ??= this.load()
      .then((v) => {
        this.value = v;
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

  /** Refreshes every `ms` while at least one page watches and the tab is visible; returns the stop function. */
  watch(ms = this.defaultMs): () => void {
    this.users++;
    if (!this.timer) {
      void this.refresh();
      // A background tab skips its ticks: nobody looks, and the appliance serves many browsers.
      this.timer = setInterval(() => {
        if (typeof document !== 'undefined' && document.hidden) return;
        void this.refresh();
      }, ms);
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
