import type { TemplateDefinition } from './template-types.ts';

/** Id of the quarterly template shipped with the product (version 1 is inserted on first use). */
export const DEFAULT_TEMPLATE_ID = 'quarterly';

/**
 * The quarterly patrol inspection (季度巡检) of issue 9: the box's own checks, then the machine
 * room. Limits are the usual vendor figures; admins tune them by editing the template.
 */
export const DEFAULT_TEMPLATE: TemplateDefinition = {
  name: { zh: '季度巡检', en: 'Quarterly inspection' },
  sections: [
    {
      id: 'host', title: { zh: '主机', en: 'Host' },
      items: [
        { kind: 'automatic', id: 'cpu-load', label: { zh: 'CPU 负载', en: 'CPU load' }, probe: 'host.cpu-load', unit: '%', threshold: { direction: 'max', warn: 70, fail: 90 } },
        { kind: 'automatic', id: 'memory', label: { zh: '内存使用率', en: 'Memory used' }, probe: 'host.memory-used', unit: '%', threshold: { direction: 'max', warn: 80, fail: 95 } },
        { kind: 'automatic', id: 'disk', label: { zh: '磁盘使用率', en: 'Disk used' }, probe: 'host.disk-used', unit: '%', threshold: { direction: 'max', warn: 80, fail: 90 } },
        { kind: 'automatic', id: 'cpu-temp', label: { zh: 'CPU 温度', en: 'CPU temperature' }, probe: 'host.cpu-temperature', unit: '°C', threshold: { direction: 'max', warn: 75, fail: 90 } },
        { kind: 'automatic', id: 'smart', label: { zh: 'RAID/SMART 磁盘健康', en: 'RAID/SMART disk health' }, probe: 'host.smart' },
        { kind: 'automatic', id: 'firmware', label: { zh: '固件版本', en: 'Firmware version' }, probe: 'firmware.version' },
        { kind: 'automatic', id: 'time-sync', label: { zh: '时间同步', en: 'Time synchronisation' }, probe: 'time.sync' },
      ],
    },
    {
      id: 'telephony', title: { zh: '话务与录音', en: 'Telephony and recording' },
      items: [
        { kind: 'automatic', id: 'services', label: { zh: '服务状态', en: 'Service states' }, probe: 'services.states' },
        { kind: 'automatic', id: 'card-alarms', label: { zh: '板卡告警', en: 'Card alarms' }, probe: 'card.alarms', threshold: { direction: 'max', fail: 1 } },
        { kind: 'automatic', id: 'trunks', label: { zh: '中继状态（未正常数）', en: 'Trunk states (not up)' }, probe: 'trunks.down', threshold: { direction: 'max', fail: 1 } },
        { kind: 'automatic', id: 'recorder-writing', label: { zh: '录音写入（距最近一次）', en: 'Recorder writing (since last file)' }, probe: 'recorder.last-write-age', unit: 'h', threshold: { direction: 'max', warn: 24, fail: 72 } },
        { kind: 'automatic', id: 'recorder-headroom', label: { zh: '录音盘剩余空间', en: 'Recording disk headroom' }, probe: 'recorder.free-space', unit: 'GB', threshold: { direction: 'min', warn: 50, fail: 10 } },
      ],
    },
    {
      id: 'data-security', title: { zh: '备份与安全', en: 'Backups and security' },
      items: [
        { kind: 'automatic', id: 'backup-age', label: { zh: '最近成功备份', en: 'Last good backup' }, probe: 'backup.last-age', unit: 'h', threshold: { direction: 'max', warn: 26, fail: 170 } },
        { kind: 'automatic', id: 'test-restore', label: { zh: '恢复测试', en: 'Test restore' }, probe: 'backup.test-restore' },
        { kind: 'automatic', id: 'cert-expiry', label: { zh: '证书到期（剩余天数）', en: 'Certificate expiry (days left)' }, probe: 'tls.cert-days-left', unit: 'd', threshold: { direction: 'min', warn: 30, fail: 7 } },
        { kind: 'automatic', id: 'stale-passwords', label: { zh: '长期未改密码的账户', en: 'Accounts without recent password change' }, probe: 'accounts.stale-passwords', threshold: { direction: 'max', warn: 1 } },
        { kind: 'automatic', id: 'failed-logins', label: { zh: '登录失败次数（7 天）', en: 'Failed logins (7 days)' }, probe: 'logins.failed', threshold: { direction: 'max', warn: 10, fail: 50 } },
      ],
    },
    {
      id: 'room', title: { zh: '机房环境', en: 'Machine room' },
      items: [
        { kind: 'manual', id: 'room-temp', label: { zh: '机房温度', en: 'Room temperature' }, unit: '°C', expected: { zh: '18–27 °C', en: '18–27 °C' }, guidance: { zh: '在机柜前门处测量', en: 'Measure at the rack front door' } },
        { kind: 'manual', id: 'room-humidity', label: { zh: '机房湿度', en: 'Room humidity' }, unit: '%', expected: { zh: '40–60 %RH', en: '40–60 %RH' } },
        { kind: 'manual', id: 'ups-test', label: { zh: 'UPS 切换测试', en: 'UPS transfer test' }, expected: { zh: '断市电后设备不掉电，电池告警正常', en: 'Box stays up on mains cut; battery alarm works' } },
        { kind: 'manual', id: 'fans-dust', label: { zh: '风扇与积尘', en: 'Fans and dust' }, expected: { zh: '风扇全部运转，无明显积尘', en: 'All fans turning, no visible dust' } },
        { kind: 'manual', id: 'cabling', label: { zh: '线缆与标签', en: 'Cabling and labels' }, expected: { zh: '线缆整齐牢固，标签清晰完整', en: 'Cables tidy and secure, labels legible' } },
        { kind: 'manual', id: 'grounding', label: { zh: '接地', en: 'Grounding' }, expected: { zh: '接地电阻 < 4 Ω，连接牢固', en: 'Earth resistance < 4 Ω, connections tight' }, unit: 'Ω' },
        { kind: 'manual', id: 'spares', label: { zh: '备品备件', en: 'Spare parts' }, expected: { zh: '备件齐全并登记', en: 'Spares complete and logged' } },
        { kind: 'manual', id: 'access-log', label: { zh: '机房出入登记', en: 'Room access log' }, expected: { zh: '出入记录完整', en: 'Access log complete' } },
      ],
    },
  ],
};
