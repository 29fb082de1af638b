/**
 * DAHDI userspace ABI: the ioctl numbers, constants and struct layouts of
 * `include/dahdi/user.h` that the backend uses. The ioctl numbers are computed with
 * Linux's `_IOC` encoding (include/uapi/asm-generic/ioctl.h) rather than copied as
 * magic numbers; test/dahdi-abi.test.ts compiles a C program against the real header
 * and checks every value and layout here.
 */
import koffi from 'koffi';

// --- Linux ioctl request encoding (asm-generic/ioctl.h; x86_64 and arm64 use it) ---
const IOC_NRBITS = 8;
const IOC_TYPEBITS = 8;
const IOC_SIZEBITS = 14;
const IOC_NRSHIFT = 0;
const IOC_TYPESHIFT = IOC_NRSHIFT + IOC_NRBITS;
const IOC_SIZESHIFT = IOC_TYPESHIFT + IOC_TYPEBITS;
const IOC_DIRSHIFT = IOC_SIZESHIFT + IOC_SIZEBITS;
const IOC_WRITE = 1;
const IOC_READ = 2;

/** `_IOC(dir, type, nr, size)`, as an unsigned 32-bit number. */
export function ioc(dir: number, type: number, nr: number, size: number): number {
  return ((dir << IOC_DIRSHIFT) | (type << IOC_TYPESHIFT) | (nr << IOC_NRSHIFT) | (size << IOC_SIZESHIFT)) >>> 0;
}
/** `_IOW(type, nr, size)`: userspace writes `size` bytes to the driver. */
export const iow = (type: number, nr: number, size: number): number => ioc(IOC_WRITE, type, nr, size);
/** `_IOR(type, nr, size)`: the driver fills `size` bytes. */
export const ior = (type: number, nr: number, size: number): number => ioc(IOC_READ, type, nr, size);
/** `_IOWR(type, nr, size)`: both directions. */
export const iowr = (type: number, nr: number, size: number): number => ioc(IOC_READ | IOC_WRITE, type, nr, size);

/** Size of a C `int` on the Linux ABIs we target (LP64). */
const INT = 4;

// --- Struct layouts ---------------------------------------------------------

/** `struct dahdi_params` (channel parameters, DAHDI_GET_PARAMS). */
export const DahdiParams = koffi.struct('dahdi_params', {
  channo: 'int', spanno: 'int', chanpos: 'int', sigtype: 'int', sigcap: 'int',
  rxisoffhook: 'int', rxbits: 'int', txbits: 'int', txhooksig: 'int', rxhooksig: 'int',
  curlaw: 'int', idlebits: 'int', name: koffi.array('char', 40),
  prewinktime: 'int', preflashtime: 'int', winktime: 'int', flashtime: 'int', starttime: 'int',
  rxwinktime: 'int', rxflashtime: 'int', debouncetime: 'int', pulsebreaktime: 'int',
  pulsemaketime: 'int', pulseaftertime: 'int', chan_alarms: 'uint32',
});

/** `struct dahdi_spaninfo` (span status and alarms, DAHDI_SPANSTAT); packed in the header. */
export const DahdiSpanInfo = koffi.pack('dahdi_spaninfo', {
  spanno: 'int', name: koffi.array('char', 20), desc: koffi.array('char', 40),
  alarms: 'int', txlevel: 'int', rxlevel: 'int', bpvcount: 'int', crc4count: 'int',
  ebitcount: 'int', fascount: 'int', fecount: 'uint32', cvcount: 'uint32', becount: 'uint32',
  prbs: 'uint32', errsec: 'uint32', irqmisses: 'int', syncsrc: 'int', numchans: 'int',
  totalchans: 'int', totalspans: 'int', lbo: 'int', lineconfig: 'int',
  lboname: koffi.array('char', 40), location: koffi.array('char', 40),
  manufacturer: koffi.array('char', 40), devicetype: koffi.array('char', 40),
  irq: 'int', linecompat: 'int', spantype: koffi.array('char', 6),
});

/** `struct dahdi_echocanparam` (one named echo-canceller parameter). */
export const DahdiEchocanParam = koffi.struct('dahdi_echocanparam', {
  name: koffi.array('char', 16), value: 'int32',
});

/**
 * `struct dahdi_echocanparams` header; the driver reads `param_count`
 * {@link DahdiEchocanParam} entries right after it (a flexible array member).
 */
export const DahdiEchocanParams = koffi.struct('dahdi_echocanparams', {
  tap_length: 'uint32', param_count: 'uint32',
});

/** Maximum echo-canceller parameters the driver accepts. */
export const DAHDI_MAX_ECHOCANPARAMS = 8;

// --- ioctls -----------------------------------------------------------------

