// pm2 process list: one app per Hotline service (DESIGN.md, "Processes").
// `npm start` runs it with pm2-runtime in the foreground; on the image one systemd
// unit does the same. The PBX, the management service (mgmt), the analog gateway, the health
// monitor and the recorder exist so far.
const { resolve } = require('node:path');

const root = __dirname;

/** V8 flags of the PBX process; the hil-tests harness starts it with the same ones. */
const PBX_NODE_ARGS = '--max-semi-space-size=32';

/** Environment every service shares: the data dir and the documented overrides. */
function sharedEnv() {
  const env = { HOTLINE_DATA_DIR: process.env.HOTLINE_DATA_DIR ?? resolve(root, 'var') };
  for (const name of [
    'HOTLINE_SIP_PORT',
    'HOTLINE_SIP_UDP_PORT',
    'HOTLINE_SIP_TCP_PORT',
    'HOTLINE_SIP_BIND',
    'HOTLINE_RTP_PORT_MIN',
    'HOTLINE_RTP_PORT_MAX',
    'HOTLINE_MGMT_HTTPS_PORT',
    'HOTLINE_MGMT_HTTP_PORT',
    'HOTLINE_LOG_LEVEL',
    'HOTLINE_RECORDER_SIP_PORT',
    'HOTLINE_RECORDER_BIND',
    'HOTLINE_RECORDER_ADDRESS',
    'HOTLINE_RECORDER_RTP_PORT_MIN',
    'HOTLINE_RECORDER_RTP_PORT_MAX',
    'HOTLINE_RECORDER_DIR',
    'HOTLINE_RECORDER_MAX_SESSIONS',
    'HOTLINE_RECORDER_REFUSE_PERCENT',
    'HOTLINE_RECORDER_ALARM_PERCENTS',
    'HOTLINE_RECORDER_RETENTION',
    'HOTLINE_RECORDER_DEFAULT_CLASS',
    'HOTLINE_RECORDER_ARCHIVE_DIR',
    'HOTLINE_RECORDER_ARCHIVE_SFTP',
    'HOTLINE_RECORDER_KEY_FILE',
    'HOTLINE_RECORDER_FLUSH_MS',
    'HOTLINE_RECORDER_JITTER_MS',
    'HOTLINE_RECORDER_MAX_WAIT_MS',
    'HOTLINE_RECORDER_IDLE_TIMEOUT_SEC',
    'NODE_ENV',
  ]) {
    if (process.env[name] !== undefined) env[name] = process.env[name];
  }
  return env;
}

module.exports = {
  PBX_NODE_ARGS,
  apps: [
    {
      name: 'pbx',
      cwd: root,
      // A .mjs wrapper that registers tsx: pm2 would pick ts-node for a .ts script.
      script: 'appliance/bin/pbx.mjs',
      interpreter: 'node',
      // A larger young generation lets the per-message garbage of SIP handling die there
      // instead of being promoted and collected by (pausing) major GCs. See docs/benchmarks.md.
      node_args: PBX_NODE_ARGS,
      exec_mode: 'fork',
      env: { ...sharedEnv(), HOTLINE_SERVICE: 'pbx' },
      // The PBX answers SIGINT by ending its calls with BYE and flushing CDRs
      // (RFC 3261 §15); give it time before pm2 escalates to SIGKILL.
      kill_timeout: 8000,
      autorestart: true,
      // A crash loop backs off 200 ms, 300 ms, 450 ms ... up to 15 s instead of
      // spinning on the CPU the calls need.
      exp_backoff_restart_delay: 200,
      max_memory_restart: '1G',
      merge_logs: true,
    },
    {
      name: 'mgmt',
      cwd: root,
      // Same .mjs-wrapper pattern as the PBX.
      script: 'appliance/bin/mgmt.mjs',
      interpreter: 'node',
      exec_mode: 'fork',
      env: { ...sharedEnv(), HOTLINE_SERVICE: 'mgmt' },
      // Closing the listeners and the records db takes well under a second.
      kill_timeout: 3000,
      autorestart: true,
      exp_backoff_restart_delay: 200,
      // A separate process from the PBX (DESIGN.md, Processes): a management leak never costs calls.
      max_memory_restart: '512M',
      merge_logs: true,
    },
    {
      name: 'analog',
      cwd: root,
      // The analog gateway owns the telephony cards (FFI into the driver) in a process of its
      // own, so a fault there cannot take calls between SIP phones down. It idles when no
      // card is configured and picks one up on a config reload.
      script: 'appliance/bin/analog.mjs',
      interpreter: 'node',
      exec_mode: 'fork',
      env: { ...sharedEnv(), HOTLINE_SERVICE: 'analog' },
      // Ends its calls (BYE) and unregisters the FXS extensions before it exits.
      kill_timeout: 5000,
      autorestart: true,
      exp_backoff_restart_delay: 200,
      max_memory_restart: '512M',
      merge_logs: true,
    },
    {
      name: 'monitor',
      cwd: root,
      // Same .mjs-wrapper pattern as the PBX.
      script: 'appliance/bin/monitor.mjs',
      interpreter: 'node',
      exec_mode: 'fork',
      env: { ...sharedEnv(), HOTLINE_SERVICE: 'monitor' },
      // Closing the SNMP socket and the records db is quick.
      kill_timeout: 3000,
      autorestart: true,
      exp_backoff_restart_delay: 200,
      // Its own process (DESIGN.md, Processes): it keeps answering SNMP and sending traps while
      // the PBX is sick, and a leak here never costs calls.
      max_memory_restart: '256M',
      merge_logs: true,
    },
    {
      name: 'recorder',
      cwd: root,
      // The SIPREC recording server (issue 7), same .mjs-wrapper pattern. Its own process so
      // disk stalls never touch the PBX, and so it can move to its own box.
      script: 'appliance/bin/recorder.mjs',
      interpreter: 'node',
      exec_mode: 'fork',
      env: { ...sharedEnv(), HOTLINE_SERVICE: 'recorder' },
      // Stopping sends BYE to every recording session and closes each file with its real
      // header; a kill after this is repaired at the next start (recoverWav).
      kill_timeout: 8000,
      autorestart: true,
      exp_backoff_restart_delay: 200,
      max_memory_restart: '1G',
      merge_logs: true,
    },
  ],
};
