import { request } from 'node:http';
import type { ControlErrorBody, PbxStatus } from './types.ts';

/** Nothing listens on the control socket: the service is not running (or runs with another data dir). */
export class ServiceNotRunningError extends Error {
  override readonly name = 'ServiceNotRunningError';
  constructor(readonly socketPath: string, readonly code: string, readonly service = 'PBX') {
    super(`the ${service} is not running (nothing listens on ${socketPath}: ${code})`);
  }
}

/** The service answered with an error status. */
export class ControlRequestError extends Error {
  override readonly name = 'ControlRequestError';
  constructor(readonly status: number, readonly body: ControlErrorBody, service = 'PBX') {
    super(`${service} control request failed (${status}): ${body.error}`);
  }
}

/**
 * Client of a service's control API over its unix socket (the PBX's by default; the analog
 * gateway's with `service` set), used by the CLI, the management API and the tests.
 */
export class ControlClient {
  constructor(readonly socketPath: string, private readonly timeoutMs = 5_000, private readonly service = 'PBX') {}

  /** Listeners, registrations, active calls and counters of the running PBX. */
  status(): Promise<PbxStatus> {
    return this.call<PbxStatus>('GET', '/v1/status');
  }

  /** Asks the PBX to re-read its configuration; resolves with the version it now runs. */
  reloadConfig(): Promise<{ configVersion: number }> {
    return this.call<{ configVersion: number }>('POST', '/v1/config/reload');
  }

  /**
   * Follows a streaming route (one JSON object per line, e.g. `/v1/cti/events`): `onEvent` gets
   * each parsed line, `onClose` when the stream ends or cannot be opened. `close()` ends it.
   */
  follow(path: string, onEvent: (e: unknown) => void, onClose: (err?: Error) => void): { close(): void } {
    let buffered = '';
    let closed = false;
    const done = (err?: Error) => { if (!closed) { closed = true; onClose(err); } };
    const req = request({ socketPath: this.socketPath, method: 'GET', path, headers: { accept: 'application/x-ndjson' } }, (res) => {
      if (res.statusCode !== 200) { res.resume(); done(new Error(`${this.service} stream ${path} answered ${res.statusCode}`)); return; }
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffered += chunk;
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          if (line.length === 0) continue;
          try {
            onEvent(JSON.parse(line));
          } catch {
            // A torn or foreign line is skipped; the stream goes on.
          }
        }
      });
      res.on('end', () => done());
      res.on('error', (err) => done(err));
    });
    req.on('error', (err) => done(err));
    req.end();
    return { close: () => { closed = true; req.destroy(); } };
  }

  /**
   * Opens a binary streaming route (the recorder's `/v1/live?id=...`): `onOpen` once the service
   * accepted (200), `onChunk` for every piece of bytes as it arrives (any boundaries), `onClose`
   * when it ends; a refusal arrives as `onClose(ControlRequestError)` without `onOpen`. The caller
   * must keep up or stop: the service disconnects a reader that falls behind.
   */
  openBinary(path: string, on: { onOpen(): void; onChunk(b: Buffer): void; onClose(err?: Error): void }): { close(): void } {
    let closed = false;
    const done = (err?: Error) => { if (!closed) { closed = true; on.onClose(err); } };
    const req = request({ socketPath: this.socketPath, method: 'GET', path, headers: { accept: 'application/octet-stream' } }, (res) => {
      if (res.statusCode !== 200) {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          let body: ControlErrorBody;
          try { body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ControlErrorBody; } catch { body = { error: `status ${res.statusCode}` }; }
          done(new ControlRequestError(res.statusCode ?? 0, body, this.service));
        });
        return;
      }
      on.onOpen();
      res.on('data', (c: Buffer) => { if (!closed) on.onChunk(c); });
      res.on('end', () => done());
      res.on('error', (err) => done(err));
      res.on('close', () => done());
    });
    req.on('error', (err: NodeJS.ErrnoException) => done(err.code === 'ENOENT' || err.code === 'ECONNREFUSED' ? new ServiceNotRunningError(this.socketPath, err.code, this.service) : err));
    req.end();
    return { close: () => { closed = true; req.destroy(); } };
  }

  /** One request; `body` is sent as JSON. Resolves with the parsed 2xx body, rejects with ControlRequestError otherwise. */
  call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string | number> = { accept: 'application/json' };
    if (payload !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
    return new Promise<T>((resolve, reject) => {
      const req = request({ socketPath: this.socketPath, method, path, headers, timeout: this.timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          let body: unknown;
          try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            return reject(new ControlRequestError(res.statusCode ?? 0, { error: 'response is not JSON' }, this.service));
          }
          if ((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300) resolve(body as T);
          else reject(new ControlRequestError(res.statusCode ?? 0, body as ControlErrorBody, this.service));
        });
      });
      req.on('timeout', () => req.destroy(new Error(`${this.service} control request ${method} ${path} timed out after ${this.timeoutMs} ms`)));
      req.on('error', (err: NodeJS.ErrnoException) => {
        // ENOENT: no socket file; ECONNREFUSED: a stale file with no listener behind it.
        if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') reject(new ServiceNotRunningError(this.socketPath, err.code, this.service));
        else reject(err);
      });
      req.end(payload);
    });
  }
}
