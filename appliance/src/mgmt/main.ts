// Entry of the `mgmt` process (pm2 runs it through appliance/bin/mgmt.mjs): HTTPS on
// mgmt.httpsPort, plain HTTP on 127.0.0.1 only, the live WebSocket on both, the built UI.
import { readFileSync } from 'node:fs';
import { createServer as createHttp, type Server } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigStore, mgmtSettings, siteTimeZone } from '../config/index.ts';
import { BackupService } from '../backup/index.ts';
import { ControlClient } from '../control/index.ts';
import { analogControl } from '../analog/analog-client.ts';
import { moduleLogger } from '../log.ts';
import { dataPaths } from '../paths.ts';
import { openRecords } from '../records/index.ts';
import { recorderSettings } from '../recorder/index.ts';
import { createMgmtApp } from './app.ts';
import { attachLive } from './live.ts';
import { attachCti } from './cti.ts';
import { attachListen } from './listen.ts';
import { systemInfoSource } from './system-info.ts';
import { ensureCertificate } from './tls.ts';

const log = moduleLogger('mgmt');
const repoRoot = resolve(import.meta.dirname, '../../..');

/** A port from an environment variable, or the configured one. */
function envPort(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined) return fallback;
  if (!/^[0-9]+$/.test(v) || Number(v) > 65535) throw new Error(`${name}=${JSON.stringify(v)} is not a port number`);
  return Number(v);
}

const paths = dataPaths();
const config = await ConfigStore.open(paths);
const records = openRecords(paths.records);
const settings = mgmtSettings(config.current);
const version = (JSON.parse(readFileSync(join(repoRoot, 'appliance/package.json'), 'utf8')) as { version: string }).version;
const tlsDir = join(paths.root, 'tls');
// The recorder runs on this box by default and shares its environment (docs/recorder.md): its folder and key
// file are read from the same variables, so the Recordings page plays what the recorder wrote.
const recorder = (() => {
  try {
    const r = recorderSettings(process.env, paths.root);
    return { dir: r.recordingsDir, keyFile: r.keyFile };
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'recorder settings unreadable; recordings are read from <data>/recordings without a key');
    return { dir: join(paths.root, 'recordings'), keyFile: undefined };
  }
})();
const pair = await ensureCertificate(tlsDir, hostname());

// Backups run in this process (the config's one writer); the scheduler arms from backup/settings.json.
const backups = new BackupService({ paths, records, productVersion: version, config, timeZone: () => siteTimeZone(config.current) });
await backups.cleanupStale();
await backups.startScheduler();

const servers: Server[] = [];
const https = createHttps({ cert: pair.certPem, key: pair.keyPem, minVersion: 'TLSv1.2' });
const { app, services } = createMgmtApp(
  {
    config,
    records,
    pbx: new ControlClient(paths.pbxControlSocket, 3000),
    analog: analogControl(paths.analogControlSocket),
    monitor: new ControlClient(paths.monitorControlSocket, 10_000, 'monitor'),
    system: systemInfoSource(),
    now: Date.now,
    version,
    tlsDir,
    inspectionsDir: join(paths.root, 'inspections'),
    promptsDir: paths.prompts,
    voicemailDir: paths.voicemail,
    recordingsDir: recorder.dir,
    recorder: new ControlClient(paths.recorderControlSocket, 3000, 'recorder'),
    ...(recorder.keyFile ? { recorderKeyFile: recorder.keyFile } : {}),
    backups,
    onCertificateChanged: (p) => https.setSecureContext({ cert: p.certPem, key: p.keyPem, minVersion: 'TLSv1.2' }),
  },
  { uiDir: join(repoRoot, 'mgmt-ui/dist') },
);
if (services.accounts.users.count() === 0) log.warn('no management account exists: run `npm start` (creates admin) or `hotline user add`');

https.on('request', app.callback());
servers.push(https);
const httpsPort = envPort('HOTLINE_MGMT_HTTPS_PORT', settings.httpsPort);
await new Promise<void>((ok, fail) => https.once('error', fail).listen(httpsPort, settings.bindAddress, ok));
log.info({ address: settings.bindAddress, port: httpsPort }, 'management HTTPS listening');

const httpPort = envPort('HOTLINE_MGMT_HTTP_PORT', settings.httpPort);
if (httpPort > 0) {
  // Loopback only: plain HTTP would expose the session cookie on the machine-room network.
  const http = createHttp(app.callback());
  await new Promise<void>((ok, fail) => http.once('error', fail).listen(httpPort, '127.0.0.1', ok));
  servers.push(http);
  log.info({ address: '127.0.0.1', port: httpPort }, 'management HTTP (loopback) listening');
}
const live = attachLive(servers, services);
const cti = attachCti(servers, services);
const listen = attachListen(servers, services);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    live.close();
    backups.stopScheduler();
    cti.close();
    listen.close();
    for (const s of servers) s.closeAllConnections?.();
    void Promise.all(servers.map((s) => new Promise((r) => s.close(r)))).then(() => {
      records.close();
      process.exit(0);
    });
  });
}
