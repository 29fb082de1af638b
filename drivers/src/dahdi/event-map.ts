/**
 * Turns raw DAHDI event codes into {@link CardEvent}s and keeps each port's state.
 * Pure logic, no I/O: the worker reports (port, code, span alarm bits) and this decides.
 *
 * The same DAHDI code means different things by port kind: an FXO port (a line from
 * the exchange, FXS-signalled in DAHDI terms) sees RINGOFFHOOK when the line rings; an
 * FXS port (a phone, FXO-signalled) sees it when the phone goes off hook.
 */
import type { CardEvent, PortInfo, PortState } from '../telephony-card.ts';
import * as abi from './abi.ts';

/** Decoder of DAHDI events for one card. */
export class DahdiEventDecoder {
  private readonly kinds = new Map<number, PortInfo>();
  private readonly states = new Map<number, PortState>();
  private readonly spanAlarms = new Map<number, number>();

  /** Starts with every port on hook, idle, no alarm. */
  constructor(ports: readonly PortInfo[]) {
    for (const p of ports) {
      this.kinds.set(p.port, p);
      this.states.set(p.port, { hook: 'onhook', ringing: false, alarm: false });
      this.spanAlarms.set(p.span, 0);
    }
  }

  /** State of a port, or undefined for an unknown port. */
  state(port: number): PortState | undefined {
    return this.states.get(port);
  }

  /** Records the alarm bits read at open time (no event: nothing changed). */
  setInitialSpanAlarms(span: number, alarms: number): void {
    this.spanAlarms.set(span, alarms);
    for (const [port, info] of this.kinds) if (info.span === span) this.states.get(port)!.alarm = alarms !== 0;
  }

  /** Records a hook command we sent, so the state reflects our side too. */
  commandSent(port: number, command: 'offhook' | 'onhook' | 'flash' | 'ring' | 'ringoff'): void {
    const st = this.states.get(port);
    if (!st) return;
    if (command === 'offhook') { st.hook = 'offhook'; st.ringing = false; }
    else if (command === 'onhook') st.hook = 'onhook';
    else if (command === 'ring') st.ringing = true;
    else if (command === 'ringoff') st.ringing = false;
  }

  /**
   * Decodes one event code from `port`. `spanAlarms` is DAHDI_SPANSTAT's alarm bits,
   * read by the worker for ALARM/NOALARM. Returns null for codes that are not card
   * events (DTMF key down, ringer on/off, ...) and for a span alarm already reported
   * by another port of the same span (DAHDI queues it on every channel).
   */
  decode(port: number, code: number, spanAlarms = 0): CardEvent | null {
    const info = this.kinds.get(port);
    const st = this.states.get(port);
    if (!info || !st) return null;
    if (code & abi.DAHDI_EVENT_DTMFUP) return { type: 'Dtmf', port, digit: String.fromCharCode(code & 0xff) };
    if (code & (abi.DAHDI_EVENT_DTMFDOWN | abi.DAHDI_EVENT_PULSEDIGIT)) return null;
    switch (code) {
      case abi.DAHDI_EVENT_RINGOFFHOOK:
        if (info.kind === 'FXO') { st.ringing = true; return { type: 'Ring', port }; }
        st.hook = 'offhook'; st.ringing = false;
        return { type: 'OffHook', port };
      case abi.DAHDI_EVENT_ONHOOK:
        st.hook = 'onhook'; st.ringing = false;
        return { type: 'OnHook', port };
      case abi.DAHDI_EVENT_WINKFLASH:
        return { type: 'HookFlash', port };
      case abi.DAHDI_EVENT_POLARITY:
        return { type: 'PolarityReversal', port };
      case abi.DAHDI_EVENT_ALARM:
      case abi.DAHDI_EVENT_NOALARM: {
        const raised = code === abi.DAHDI_EVENT_ALARM;
        const before = this.spanAlarms.get(info.span) ?? 0;
        // Some drivers report ALARM before SPANSTAT shows a bit; keep it non-zero.
        const bits = raised ? (spanAlarms || abi.DAHDI_ALARM_RED) : 0;
        this.spanAlarms.set(info.span, bits);
        for (const [p, i] of this.kinds) if (i.span === info.span) this.states.get(p)!.alarm = raised;
        if (raised === (before !== 0)) return null;
        return raised ? { type: 'Alarm', span: info.span, alarms: bits } : { type: 'AlarmCleared', span: info.span };
      }
      default:
        return null;
    }
  }
}
