import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Alarm } from '../../alarms/index.ts';
import type { SensorReading } from '../health-state.ts';

async function read(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return undefined;
  }
}

const int = (s: string | undefined): number | null => (s !== undefined && /^-?\d+$/.test(s) ? Number(s) : null);

/**
 * Temperatures and fans from the kernel's hwmon class (Documentation/hwmon/sysfs-interface):
 * each `hwmonN` has a `name` (the chip driver), `tempK_input` in millidegrees Celsius with an
 * optional `tempK_label` and `tempK_crit`/`tempK_max`, and `fanK_input` in rpm with `fanK_min`.
 * A sensor that cannot be read right now (EAGAIN, EIO from a sleeping chip) is left out. Two
 * chips with the same driver name (two sockets) are told apart by their hwmon number.
 */
export async function probeHwmon(root = '/sys/class/hwmon'): Promise<SensorReading[]> {
  let chips: string[];
  try {
    chips = (await readdir(root)).filter((d) => /^hwmon\d+$/.test(d)).sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const named = await Promise.all(chips.map(async (c) => ({ dir: join(root, c), chip: c, name: (await read(join(root, c, 'name'))) ?? c })));
  const count = new Map<string, number>();
  for (const c of named) count.set(c.name, (count.get(c.name) ?? 0) + 1);
  const out: SensorReading[] = [];
  for (const c of named) {
    const chipName = (count.get(c.name) ?? 0) > 1 ? `${c.name}-${c.chip.slice(5)}` : c.name;
    const files = await readdir(c.dir).catch(() => [] as string[]);
    const inputs = files.map((f) => /^(temp|fan)(\d+)_input$/.exec(f)).filter((m): m is RegExpExecArray => m !== null)
      .sort((a, b) => a[1]!.localeCompare(b[1]!) || Number(a[2]) - Number(b[2]));
    for (const [file, type, n] of inputs) {
      const raw = int(await read(join(c.dir, file!)));
      if (raw === null) continue;
      const label = (await read(join(c.dir, `${type}${n}_label`))) || `${type}${n}`;
      if (type === 'temp') {
        const limit = int(await read(join(c.dir, `temp${n}_crit`))) ?? int(await read(join(c.dir, `temp${n}_max`)));
        out.push({ name: `${chipName}/${label}`, kind: 'temperature', value: raw / 1000, limit: limit === null || limit <= 0 ? null : limit / 1000 });
      } else {
        const min = int(await read(join(c.dir, `fan${n}_min`)));
        out.push({ name: `${chipName}/${label}`, kind: 'fan', value: raw, limit: min === null || min <= 0 ? null : min });
      }
    }
  }
  return out;
}

/**
 * A fan is watched once it has been seen turning: boards report unpopulated fan headers as 0 rpm
 * forever, and those are no alarm. The caller keeps the set across polls.
 */
export function trackSpinningFans(sensors: readonly SensorReading[], seen: Set<string>): void {
  for (const s of sensors) if (s.kind === 'fan' && s.value > 0) seen.add(s.name);
}

/**
 * `sensor-temperature:<sensor>` major at or above the lower of the driver's own limit and the
 * configured threshold; `fan-failed:<fan>` major below the driver's fanN_min or the configured
 * minimum, for fans seen turning before.
 */
export function sensorAlarms(sensors: readonly SensorReading[], spinning: ReadonlySet<string>, t: { sensorTemperatureCelsius: number; fanMinRpm: number }, at: string): Alarm[] {
  const out: Alarm[] = [];
  for (const s of sensors) {
    if (s.kind === 'temperature') {
      const limit = Math.min(t.sensorTemperatureCelsius, s.limit ?? Number.POSITIVE_INFINITY);
      if (s.value < limit) continue;
      const v = Math.round(s.value);
      out.push({
        id: `sensor-temperature:${s.name}`, severity: 'major', source: `host/sensor/${s.name}`, raisedAt: at,
        text: { en: `Sensor ${s.name} reads ${v} °C (limit ${limit} °C): check the fans and the room cooling`, zh: `传感器 ${s.name} 温度 ${v} °C（上限 ${limit} °C）：请检查风扇和机房散热` },
      });
    } else {
      const min = Math.max(t.fanMinRpm, s.limit ?? 0);
      if (!spinning.has(s.name) || s.value >= min) continue;
      out.push({
        id: `fan-failed:${s.name}`, severity: 'major', source: `host/sensor/${s.name}`, raisedAt: at,
        text: { en: `Fan ${s.name} turns at ${s.value} rpm (minimum ${min} rpm): the machine will overheat`, zh: `风扇 ${s.name} 转速 ${s.value} 转/分（最低 ${min} 转/分）：设备将过热` },
      });
    }
  }
  return out;
}
