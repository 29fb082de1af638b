import { uptime } from 'node:os';
import si from 'systeminformation';
import type { HostState } from '../snapshot.ts';
import { probeProcesses } from './process-probe.ts';

/** File systems that are not disks: memory-backed, images, container layers. */
const PSEUDO_FS = /^(tmpfs|devtmpfs|overlay|squashfs|ramfs|proc|sysfs|cgroup2?|nsfs|efivarfs)$/;

/**
 * Host metrics through systeminformation (the design card's choice). Temperatures are often
 * unreadable (virtual machines, no hwmon driver): null then, never an error.
 */
export async function probeHost(): Promise<HostState> {
  const [load, mem, fs, temp, processes] = await Promise.all([
    si.currentLoad(), si.mem(), si.fsSize(), si.cpuTemperature().catch(() => undefined), probeProcesses(),
  ]);
  const temps = [temp?.main, temp?.max, ...(temp?.cores ?? [])].filter((t): t is number => typeof t === 'number' && Number.isFinite(t) && t > 0);
  const seen = new Set<string>();
  return {
    cpuLoadPercent: load.currentLoad,
    coreLoadPercent: load.cpus.map((c) => Math.round(c.load)),
    // "used" without buffers and page cache: what applications hold.
    memTotalBytes: mem.total,
    memUsedBytes: mem.active,
    swapTotalBytes: mem.swaptotal,
    swapUsedBytes: mem.swapused,
    filesystems: fs
      .filter((d) => d.size > 0 && !PSEUDO_FS.test(d.type))
      // Bind mounts repeat a device; the first mount point stands for it.
      .filter((d) => (seen.has(d.fs) ? false : (seen.add(d.fs), true)))
      .map((d) => ({ mount: d.mount, device: d.fs, type: d.type, sizeBytes: d.size, usedBytes: d.used })),
    temperatureC: temps.length > 0 ? Math.max(...temps) : null,
    processes: processes.length,
    processList: processes,
    uptimeSec: Math.round(uptime()),
  };
}
