/**
 * The control side of libdahdisim (drivers/simulator): plays the exchange, the phones
 * and the line faults while the DAHDI backend drives the same library through its
 * DAHDI-shaped calls. For tests and benchmarks only.
 */
import koffi from 'koffi';
import { fileURLToPath } from 'node:url';
import { CardError } from '../card-error.ts';
import type { PortKind } from '../telephony-card.ts';

/** Where `make -C drivers/simulator` puts the library. */
export const SIMULATOR_LIBRARY = fileURLToPath(new URL('../../simulator/libdahdisim.so', import.meta.url));

/** Typed handle on the simulator's control API. Channel numbers are 1-based across cards. */
export interface SimulatorControl {
  /** Library path (give it to simulatorBinding()). */
  readonly library: string;
  /** Adds a card, one span, with ports of the given kinds; returns its span number. */
  createCard(kinds: readonly PortKind[]): number;
  /** Removes every card and fd. */
  reset(): void;
  /** The exchange rings an FXO line, with caller-ID bytes (FSK or DTMF) queued as audio. */
  ring(channel: number, callerId?: Uint8Array): void;
  /** The phone on an FXS port goes off hook. */
  offHook(channel: number): void;
  /** The phone (or line) goes on hook. */
  onHook(channel: number): void;
  /** The phone flashes its hook. */
  flash(channel: number): void;
  /** The exchange reverses line polarity. */
  polarity(channel: number): void;
  /** A DTMF digit is detected on the channel. */
  injectDtmf(channel: number, digit: string): void;
  /** Audio arrives on the channel. */
  injectAudio(channel: number, audio: Uint8Array): void;
  /** Drains up to `max` bytes of what the channel played. */
  readPlayed(channel: number, max: number): Buffer;
  /** Last DAHDI_HOOK argument the application sent, -1 if none. */
  hookState(channel: number): number;
  /** Puts a span in red alarm. */
  raiseAlarm(span: number): void;
  /** Clears a span's alarm. */
  clearAlarm(span: number): void;
  /** Largest lateness (ms) of a clocked block read on the channel since the last call. */
  takeMaxLatenessMs(channel: number): number;
  /**
   * Gives the channel a hybrid's echo path: what it plays comes back in what it receives
   * `delaySamples` later (0–2048, 8 per ms) at `gainDb` (e.g. -10); `gainDb` -Infinity
   * removes it. The simulator's driver has no echo canceller (DAHDI_ECHOCANCEL fails),
   * so the card's software canceller is what removes this echo.
   */
  setEcho(channel: number, delaySamples: number, gainDb: number): void;
  /** Gives the channel's driver an echo canceller of its own (DAHDI_ECHOCANCEL then succeeds and removes the echo path's echo), or takes it away. */
  setDriverEchoCanceller(channel: number, present: boolean): void;
}

/** Loads the simulator library and binds its control API. */
export function loadSimulator(library: string = SIMULATOR_LIBRARY): SimulatorControl {
  let lib: ReturnType<typeof koffi.load>;
  try {
    lib = koffi.load(library);
  } catch (err) {
    throw new CardError('LIBRARY_NOT_FOUND', `cannot load ${library} (run make -C drivers/simulator): ${(err as Error).message}`, { cause: err });
  }
  const create = lib.func('int sim_create_card(int n, const char *kinds)');
  const reset = lib.func('void sim_reset(void)');
  const ring = lib.func('int sim_ring(int chan, const uint8_t *cid, int len)');
  const offhook = lib.func('int sim_offhook(int chan)');
  const onhook = lib.func('int sim_onhook(int chan)');
  const flash = lib.func('int sim_flash(int chan)');
  const polarity = lib.func('int sim_polarity(int chan)');
  const dtmf = lib.func('int sim_inject_dtmf(int chan, int digit)');
  const audio = lib.func('int sim_inject_audio(int chan, const uint8_t *buf, int len)');
  const played = lib.func('int sim_read_played(int chan, uint8_t *buf, int len)');
  const getHook = lib.func('int sim_get_hook(int chan)');
  const raise = lib.func('int sim_raise_alarm(int span)');
  const clear = lib.func('int sim_clear_alarm(int span)');
  const lateness = lib.func('long long sim_take_max_lateness(int chan)');
  const setEcho = lib.func('int sim_set_echo(int chan, int delay, double gain_db)');
  const driverEc = lib.func('int sim_set_driver_echocan(int chan, int on)');
  const check = (rc: number, what: string): void => {
    if (rc < 0) throw new CardError('BAD_PORT', `simulator: ${what} refused (no such channel or span)`);
  };
  return {
    library,
    createCard(kinds) {
      const span = create(kinds.length, kinds.map((k) => (k === 'FXS' ? 'S' : 'O')).join('')) as number;
      check(span, 'createCard');
      return span;
    },
    reset: () => reset(),
    ring(ch, cid) { check(ring(ch, cid ?? null, cid?.length ?? 0), `ring ${ch}`); },
    offHook(ch) { check(offhook(ch), `offHook ${ch}`); },
    onHook(ch) { check(onhook(ch), `onHook ${ch}`); },
    flash(ch) { check(flash(ch), `flash ${ch}`); },
    polarity(ch) { check(polarity(ch), `polarity ${ch}`); },
    injectDtmf(ch, digit) { check(dtmf(ch, digit.charCodeAt(0)), `injectDtmf ${ch}`); },
    injectAudio(ch, buf) { check(audio(ch, buf, buf.length), `injectAudio ${ch}`); },
    readPlayed(ch, max) {
      const buf = Buffer.alloc(max);
      const n = played(ch, buf, max) as number;
      check(n, `readPlayed ${ch}`);
      return buf.subarray(0, n);
    },
    hookState: (ch) => getHook(ch) as number,
    raiseAlarm(span) { check(raise(span), `raiseAlarm ${span}`); },
    clearAlarm(span) { check(clear(span), `clearAlarm ${span}`); },
    takeMaxLatenessMs: (ch) => Number(lateness(ch)) / 1e6,
    setEcho(ch, delay, gainDb) {
      if (!Number.isInteger(delay) || delay < 0 || delay > 2048) throw new RangeError(`echo delay must be 0..2048 samples, got ${delay}`);
      if (Number.isNaN(gainDb)) throw new RangeError('echo gain must be a number of dB');
      check(setEcho(ch, delay, gainDb), `setEcho ${ch}`);
    },
    setDriverEchoCanceller(ch, present) { check(driverEc(ch, present ? 1 : 0), `setDriverEchoCanceller ${ch}`); },
  };
}
