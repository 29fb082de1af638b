import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Alarm } from '../../alarms/index.ts';
import { linkDown, type InterfaceState } from '../health-state.ts';

/** IFF_UP of include/uapi/linux/if.h: the interface is configured up. */
const IFF_UP = 0x1;

async function read(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    // carrier and speed read EINVAL while the interface is down: not known then.
    return undefined;
  }
}

const count = (s: string | undefined): number => (s !== undefined && /^\d+$/.test(s) ? Number(s) : 0);

/**
 * Every network interface but the loopback from /sys/class/net (Documentation/ABI/testing/
 * sysfs-class-net): flags, operstate, carrier, speed and the error and drop counters.
 */
export async function probeInterfaces(root = '/sys/class/net'): Promise<InterfaceState[]> {
  const names = (await readdir(root)).filter((n) => n !== 'lo').sort();
  return Promise.all(names.map(async (name): Promise<InterfaceState> => {
    const f = (p: string) => read(join(root, name, p));
    const [flags, oper, carrier, speed, rxE, txE, rxD, txD] = await Promise.all([
      f('flags'), f('operstate'), f('carrier'), f('speed'),
      f('statistics/rx_errors'), f('statistics/tx_errors'), f('statistics/rx_dropped'), f('statistics/tx_dropped'),
    ]);
    const sp = speed !== undefined && /^\d+$/.test(speed) ? Number(speed) : null;
    return {
      name, adminUp: flags !== undefined && (Number.parseInt(flags, 16) & IFF_UP) !== 0, operState: oper ?? 'unknown',
      carrier: carrier === '1' ? true : carrier === '0' ? false : null, speedMbps: sp !== null && sp > 0 ? sp : null,
      rxErrors: count(rxE), txErrors: count(txE), rxDropped: count(rxD), txDropped: count(txD),
    };
  }));
}

/**
 * Error rates over windows of at least a minute (polls are often 10 s apart, and a rate from one
 * poll would raise and clear an alarm with every burst). The counters only grow; a driver reset
 * or a wrap starts a new window.
 */
export class InterfaceErrorRate {
  readonly #base = new Map<string, { at: number; errors: number }>();
  readonly #rate = new Map<string, number>();

  constructor(private readonly windowMs = 60_000) {}

  /** Errors (rx + tx) per minute over the last complete window, per interface; none before the first window ends. */
  update(interfaces: readonly InterfaceState[], at: number): Map<string, number> {
    const out = new Map<string, number>();
    for (const i of interfaces) {
      const errors = i.rxErrors + i.txErrors;
      const base = this.#base.get(i.name);
      if (!base || errors < base.errors) {
        this.#base.set(i.name, { at, errors });
        this.#rate.delete(i.name);
      } else if (at - base.at >= this.windowMs) {
        this.#rate.set(i.name, ((errors - base.errors) * 60_000) / (at - base.at));
        this.#base.set(i.name, { at, errors });
      }
      const r = this.#rate.get(i.name);
      if (r !== undefined) out.set(i.name, r);
    }
    return out;
  }
}

/**
 * `link-down:<if>` major for an interface configured up without link (only those listed in
 * `watch` when it is not empty); `interface-errors:<if>` minor at or above the threshold of
 * errors per minute.
 */
export function interfaceAlarms(interfaces: readonly InterfaceState[], errorsPerMinute: ReadonlyMap<string, number>, t: { interfaceErrorsPerMinute: number }, watch: readonly string[], at: string): Alarm[] {
  const out: Alarm[] = [];
  for (const i of interfaces) {
    if (watch.length > 0 && !watch.includes(i.name)) continue;
    if (linkDown(i)) {
      out.push({
        id: `link-down:${i.name}`, severity: 'major', source: `host/net/${i.name}`, raisedAt: at,
        text: { en: `Network interface ${i.name} has no link: check the cable and the switch port`, zh: `网络接口 ${i.name} 链路断开：请检查网线和交换机端口` },
      });
    }
    const rate = errorsPerMinute.get(i.name);
    if (rate !== undefined && rate >= t.interfaceErrorsPerMinute) {
      const r = Math.round(rate);
      out.push({
        id: `interface-errors:${i.name}`, severity: 'minor', source: `host/net/${i.name}`, raisedAt: at,
        text: { en: `Network interface ${i.name} counts ${r} errors a minute (threshold ${t.interfaceErrorsPerMinute}): voice quality may suffer`, zh: `网络接口 ${i.name} 每分钟 ${r} 个错误（阈值 ${t.interfaceErrorsPerMinute}）：通话质量可能下降` },
      });
    }
  }
  return out;
}
