// A throwaway OpenSSH server for the SFTP backup target: its own host key, one authorized client
// key, internal-sftp, a free port on loopback, started as a subprocess (never the system service).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.ts';

/** A running sshd and what a client needs to reach it. */
export interface TestSshd {
  port: number;
  username: string;
  /** Client private key file (OpenSSH format). */
  clientKey: string;
  /** Host key fingerprint as `ssh-keygen -lf` prints it ("SHA256:..."). */
  hostKeySha256: string;
  /** A folder the client may write to. */
  home: string;
  stop(): Promise<void>;
}

const SSHD = '/usr/sbin/sshd';

async function listening(port: number, timeoutMs: number, proc: ChildProcess, log: () => string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (proc.exitCode !== null) throw new Error(`sshd exited with ${proc.exitCode}: ${log()}`);
    const ok = await new Promise<boolean>((r) => {
      const s = connect(port, '127.0.0.1', () => (s.destroy(), r(true)));
      s.on('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not listen on ${port}: ${log()}`);
}

/** Starts sshd -D on a free port with a temp config; `stop()` kills it and removes the folder. */
export async function startSshd(): Promise<TestSshd> {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-sshd-'));
  const keygen = (file: string) => execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file]);
  keygen(join(dir, 'host_key'));
  keygen(join(dir, 'client_key'));
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')));
  const hostKeySha256 = execFileSync('ssh-keygen', ['-lf', join(dir, 'host_key.pub')]).toString().split(' ')[1];
  const home = join(dir, 'home');
  mkdirSync(home);
  mkdirSync('/run/sshd', { recursive: true }); // privilege-separation directory sshd insists on
  const port = await freePort();
  const username = userInfo().username;
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      `Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${join(dir, 'host_key')}`, `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`, 'PubkeyAuthentication yes', 'PasswordAuthentication no',
      'KbdInteractiveAuthentication no', 'UsePAM no', 'StrictModes no', 'PermitRootLogin prohibit-password',
      `AllowUsers ${username}`, 'Subsystem sftp internal-sftp', '',
    ].join('\n'),
  );
  const proc = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  proc.stderr!.on('data', (d: Buffer) => (log += d));
  await listening(port, 10_000, proc, () => log);
  return {
    port, username, clientKey: join(dir, 'client_key'), hostKeySha256, home,
    async stop() {
      if (proc.exitCode === null) {
        proc.kill('SIGTERM');
        await new Promise((r) => proc.once('exit', r));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
