// One banner for outcomes: errors from the single error handler and short confirmations.
import { describeError } from '../errors.ts';

/** What the banner shows. */
export interface Notice {
  kind: 'error' | 'ok';
  text: string;
}

class Notices {
  /** The current notice, if any. */
  current = $state<Notice | undefined>(undefined);
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** Shows a readable message for a failure. */
  error(err: unknown): void {
    this.show({ kind: 'error', text: describeError(err) });
  }

  /** Shows a confirmation that fades after a few seconds. */
  ok(text: string): void {
    this.show({ kind: 'ok', text });
  }

  /** Hides the banner. */
  clear(): void {
    this.current = undefined;
  }

  private show(n: Notice): void {
    this.current = n;
    clearTimeout(this.timer);
    if (n.kind === 'ok') this.timer = setTimeout(() => this.clear(), 4000);
  }
}

/** The app-wide notice banner. */
export const notices = new Notices();
