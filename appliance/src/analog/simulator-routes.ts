import type { SimulatorControl } from '@hotline/drivers';
import type { ControlRoutes } from '../control/index.ts';

/**
 * Control routes that play the exchange and the phones on a simulated card, so interop
 * tests (hil-tests) drive a running gateway process the way a technician with a line
 * simulator would. Served only when the configured driver is `simulator`.
 *
 * Audio crosses as base64 of G.711 bytes in the card's law.
 */
export function simulatorRoutes(sim: () => SimulatorControl | undefined): ControlRoutes {
  const on = (run: (s: SimulatorControl, b: Record<string, unknown>) => unknown) => ({
    method: 'POST' as const,
    run(body: unknown) {
      const s = sim();
      if (!s) throw new Error('no simulated card is open');
      if (typeof body !== 'object' || body === null) throw new RangeError('a JSON object body is required');
      return run(s, body as Record<string, unknown>) ?? { ok: true };
    },
  });
  const channel = (b: Record<string, unknown>): number => {
    if (!Number.isInteger(b.channel)) throw new RangeError('channel must be an integer');
    return b.channel as number;
  };
  const bytes = (v: unknown, what: string): Buffer => {
    if (typeof v !== 'string') throw new RangeError(`${what} must be base64 text`);
    return Buffer.from(v, 'base64');
  };
  return {
    '/v1/sim/ring': on((s, b) => s.ring(channel(b), b.callerId === undefined ? undefined : bytes(b.callerId, 'callerId'))),
    '/v1/sim/offhook': on((s, b) => s.offHook(channel(b))),
    '/v1/sim/onhook': on((s, b) => s.onHook(channel(b))),
    '/v1/sim/flash': on((s, b) => s.flash(channel(b))),
    '/v1/sim/polarity': on((s, b) => s.polarity(channel(b))),
    '/v1/sim/dtmf': on((s, b) => {
      if (typeof b.digits !== 'string' || !/^[0-9*#A-D]+$/.test(b.digits)) throw new RangeError('digits must be DTMF characters');
      for (const d of b.digits) s.injectDtmf(channel(b), d);
    }),
    '/v1/sim/audio': on((s, b) => s.injectAudio(channel(b), bytes(b.audio, 'audio'))),
    '/v1/sim/played': on((s, b) => ({ audio: s.readPlayed(channel(b), Number.isInteger(b.max) ? (b.max as number) : 16000).toString('base64') })),
    '/v1/sim/hook': on((s, b) => ({ hook: s.hookState(channel(b)) })),
    '/v1/sim/alarm': on((s, b) => {
      if (!Number.isInteger(b.span)) throw new RangeError('span must be an integer');
      if (b.raise === false) s.clearAlarm(b.span as number);
      else s.raiseAlarm(b.span as number);
    }),
  };
}
