// Pseudo-terminal pairs for the serial-device tests: socat links two ptys back to back, the
// appliance opens one end as its "serial port" and a simulator written in the test the other.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { autoDetect } from '@serialport/bindings-cpp';
import { SerialPortStream } from '@serialport/stream';

export function socatInstalled(): boolean {
  return spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0;
}

export interface PtyPair {
  /** The end the appliance opens. */
  device: string;
  /** The end the simulator opens. */
  peer: string;
  stop(): Promise<void>;
}

/** `socat -d -d pty,raw,echo=0,link=a pty,raw,echo=0,link=b`; resolves once both links exist. */
export async function startPtyPair(): Promise<PtyPair> {
  const dir = mkdtempSync(join(tmpdir(), 'hil-pty-'));
  const device = join(dir, 'device');
  const peer = join(dir, 'peer');
  const proc = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${device}`, `pty,raw,echo=0,link=${peer}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const deadline = Date.now() + 5000;
  while (!(existsSync(device) && existsSync(peer))) {
    if (proc.exitCode !== null || Date.now() > deadline) {
      proc.kill();
      throw new Error(`socat did not create the pty pair: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    device, peer,
    stop: async () => {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill();
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Opens the simulator's end; `onData` sees every chunk the appliance writes. */
export function openPeer(path: string, onData: (chunk: Buffer, port: SerialPortStream) => void): Promise<SerialPortStream> {
  return new Promise((resolve, reject) => {
    const port = new SerialPortStream({ binding: autoDetect(), path, baudRate: 9600, autoOpen: false });
    port.open((err) => {
      if (err) return reject(err);
      port.on('data', (c: Buffer) => onData(c, port));
      resolve(port);
    });
  });
}
