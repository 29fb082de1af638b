import type { AnalogStatus } from '../../analog/analog-status.ts';
import type { PbxStatus } from '../../control/index.ts';
import type { BackupStatusSource } from '../backup-status.ts';
import type { Bilingual } from '../text.ts';
import type { ItemStatus } from './template-types.ts';

/** Host readings a probe run needs; one `host()` call serves every host item of a run. */
export interface HostReadings {
  cpuLoadPercent: number;
  memoryUsedPercent: number;
  disks: Array<{ mount: string; usedPercent: number }>;
  /** Main CPU package temperature; null where the board exposes no sensor (VMs). */
  cpuTemperatureC: number | null;
  /** SMART overall status per physical disk ('Ok', 'Predicted Failure', 'unknown'); empty when none is readable. */
  smart: Array<{ device: string; status: string }>;
}

/** Time synchronisation as the OS reports it. */
export type TimeSyncState = 'synced' | 'unsynced' | 'unknown';

/** Everything the automatic items read. I/O injected (STYLE.md §5): tests pass fakes. */
export interface ProbeSources {
  now(): number;
  /** Product version (the firmware of this box). */
  version: string;
  host(): Promise<HostReadings>;
  /** PBX status through its control socket; undefined when the PBX does not answer. */
  pbx(): Promise<PbxStatus | undefined>;
  /** Analog gateway status; undefined when it does not answer. Absent: no gateway in this setup. */
  analog?: () => Promise<AnalogStatus | undefined>;
  /** Absent until the backup service is wired in: the backup items read `na`. */
  backups?: BackupStatusSource;
  timeSync(): Promise<TimeSyncState>;
  /** Expiry (epoch ms) of the management TLS certificate; undefined when there is none. */
  certificateValidTo(): Promise<number | undefined>;
  /** Management accounts and when each last changed its password (epoch ms). */
  accounts(): Array<{ username: string; passwordChangedAt: number }>;
  /** Failed management logins at or after `since`. */
  loginFailuresSince(since: number): number;
  /** The recordings folder: newest file write and free bytes of its file system (null: no folder). */
  recordings(): Promise<{ newestWriteAt: number | null; freeBytes: number | null }>;
}

/**
 * A probe's answer. Numeric probes return a number (or null: not measurable) and the item's
 * threshold judges it; text probes return text and judge themselves (`status`).
 */
export interface ProbeReading {
  value: number | string | null;
  status?: ItemStatus;
  detail?: Bilingual;
}

