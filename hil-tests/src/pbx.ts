// Starts a real PBX process for an interop test: a temp data dir, a config written
// through the config store (so it passes the same validation as production), a free
// SIP port, and the same entry point pm2 runs. Output is kept for failure messages.
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigStore, type HotlineConfig, type TrunkConfig } from '@hotline/appliance/config';
import { CdrStore, openRecords, type StoredCallRecord } from '@hotline/appliance/records';
import { ControlClient, type PbxStatus } from '@hotline/appliance/control';
import { freePort } from './ports.ts';
import { REPO_ROOT } from './paths.ts';
import { spawnService, waitUntilAnswering } from './service-process.ts';

export { REPO_ROOT };

/** Entry point of the PBX service, as in ecosystem.config.cjs. */
export const PBX_MAIN = join(REPO_ROOT, 'appliance/src/pbx/main.ts');

export type { PbxStatus };

/** One extension of the test PBX. */
export interface HilExtension {
  number: string;
  secret: string;
  callWaiting?: boolean;
}

/** Options of {@link startPbx}. */
export interface StartPbxOptions {
  extensions?: HilExtension[];
  trustedPeers?: Array<{ address: string; name: string }>;
  /** SIP trunks (config `trunks`), e.g. to a sipp playing the carrier. */
  trunks?: TrunkConfig[];
  noAnswerTimeoutSec?: number;
  authFailureLimit?: number;
  banSec?: number;
  /** `rtp.timeoutSec`: seconds without RTP from either phone before the PBX ends the call (schema minimum 5). */
  mediaTimeoutSec?: number;
  /** `rtp.musicOnHold`: absolute paths of 8 kHz WAV files played to a leg whose peer holds. */
  musicOnHold?: string[];
  /** Any other configuration (analog cards, routes...), applied last to the draft. */
  configure?: (draft: HotlineConfig) => void;
  /** Milliseconds to wait for the control socket to answer; 20 s by default (tsx compiles on first start). */
  startTimeoutMs?: number;
}

/** A running PBX under test. */
export interface HilPbx {
  /** SIP port on 127.0.0.1, UDP and TCP. */
  sipPort: number;
  dataDir: string;
  /** SIGTERM, wait for exit (SIGKILL after 10 s), remove the data dir. */
  stop(): Promise<void>;
  status(): Promise<PbxStatus>;
  /** All CDRs the PBX wrote so far, oldest first. */
  cdr(): Promise<StoredCallRecord[]>;
  /** stdout and stderr so far (pino JSON lines). */
  logs(): string;
}

/** The V8 flags production gives the PBX (ecosystem.config.cjs), so tests and benchmarks run it alike. */
function pbxNodeArgs(): string[] {
  const require = createRequire(import.meta.url);
  const eco = require(join(REPO_ROOT, 'ecosystem.config.cjs')) as { PBX_NODE_ARGS: string };
  return eco.PBX_NODE_ARGS.split(/\s+/).filter(Boolean);
}

/** Writes the test configuration into `dataDir` through the config store. */
async function writeConfig(dataDir: string, sipPort: number, opts: StartPbxOptions): Promise<void> {
  const store = await ConfigStore.open({ config: join(dataDir, 'config.json'), configHistory: join(dataDir, 'config-history') });
  await store.update(
    (draft) => {
      draft.sip.bindAddress = '127.0.0.1';
      draft.sip.udpPort = sipPort;
      draft.sip.tcpPort = sipPort;
      // sipp 3.6 and baresip 1.0 answer MD5 challenges only (RFC 2617); the SHA-256
      // path is covered by the unit tests of the authenticator.
      draft.sip.digestAlgorithms = ['MD5'];
      if (opts.noAnswerTimeoutSec !== undefined) draft.sip.noAnswerTimeoutSec = opts.noAnswerTimeoutSec;
      if (opts.trustedPeers) draft.security.trustedPeers = opts.trustedPeers;
      if (opts.trunks) draft.trunks = opts.trunks;
      if (opts.authFailureLimit !== undefined) draft.security.authFailureLimit = opts.authFailureLimit;
      if (opts.banSec !== undefined) draft.security.banSec = opts.banSec;
      if (opts.mediaTimeoutSec !== undefined) draft.rtp.timeoutSec = opts.mediaTimeoutSec;
      if (opts.musicOnHold) draft.rtp.musicOnHold = opts.musicOnHold;
      draft.extensions = (opts.extensions ?? []).map((e) => ({
        number: e.number,
        name: `hil ${e.number}`,
        secret: e.secret,
        maxContacts: 5,
        callWaiting: e.callWaiting ?? false,
      }));
      opts.configure?.(draft);
    },
    { author: 'hil', comment: 'interop test configuration' },
  );
}

/** Starts the PBX with a fresh data dir and waits until its control API answers. */
export async function startPbx(opts: StartPbxOptions = {}): Promise<HilPbx> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hil-pbx-'));
  const sipPort = await freePort();
  await writeConfig(dataDir, sipPort, opts);
  const proc = spawnService(PBX_MAIN, {
    HOTLINE_SERVICE: 'pbx', HOTLINE_DATA_DIR: dataDir, HOTLINE_SIP_PORT: String(sipPort), HOTLINE_SIP_BIND: '127.0.0.1',
  }, pbxNodeArgs());

  const client = new ControlClient(join(dataDir, 'run', 'pbx.sock'));
  try {
    await waitUntilAnswering(proc, 'PBX', () => client.status(), opts.startTimeoutMs ?? 20_000);
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const ready = client;

  let stopped = false;
  return {
    sipPort,
    dataDir,
    logs: () => proc.output(),
    status: () => ready.status(),
    cdr: async () => {
      const db = openRecords(join(dataDir, 'records.db'));
      try {
        return new CdrStore(db).list({ limit: 10_000 }).sort((a, b) => a.id - b.id);
      } finally {
        db.close();
      }
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await proc.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
