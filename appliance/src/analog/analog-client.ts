import { ControlClient } from '../control/index.ts';
import type { AnalogStatus } from './analog-status.ts';

/** The analog gateway's control API as the CLI and mgmt use it. */
export interface AnalogControl {
  status(): Promise<AnalogStatus>;
  reloadConfig(): Promise<{ configVersion: number }>;
}

/** A client of the analog gateway's control socket. */
export function analogControl(socketPath: string, timeoutMs = 3000): AnalogControl {
  const client = new ControlClient(socketPath, timeoutMs, 'analog gateway');
  return {
    status: () => client.call<AnalogStatus>('GET', '/v1/status'),
    reloadConfig: () => client.reloadConfig(),
  };
}
