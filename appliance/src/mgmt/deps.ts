import type { ConfigStore } from '../config/index.ts';
import type { PbxStatus } from '../control/index.ts';
import type { AnalogControl } from '../analog/analog-client.ts';
import type { BackupStatusSource, ProbeSources } from '../maintenance/index.ts';
import type { RecordsDb } from '../records/index.ts';
import type { BackupService } from '../backup/index.ts';
import type { ScryptParams } from './auth/password-hash.ts';

/** What mgmt needs of the PBX control API; `ControlClient` satisfies it, tests pass a fake. */
export interface PbxControl {
  status(): Promise<PbxStatus>;
  reloadConfig(): Promise<{ configVersion: number }>;
  /** Any other control route (the call center's); ControlClient.call. */
  call?<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T>;
  /** A streaming control route (the CTI events); ControlClient.follow. */
  follow?(path: string, onEvent: (e: unknown) => void, onClose: (err?: Error) => void): { close(): void };
}

/** What mgmt needs of the monitor's control API (`var/run/monitor.sock`): a reload after a config change. */
export interface MonitorControl {
  reloadConfig(): Promise<{ configVersion: number }>;
}

/** What mgmt needs of the recorder's control API (`ControlClient` on `<data>/run/recorder.sock`); tests may pass a fake. */
export interface RecorderControl {
  call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T>;
  /** A binary streaming route (`/v1/live?id=`: live listen frames); ControlClient.openBinary. */
  openBinary(path: string, on: { onOpen(): void; onChunk(b: Buffer): void; onClose(err?: Error): void }): { close(): void };
}

/** Host metrics for the dashboard. */
export interface HostSnapshot {
  hostname: string;
  uptimeSec: number;
  cpu: { loadPercent: number; cores: number };
  memory: { totalBytes: number; usedBytes: number };
  disks: Array<{ mount: string; totalBytes: number; usedBytes: number }>;
}

/** Source of host metrics; `systemInfoSource()` reads systeminformation, tests pass a fake. */
export interface SystemInfoSource {
  snapshot(): Promise<HostSnapshot>;
}

/** A certificate and its key, PEM. */
export interface CertificatePair {
  certPem: string;
  keyPem: string;
}

/** Everything the management app is built from. I/O and time are injected (STYLE.md §5). */
export interface MgmtDeps {
  config: ConfigStore;
  records: RecordsDb;
  pbx: PbxControl;
  /** The analog gateway's control API (cards, ports); absent in tests that do not need it. */
  analog?: AnalogControl;
  /** The monitor's control API, asked to reload after a change (SNMP settings, thresholds); absent in tests that do not need it. */
  monitor?: MonitorControl;
  system: SystemInfoSource;
  /** Epoch ms. */
  now: () => number;
  /** Appliance release shown in the summary. */
  version: string;
  /** scrypt cost; tests pass a cheap one. */
  scrypt?: ScryptParams;
  /** Directory of `cert.pem`/`key.pem`; certificate upload is refused without it. */
  tlsDir?: string;
  /** Called after an uploaded certificate was stored, so the HTTPS server swaps it in. */
  onCertificateChanged?: (pair: CertificatePair) => void;
  /** Backups and restores of this box's data directory; the backup routes answer 404 without it. */
  backups?: BackupService;
  /** Live-state polling period (ms, default 1000) and ping period (ms, default 20000). */
  livePollMs?: number;
  livePingMs?: number;
  /** `<data>/inspections`: inspection photos; photo upload is refused without it. */
  inspectionsDir?: string;
  /** `<data>/prompts`, the folder the PBX plays prompts from; the prompt routes answer 404 without it. */
  promptsDir?: string;
  /** `<data>/voicemail`, where the PBX stores voicemail messages; the voicemail routes answer 404 without it. */
  voicemailDir?: string;
  /** The recorder's folder (`<data>/recordings` or HOTLINE_RECORDER_DIR): inspection items and the recordings routes read it. */
  recordingsDir?: string;
  /** The recorder's control API: active recordings and live listen; absent, the page lists no live calls. */
  recorder?: RecorderControl;
  /** The recorder's AES-256-GCM key file (HOTLINE_RECORDER_KEY_FILE), to play encrypted recordings; absent: they are refused. */
  recorderKeyFile?: string;
  /** Backup state for the inspection items; default: read from `backups` when present, else those items read "not available". */
  backupStatus?: BackupStatusSource;
  /** Inspection probe sources; default: this host, the control sockets and records.db. Tests pass fakes. */
  probes?: ProbeSources;
}
