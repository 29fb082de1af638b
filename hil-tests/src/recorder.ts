// Starts a real recorder process for interop tests: a temp data dir, free SIP and RTP
// ports, the same entry point pm2 runs; restartable on the same data dir (crash tests).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControlClient } from '@hotline/appliance/control';
import { openRecords, RecordingStore, type StoredRecording } from '@hotline/appliance/records';
import type { RecorderStatus } from '@hotline/appliance/recorder';
import { freePort } from './ports.ts';
import { REPO_ROOT } from './paths.ts';
import { spawnService, waitUntilAnswering, type ServiceProcess } from './service-process.ts';

/** Entry point of the recorder service, as in ecosystem.config.cjs. */
export const RECORDER_MAIN = join(REPO_ROOT, 'appliance/src/recorder/main.ts');

/** A running recorder under test. */
export interface HilRecorder {
  sipPort: number;
  dataDir: string;
  recordingsDir: string;
  proc: ServiceProcess;
  status(): Promise<RecorderStatus>;
  /** Index rows, newest first. */
  recordings(): StoredRecording[];
  /** SIGKILL, no cleanup (the crash test). */
  kill(): Promise<void>;
  /** Starts the process again on the same data dir and ports. */
  restart(): Promise<void>;
  /** SIGTERM and remove the data dir. */
  stop(): Promise<void>;
  logs(): string;
}

/** Where the recorder runs: an existing data dir (shared with the PBX and mgmt; then stop() leaves it) and a SIP port chosen beforehand. */
export interface StartRecorderPlace {
  dataDir?: string;
  sipPort?: number;
}

/** Starts the recorder with `env` added (HOTLINE_RECORDER_*). */
export async function startRecorder(env: Record<string, string> = {}, startTimeoutMs = 30_000, place: StartRecorderPlace = {}): Promise<HilRecorder> {
  const dataDir = place.dataDir ?? mkdtempSync(join(tmpdir(), 'hil-recorder-'));
  const sipPort = place.sipPort ?? await freePort();
  const rtpBase = 41000 + 2 * Math.floor(Math.random() * 5000);
  const fullEnv = {
    HOTLINE_DATA_DIR: dataDir, HOTLINE_RECORDER_SIP_PORT: String(sipPort), HOTLINE_RECORDER_BIND: '127.0.0.1',
    HOTLINE_RECORDER_RTP_PORT_MIN: String(rtpBase), HOTLINE_RECORDER_RTP_PORT_MAX: String(rtpBase + 3999), ...env,
  };
  const client = new ControlClient(join(dataDir, 'run', 'recorder.sock'), 5000, 'recorder');
  const status = () => client.call<RecorderStatus>('GET', '/v1/status');
  let proc = spawnService(RECORDER_MAIN, fullEnv);
  await waitUntilAnswering(proc, 'recorder', status, startTimeoutMs);
  const rec: HilRecorder = {
    sipPort, dataDir, recordingsDir: join(dataDir, 'recordings'),
    get proc() { return proc; },
    status,
    recordings: () => {
      const db = openRecords(join(dataDir, 'records.db'));
      try { return new RecordingStore(db).search({ limit: 10_000 }); } finally { db.close(); }
    },
    kill: () => proc.kill(),
    restart: async () => {
      proc = spawnService(RECORDER_MAIN, fullEnv);
      await waitUntilAnswering(proc, 'recorder', status, startTimeoutMs);
    },
    stop: async () => {
      await proc.stop();
      if (!place.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
    logs: () => proc.output(),
  };
  return rec;
}
