import type { ProbeSources } from '../../src/maintenance/inspection/probes.ts';

/** Probe sources with fixed readings; tests override single fields. */
export function fakeProbes(over: Partial<ProbeSources> = {}): ProbeSources {
  return {
    now: () => Date.parse('2026-11-30T08:00:00Z'),
    version: '0.1.0',
    host: async () => ({ cpuLoadPercent: 12.34, memoryUsedPercent: 50, disks: [{ mount: '/', usedPercent: 40 }, { mount: '/var', usedPercent: 85 }], cpuTemperatureC: null, smart: [] }),
    pbx: async () => ({ startedAt: '', listening: [], registrations: [], activeCalls: [], counters: {}, configVersion: 1, trunks: [{ name: 'ct', host: 'h', port: 5060, transport: 'udp', state: 'up', since: '' }] }),
    timeSync: async () => 'synced',
    certificateValidTo: async () => Date.parse('2027-01-10T00:00:00Z'),
    accounts: () => [{ username: 'admin', passwordChangedAt: Date.parse('2026-11-01T00:00:00Z') }, { username: 'old', passwordChangedAt: Date.parse('2026-01-01T00:00:00Z') }],
    loginFailuresSince: () => 3,
    recordings: async () => ({ newestWriteAt: Date.parse('2026-11-30T06:00:00Z'), freeBytes: 120e9 }),
    ...over,
  };
}

/** A real 1×1 PNG (the signature PDF embeds it, so it must decode). */
export const TINY_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
