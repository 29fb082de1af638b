// What FXS and FXO port machines share: the port's plan, its reported state, the
// player behind its outgoing audio, named timers on the injected clock, and the card
// commands wrapped so a card fault is logged instead of breaking the caller's event.
import type { CardEvent, HookCommand, TelephonyCard } from '@hotline/drivers';
import type { AnalogSettings } from '../../config/index.ts';
import type { Clock, TimerHandle } from '../../sip/clock.ts';
import type { Logger } from '../../log.ts';
import type { AnalogPortStatus } from '../analog-status.ts';
import type { DigitPlan, SipSide } from '../call-legs.ts';
import { TonePlayer } from './tone-player.ts';

/** One configured port: what it is, and where it belongs. */
export interface PortPlan { port: number; kind: 'FXS' | 'FXO'; card: string; extension?: string; group?: string; did?: string }

/** What every port machine reaches through: the card, time, the SIP side and the live config. */
export interface PortContext {
  readonly card: TelephonyCard;
  readonly clock: Clock;
  readonly sip: SipSide;
  readonly log: Logger;
  settings(): AnalogSettings;
  dialPlan(): DigitPlan;
}

/** The state names a port reports (docs/analog.md has the table). */
export type PortStateName =
  | 'idle' | 'dialtone' | 'dialing' | 'ringing' | 'ringback' | 'connected' | 'busy-tone'
  | 'congestion' | 'stuck-offhook' | 'alarm' | 'seized' | 'incoming'
  /** FXS transfer: a call is held while the phone dials (and talks to) a second party. */
  | 'consult-dialtone' | 'consult-dialing' | 'consult-ringback' | 'consult-connected' | 'consult-failed';

/** Base of FxsPort and FxoPort. */
export abstract class PortMachine {
  protected state: PortStateName = 'idle';
  private since: number;
  protected callerId: string | undefined;
  protected readonly player: TonePlayer;
  private readonly timers = new Map<string, TimerHandle>();

  constructor(protected plan: PortPlan, protected readonly ctx: PortContext) {
    this.since = ctx.clock.now();
    this.player = new TonePlayer(ctx.card.law, ctx.settings().toneZone);
  }

  /** The card's port number. */
  get port(): number {
    return this.plan.port;
  }

  /** What the port does now. */
  get stateName(): PortStateName {
    return this.state;
  }

  /** A config reload: new extension/group/DID and tone zone; a call in progress goes on. */
  replan(plan: PortPlan): void {
    this.plan = plan;
    this.player.setZone(this.ctx.settings().toneZone);
  }

  /** The port as status reports it. */
  status(): AnalogPortStatus {
    const p = this.plan;
    return {
      port: p.port, kind: p.kind, card: p.card,
      ...(p.extension !== undefined ? { extension: p.extension } : {}),
      ...(p.group !== undefined ? { group: p.group } : {}),
      state: this.stateName, since: new Date(this.since).toISOString(),
      ...(this.callerId !== undefined ? { callerId: this.callerId } : {}),
    };
  }

  /** A card event for this port. */
  abstract event(ev: CardEvent): void;
  /** Handles one received frame (a view valid during the call) and plays the next frame. */
  abstract frame(rx: Uint8Array): void;
  /** The port's span went into alarm: end what it does. */
  abstract alarm(): void;
  /** Gateway shutdown or port removed: end the call, stop ringing, release the line. */
  abstract stop(): void;

  /** The span's alarm cleared. */
  alarmCleared(): void {
    if (this.state === 'alarm') this.setState('idle');
  }

  protected setState(state: PortStateName): void {
    if (state === this.state) return;
    this.ctx.log.debug({ port: this.port, from: this.state, to: state }, 'port state');
    this.state = state;
    this.since = this.ctx.clock.now();
  }

  /** Plays the next outgoing frame; a full transmit queue drops it (the card is behind). */
  protected play(): void {
    try {
      this.ctx.card.writeFrame(this.port, this.player.next());
    } catch (err) {
      this.ctx.log.warn({ port: this.port, err }, 'writing a frame to the card failed');
    }
  }

  protected hook(command: HookCommand): void {
    try {
      this.ctx.card.hook(this.port, command);
    } catch (err) {
      this.ctx.log.warn({ port: this.port, command, err }, 'card refused a hook command');
    }
  }

  protected setTimer(name: string, ms: number, fn: () => void): void {
    this.timers.get(name)?.cancel();
    this.timers.set(name, this.ctx.clock.setTimer(ms, () => {
      this.timers.delete(name);
      fn();
    }));
  }

  protected cancelTimer(...names: string[]): void {
    for (const n of names) {
      this.timers.get(n)?.cancel();
      this.timers.delete(n);
    }
  }

  protected cancelTimers(): void {
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
  }
}
