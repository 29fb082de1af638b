// Starts the analog gateway service on a running test PBX's data directory (the same
// config file, as on the appliance) with the simulator card, and plays the exchange and
// the phones through the gateway's simulator control routes.
import { join } from 'node:path';
import { ControlClient } from '@hotline/appliance/control';
import type { AnalogStatus } from '@hotline/appliance/analog';
import type { HilPbx } from './pbx.ts';
import { REPO_ROOT } from './paths.ts';
import { spawnService, waitUntilAnswering } from './service-process.ts';

/** Entry point of the analog gateway service, as in ecosystem.config.cjs. */
export const ANALOG_MAIN = join(REPO_ROOT, 'appliance/src/analog/main.ts');

/** Slices of injected audio: 200 ms (1600 A-law or µ-law bytes). */
const AUDIO_SLICE_MS = 200;
const AUDIO_SLICE_BYTES = 1600;

/** The line simulator behind the gateway's simulated card. Audio is G.711 in the card's law. */
export interface LineSimulator {
  /** The exchange rings an FXO line, with caller-ID audio (FSK or DTMF) after the ring. */
  ring(channel: number, callerId?: Uint8Array): Promise<void>;
  offHook(channel: number): Promise<void>;
  onHook(channel: number): Promise<void>;
  flash(channel: number): Promise<void>;
  polarity(channel: number): Promise<void>;
  /** DTMF digits detected on the channel (as a card with DTMF detection reports them). */
  dtmf(channel: number, digits: string): Promise<void>;
  /** Audio the phone or line sends, delivered in real time (the promise resolves when the last slice is in). */
  audio(channel: number, audio: Uint8Array): Promise<void>;
  /** Drains what the gateway played on the channel so far. */
  played(channel: number): Promise<Buffer>;
  /** Last hook command the gateway gave the channel (DAHDI_HOOK value), -1 if none. */
  hook(channel: number): Promise<number>;
  alarm(span: number, raise: boolean): Promise<void>;
}

/** A running analog gateway under test. */
export interface HilAnalog {
  status(): Promise<AnalogStatus>;
  sim: LineSimulator;
  logs(): string;
  stop(): Promise<void>;
}

/** Starts the gateway on `pbx`'s data directory and waits until its card is open. */
export async function startAnalog(pbx: HilPbx, startTimeoutMs = 20_000): Promise<HilAnalog> {
  const proc = spawnService(ANALOG_MAIN, { HOTLINE_SERVICE: 'analog', HOTLINE_DATA_DIR: pbx.dataDir });
  const client = new ControlClient(join(pbx.dataDir, 'run', 'analog.sock'), 5000, 'analog gateway');
  const status = () => client.call<AnalogStatus>('GET', '/v1/status');
  const st = await waitUntilAnswering(proc, 'analog gateway', status, startTimeoutMs);
  if (st.card.state !== 'open') {
    await proc.stop();
    throw new Error(`the simulated card did not open: ${JSON.stringify(st.card)}\n${proc.output().slice(-5000)}`);
  }
  const post = async (path: string, body: object) => { await client.call('POST', `/v1/sim/${path}`, body); };
  const b64 = (a: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
  return {
    status,
    logs: () => proc.output(),
    stop: () => proc.stop(),
    sim: {
      ring: (channel, callerId) => post('ring', callerId ? { channel, callerId: b64(callerId) } : { channel }),
      offHook: (channel) => post('offhook', { channel }),
      onHook: (channel) => post('onhook', { channel }),
      flash: (channel) => post('flash', { channel }),
      polarity: (channel) => post('polarity', { channel }),
      dtmf: (channel, digits) => post('dtmf', { channel, digits }),
      audio: async (channel, audio) => {
        // A line delivers 20 ms per 20 ms; the simulator hands injected audio over at once,
        // so long audio goes in 200 ms slices at the pace it would arrive.
        for (let at = 0; at < audio.length; at += AUDIO_SLICE_BYTES) {
          await post('audio', { channel, audio: b64(audio.subarray(at, at + AUDIO_SLICE_BYTES)) });
          if (at + AUDIO_SLICE_BYTES < audio.length) await new Promise((r) => setTimeout(r, AUDIO_SLICE_MS));
        }
      },
      played: async (channel) => Buffer.from((await client.call<{ audio: string }>('POST', '/v1/sim/played', { channel })).audio, 'base64'),
      hook: async (channel) => (await client.call<{ hook: number }>('POST', '/v1/sim/hook', { channel })).hook,
      alarm: (span, raise) => post('alarm', { span, raise }),
    },
  };
}
