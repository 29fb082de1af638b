// A stand-in for the analog gateway's control socket that answers `GET /v1/status` with a
// status the test sets, so the mgmt service and the UI can be tested against the real
// wire (HTTP over <dataDir>/run/analog.sock, served by the appliance's own serveControl)
// while the gateway process itself is not in the tree yet. Once it is, tests that need
// real card states should use startAnalog() (analog.ts) with the simulator card instead.
import { join } from 'node:path';
import { serveControl } from '@hotline/appliance/control';
import type { AnalogStatus } from '@hotline/appliance/analog';

/** A running stand-in; `status` is what the next request is answered with. */
export interface AnalogStatusServer {
  status: AnalogStatus;
  /** `POST /v1/config/reload` calls so far (mgmt sends one after every config write). */
  reloads: number;
  close(): Promise<void>;
}

/** Serves `initial` on `dataDir`'s analog control socket. */
export async function serveAnalogStatus(dataDir: string, initial: AnalogStatus): Promise<AnalogStatusServer> {
  const state = { status: initial, reloads: 0 };
  const server = await serveControl(join(dataDir, 'run', 'analog.sock'), {
    '/v1/status': { method: 'GET', run: () => state.status },
    '/v1/config/reload': {
      method: 'POST',
      run: () => {
        state.reloads++;
        return { configVersion: state.status.configVersion };
      },
    },
  });
  return {
    get status() { return state.status; },
    set status(s: AnalogStatus) { state.status = s; },
    get reloads() { return state.reloads; },
    close: () => server.close(),
  };
}
