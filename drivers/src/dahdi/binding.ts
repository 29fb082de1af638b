/**
 * Which C library the DAHDI backend calls, and under which symbol names: libc on real
 * hardware, libdahdisim in tests. Only this descriptor differs between the two; every
 * other line of the backend is the same code (house rule 5: the FFI library is injected).
 */
import koffi from 'koffi';
import { CardError } from '../card-error.ts';

/** The six calls the backend needs, mapped to symbol names in {@link DahdiBinding.library}. */
export interface DahdiSymbols {
  readonly open: string;
  readonly ioctl: string;
  readonly read: string;
  readonly write: string;
  readonly poll: string;
  readonly close: string;
}

/** A library to bind and the device node to open per channel. */
export interface DahdiBinding {
  /** Path or soname given to dlopen. */
  readonly library: string;
  /** Symbol names of open/ioctl/read/write/poll/close in that library. */
  readonly symbols: DahdiSymbols;
  /** The DAHDI channel device (DAHDI_SPECIFY binds an fd opened on it to a channel). */
  readonly channelPath: string;
}

/** Real hardware: the kernel DAHDI driver through glibc. */
export const LIBC_BINDING: DahdiBinding = {
  library: 'libc.so.6',
  symbols: { open: 'open', ioctl: 'ioctl', read: 'read', write: 'write', poll: 'poll', close: 'close' },
  channelPath: '/dev/dahdi/channel',
};

/** The simulator library built from drivers/simulator (`make -C drivers/simulator`). */
export function simulatorBinding(library: string): DahdiBinding {
  return {
    library,
    symbols: { open: 'sim_open', ioctl: 'sim_ioctl', read: 'sim_read', write: 'sim_write', poll: 'sim_poll', close: 'sim_close' },
    channelPath: '/dev/dahdi/channel',
  };
}

/** The bound calls; buffers are passed as pointers, errno is read right after a failing call. */
export interface DahdiLib {
  /** open(2). */
  open(path: string, flags: number): number;
  /** ioctl(2) with a pointer argument (every DAHDI ioctl we use takes one). */
  ioctl(fd: number, request: number, arg: Uint8Array | Int32Array): number;
  /** read(2). */
  read(fd: number, buf: Uint8Array, len: number): number;
  /** write(2). */
  write(fd: number, buf: Uint8Array, len: number): number;
  /** poll(2) over an array of `struct pollfd` (8 bytes each). */
  poll(fds: Uint8Array, nfds: number, timeoutMs: number): number;
  /** close(2). */
  close(fd: number): number;
  /** errno of the calling thread after the last call. */
  errno(): number;
}

/**
 * Loads the library and binds the six calls. ioctl and open are variadic in libc; they
 * are declared here with fixed arguments (a pointer, an int) — on the x86_64 and arm64
 * Linux ABIs those are passed in the same registers either way.
 */
export function loadDahdiLib(binding: DahdiBinding): DahdiLib {
  let lib: ReturnType<typeof koffi.load>;
  try {
    lib = koffi.load(binding.library);
  } catch (err) {
    throw new CardError('LIBRARY_NOT_FOUND', `cannot load ${binding.library}: ${(err as Error).message}`, { cause: err });
  }
  const s = binding.symbols;
  try {
    return {
      open: lib.func(`int ${s.open}(const char *path, int flags)`),
      ioctl: lib.func(`int ${s.ioctl}(int fd, unsigned long req, void *arg)`),
      read: lib.func(`long ${s.read}(int fd, void *buf, unsigned long len)`),
      write: lib.func(`long ${s.write}(int fd, const void *buf, unsigned long len)`),
      poll: lib.func(`int ${s.poll}(void *fds, unsigned long nfds, int timeout)`),
      close: lib.func(`int ${s.close}(int fd)`),
      errno: () => koffi.errno(),
    };
  } catch (err) {
    throw new CardError('LIBRARY_NOT_FOUND', `${binding.library} lacks a DAHDI symbol: ${(err as Error).message}`, { cause: err });
  }
}
