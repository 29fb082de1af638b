// The call center for the agent desktop and the wallboard: the snapshot (polled while a page
// watches) and the CTI WebSocket, whose events arrive as they happen (screen pop).
import { api, ctiUrl } from '../api/api.ts';
import type { AcdSnapshot, CtiEvent } from '../api/types.ts';
import { Polled } from './polled.svelte.ts';

/** Queues' figures and agents' states; the wallboard refreshes it every 2 s. */
export const acdSnapshot = new Polled<AcdSnapshot>(() => api.acd.snapshot(), 2000);

class CtiState {
  /** True while the socket is open. */
  connected = $state(false);
  /** The call offered to or talking with the agent; cleared when it ends. */
  offer = $state<Extract<CtiEvent, { type: 'CallOffered' }> | undefined>(undefined);
  /** Whether the offered call was answered. */
  answered = $state(false);
  /** The call the agent put on hold by the call-control API (CallHeld, until CallResumed or its end). */
  held = $state<string | undefined>(undefined);
  /** The agent's click-to-dial or consult call the PBX is placing or has bridged (Dial* events; gone when it fails or ends). */
  dial = $state<{ callId: string; to: string; purpose: 'dial' | 'consult'; phase: 'ringing-you' | 'calling' | 'connected' } | undefined>(undefined);
  /** Why the latest dial failed, or an attended transfer could not be completed (shown until the next dial). */
  dialFailed = $state<Extract<CtiEvent, { type: 'DialFailed' | 'ConsultTransferFailed' }> | undefined>(undefined);
  /** Supervisors in agents' calls now, by agent (from SupervisionStarted/ModeChanged/Ended). */
  supervision = $state<Record<string, { supervisor: string; mode: 'listen' | 'whisper' | 'barge' }>>({});
  /** The PBX rang a supervisor's phone for the wallboard and it did not join (busy, no answer…): the latest, shown as a refusal. */
  supervisionFailed = $state<Extract<CtiEvent, { type: 'SupervisionCallFailed' }> | undefined>(undefined);
  /** Recent events, newest first (at most 50). */
  recent = $state<CtiEvent[]>([]);
  private ws: WebSocket | undefined;
  private agent: string | undefined;
  private retry: ReturnType<typeof setTimeout> | undefined;

  /** Follows the events of `agent` (all agents when undefined); reopens after a drop. */
  start(agent?: string): void {
    if (this.ws && this.agent === agent) return;
    this.stop();
    this.agent = agent;
    const ws = new WebSocket(ctiUrl(agent));
    this.ws = ws;
    ws.onopen = () => { this.connected = true; };
    ws.onmessage = (ev) => {
      let e: CtiEvent;
      try {
        e = JSON.parse(String(ev.data)) as CtiEvent;
      } catch {
        return;
      }
      this.onEvent(e);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      this.connected = false;
      this.retry = setTimeout(() => this.start(this.agent), 2000);
    };
  }

  /** Closes the socket. */
  stop(): void {
    clearTimeout(this.retry);
    const ws = this.ws;
    this.ws = undefined;
    ws?.close();
    this.connected = false;
  }

  private onEvent(e: CtiEvent): void {
    if (!('type' in e) || typeof e.at !== 'number') return;
    this.recent = [e, ...this.recent].slice(0, 50);
    if (e.type === 'CallOffered') { this.offer = e; this.answered = false; }
    else if (e.type === 'CallAnswered' && this.offer?.callId === e.callId) this.answered = true;
    else if (e.type === 'CallEnded' && this.offer?.callId === e.callId) { this.offer = undefined; this.answered = false; }
    if (e.type === 'CallHeld') this.held = e.callId;
    else if ((e.type === 'CallResumed' || e.type === 'CallEnded' || e.type === 'ConsultTransferred') && this.held === e.callId) this.held = undefined;
    if (e.type === 'DialStarted') { this.dial = { callId: e.callId, to: e.to, purpose: e.purpose, phase: 'ringing-you' }; this.dialFailed = undefined; }
    else if ((e.type === 'DialAnswered' || e.type === 'DialConnected') && this.dial?.callId === e.callId) this.dial = { ...this.dial, phase: e.type === 'DialAnswered' ? 'calling' : 'connected' };
    else if ((e.type === 'DialFailed' || e.type === 'DialEnded') && this.dial?.callId === e.callId) this.dial = undefined;
    if (e.type === 'DialFailed' || e.type === 'ConsultTransferFailed') this.dialFailed = e;
    if (e.type === 'SupervisionStarted' || e.type === 'SupervisionModeChanged') this.supervision = { ...this.supervision, [e.agent]: { supervisor: e.supervisor, mode: e.mode } };
    else if (e.type === 'SupervisionEnded') { const { [e.agent]: _gone, ...rest } = this.supervision; this.supervision = rest; }
    else if (e.type === 'SupervisionCallFailed') this.supervisionFailed = e;
    if (e.type === 'AgentStateChanged' || e.type === 'QueueStatsUpdated' || e.type === 'AgentForced') void acdSnapshot.refresh();
  }
}

/** The app-wide CTI stream. */
export const cti = new CtiState();
