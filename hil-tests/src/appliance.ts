// Starts the appliance for a browser test: the real PBX (see pbx.ts) and the real mgmt
// service on the same temp data dir, mgmt's plain-HTTP loopback port on a free port.
// First start creates the admin with a one-time password (printed once, as `npm start`
// does); the test signs in with it like an installer reading it off the console.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort } from './ports.ts';
import { spawnService } from './service-process.ts';
import { REPO_ROOT, startPbx, type HilPbx, type StartPbxOptions } from './pbx.ts';

/** Entry point of the mgmt service, as in ecosystem.config.cjs. */
export const MGMT_MAIN = join(REPO_ROOT, 'appliance/src/mgmt/main.ts');

/** The built UI the mgmt service serves. */
export const UI_DIST = join(REPO_ROOT, 'mgmt-ui/dist');

/** A running PBX plus mgmt service under test. */
export interface HilAppliance {
  pbx: HilPbx;
  /** `http://127.0.0.1:<port>` of the mgmt service. */
  baseUrl: string;
  /** The first admin's one-time password, as first start prints it. */
  adminPassword: string;
  /** Stops mgmt, then the PBX (which removes the data dir). */
  stop(): Promise<void>;
  /** mgmt's stdout and stderr so far. */
  logs(): string;
}

/** Options of {@link startAppliance}: those of the PBX plus the mgmt start timeout. */
export interface StartApplianceOptions extends StartPbxOptions {
  mgmtStartTimeoutMs?: number;
}

/** Entry of the first-admin step `npm start` runs before the services (ensureFirstAdmin). */
export const FIRST_ADMIN_MODULE = join(REPO_ROOT, 'appliance/src/mgmt/first-admin.ts');

/**
 * Creates the first admin in `dataDir` the way first start does, in a child process (the
 * same boundary as the installer: the password is printed once on stdout), and returns it.
 */
export async function createFirstAdmin(dataDir: string): Promise<string> {
  const code = `const m = await import(${JSON.stringify(pathToFileURL(FIRST_ADMIN_MODULE).href)}); process.stdout.write(JSON.stringify(await m.ensureFirstAdmin()));`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: REPO_ROOT,
    env: { ...process.env, HOTLINE_DATA_DIR: dataDir, HOTLINE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const code_ = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  const parsed = code_ === 0 ? (JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { created?: boolean; password?: string }) : {};
  if (!parsed.created || !parsed.password) throw new Error(`first admin was not created (exit ${code_}): ${out}\n${err}`);
  return parsed.password;
}

/** Starts PBX and mgmt on one fresh data dir and waits until mgmt answers HTTP. */
export async function startAppliance(opts: StartApplianceOptions = {}): Promise<HilAppliance> {
  if (!existsSync(join(UI_DIST, 'index.html'))) throw new Error(`the UI is not built (${UI_DIST}): run npm run build:ui`);
  const pbx = await startPbx(opts);
  const httpPort = await freePort();
  const httpsPort = await freePort();
  let adminPassword: string;
  try {
    adminPassword = await createFirstAdmin(pbx.dataDir);
  } catch (err) {
    await pbx.stop();
    throw err;
  }

  const mgmt = spawnService(MGMT_MAIN, {
    HOTLINE_SERVICE: 'mgmt', HOTLINE_DATA_DIR: pbx.dataDir,
    HOTLINE_MGMT_HTTP_PORT: String(httpPort), HOTLINE_MGMT_HTTPS_PORT: String(httpsPort),
  });

  const baseUrl = `http://127.0.0.1:${httpPort}`;
  const deadline = Date.now() + (opts.mgmtStartTimeoutMs ?? 30_000);
  for (;;) {
    if (!mgmt.running()) {
      await pbx.stop();
      throw new Error(`mgmt exited during start (${mgmt.exitInfo()})\n${mgmt.output().slice(-5000)}`);
    }
    const ok = await fetch(`${baseUrl}/api/v1/openapi.json`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      await mgmt.stop();
      await pbx.stop();
      throw new Error(`mgmt did not answer on ${baseUrl} in time\n${mgmt.output().slice(-5000)}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }

  let stopped = false;
  return {
    pbx,
    baseUrl,
    adminPassword,
    logs: () => mgmt.output(),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await mgmt.stop();
      await pbx.stop();
    },
  };
}
