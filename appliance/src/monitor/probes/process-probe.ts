import { readdir, readFile } from 'node:fs/promises';
import type { ProcessInfo } from '../snapshot.ts';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ; 100 on every Linux ABI we run on). */
const USER_HZ = 100;
const PAGE_KIB = 4;

/**
 * One /proc/<pid>/stat line (proc(5)): `pid (comm) state ppid ...`. comm may itself hold spaces
 * and parentheses, so the fields after it are found from the last ')'. Undefined when the line is
 * not shaped like that (the process ended while being read).
 */
export function parseProcStat(line: string): { pid: number; comm: string; state: string; ppid: number; cpuCs: number; rssKiB: number } | undefined {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 1 || close < open) return undefined;
  const pid = Number(line.slice(0, open).trim());
  const f = line.slice(close + 2).split(' ');
  // After comm: state(3) ppid(4) ... utime(14) stime(15) ... rss(24); f[0] is field 3.
  if (!Number.isInteger(pid) || f.length < 22) return undefined;
  const utime = Number(f[11]);
  const stime = Number(f[12]);
  const rss = Number(f[21]);
  return {
    pid, comm: line.slice(open + 1, close), state: f[0]!, ppid: Number(f[1]),
    cpuCs: Number.isFinite(utime + stime) ? Math.round(((utime + stime) * 100) / USER_HZ) : 0,
    rssKiB: Number.isFinite(rss) ? rss * PAGE_KIB : 0,
  };
}

/**
 * Running processes from /proc, for hrSWRunTable/hrSWRunPerfTable (RFC 2790): kernel threads
 * (children of kthreadd, pid 2, with no command line) are the operating system's.
 */
export async function probeProcesses(): Promise<ProcessInfo[]> {
  let names: string[];
  try {
    names = (await readdir('/proc')).filter((n) => /^[0-9]+$/.test(n));
  } catch {
    return [];
  }
  const out = await Promise.all(names.map(async (n): Promise<ProcessInfo | undefined> => {
    try {
      const [stat, cmdline] = await Promise.all([readFile(`/proc/${n}/stat`, 'utf8'), readFile(`/proc/${n}/cmdline`, 'utf8').catch(() => '')]);
      const s = parseProcStat(stat);
      if (!s) return undefined;
      const argv = cmdline.split('\0').filter(Boolean);
      return {
        pid: s.pid, name: s.comm, path: argv[0] ?? '', args: argv.slice(1).join(' '),
        kernel: argv.length === 0 && (s.ppid === 2 || s.pid === 2), state: s.state, cpuCs: s.cpuCs, memKiB: s.rssKiB,
      };
    } catch {
      return undefined; // ended while being read
    }
  }));
  return out.filter((p): p is ProcessInfo => p !== undefined).sort((a, b) => a.pid - b.pid);
}
