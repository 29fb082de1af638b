// The live WebSocket: registrations and active calls pushed by the mgmt service.
// Reconnects with backoff, since the mgmt service restarts on upgrades and the session
// may still be valid afterwards.
import { liveUrl } from '../api/api.ts';
import type { LiveCall, LiveMessage, LiveRegistration } from '../api/types.ts';

class LiveState {
  /** True while the socket is open and has delivered a snapshot. */
  connected = $state(false);
  /** Current registrations. */
  registrations = $state<LiveRegistration[]>([]);
  /** Calls in progress. */
  activeCalls = $state<LiveCall[]>([]);
  /** Snapshots received since load (tests and the bench read this through the DOM). */
  snapshots = $state(0);
  private ws: WebSocket | undefined;
  private retryMs = 1000;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private wanted = false;

  /** Opens the socket (idempotent). */
  start(): void {
    this.wanted = true;
    if (this.ws) return;
    const ws = new WebSocket(liveUrl());
    this.ws = ws;
    ws.onmessage = (ev) => {
      let msg: LiveMessage;
      try {
        msg = JSON.parse(String(ev.data)) as LiveMessage;
      } catch {
        return;
      }
      if (msg.type === 'snapshot') {
        this.registrations = msg.registrations ?? [];
        this.activeCalls = msg.activeCalls ?? [];
        this.snapshots++;
        this.connected = true;
        this.retryMs = 1000;
      }
    };
    ws.onclose = () => {
      this.ws = undefined;
      this.connected = false;
      if (!this.wanted) return;
      this.retryTimer = setTimeout(() => this.start(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 15_000);
    };
  }

  /** Closes the socket (sign-out). */
  stop(): void {
    this.wanted = false;
    clearTimeout(this.retryTimer);
    this.ws?.close();
    this.ws = undefined;
    this.connected = false;
  }
}

/** The app-wide live state. */
export const live = new LiveState();
