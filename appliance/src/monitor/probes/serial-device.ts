import { SerialLink } from '@hotline/drivers/serial';

/**
 * A serial port a probe keeps open between polls. After a failure (timeout, garbage, USB
 * adapter unplugged) the port is closed and reopened on the next use, so the monitor recovers
 * by itself once the cable is back; a changed port or speed reopens it too.
 */
export class SerialDevice {
  #link: SerialLink | undefined;
  #key = '';

  /** Runs `exchange` on the open port; any failure closes it and is returned as its message. */
  async use<T>(s: { port: string; baudRate: number }, exchange: (link: SerialLink) => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: string }> {
    const key = `${s.port}@${s.baudRate}`;
    if (key !== this.#key) await this.close();
    try {
      this.#link ??= await SerialLink.open(s.port, s.baudRate);
      this.#key = key;
      return { ok: true, value: await exchange(this.#link) };
    } catch (err) {
      await this.close();
      return { ok: false, error: (err as Error).message };
    }
  }

  async close(): Promise<void> {
    const link = this.#link;
    this.#link = undefined;
    this.#key = '';
    await link?.close();
  }
}
