/**
 * Software line echo cancellation: libspandsp's G.168 canceller behind the small C shim
 * in drivers/echo (one FFI call per 20 ms frame; per-sample calls would cost more than
 * the filtering at 8000 samples/s on 120 ports). The DAHDI I/O worker runs it on ports
 * whose driver has no echo canceller of its own.
 */
import koffi from 'koffi';
import { fileURLToPath } from 'node:url';
import { CardError } from '../card-error.ts';
import type { G711Law } from '../telephony-card.ts';
import { DAHDI_LAW_ALAW, DAHDI_LAW_MULAW } from '../dahdi/abi.ts';

/** Where `make -C drivers/echo` puts the shim (provisioning/scripts/bootstrap-host.sh builds it). */
export const ECHO_LIBRARY = fileURLToPath(new URL('../../echo/libhotline-echo.so', import.meta.url));

/** Longest canceller, in taps (8 per ms): 128 ms, DAHDI's own limit for its software cancellers. */
export const MAX_ECHO_TAPS = 1024;

/** The shim's calls. A handle is an opaque pointer owned by the caller until {@link EchoLib.free}. */
export interface EchoLib {
  /** Library path (the worker loads the same file). */
  readonly library: string;
  /** A canceller of `taps` samples (rounded up to a power of two) for frames in `law`; null when refused. */
  create(taps: number, law: G711Law): unknown;
  /** Cleans `rx` in place against `tx`, played over the same samples; both the same length. */
  process(handle: unknown, tx: Uint8Array, rx: Uint8Array): void;
  /** Frees a canceller. */
  free(handle: unknown): void;
}

/** Checks a tap count given to echoCancel: an integer from 0 (off) to {@link MAX_ECHO_TAPS}. */
export function checkEchoTaps(taps: number): void {
  if (!Number.isInteger(taps) || taps < 0 || taps > MAX_ECHO_TAPS) {
    throw new RangeError(`echo canceller taps must be an integer from 0 (off) to ${MAX_ECHO_TAPS}, got ${taps}`);
  }
}

/** Loads the shim; CardError LIBRARY_NOT_FOUND when it is missing or libspandsp is not installed. */
export function loadEchoLib(library: string = ECHO_LIBRARY): EchoLib {
  let lib: ReturnType<typeof koffi.load>;
  try {
    lib = koffi.load(library);
  } catch (err) {
    throw new CardError('LIBRARY_NOT_FOUND', `cannot load ${library} (install libspandsp-dev and run make -C drivers/echo): ${(err as Error).message}`, { cause: err });
  }
  const create = lib.func('void *hl_ec_create(int taps, int law)');
  const process = lib.func('int hl_ec_process(void *h, const uint8_t *tx, uint8_t *rx, int n)');
  const free = lib.func('void hl_ec_free(void *h)');
  return {
    library,
    create: (taps, law) => create(taps, law === 'alaw' ? DAHDI_LAW_ALAW : DAHDI_LAW_MULAW) as unknown,
    process(h, tx, rx) {
      if (tx.length !== rx.length) throw new RangeError(`tx (${tx.length}) and rx (${rx.length}) differ in length`);
      process(h, tx, rx, rx.length);
    },
    free: (h) => free(h),
  };
}
