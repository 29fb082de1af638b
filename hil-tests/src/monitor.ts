// Starts a real monitor process for an interop test: a temp data dir, a config written through
// the config store, and the same entry point pm2 runs. Its control socket says when it is ready.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigStore, type HotlineConfig } from '@hotline/appliance/config';
import { ControlClient } from '@hotline/appliance/control';
import type { MonitorStatus } from '@hotline/appliance/monitor';
import { REPO_ROOT } from './paths.ts';
import { spawnService, waitUntilAnswering } from './service-process.ts';

/** Entry point of the monitor service, as in ecosystem.config.cjs. */
export const MONITOR_MAIN = join(REPO_ROOT, 'appliance/src/monitor/main.ts');

/** A running monitor under test. */
export interface HilMonitor {
  dataDir: string;
  status(): Promise<MonitorStatus>;
  /** Changes the configuration through the store, then has the monitor reload it (as mgmt does). */
  reconfigure(change: (draft: HotlineConfig) => void): Promise<MonitorStatus>;
  logs(): string;
  stop(): Promise<void>;
}

/**
 * Starts the monitor configured by `configure`, in a fresh data dir, or in `sharedDataDir` (a
 * running PBX's, so it watches that PBX; the dir then belongs to its owner and is not removed).
 * Waits for its control API, which answers after the first poll.
 */
export async function startMonitor(configure: (draft: HotlineConfig) => void, startTimeoutMs = 20_000, sharedDataDir?: string): Promise<HilMonitor> {
  const dataDir = sharedDataDir ?? mkdtempSync(join(tmpdir(), 'hil-monitor-'));
  const cleanup = () => {
    if (!sharedDataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  const store = await ConfigStore.open({ config: join(dataDir, 'config.json'), configHistory: join(dataDir, 'config-history') });
  await store.update(configure, { author: 'hil', comment: 'monitor test configuration' });
  // No PBX, mgmt or analog gateway runs in this data dir: the monitor reports them as not responding.
  const proc = spawnService(MONITOR_MAIN, { HOTLINE_SERVICE: 'monitor', HOTLINE_DATA_DIR: dataDir, HOTLINE_MGMT_HTTP_PORT: '0' });
  const client = new ControlClient(join(dataDir, 'run', 'monitor.sock'), 10_000, 'monitor');
  const status = () => client.call<MonitorStatus>('GET', '/v1/status');
  try {
    await waitUntilAnswering(proc, 'monitor', status, startTimeoutMs);
  } catch (err) {
    cleanup();
    throw err;
  }
  let stopped = false;
  return {
    dataDir,
    status,
    async reconfigure(change) {
      await store.reload();
      await store.update(change, { author: 'hil', comment: 'monitor test change' });
      await client.reloadConfig();
      return status();
    },
    logs: () => proc.output(),
    async stop() {
      if (stopped) return;
      stopped = true;
      await proc.stop();
      cleanup();
    },
  };
}
