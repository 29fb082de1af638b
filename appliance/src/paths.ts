import { resolve } from 'node:path';

/** Root of the appliance's data: `HOTLINE_DATA_DIR`, or `./var` of the working directory (development). */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.HOTLINE_DATA_DIR ?? 'var');
}

/** Files and sockets below the data directory, named in one place. */
export function dataPaths(root: string = dataDir()) {
  return {
    root,
    config: resolve(root, 'config.json'),
    configHistory: resolve(root, 'config-history'),
    records: resolve(root, 'records.db'),
    run: resolve(root, 'run'),
    pbxControlSocket: resolve(root, 'run', 'pbx.sock'),
    analogControlSocket: resolve(root, 'run', 'analog.sock'),
    /** DAHDI configuration generated from the analog section, for the operator to install in /etc/dahdi. */
    dahdiSystemConf: resolve(root, 'dahdi', 'system.conf'),
    monitorControlSocket: resolve(root, 'run', 'monitor.sock'),
    recorderControlSocket: resolve(root, 'run', 'recorder.sock'),
    firstStartMarker: resolve(root, 'run', 'first-start-credentials.txt'),
    /** Management certificate and key (cert.pem, key.pem). */
    tls: resolve(root, 'tls'),
    /** IVR and call-center prompts: `<language>/<name>.wav` or `<name>.wav`, 8 kHz. */
    prompts: resolve(root, 'prompts'),
    recordings: resolve(root, 'recordings'),
    /** Voicemail messages: `<box>/<id>.wav`, 8 kHz A-law (docs/voicemail.md). */
    voicemail: resolve(root, 'voicemail'),
    /** The default local backup target (DESIGN.md: /var/lib/hotline/backups/). */
    backups: resolve(root, 'backups'),
    /** Backup state: key.json (0600), settings.json, chain indexes, work files of a running backup. */
    backupState: resolve(root, 'backup'),
  };
}
