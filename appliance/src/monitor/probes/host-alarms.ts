import type { Alarm } from '../../alarms/index.ts';
import type { MonitorThresholds } from '../../config/index.ts';
import type { HostState } from '../snapshot.ts';

/** Polls in a row the CPU must stay above its threshold: a burst (a backup, a report) is no alarm. */
export const CPU_POLLS_BEFORE_ALARM = 3;

/** Percent used of a file system, rounded. */
export function diskUsedPercent(f: { sizeBytes: number; usedBytes: number }): number {
  return f.sizeBytes > 0 ? Math.round((f.usedBytes / f.sizeBytes) * 100) : 0;
}

/**
 * Alarms derived from host metrics against the configured thresholds. `cpuHighPolls` is how many
 * polls in a row (including this one) the CPU load has been above its threshold; the caller keeps
 * that count. `raisedAt` is the poll time: the monitor only learns of the condition then.
 */
export function hostAlarms(h: HostState, t: Required<MonitorThresholds>, cpuHighPolls: number, at: string): Alarm[] {
  const out: Alarm[] = [];
  for (const f of h.filesystems) {
    const used = diskUsedPercent(f);
    if (used >= t.diskUsedPercent) {
      out.push({
        id: `disk-usage:${f.mount}`, severity: used >= 98 ? 'critical' : 'major', source: `host/fs${f.mount === '/' ? '' : f.mount}`, raisedAt: at,
        text: {
          en: `File system ${f.mount} is ${used}% full (threshold ${t.diskUsedPercent}%): recordings, CDRs and logs stop being written when it fills`,
          zh: `文件系统 ${f.mount} 已用 ${used}%（阈值 ${t.diskUsedPercent}%）：写满后录音、话单和日志将无法写入`,
        },
      });
    }
  }
  const memUsed = h.memTotalBytes > 0 ? Math.round((h.memUsedBytes / h.memTotalBytes) * 100) : 0;
  if (memUsed >= t.memoryUsedPercent) {
    out.push({
      id: 'memory-usage', severity: 'major', source: 'host/memory', raisedAt: at,
      text: { en: `Memory is ${memUsed}% used (threshold ${t.memoryUsedPercent}%)`, zh: `内存已用 ${memUsed}%（阈值 ${t.memoryUsedPercent}%）` },
    });
  }
  if (cpuHighPolls >= CPU_POLLS_BEFORE_ALARM) {
    out.push({
      id: 'cpu-load', severity: 'minor', source: 'host/cpu', raisedAt: at,
      text: { en: `Processor load is above ${t.cpuLoadPercent}%: call setup and media may be delayed`, zh: `处理器负载超过 ${t.cpuLoadPercent}%：呼叫建立和话音可能延迟` },
    });
  }
  if (h.temperatureC !== null && h.temperatureC >= t.temperatureCelsius) {
    out.push({
      id: 'temperature', severity: 'major', source: 'host/cpu', raisedAt: at,
      text: { en: `Processor temperature ${Math.round(h.temperatureC)} °C (threshold ${t.temperatureCelsius} °C): check the machine-room cooling`, zh: `处理器温度 ${Math.round(h.temperatureC)} °C（阈值 ${t.temperatureCelsius} °C）：请检查机房散热` },
    });
  }
  return out;
}
