/**
 * One DAHDI channel fd: the thin synchronous adapter over the bound calls. Used by the
 * main thread (open, configuration, hook control) and by the I/O worker (read, write,
 * events). Reuses its ioctl argument buffers: no allocation per frame.
 */
import koffi from 'koffi';
import { CardError } from '../card-error.ts';
import type { G711Law } from '../telephony-card.ts';
import type { DahdiBinding, DahdiLib } from './binding.ts';
import * as abi from './abi.ts';

/** read/write outcome: the block was moved. */
export const IO_DONE = 1;
/** read/write outcome: nothing to read now (EAGAIN). */
export const IO_AGAIN = 0;
/** read/write outcome: an event is pending (ELAST); call {@link DahdiChannel.getEvent} and retry. */
export const IO_EVENT = -1;

/** Options for opening a channel. */
export interface ChannelConfig {
  /** Companding law of reads and writes. */
  readonly law: G711Law;
  /** Bytes per read/write block (160 = 20 ms at 8 kHz). */
  readonly blocksize: number;
}

/** A configured DAHDI channel. */
export class DahdiChannel {
  /** The channel number. */
  readonly channel: number;
  /** The open fd. */
  readonly fd: number;
  private readonly lib: DahdiLib;
  private readonly intArg = new Int32Array(1);

  /** Wraps an fd already bound to `channel` (the worker does this with fds the main thread opened). */
  constructor(lib: DahdiLib, fd: number, channel: number) {
    this.lib = lib;
    this.fd = fd;
    this.channel = channel;
  }

  /**
   * Opens the channel device, binds it with DAHDI_SPECIFY and sets law and block size.
   * Closes the fd again if any step fails.
   */
  static open(lib: DahdiLib, binding: DahdiBinding, channel: number, config: ChannelConfig): DahdiChannel {
    const fd = lib.open(binding.channelPath, abi.O_RDWR | abi.O_NONBLOCK);
    if (fd < 0) {
      const errno = lib.errno();
      throw new CardError('CARD_NOT_FOUND', `cannot open ${binding.channelPath} for channel ${channel} (errno ${errno}): is the card present and DAHDI loaded?`, { port: channel, errno });
    }
    const ch = new DahdiChannel(lib, fd, channel);
    try {
      try {
        ch.ioctlInt(abi.DAHDI_SPECIFY, channel, 'DAHDI_SPECIFY');
      } catch (err) {
        const e = err as CardError;
        throw new CardError('CARD_NOT_FOUND', `channel ${channel} does not exist (DAHDI_SPECIFY errno ${e.errno})`, { port: channel, errno: e.errno, cause: err });
      }
      ch.ioctlInt(abi.DAHDI_SETLAW, config.law === 'alaw' ? abi.DAHDI_LAW_ALAW : abi.DAHDI_LAW_MULAW, 'DAHDI_SETLAW');
      ch.ioctlInt(abi.DAHDI_SET_BLOCKSIZE, config.blocksize, 'DAHDI_SET_BLOCKSIZE');
    } catch (err) {
      ch.close();
      throw err;
    }
    return ch;
  }

  /** An ioctl whose argument is a pointer to one int; returns the int after the call. */
  ioctlInt(request: number, value: number, name: string): number {
    this.intArg[0] = value;
    if (this.lib.ioctl(this.fd, request, this.intArg) < 0) {
      const errno = this.lib.errno();
      throw new CardError('IO_FAILED', `${name} failed on channel ${this.channel} (errno ${errno})`, { port: this.channel, errno });
    }
    return this.intArg[0]!;
  }

  /**
   * DAHDI_ECHOCANCEL: the driver's echo canceller with `taps` taps, or off with 0.
   * Returns 0 when the driver took it, else the errno — DAHDI refuses (ENODEV, EINVAL,
   * ENOTTY...) when system.conf names no canceller for the channel or the driver has none.
   */
  kernelEchoCancel(taps: number): number {
    this.intArg[0] = taps;
    return this.lib.ioctl(this.fd, abi.DAHDI_ECHOCANCEL, this.intArg) < 0 ? this.lib.errno() : 0;
  }

  /** DAHDI_HOOK with one of abi.DAHDI_ONHOOK/OFFHOOK/FLASH/RING/RINGOFF. */
  hook(command: number): void {
    this.ioctlInt(abi.DAHDI_HOOK, command, 'DAHDI_HOOK');
  }

  /** DAHDI_GETEVENT: the pending event code, or DAHDI_EVENT_NONE. */
  getEvent(): number {
    return this.ioctlInt(abi.DAHDI_GETEVENT, 0, 'DAHDI_GETEVENT');
  }

  /** DAHDI_GET_PARAMS, decoded. */
  getParams(): Record<string, unknown> {
    const buf = Buffer.alloc(koffi.sizeof(abi.DahdiParams));
    buf.writeInt32LE(this.channel, 0);
    if (this.lib.ioctl(this.fd, abi.DAHDI_GET_PARAMS, buf) < 0) {
      const errno = this.lib.errno();
      throw new CardError('IO_FAILED', `DAHDI_GET_PARAMS failed on channel ${this.channel} (errno ${errno})`, { port: this.channel, errno });
    }
    return koffi.decode(buf, abi.DahdiParams) as Record<string, unknown>;
  }

  /** DAHDI_SPANSTAT for a span: its alarm bits (abi.DAHDI_ALARM_*), 0 when clear. */
  spanAlarms(span: number): number {
    const buf = Buffer.alloc(koffi.sizeof(abi.DahdiSpanInfo));
    buf.writeInt32LE(span, koffi.offsetof(abi.DahdiSpanInfo, 'spanno'));
    if (this.lib.ioctl(this.fd, abi.DAHDI_SPANSTAT, buf) < 0) {
      const errno = this.lib.errno();
      throw new CardError('IO_FAILED', `DAHDI_SPANSTAT failed for span ${span} (errno ${errno})`, { port: this.channel, errno });
    }
    return buf.readInt32LE(koffi.offsetof(abi.DahdiSpanInfo, 'alarms'));
  }

  /** Reads one block into `buf`: IO_DONE, IO_AGAIN or IO_EVENT; throws on other errors. */
  read(buf: Uint8Array): number {
    const n = this.lib.read(this.fd, buf, buf.length);
    if (n > 0) return IO_DONE;
    return this.failure('read');
  }

  /** Writes one block from `buf`: IO_DONE, IO_AGAIN or IO_EVENT; throws on other errors. */
  write(buf: Uint8Array): number {
    const n = this.lib.write(this.fd, buf, buf.length);
    if (n >= 0) return IO_DONE;
    return this.failure('write');
  }

  private failure(op: string): number {
    const errno = this.lib.errno();
    // DAHDI fails read/write with ELAST while an event is queued (user.h); EAGAIN is
    // the O_NONBLOCK "nothing yet"; EINTR is retried by the next poll round.
    if (errno === abi.ELAST) return IO_EVENT;
    if (errno === abi.EAGAIN || errno === abi.EINTR) return IO_AGAIN;
    throw new CardError('IO_FAILED', `${op} failed on channel ${this.channel} (errno ${errno})`, { port: this.channel, errno });
  }

  /** Closes the fd (idempotence is the caller's job). */
  close(): void {
    this.lib.close(this.fd);
  }
}
