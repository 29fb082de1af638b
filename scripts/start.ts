// `npm start`: first-start setup, a short "where is everything" banner, then
// pm2-runtime in the foreground with the services of ecosystem.config.cjs.
//
// The launcher stays thin on purpose: config creation belongs to
// appliance/src/config, supervision to pm2. What it owns is the terminal: the
// credentials are printed once, and Ctrl-C ends everything with exit code 0.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigStore, ConfigValidationError, EnvOverrideError, applyEnvOverrides, ensureFirstStart, mgmtSettings, analogSettings, type HotlineConfig } from '../appliance/src/config/index.ts';
import { dataPaths } from '../appliance/src/paths.ts';
import { formatTable } from '../appliance/src/cli/table.ts';
import { ensureFirstAdmin } from '../appliance/src/mgmt/first-admin.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

const paths = dataPaths();
const first = await ensureFirstStart(paths);
if (first.created) {
  console.log(`Hotline: first start, created a demo site in ${paths.root}`);
  if (first.credentials && first.credentials.length > 0) {
    console.log('Demo extensions (shown once; change the secrets before real use):\n');
    console.log(formatTable(['number', 'name', 'secret'], first.credentials.map((c) => [c.number, c.name, c.secret])));
    console.log('');
  }
}

// The management admin's one-time password: printed here once, never logged, only its hash is kept.
const firstAdmin = await ensureFirstAdmin(paths);
if (firstAdmin.created) {
  console.log('Management UI admin account (shown once; you must change the password at first sign-in):\n');
  console.log(formatTable(['user', 'one-time password'], [[firstAdmin.username ?? 'admin', firstAdmin.password ?? '']]));
  console.log('');
}

const store = await ConfigStore.open(paths);
let config: HotlineConfig;
try {
  config = applyEnvOverrides(store.current, process.env);
} catch (err) {
  // A bad HOTLINE_* variable is the operator's typo: say which, without a stack trace.
  if (err instanceof ConfigValidationError || err instanceof EnvOverrideError) {
    console.error(`Hotline: ${err.message}`);
    process.exit(1);
  }
  throw err;
}
const bind = config.sip.bindAddress;
const mgmt = mgmtSettings(config);
const analog = analogSettings(config);
const mgmtHost = mgmt.bindAddress === '0.0.0.0' || mgmt.bindAddress === '::' ? 'localhost' : mgmt.bindAddress;
const mgmtHttpsPort = Number(process.env.HOTLINE_MGMT_HTTPS_PORT ?? mgmt.httpsPort);
const mgmtHttpPort = Number(process.env.HOTLINE_MGMT_HTTP_PORT ?? mgmt.httpPort);
console.log(
  formatTable(
    ['service', 'listens on'],
    [
      ['SIP udp', `${bind}:${config.sip.udpPort}`],
      ['SIP tcp', `${bind}:${config.sip.tcpPort}`],
      ['RTP', `${config.rtp.portMin}-${config.rtp.portMax}/udp`],
      ['PBX control', paths.pbxControlSocket],
      ['analog gateway', analog ? `SIP 127.0.0.1:${analog.sipPort}/udp, ${analog.cards.length} card(s), control ${paths.analogControlSocket}` : `no card configured (control ${paths.analogControlSocket})`],
      ['management UI', `https://${mgmtHost}:${mgmtHttpsPort}/ (self-signed certificate at first start)`],
      ['management (dev)', mgmtHttpPort > 0 ? `http://127.0.0.1:${mgmtHttpPort}/ (loopback only)` : 'off'],
      ['data dir', paths.root],
    ],
  ),
);
console.log('\nCtrl-C stops everything.\n');

const pm2Runtime = resolve(root, 'node_modules/.bin/pm2-runtime');
if (!existsSync(pm2Runtime)) {
  console.error(`pm2-runtime not found at ${pm2Runtime}: run "npm run quickstart" (or npm ci) first`);
  process.exit(1);
}

const child = spawn(pm2Runtime, ['ecosystem.config.cjs'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, HOTLINE_DATA_DIR: paths.root },
});

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // In a terminal Ctrl-C reaches pm2-runtime too (same process group); forwarding
    // covers `kill <pid>` and service managers that signal only this process.
    if (stopping) return;
    stopping = true;
    child.kill(signal);
  });
}

child.on('exit', (code, signal) => {
  // A stop that we asked for is a clean stop, whatever pm2-runtime reports while
  // tearing its daemon down.
  if (stopping) process.exit(0);
  console.error(`pm2-runtime ended on its own (code ${code ?? '-'}, signal ${signal ?? '-'})`);
  process.exit(code ?? 1);
});