/** ioctl type byte of DAHDI. */
export const DAHDI_CODE = 0xda;
/** Set the read/write block size in bytes (we use 160 = 20 ms). */
export const DAHDI_SET_BLOCKSIZE = iow(DAHDI_CODE, 1, INT);
/** Read channel parameters (struct dahdi_params). */
export const DAHDI_GET_PARAMS = iowr(DAHDI_CODE, 5, koffi.sizeof(DahdiParams));
/** Set the hook state / ring (DAHDI_ONHOOK, DAHDI_OFFHOOK, DAHDI_RING, ...). */
export const DAHDI_HOOK = iow(DAHDI_CODE, 7, INT);
/** Dequeue the pending event of the channel (DAHDI_EVENT_*). */
export const DAHDI_GETEVENT = ior(DAHDI_CODE, 8, INT);
/** Span status including its alarm bits (struct dahdi_spaninfo). */
export const DAHDI_SPANSTAT = iowr(DAHDI_CODE, 10, koffi.sizeof(DahdiSpanInfo));
/** Enable (tap count) or disable (0) the echo canceller with default parameters. */
export const DAHDI_ECHOCANCEL = iow(DAHDI_CODE, 33, INT);
/** Enable the echo canceller with explicit parameters (struct dahdi_echocanparams). */
export const DAHDI_ECHOCANCEL_PARAMS = iow(DAHDI_CODE, 33, koffi.sizeof(DahdiEchocanParams));
/** Bind an fd opened on /dev/dahdi/channel to a channel number. */
export const DAHDI_SPECIFY = iow(DAHDI_CODE, 38, INT);
/** Set the companding law of the channel's reads and writes. */
export const DAHDI_SETLAW = iow(DAHDI_CODE, 39, INT);

// --- Hook commands (argument of DAHDI_HOOK) ---------------------------------

/** Go on hook (FXO: release the line). */
export const DAHDI_ONHOOK = 0;
/** Go off hook (FXO: seize/answer the line). */
export const DAHDI_OFFHOOK = 1;
/** Wink. */
export const DAHDI_WINK = 2;
/** Hook flash. */
export const DAHDI_FLASH = 3;
/** Start (seize for outgoing). */
export const DAHDI_START = 4;
/** FXS: start ringing the phone. */
export const DAHDI_RING = 5;
/** FXS: stop ringing the phone. */
export const DAHDI_RINGOFF = 6;

// --- Laws (argument of DAHDI_SETLAW) -----------------------------------------

/** The span's default law. */
export const DAHDI_LAW_DEFAULT = 0;
/** G.711 µ-law. */
export const DAHDI_LAW_MULAW = 1;
/** G.711 A-law. */
export const DAHDI_LAW_ALAW = 2;

// --- Events (result of DAHDI_GETEVENT) --------------------------------------

/** No event pending. */
export const DAHDI_EVENT_NONE = 0;
/** On hook (FXS port: phone hung up; FXO: line dropped). */
export const DAHDI_EVENT_ONHOOK = 1;
/** Ring on an FXO port, or off hook on an FXS port (the same signal, seen from each side). */
export const DAHDI_EVENT_RINGOFFHOOK = 2;
/** Wink or hook flash. */
export const DAHDI_EVENT_WINKFLASH = 3;
/** The channel's span went into alarm. */
export const DAHDI_EVENT_ALARM = 4;
/** The channel's span left alarm. */
export const DAHDI_EVENT_NOALARM = 5;
/** DAHDI_HOOK(DAHDI_RING) took effect: the ringer is on. */
export const DAHDI_EVENT_RINGERON = 10;
/** The ringer is off. */
export const DAHDI_EVENT_RINGEROFF = 11;
/** Hook state change completed. */
export const DAHDI_EVENT_HOOKCOMPLETE = 12;
/** Battery polarity reversed (FXO: far end answered or hung up). */
export const DAHDI_EVENT_POLARITY = 17;
/** Ringing started on an FXO port (before the ring is validated as RINGOFFHOOK). */
export const DAHDI_EVENT_RINGBEGIN = 18;
/** Received-audio buffer overrun. */
export const DAHDI_EVENT_READ_OVERRUN = 29;
/** Transmit underrun. */
export const DAHDI_EVENT_WRITE_UNDERRUN = 30;
/** OR'd with the ASCII digit: pulse-dialled digit. */
export const DAHDI_EVENT_PULSEDIGIT = 1 << 16;
/** OR'd with the ASCII digit: DTMF key down. */
export const DAHDI_EVENT_DTMFDOWN = 1 << 17;
/** OR'd with the ASCII digit: DTMF key up. */
export const DAHDI_EVENT_DTMFUP = 1 << 18;

// --- Alarm bits (dahdi_spaninfo.alarms) ---------------------------------------

/** Red alarm: loss of signal/frame at our end. */
export const DAHDI_ALARM_RED = 1 << 3;
/** Yellow alarm: the far end reports red. */
export const DAHDI_ALARM_YELLOW = 1 << 2;
/** Blue alarm: all-ones (AIS) received. */
export const DAHDI_ALARM_BLUE = 1 << 4;

/**
 * errno DAHDI returns from read/write when an event is pending on the channel; the
 * caller must DAHDI_GETEVENT and retry. user.h defines it as 500 when the C library does not.
 */
export const ELAST = 500;

/** open(2) flags the backend uses: O_RDWR | O_NONBLOCK (Linux generic values). */
export const O_RDWR = 0o2;
/** O_NONBLOCK on Linux x86_64/arm64. */
export const O_NONBLOCK = 0o4000;
/** poll(2) events. */
export const POLLIN = 0x1;
/** Urgent data: DAHDI signals a pending event this way. */
export const POLLPRI = 0x2;
/** Writable. */
export const POLLOUT = 0x4;
/** errno: try again (Linux). */
export const EAGAIN = 11;
/** errno: interrupted system call (Linux). */
export const EINTR = 4;
