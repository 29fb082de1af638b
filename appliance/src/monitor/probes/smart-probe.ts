import { basename } from 'node:path';
import type { Alarm } from '../../alarms/index.ts';
import type { DiskHealth } from '../health-state.ts';
import { runCommand } from './command.ts';

/** The parts of `smartctl --json` output (smartmontools 7) the probe reads. */
interface SmartctlJson {
  smartctl?: { exit_status?: number };
  device?: { name?: string; type?: string };
  model_name?: string;
  smart_status?: { passed?: boolean };
  temperature?: { current?: number };
  power_on_time?: { hours?: number };
  ata_smart_attributes?: { table?: Array<{ id: number; raw?: { value?: number } }> };
  nvme_smart_health_information_log?: { media_errors?: number; temperature?: number; power_on_hours?: number };
}

/** smartctl's exit status bits 0 and 1: bad command line, device could not be opened (no permission, gone). */
const SMARTCTL_NOT_READ = 0b11;

/**
 * One disk from `smartctl --json -i -H -A`: the overall health self-assessment, temperature,
 * reallocated sectors (ATA attribute 5; NVMe: media errors), power-on hours. A disk that could
 * not be read (the monitor lacks the rights, USB bridges without SAT) is `unknown`, not failed.
 */
export function parseSmartctl(json: string, fallbackName = 'disk'): DiskHealth {
  const parsed = JSON.parse(json) as unknown;
  // Typed as smartctl documents it, but every field is checked before use: another version
  // (or a wrapper script) may print something else, and that must read as unknown, not throw.
  const j = (parsed !== null && typeof parsed === 'object' ? parsed : {}) as SmartctlJson;
  const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  const notRead = ((num(j.smartctl?.exit_status) ?? 0) & SMARTCTL_NOT_READ) !== 0;
  const table = Array.isArray(j.ata_smart_attributes?.table) ? j.ata_smart_attributes.table : [];
  const attr = (id: number) => table.find((a) => a?.id === id)?.raw?.value;
  const nvme = j.nvme_smart_health_information_log;
  const passed = j.smart_status?.passed;
  return {
    name: basename(str(j.device?.name) ?? fallbackName),
    model: str(j.model_name) ?? '',
    health: notRead || typeof passed !== 'boolean' ? 'unknown' : passed ? 'passed' : 'failed',
    temperatureC: num(j.temperature?.current) ?? num(nvme?.temperature),
    reallocatedSectors: num(attr(5)) ?? num(nvme?.media_errors),
    powerOnHours: num(j.power_on_time?.hours) ?? num(nvme?.power_on_hours),
  };
}

/**
 * Every disk smartctl finds (`--scan`), each read once. smartctl not installed: no disks (the
 * MIB's hlDiskTable is empty and no alarm is raised); it needs root (or CAP_SYS_RAWIO) to read a
 * disk, otherwise the disk reads `unknown`.
 */
export async function probeDisks(): Promise<DiskHealth[]> {
  const scan = await runCommand('smartctl', ['--scan', '--json'], 5000);
  if (!scan) return [];
  const devices = (JSON.parse(scan.stdout || '{}') as { devices?: Array<{ name: string; type?: string }> }).devices ?? [];
  const out: DiskHealth[] = [];
  for (const d of devices) {
    const r = await runCommand('smartctl', ['--json', '-i', '-H', '-A', ...(d.type ? ['-d', d.type] : []), d.name], 10_000);
    if (!r || r.stdout.trim() === '') {
      out.push({ name: basename(d.name), model: '', health: 'unknown', temperatureC: null, reallocatedSectors: null, powerOnHours: null });
      continue;
    }
    out.push(parseSmartctl(r.stdout, d.name));
  }
  return out;
}

/** SMART failure critical (the disk predicts its own death); too hot major; reallocations beyond the threshold minor. */
export function diskAlarms(disks: readonly DiskHealth[], t: { diskTemperatureCelsius: number; diskReallocatedSectors: number }, at: string): Alarm[] {
  const out: Alarm[] = [];
  for (const d of disks) {
    const src = `host/disk/${d.name}`;
    const what = d.model ? `${d.name} (${d.model})` : d.name;
    if (d.health === 'failed') {
      out.push({
        id: `disk-smart-failed:${d.name}`, severity: 'critical', source: src, raisedAt: at,
        text: { en: `Disk ${what} fails its SMART health check: back up and replace it now`, zh: `硬盘 ${what} SMART 健康检查未通过：请立即备份并更换` },
      });
    }
    if (d.temperatureC !== null && d.temperatureC >= t.diskTemperatureCelsius) {
      out.push({
        id: `disk-temperature:${d.name}`, severity: 'major', source: src, raisedAt: at,
        text: { en: `Disk ${d.name} is at ${d.temperatureC} °C (threshold ${t.diskTemperatureCelsius} °C)`, zh: `硬盘 ${d.name} 温度 ${d.temperatureC} °C（阈值 ${t.diskTemperatureCelsius} °C）` },
      });
    }
    if (d.reallocatedSectors !== null && d.reallocatedSectors >= t.diskReallocatedSectors) {
      out.push({
        id: `disk-reallocated:${d.name}`, severity: 'minor', source: src, raisedAt: at,
        text: { en: `Disk ${d.name} has ${d.reallocatedSectors} reallocated sectors (threshold ${t.diskReallocatedSectors}): it is wearing out`, zh: `硬盘 ${d.name} 已重映射 ${d.reallocatedSectors} 个扇区（阈值 ${t.diskReallocatedSectors}）：硬盘正在老化` },
      });
    }
  }
  return out;
}
