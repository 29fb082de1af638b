import { connect } from 'node:net';
import { analogControl } from '../../analog/analog-client.ts';
import type { AnalogStatus } from '../../analog/analog-status.ts';
import { ControlClient, type PbxStatus } from '../../control/index.ts';

/** How the monitor reaches the other services; tests and the bench substitute their own. */
export interface ServiceSources {
  pbx(): Promise<PbxStatus>;
  analog(): Promise<AnalogStatus>;
  /** True when the management service accepts connections. */
  mgmtAlive(): Promise<boolean>;
}

/** Resolves true when something accepts a TCP connection at host:port within `timeoutMs`. */
export function tcpAlive(host: string, port: number, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/**
 * The real services: the PBX and the analog gateway over their control sockets (short timeouts:
 * a hung service must not stall the poll), mgmt by a connection to its loopback HTTP port.
 */
export function controlSocketSources(paths: { pbxControlSocket: string; analogControlSocket: string }, mgmtPort: () => number): ServiceSources {
  const pbx = new ControlClient(paths.pbxControlSocket, 3000);
  const analog = analogControl(paths.analogControlSocket, 3000);
  return {
    pbx: () => pbx.status(),
    analog: () => analog.status(),
    mgmtAlive: () => {
      const port = mgmtPort();
      return port > 0 ? tcpAlive('127.0.0.1', port) : Promise.resolve(false);
    },
  };
}
