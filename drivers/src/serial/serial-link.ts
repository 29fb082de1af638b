import { autoDetect } from '@serialport/bindings-cpp';
import { SerialPortStream } from '@serialport/stream';

/** A request timed out or the port failed: the device is unreachable (comm-lost alarms). */
export class SerialTimeoutError extends Error {
  override name = 'SerialTimeoutError';
}

/**
 * Tells when the bytes received so far hold a whole reply: the reply's length, or 0 while
 * more bytes are needed. Each protocol supplies its own (CR-terminated line, Modbus frame length).
 */
export type ReplyFramer = (received: Buffer) => number;

/** A CR-terminated line (Megatec Q1, AT command responses). */
export const crLine: ReplyFramer = (b) => {
  const i = b.indexOf(0x0d);
  return i < 0 ? 0 : i + 1;
};

/**
 * A serial port used request/reply: one request at a time, each reply framed by the protocol
 * and bounded by a timeout. Bytes that arrive outside a request (line noise, a late reply) are
 * dropped so they cannot be taken for the next reply.
 */
export class SerialLink {
  #buf = Buffer.alloc(0);
  #waiting: { framer: ReplyFramer; resolve(b: Buffer): void; reject(e: Error): void; timer: NodeJS.Timeout } | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #error: Error | undefined;

  private constructor(private readonly port: SerialPortStream) {
    port.on('data', (chunk: Buffer) => this.#onData(chunk));
    port.on('error', (err: Error) => {
      this.#error = err;
      this.#fail(err);
    });
    port.on('close', () => this.#fail(new SerialTimeoutError('serial port closed')));
  }

  /** Opens `path` (e.g. /dev/ttyUSB0) at `baudRate`, 8N1. */
  static open(path: string, baudRate: number): Promise<SerialLink> {
    return new Promise((resolve, reject) => {
      const port = new SerialPortStream({ binding: autoDetect(), path, baudRate, autoOpen: false });
      port.open((err) => (err ? reject(new SerialTimeoutError(`cannot open ${path}: ${err.message}`)) : resolve(new SerialLink(port))));
    });
  }

  /** Sends `request` and resolves with the framed reply, or rejects with SerialTimeoutError. */
  request(request: Buffer | string, framer: ReplyFramer, timeoutMs: number): Promise<Buffer> {
    const run = () => this.#exchange(request, framer, timeoutMs);
    const p = this.#queue.then(run, run);
    this.#queue = p.catch(() => undefined);
    return p;
  }

  /** Writes without waiting for a reply (the SMS body after the `> ` prompt). */
  write(data: Buffer | string): Promise<void> {
    return new Promise((resolve, reject) => this.port.write(data, (err) => (err ? reject(err) : resolve())));
  }

  close(): Promise<void> {
    if (!this.port.isOpen) return Promise.resolve();
    return new Promise((resolve) => this.port.close(() => resolve()));
  }

  #exchange(request: Buffer | string, framer: ReplyFramer, timeoutMs: number): Promise<Buffer> {
    if (this.#error) return Promise.reject(new SerialTimeoutError(`serial port failed: ${this.#error.message}`));
    this.#buf = Buffer.alloc(0);
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting = undefined;
        reject(new SerialTimeoutError(`no reply within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiting = { framer, resolve, reject, timer };
      this.port.write(request, (err) => {
        if (err) this.#fail(err);
      });
    });
  }

  #onData(chunk: Buffer): void {
    const w = this.#waiting;
    if (!w) return;
    this.#buf = Buffer.concat([this.#buf, chunk]);
    const n = w.framer(this.#buf);
    if (n <= 0) return;
    clearTimeout(w.timer);
    this.#waiting = undefined;
    const reply = this.#buf.subarray(0, n);
    this.#buf = Buffer.alloc(0);
    w.resolve(reply);
  }

  #fail(err: Error): void {
    const w = this.#waiting;
    if (!w) return;
    clearTimeout(w.timer);
    this.#waiting = undefined;
    w.reject(err instanceof SerialTimeoutError ? err : new SerialTimeoutError(err.message));
  }
}
