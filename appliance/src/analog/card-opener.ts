import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { LIBC_BINDING, loadSimulator, openDahdiCard, simulatorBinding, systemConf, type PortInfo, type SimulatorControl, type TelephonyCard } from '@hotline/drivers';
import type { AnalogSettings } from '../config/index.ts';
import { moduleLogger } from '../log.ts';

/** Receive ring depth for simulated ports: 64 frames (1.28 s) hold a caller-ID burst injected in one go. */
const SIMULATOR_RING_SLOTS = 64;

const log = moduleLogger('analog');

/** Echo canceller length when a port's config names none: 16 ms, enough for analog hybrids. */
const DEFAULT_ECHO_TAPS = 128;

/** The card the gateway drives, and the simulator behind it when the driver is `simulator`. */
export interface OpenedCard {
  card: TelephonyCard;
  simulator?: SimulatorControl;
}

/** The configured cards refused before anything was opened (the operator must fix the config). */
export class CardConfigError extends Error {
  override readonly name = 'CardConfigError';
}

/**
 * The ports of every configured card as one TelephonyCard: DAHDI numbers channels across
 * cards, so one backend opens them all; each configured card is a span (alarms are per span).
 */
export function portsOf(settings: AnalogSettings): PortInfo[] {
  return settings.cards.flatMap((card, i) => card.ports.map((p) => ({ port: p.port, kind: p.kind, span: i + 1 }))).sort((a, b) => a.port - b.port);
}

/**
 * Opens the cards: the kernel driver (libc on /dev/dahdi/channel) or the simulator library,
 * which then gets the same cards created in it first. Throws CardError (drivers) when the
 * hardware or library is missing, CardConfigError for a configuration the driver cannot take.
 * For `dahdi`, first writes the matching DAHDI system.conf to `systemConfPath` when given
 * (the operator installs it in /etc/dahdi, docs/drivers.md).
 */
export async function openCards(settings: AnalogSettings, simulatorLibrary?: string, systemConfPath?: string): Promise<OpenedCard> {
  const drivers = new Set(settings.cards.map((c) => c.driver));
  if (drivers.size !== 1) throw new CardConfigError(`all cards must use one driver (found ${[...drivers].join(', ')})`);
  const ports = portsOf(settings);
  if (settings.cards[0]!.driver === 'dahdi') {
    if (systemConfPath) writeSystemConf(settings, systemConfPath);
    const card = await openDahdiCard({ binding: LIBC_BINDING, ports, law: settings.law });
    startEchoCancellers(card, settings);
    return { card };
  }
  // The simulator numbers channels 1, 2, ... in the order cards and ports are created.
  ports.forEach((p, i) => {
    if (p.port !== i + 1) throw new CardConfigError(`the simulator numbers channels from 1 without gaps: port ${p.port} found where ${i + 1} was expected`);
  });
  const simulator = loadSimulator(simulatorLibrary);
  simulator.reset();
  for (const card of settings.cards) simulator.createCard([...card.ports].sort((a, b) => a.port - b.port).map((p) => p.kind));
  // The simulator hands over injected audio (a whole caller-ID burst) at once, where a line
  // delivers one frame per 20 ms: a deeper receive ring keeps the burst whole.
  const card = await openDahdiCard({ binding: simulatorBinding(simulator.library), ports, law: settings.law, ringSlots: SIMULATOR_RING_SLOTS });
  startEchoCancellers(card, settings);
  return { card, simulator };
}

/** Each port's echo canceller as configured; a port whose canceller cannot start still carries calls (logged). */
function startEchoCancellers(card: TelephonyCard, settings: AnalogSettings): void {
  for (const p of settings.cards.flatMap((c) => c.ports)) {
    const taps = p.echoCancelTaps ?? DEFAULT_ECHO_TAPS;
    try {
      card.echoCancel(p.port, taps);
    } catch (err) {
      log.error({ err, port: p.port, taps }, 'echo canceller not started: the port runs without one');
    }
  }
}

/** system.conf for the configured ports; a failure to write it is logged, the card still opens. */
function writeSystemConf(settings: AnalogSettings, path: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, systemConf({ ports: settings.cards.flatMap((c) => c.ports), toneZone: settings.toneZone }));
  } catch (err) {
    log.error({ err, path }, 'cannot write the DAHDI system.conf');
  }
}