/** One probe of the catalogue. */
export interface ProbeDef {
  label: Bilingual;
  /** Numeric probes are judged by thresholds and drawn as trends. */
  numeric: boolean;
  unit?: string;
  run(src: ProbeSources): Promise<ProbeReading>;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Password age beyond which an account is listed (the usual 90-day rotation policy). */
export const PASSWORD_MAX_AGE_DAYS = 90;
/** Window of the failed-login count. */
export const FAILED_LOGIN_WINDOW_DAYS = 7;

const round1 = (v: number) => Math.round(v * 10) / 10;
const na = (en: string, zh: string): ProbeReading => ({ value: null, status: 'na', detail: { en, zh } });

/** The probe catalogue by id: the ids are what templates name in `probe` (API contract). */
export const PROBES: Readonly<Record<string, ProbeDef>> = {
  'host.cpu-load': {
    label: { en: 'CPU load', zh: 'CPU 负载' }, numeric: true, unit: '%',
    async run(src) { return { value: round1((await src.host()).cpuLoadPercent) }; },
  },
  'host.memory-used': {
    label: { en: 'Memory used', zh: '内存使用率' }, numeric: true, unit: '%',
    async run(src) { return { value: round1((await src.host()).memoryUsedPercent) }; },
  },
  'host.disk-used': {
    label: { en: 'Fullest disk', zh: '磁盘最高使用率' }, numeric: true, unit: '%',
    async run(src) {
      const disks = (await src.host()).disks;
      if (disks.length === 0) return na('no disk reported', '未读到磁盘');
      const top = disks.reduce((a, b) => (b.usedPercent > a.usedPercent ? b : a));
      return { value: round1(top.usedPercent), detail: { en: `mount ${top.mount}`, zh: `挂载点 ${top.mount}` } };
    },
  },
  'host.cpu-temperature': {
    label: { en: 'CPU temperature', zh: 'CPU 温度' }, numeric: true, unit: '°C',
    async run(src) {
      const t = (await src.host()).cpuTemperatureC;
      return t === null ? na('no temperature sensor readable', '无法读取温度传感器') : { value: round1(t) };
    },
  },
  'host.smart': {
    label: { en: 'Disk health (SMART/RAID)', zh: '磁盘健康（SMART/RAID）' }, numeric: false,
    async run(src) {
      const smart = (await src.host()).smart;
      const known = smart.filter((d) => d.status && d.status.toLowerCase() !== 'unknown');
      if (known.length === 0) return na('SMART status not readable', '无法读取 SMART 状态');
      const bad = known.filter((d) => d.status.toLowerCase() !== 'ok');
      const text = known.map((d) => `${d.device}: ${d.status}`).join(', ');
      return { value: text, status: bad.length > 0 ? 'fail' : 'pass' };
    },
  },
  'services.states': {
    label: { en: 'Service states', zh: '服务状态' }, numeric: false,
    async run(src) {
      const [pbx, analog] = await Promise.all([src.pbx(), src.analog ? src.analog() : Promise.resolve(null)]);
      const parts = [`pbx: ${pbx ? 'running' : 'down'}`];
      if (analog !== null) parts.push(`analog: ${analog ? 'running' : 'down'}`);
      const down = !pbx || analog === undefined;
      return { value: parts.join(', '), status: down ? 'fail' : 'pass' };
    },
  },
  'card.alarms': {
    label: { en: 'Card alarms', zh: '板卡告警' }, numeric: true,
    async run(src) {
      if (!src.analog) return { value: 0, detail: { en: 'no analog gateway', zh: '无模拟网关' } };
      const st = await src.analog();
      if (!st) return na('analog gateway not answering', '模拟网关无响应');
      if (st.card.state === 'none') return { value: 0, detail: { en: 'no card configured', zh: '未配置板卡' } };
      return { value: st.alarms.length, detail: st.alarms.length ? { en: st.alarms.map((a) => a.text.en).join('; '), zh: st.alarms.map((a) => a.text.zh).join('；') } : undefined };
    },
  },
  'trunks.down': {
    label: { en: 'Trunks not up', zh: '未正常的中继' }, numeric: true,
    async run(src) {
      const pbx = await src.pbx();
      if (!pbx) return na('PBX not answering', '交换机无响应');
      const down = (pbx.trunks ?? []).filter((t) => t.state !== 'up');
      return { value: down.length, detail: down.length ? { en: down.map((t) => `${t.name} ${t.state}`).join(', '), zh: down.map((t) => `${t.name} ${t.state}`).join('，') } : undefined };
    },
  },
  'recorder.last-write-age': {
    label: { en: 'Hours since the last recording was written', zh: '距最近一次录音写入（小时）' }, numeric: true, unit: 'h',
    async run(src) {
      const r = await src.recordings();
      if (r.newestWriteAt === null) return na('no recording written yet', '尚无录音文件');
      return { value: round1((src.now() - r.newestWriteAt) / HOUR) };
    },
  },
  'recorder.free-space': {
    label: { en: 'Free space for recordings', zh: '录音盘剩余空间' }, numeric: true, unit: 'GB',
    async run(src) {
      const r = await src.recordings();
      return r.freeBytes === null ? na('recordings folder not found', '未找到录音目录') : { value: round1(r.freeBytes / 1e9) };
    },
  },
  'backup.last-age': {
    label: { en: 'Hours since the last good backup', zh: '距上次成功备份（小时）' }, numeric: true, unit: 'h',
    async run(src) {
      if (!src.backups) return na('backup status not available', '备份状态不可用');
      const st = await src.backups.status();
      if (st.lastSuccessAt === null) return { value: null, status: 'fail', detail: { en: 'no backup has ever succeeded', zh: '从未成功备份' } };
      return { value: round1((src.now() - st.lastSuccessAt) / HOUR), detail: st.lastResult === 'failed' ? { en: 'the latest attempt failed', zh: '最近一次备份失败' } : undefined };
    },
  },
  'backup.test-restore': {
    label: { en: 'Test restore', zh: '恢复测试' }, numeric: false,
    async run(src) {
      if (!src.backups) return na('backup status not available', '备份状态不可用');
      const t = (await src.backups.status()).lastTestRestore;
      if (!t) return { value: 'never run', status: 'warn', detail: { en: 'no test restore has run', zh: '尚未做过恢复测试' } };
      const when = new Date(t.at).toISOString().slice(0, 10);
      return { value: `${t.ok ? 'ok' : 'failed'} (${when})`, status: t.ok ? 'pass' : 'fail', detail: t.detail ? { en: t.detail, zh: t.detail } : undefined };
    },
  },
  'time.sync': {
    label: { en: 'Time synchronisation', zh: '时间同步' }, numeric: false,
    async run(src) {
      const s = await src.timeSync();
      return { value: s, status: s === 'synced' ? 'pass' : s === 'unsynced' ? 'fail' : 'na' };
    },
  },
  'tls.cert-days-left': {
    label: { en: 'Days until the management certificate expires', zh: '管理证书剩余有效天数' }, numeric: true, unit: 'd',
    async run(src) {
      const to = await src.certificateValidTo();
      return to === undefined ? na('no management certificate', '无管理证书') : { value: Math.floor((to - src.now()) / DAY) };
    },
  },
  'accounts.stale-passwords': {
    label: { en: `Accounts without a password change in ${PASSWORD_MAX_AGE_DAYS} days`, zh: `${PASSWORD_MAX_AGE_DAYS} 天未改密码的账户` }, numeric: true,
    async run(src) {
      const limit = src.now() - PASSWORD_MAX_AGE_DAYS * DAY;
      const stale = src.accounts().filter((a) => a.passwordChangedAt < limit).map((a) => a.username);
      return { value: stale.length, detail: stale.length ? { en: stale.join(', '), zh: stale.join('，') } : undefined };
    },
  },
  'logins.failed': {
    label: { en: `Failed logins in the last ${FAILED_LOGIN_WINDOW_DAYS} days`, zh: `近 ${FAILED_LOGIN_WINDOW_DAYS} 天登录失败次数` }, numeric: true,
    async run(src) { return { value: src.loginFailuresSince(src.now() - FAILED_LOGIN_WINDOW_DAYS * DAY) }; },
  },
  'firmware.version': {
    label: { en: 'Firmware (product) version', zh: '固件（产品）版本' }, numeric: false,
    async run(src) { return { value: src.version, status: 'pass' }; },
  },
};

/** Known probe ids, for template validation. */
export const PROBE_IDS: readonly string[] = Object.keys(PROBES);
