import { request } from 'node:http';
import type { ControlErrorBody, PbxStatus } from './types.ts';

/** Nothing listens on the control socket: the PBX is not running (or runs with another data dir). */
export class PbxNotRunningError extends Error {
  override readonly name = 'PbxNotRunningError';
  constructor(readonly socketPath: string, readonly code: string) {
    super(`the PBX is not running (nothing listens on ${socketPath}: ${code})`);
  }
}

/** The PBX answered with an error status. */
export class ControlRequestError extends Error {
  override readonly name = 'ControlRequestError';
  constructor(readonly status: number, readonly body: ControlErrorBody) {
    super(`PBX control request failed (${status}): ${body.error}`);
  }
}

/** Client of the PBX control API over its unix socket, used by the CLI and the management API. */
export class ControlClient {
  constructor(readonly socketPath: string, private readonly timeoutMs = 5_000) {}

  /** Listeners, registrations, active calls and counters of the running PBX. */
  status(): Promise<PbxStatus> {
    return this.#call<PbxStatus>('GET', '/v1/status');
  }

  /** Asks the PBX to re-read its configuration; resolves with the version it now runs. */
  reloadConfig(): Promise<{ configVersion: number }> {
    return this.#call<{ configVersion: number }>('POST', '/v1/config/reload');
  }

  #call<T>(method: string, path: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const req = request({ socketPath: this.socketPath, method, path, headers: { accept: 'application/json' }, timeout: this.timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          let body: unknown;
          try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            return reject(new ControlRequestError(res.statusCode ?? 0, { error: 'response is not JSON' }));
          }
          if ((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300) resolve(body as T);
          else reject(new ControlRequestError(res.statusCode ?? 0, body as ControlErrorBody));
        });
      });
      req.on('timeout', () => req.destroy(new Error(`PBX control request ${method} ${path} timed out after ${this.timeoutMs} ms`)));
      req.on('error', (err: NodeJS.ErrnoException) => {
        // ENOENT: no socket file; ECONNREFUSED: a stale file with no listener behind it.
        if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') reject(new PbxNotRunningError(this.socketPath, err.code));
        else reject(err);
      });
      req.end();
    });
  }
}
