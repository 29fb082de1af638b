import { readFile } from 'node:fs/promises';
import type { Alarm } from '../../alarms/index.ts';
import type { RaidArray } from '../health-state.ts';

/**
 * Parses /proc/mdstat (drivers/md/md.c, md_seq_show): per array a line
 * `md0 : active raid1 sdb1[1] sda1[0](F)`, then its size line ending in `[2/1] [U_]` for
 * redundant levels, then optionally a progress line `[==>...]  recovery = 17.5% (…)`
 * (also resync, reshape, check). Arrays without the `[n/m]` part (raid0, linear) cannot degrade.
 */
export function parseMdstat(text: string): RaidArray[] {
  const out: RaidArray[] = [];
  let cur: RaidArray | undefined;
  for (const line of text.split('\n')) {
    const head = /^(md\S*)\s*:\s*(active|inactive)(?:\s+\([^)]*\))*\s*(\S+)?\s*(.*)$/.exec(line);
    if (head) {
      const [, name, activity, maybeLevel, rest] = head;
      // An inactive array lists no level: its first word is already a member.
      const hasLevel = maybeLevel !== undefined && /^(raid\d+|linear|multipath|faulty)$/.test(maybeLevel);
      const members = ((hasLevel ? rest : `${maybeLevel ?? ''} ${rest}`) ?? '').trim().split(/\s+/).filter(Boolean);
      cur = {
        name: name!, level: hasLevel ? maybeLevel! : 'unknown', state: activity === 'inactive' ? 'inactive' : 'clean',
        devices: members.length, activeDevices: members.filter((m) => !m.endsWith('(F)') && !m.endsWith('(S)')).length,
        failedMembers: members.filter((m) => m.endsWith('(F)')).map((m) => m.replace(/\[\d+\]\(F\)$/, '')),
      };
      out.push(cur);
      continue;
    }
    if (!cur || !/^\s/.test(line)) {
      if (line.trim() === '') cur = undefined;
      continue;
    }
    const slots = /\[(\d+)\/(\d+)\]\s*\[[U_]+\]/.exec(line);
    if (slots) {
      cur.devices = Number(slots[1]);
      cur.activeDevices = Number(slots[2]);
      // The member count decides: a later line (mdstat has one, garbage may have more) overrides.
      if (cur.state !== 'inactive') cur.state = cur.activeDevices < cur.devices ? 'degraded' : 'clean';
    }
    const progress = /\b(recovery|resync|reshape)\s*=\s*([\d.]+)%/.exec(line);
    if (progress) {
      cur.rebuildPercent = Number(progress[2]);
      // A member being rebuilt: still without full redundancy, but on its way back. A resync of a
      // complete array (after an unclean shutdown) keeps it clean.
      if (cur.state === 'degraded') cur.state = 'rebuilding';
    }
  }
  return out;
}

/** The arrays of this machine; no md driver loaded (no /proc/mdstat): none. */
export async function probeRaid(path = '/proc/mdstat'): Promise<RaidArray[]> {
  try {
    return parseMdstat(await readFile(path, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/**
 * `raid-degraded:<md>` major while an array lacks a member (one more disk lost is data lost),
 * rebuilding or not: the rebuild may still fail. The text gives the progress.
 */
export function raidAlarms(arrays: readonly RaidArray[], at: string): Alarm[] {
  const out: Alarm[] = [];
  for (const a of arrays) {
    if (a.state === 'clean') continue;
    const failed = a.failedMembers.length > 0 ? `; failed: ${a.failedMembers.join(', ')}` : '';
    const failedZh = a.failedMembers.length > 0 ? `；故障成员：${a.failedMembers.join('、')}` : '';
    const rebuild = a.state === 'rebuilding' ? `, rebuilding (${a.rebuildPercent ?? 0}%)` : '; replace the failed disk';
    const rebuildZh = a.state === 'rebuilding' ? `，正在重建（${a.rebuildPercent ?? 0}%）` : '；请更换故障硬盘';
    out.push({
      id: `raid-degraded:${a.name}`, severity: 'major', source: `host/raid/${a.name}`, raisedAt: at,
      text: a.state === 'inactive'
        ? { en: `RAID array ${a.name} is inactive: its file systems are not available`, zh: `RAID 阵列 ${a.name} 未激活：其上的文件系统不可用` }
        : {
          en: `RAID array ${a.name} (${a.level}) is degraded: ${a.activeDevices} of ${a.devices} members in sync${failed}${rebuild}`,
          zh: `RAID 阵列 ${a.name}（${a.level}）已降级：${a.devices} 个成员中 ${a.activeDevices} 个同步${failedZh}${rebuildZh}`,
        },
    });
  }
  return out;
}
