// The port side of the analog gateway: one machine per configured card port, fed the
// card's events and frames, offered calls by the SIP side (see ../call-legs.ts).
import type { CardEvent, TelephonyCard } from '@hotline/drivers';
import type { AnalogSettings } from '../../config/index.ts';
import { moduleLogger } from '../../log.ts';
import { systemClock, type Clock } from '../../sip/clock.ts';
import type { AnalogPortStatus } from '../analog-status.ts';
import type { DigitPlan, IncomingCall, PortSide, SipSide } from '../call-legs.ts';
import { FxoPort, dialable } from './fxo-port.ts';
import { FxsPort } from './fxs-port.ts';
import { huntLine } from './line-hunter.ts';
import type { PortContext, PortPlan } from './port-machine.ts';

/** What AnalogPorts is built from. */
export interface AnalogPortsOptions { card: TelephonyCard; ports: PortPlan[]; settings: AnalogSettings; sip: SipSide; dialPlan: DigitPlan; clock?: Clock }

const log = moduleLogger('analog/ports');

/** Every configured port of the card, as FXS and FXO state machines. */
export class AnalogPorts implements PortSide {
  private readonly card: TelephonyCard;
  private readonly ctx: PortContext;
  private settings: AnalogSettings;
  private dialPlan: DigitPlan;
  private readonly machines = new Map<number, FxsPort | FxoPort>();
  /** Per line group, the port its last call took (round-robin hunting). */
  private readonly lastUsed = new Map<string, number>();
  private unsubscribe: Array<() => void> = [];

  /** Builds the machines; nothing happens until start(). */
  constructor(opts: AnalogPortsOptions) {
    this.card = opts.card;
    this.settings = opts.settings;
    this.dialPlan = opts.dialPlan;
    this.ctx = {
      card: opts.card, clock: opts.clock ?? systemClock, sip: opts.sip, log,
      settings: () => this.settings, dialPlan: () => this.dialPlan,
    };
    this.build(opts.ports);
  }

  /** Subscribes to the card's events and frames; ports whose span is in alarm start in alarm. */
  start(): void {
    if (this.unsubscribe.length > 0) return;
    for (const m of this.machines.values()) {
      try {
        if (this.card.portState(m.port).alarm) m.alarm();
      } catch (err) {
        log.warn({ port: m.port, err }, 'cannot read the port state');
      }
    }
    this.unsubscribe = [
      this.card.onEvent((ev) => this.guard(() => this.onEvent(ev))),
      this.card.onFrame((port, frame) => {
        const m = this.machines.get(port);
        if (m) this.guard(() => m.frame(frame));
      }),
    ];
  }

  /** Config reload: ports kept as they are (a call in progress goes on), added, or stopped and removed. */
  update(ports: PortPlan[], settings: AnalogSettings, dialPlan: DigitPlan): void {
    this.settings = settings;
    this.dialPlan = dialPlan;
    this.build(ports);
  }

  /** Every port's state. */
  status(): AnalogPortStatus[] {
    return [...this.machines.values()].sort((a, b) => a.port - b.port).map((m) => m.status());
  }

  /** Rings the FXS phone that is `extension`, or rejects: 480 unknown/alarm/stuck, 486 busy. */
  offerToStation(extension: string, call: IncomingCall): void {
    const m = [...this.machines.values()].find((p): p is FxsPort => p instanceof FxsPort && p.status().extension === extension);
    if (!m) {
      log.warn({ extension }, 'call for an extension no FXS port has');
      return call.reject(480);
    }
    m.offer(call);
  }

  /** Seizes a free line of `group` by its hunt order and dials `call.number`; 503 when none is free. */
  offerToLineGroup(group: string, call: IncomingCall): void {
    if (!dialable(call.number)) {
      log.warn({ group }, 'number cannot be dialled in-band on an analog line');
      return call.reject(503);
    }
    const lines = [...this.machines.values()].filter((p): p is FxoPort => p instanceof FxoPort && p.status().group === group);
    const hunt = this.settings.lineGroups.find((g) => g.name === group)?.hunt ?? 'sequential';
    const port = huntLine(lines.filter((l) => l.free).map((l) => l.port), hunt, this.lastUsed.get(group));
    if (port === undefined) {
      log.info({ group, lines: lines.length }, 'no free line in the group');
      return call.reject(503);
    }
    this.lastUsed.set(group, port);
    (this.machines.get(port) as FxoPort).seize(call);
  }

  /** Hangs up every call, stops ringing, releases the lines, unsubscribes from the card. */
  stop(): void {
    for (const u of this.unsubscribe) u();
    this.unsubscribe = [];
    for (const m of this.machines.values()) this.guard(() => m.stop());
  }

  private onEvent(ev: CardEvent): void {
    if (ev.type === 'Alarm' || ev.type === 'AlarmCleared') {
      const ports = new Set(this.card.ports.filter((p) => p.span === ev.span).map((p) => p.port));
      for (const m of this.machines.values()) {
        if (!ports.has(m.port)) continue;
        if (ev.type === 'Alarm') m.alarm();
        else m.alarmCleared();
      }
      if (ev.type === 'Alarm') log.warn({ span: ev.span, alarms: ev.alarms }, 'span alarm: its ports are out of service');
      return;
    }
    this.machines.get(ev.port)?.event(ev);
  }

  private build(plans: PortPlan[]): void {
    const onCard = new Map(this.card.ports.map((p) => [p.port, p.kind]));
    const wanted = new Map<number, PortPlan>();
    for (const p of plans) {
      if (onCard.get(p.port) !== p.kind) {
        log.error({ port: p.port, kind: p.kind, card: onCard.get(p.port) ?? 'none' }, 'configured port is not on the card as that kind: left out');
        continue;
      }
      wanted.set(p.port, p);
    }
    for (const [port, m] of this.machines) {
      const plan = wanted.get(port);
      if (plan && plan.kind === m.status().kind) continue;
      this.guard(() => m.stop());
      this.machines.delete(port);
    }
    for (const [port, plan] of wanted) {
      const m = this.machines.get(port);
      if (m) m.replan(plan);
      else this.machines.set(port, plan.kind === 'FXS' ? new FxsPort(plan, this.ctx) : new FxoPort(plan, this.ctx));
    }
  }

  /** A fault in one port's handling is logged; the card's other ports and the service go on. */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      log.error({ err }, 'port machine failed');
    }
  }
}
