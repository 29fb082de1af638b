import { hostname, uptime } from 'node:os';
import si from 'systeminformation';
import type { HostSnapshot, SystemInfoSource } from './deps.ts';

/** Host metrics from systeminformation (the design card's choice); pseudo file systems left out. */
export function systemInfoSource(): SystemInfoSource {
  return {
    async snapshot(): Promise<HostSnapshot> {
      const [load, mem, fs] = await Promise.all([si.currentLoad(), si.mem(), si.fsSize()]);
      return {
        hostname: hostname(),
        uptimeSec: Math.round(uptime()),
        cpu: { loadPercent: Math.round(load.currentLoad * 10) / 10, cores: load.cpus.length },
        // "used" without buffers/cache: what applications hold, the figure an operator means.
        memory: { totalBytes: mem.total, usedBytes: mem.active },
        disks: fs.filter((d) => d.size > 0 && !/^(tmpfs|devtmpfs|overlay|squashfs)$/.test(d.type)).map((d) => ({ mount: d.mount, totalBytes: d.size, usedBytes: d.used })),
      };
    },
  };
}
