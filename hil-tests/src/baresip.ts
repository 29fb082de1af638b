// Runs baresip 1.0 (Debian package baresip) as a SIP phone for an interop test: one
// process per extension, each with its own generated config dir, no audio hardware, and
// a ctrl_tcp control channel (netstring-framed JSON) to dial, hang up and read events.
//
// Audio without hardware, as baresip 1.0's modules allow it:
// - source: `aufile` playing a WAV this file generates (a sine tone). `ausine` would
//   be the obvious choice but accepts only 48 kHz stereo, while the G.711 path runs at
//   8 kHz mono; aufile takes the codec's rate as is (S16LE, mono, 8 kHz).
// - sink: `aubridge` with a device name nobody reads, i.e. a null player. aufile in
//   1.0 has no player side, so what the phone received is captured by the `sndfile`
//   audio filter instead: it dumps the decoded receive stream of each call to
//   `<snd_path>/dump-<time>-dec.wav` (and the encoded send stream to `-enc.wav`).
// - codecs: only `g711` is loaded, so the SDP offers PCMU and PCMA (RFC 3551 §4.5.14).
//
// Every wait has a timeout and stop() always ends the process (SIGTERM, then SIGKILL),
// so a hung baresip fails a test instead of hanging the suite.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.ts';

/** Where Debian installs baresip's modules. */
export const BARESIP_MODULE_PATH = '/usr/lib/baresip/modules';

/** Options of {@link startBaresip}. */
export interface BaresipOptions {
  /** Extension number, the user part of the account's AOR and the digest username. */
  extension: string;
  /** Digest password of the extension. */
  secret: string;
  /** SIP port of the PBX on 127.0.0.1; the account registers there. */
  pbxPort: number;
  /** Frequency of the tone this phone sends, in Hz; 1000 by default. */
  toneHz?: number;
  /** Length of the generated tone; the source goes quiet when it ends. 30 s by default. */
  toneMs?: number;
  /** SIP transport of the account; UDP by default. */
  transport?: 'udp' | 'tcp';
  /** Answer incoming calls at once (`answermode=auto`); true by default. */
  autoAnswer?: boolean;
  /** Milliseconds to wait for the control channel to accept a connection; 10 s by default. */
  startTimeoutMs?: number;
  /** Keep the config dir (and the recorded WAVs) after stop(); it is removed by default. */
  keepDir?: boolean;
  /** Path of the baresip binary; `baresip` from PATH by default. */
  binary?: string;
}

/** One event baresip's ctrl_tcp emitted (`{"event":true,"type":...}`). */
export interface BaresipEvent {
  /** Event type, e.g. `REGISTER_OK`, `CALL_INCOMING`, `CALL_ESTABLISHED`, `CALL_CLOSED`. */
  type: string;
  /** Event class, e.g. `register`, `call`. */
  class?: string;
  /** Free text baresip attaches, e.g. the reason of a closed call. */
  param?: string;
  /** The peer of a call event. */
  peeruri?: string;
  /** `incoming` or `outgoing` for call events. */
  direction?: string;
  /** When the harness received it (ms since the epoch). */
  at: number;
  /** The whole JSON object as baresip sent it. */
  raw: Record<string, unknown>;
}

/** Answer of ctrl_tcp to one command (`{"response":true,"ok":...,"data":...}`). */
export interface BaresipResponse {
  ok: boolean;
  data: string;
}

/** 16-bit PCM audio read from a WAV file. */
export interface WavPcm {
  sampleRate: number;
  channels: number;
  /** Interleaved samples. */
  samples: Int16Array;
}

/** RTP counters baresip prints when a call ends (`rtp_stats yes`). */
export interface BaresipRtpStats {
  txPackets: number;
  rxPackets: number;
  txErrors: number;
  rxErrors: number;
}

/** A running baresip. */
export interface BaresipPhone {
  readonly extension: string;
  /** SIP port baresip listens on (UDP and TCP) on 127.0.0.1. */
  readonly sipPort: number;
  /** Port of the ctrl_tcp control channel. */
  readonly ctrlPort: number;
  /** The generated config dir (`-f`). */
  readonly dir: string;
  /** Every event received so far, oldest first (a live array). */
  readonly events: readonly BaresipEvent[];
  /** Sends one ctrl_tcp command and waits for its response. */
  command(command: string, params?: string, timeoutMs?: number): Promise<BaresipResponse>;
  /** Dials `uri` (menu command `dial`); resolves when baresip accepted the command. */
  dial(uri: string): Promise<void>;
  /** Hangs up the current call (menu command `hangup`). */
  hangup(): Promise<void>;
  /**
   * Resolves with the first event of `type` at index `since` or later in {@link events}
   * (0 by default, so an event that already arrived counts); rejects after `timeoutMs`.
   */
  waitFor(type: string, timeoutMs?: number, since?: number): Promise<BaresipEvent>;
  /** The received audio of the latest call (sndfile's `-dec.wav`); throws if there is none. */
  recordedWav(): WavPcm;
  /** The RTP counters of the audio stream of the latest ended call, from baresip's output; undefined before one ended. */
  rtpStats(): BaresipRtpStats | undefined;
  /** stdout and stderr so far, for failure messages. */
  output(): string;
  /** Ends the process (SIGTERM, SIGKILL after 3 s) and removes the dir unless `keepDir`. */
  stop(): Promise<void>;
}

const WAV_HEADER = 44;

/**
 * A mono 16-bit PCM WAV (RIFF, canonical 44-byte header) holding a sine tone, as
 * aufile wants it: S16LE, one channel, the codec's sample rate.
 */
export function buildToneWav(opts: { hz: number; durationMs: number; sampleRate?: number; amplitude?: number }): Buffer {
  const rate = opts.sampleRate ?? 8000;
  const amplitude = opts.amplitude ?? 8000;
  const n = Math.round((rate * opts.durationMs) / 1000);
  const buf = Buffer.alloc(WAV_HEADER + n * 2);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + n * 2, 4);
  buf.write('WAVE', 8, 'ascii');
  buf.write('fmt ', 12, 'ascii');
  buf.writeUInt32LE(16, 16); // fmt chunk size for PCM
  buf.writeUInt16LE(1, 20); // format 1 = PCM
  buf.writeUInt16LE(1, 22); // channels
  buf.writeUInt32LE(rate, 24);
  buf.writeUInt32LE(rate * 2, 28); // byte rate
  buf.writeUInt16LE(2, 32); // block align
  buf.writeUInt16LE(16, 34); // bits per sample
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(n * 2, 40);
  const w = (2 * Math.PI * opts.hz) / rate;
  for (let i = 0; i < n; i++) buf.writeInt16LE(Math.round(amplitude * Math.sin(w * i)), WAV_HEADER + i * 2);
  return buf;
}

/**
 * Reads a 16-bit PCM WAV by walking its RIFF chunks. A data chunk whose size is 0 or
 * runs past the end (a file still being written) is taken to the end of the file.
 */
export function parseWavPcm16(buf: Buffer): WavPcm {
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('not a RIFF/WAVE file');
  }
  let off = 12;
  let sampleRate = 0;
  let channels = 0;
  let bits = 0;
  while (off + 8 <= buf.length) {
    const id = buf.toString('ascii', off, off + 4);
    let size = buf.readUInt32LE(off + 4);
    const body = off + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > buf.length) throw new Error('short fmt chunk');
      const format = buf.readUInt16LE(body);
      channels = buf.readUInt16LE(body + 2);
      sampleRate = buf.readUInt32LE(body + 4);
      bits = buf.readUInt16LE(body + 14);
      // 0xfffe is WAVE_FORMAT_EXTENSIBLE, which libsndfile may write; its samples are still PCM here.
      if ((format !== 1 && format !== 0xfffe) || bits !== 16) throw new Error(`not 16-bit PCM (format ${format}, ${bits} bits)`);
    } else if (id === 'data') {
      if (!sampleRate) throw new Error('data chunk before fmt chunk');
      if (size === 0 || body + size > buf.length) size = buf.length - body;
      const count = Math.floor(size / 2);
      const samples = new Int16Array(count);
      for (let i = 0; i < count; i++) samples[i] = buf.readInt16LE(body + i * 2);
      return { sampleRate, channels, samples };
    }
    off = body + size + (size & 1); // chunks are padded to an even size
  }
  throw new Error('no data chunk');
}

/** Root mean square of `samples` (0 for none). */
export function rms(samples: Int16Array): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
  return Math.sqrt(sum / samples.length);
}

/**
 * Share of the energy of `samples` that lies at `hz` (0..1), by the Goertzel algorithm:
 * a pure sine of that frequency gives ~1, noise or another tone gives ~0. `samples`
 * should hold a whole number of periods for an exact answer; 100 ms of audio keeps the
 * error small for any tone well inside the band.
 */
export function toneShare(samples: Int16Array, sampleRate: number, hz: number): number {
  const n = samples.length;
  if (n === 0) return 0;
  const coeff = 2 * Math.cos((2 * Math.PI * hz) / sampleRate);
  let s1 = 0;
  let s2 = 0;
  let energy = 0;
  for (let i = 0; i < n; i++) {
    const x = samples[i];
    const s0 = x + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
    energy += x * x;
  }
  if (energy === 0) return 0;
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2; // |X(hz)|^2
  // A sine of amplitude A gives |X|^2 = (A n / 2)^2 and energy A^2 n / 2.
  return Math.min(1, (2 * power) / (n * energy));
}

/** The frequency (in `stepHz` steps from `fromHz` to `toHz`) holding the largest share of the energy of `samples`. */
export function dominantFrequency(samples: Int16Array, sampleRate: number, fromHz = 100, toHz = 3800, stepHz = 10): number {
  let best = 0;
  let bestShare = -1;
  for (let f = fromHz; f <= toHz; f += stepHz) {
    const s = toneShare(samples, sampleRate, f);
    if (s > bestShare) {
      bestShare = s;
      best = f;
    }
  }
  return best;
}

/** The loudest window of `windowSamples` (stepping by half a window), for analysing the part of a recording where audio flowed. */
export function loudestWindow(samples: Int16Array, windowSamples: number): Int16Array {
  if (samples.length <= windowSamples) return samples;
  let bestStart = 0;
  let bestRms = -1;
  const step = Math.max(1, windowSamples >> 1);
  for (let start = 0; start + windowSamples <= samples.length; start += step) {
    const r = rms(samples.subarray(start, start + windowSamples));
    if (r > bestRms) {
      bestRms = r;
      bestStart = start;
    }
  }
  return samples.subarray(bestStart, bestStart + windowSamples);
}

/**
 * Reads the last audio RTP summary from baresip's output. With `rtp_stats yes`,
 * baresip 1.0 prints at the end of each call:
 *
 *     audio           Transmit:     Receive:
 *     packets:            101          101
 *     avg. bitrate:      64.6         64.5  (kbit/s)
 *     errors:               0            0
 */
export function parseBaresipRtpStats(output: string): BaresipRtpStats | undefined {
  const re = /audio\s+Transmit:\s+Receive:\s*\n\s*packets:\s+(\d+)\s+(\d+)[\s\S]*?errors:\s+(\d+)\s+(\d+)/g;
  let last: RegExpExecArray | null = null;
  for (let m = re.exec(output); m; m = re.exec(output)) last = m;
  if (!last) return undefined;
  return { txPackets: Number(last[1]), rxPackets: Number(last[2]), txErrors: Number(last[3]), rxErrors: Number(last[4]) };
}

/** Frames a JSON object as a netstring (`<len>:<bytes>,`), ctrl_tcp's wire format. */
export function encodeNetstring(payload: string): Buffer {
  const body = Buffer.from(payload, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length}:`, 'ascii'), body, Buffer.from(',', 'ascii')]);
}

/**
 * Splits complete netstrings off the front of `buf`; returns them and the unread rest.
 * Throws on a malformed length prefix or a missing trailing comma, since the stream
 * cannot be resynchronised after that.
 */
export function decodeNetstrings(buf: Buffer): { messages: string[]; rest: Buffer } {
  const messages: string[] = [];
  let off = 0;
  for (;;) {
    const colon = buf.indexOf(0x3a, off);
    if (colon < 0) {
      if (buf.length - off > 10) throw new Error('netstring length prefix too long');
      break;
    }
    const lenText = buf.toString('ascii', off, colon);
    if (!/^\d{1,9}$/.test(lenText)) throw new Error(`bad netstring length ${JSON.stringify(lenText)}`);
    const len = Number(lenText);
    const end = colon + 1 + len;
    if (end + 1 > buf.length) break; // need more bytes
    if (buf[end] !== 0x2c) throw new Error('netstring without trailing comma');
    messages.push(buf.toString('utf8', colon + 1, end));
    off = end + 1;
  }
  return { messages, rest: buf.subarray(off) };
}

/** The `config` file of one baresip instance. */
export function baresipConfig(o: { sipPort: number; ctrlPort: number; tonePath: string; recordDir: string }): string {
  return [
    'poll_method epoll',
    `sip_listen 127.0.0.1:${o.sipPort}`,
    // Addresses in SDP come from this interface: loopback, so RTP stays on 127.0.0.1.
    'net_interface 127.0.0.1',
    'call_local_timeout 120',
    'call_max_calls 4',
    `audio_source aufile,${o.tonePath}`,
    // A device nobody reads: a null player (see the header of this file).
    'audio_player aubridge,hil-null',
    'audio_alert aubridge,hil-null-alert',
    'audio_level no',
    'ausrc_format s16',
    'auplay_format s16',
    'auenc_format s16',
    'audec_format s16',
    'audio_buffer 20-160',
    'rtcp_mux no',
    'jitter_buffer_delay 5-10',
    'rtp_stats yes',
    `snd_path ${o.recordDir}`,
    `module_path ${BARESIP_MODULE_PATH}`,
    'module g711.so',
    'module aufile.so',
    'module aubridge.so',
    'module sndfile.so',
    'module_tmp account.so',
    'module_app menu.so',
    'module_app ctrl_tcp.so',
    `ctrl_tcp_listen 127.0.0.1:${o.ctrlPort}`,
    '',
  ].join('\n');
}

/** The `accounts` line of an extension registering at the PBX on 127.0.0.1. */
export function baresipAccount(o: { extension: string; secret: string; pbxPort: number; transport?: 'udp' | 'tcp'; autoAnswer?: boolean }): string {
  const transport = o.transport === 'tcp' ? ';transport=tcp' : '';
  const answer = o.autoAnswer === false ? 'manual' : 'auto';
  return `<sip:${o.extension}@127.0.0.1:${o.pbxPort}${transport}>;auth_pass=${o.secret};regint=600;answermode=${answer}\n`;
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Starts baresip for one extension and connects to its control channel. */
export async function startBaresip(opts: BaresipOptions): Promise<BaresipPhone> {
  const dir = mkdtempSync(join(tmpdir(), `hil-baresip-${opts.extension}-`));
  const recordDir = join(dir, 'rec');
  mkdirSync(recordDir);
  const tonePath = join(dir, 'tone.wav');
  writeFileSync(tonePath, buildToneWav({ hz: opts.toneHz ?? 1000, durationMs: opts.toneMs ?? 30_000 }));
  const sipPort = await freePort();
  let ctrlPort = await freePort();
  while (ctrlPort === sipPort) ctrlPort = await freePort();
  writeFileSync(join(dir, 'config'), baresipConfig({ sipPort, ctrlPort, tonePath, recordDir }));
  // No account at start: baresip would register before the control channel is
  // connected, and ctrl_tcp does not replay events. The account is added with `uanew`
  // once connected, so its REGISTER_OK is seen.
  writeFileSync(join(dir, 'accounts'), '');
  // Without a contacts file baresip writes a template into the dir; an empty one is enough.
  writeFileSync(join(dir, 'contacts'), '');

  const child = spawn(opts.binary ?? 'baresip', ['-f', dir], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer) => {
    out += d.toString('utf8');
    if (out.length > 400_000) out = out.slice(-200_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let spawnError: Error | undefined;
  child.once('error', (err) => {
    spawnError = err;
  });
  const exited = new Promise<void>((r) => child.once('close', () => r()));
  const alive = () => child.exitCode === null && child.signalCode === null && !spawnError;

  let stopped = false;
  const kill = async () => {
    if (alive()) {
      child.kill('SIGTERM');
      // baresip unregisters on SIGTERM; a PBX that no longer answers must not keep it alive.
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
  };
  const fail = async (why: string): Promise<never> => {
    await kill();
    const msg = `baresip ${opts.extension}: ${why}\n--- baresip output ---\n${out.slice(-5000)}`;
    if (!opts.keepDir) rmSync(dir, { recursive: true, force: true });
    throw new Error(msg);
  };

  // The control channel is up once baresip has loaded its modules.
  const deadline = Date.now() + (opts.startTimeoutMs ?? 10_000);
  let sock: Socket | undefined;
  while (!sock) {
    if (!alive()) return fail(`exited during start (code ${child.exitCode}, signal ${child.signalCode}${spawnError ? `, ${spawnError.message}` : ''})`);
    if (Date.now() > deadline) return fail(`ctrl_tcp on 127.0.0.1:${ctrlPort} did not accept a connection in time`);
    sock = await new Promise<Socket | undefined>((resolve) => {
      const s = connect(ctrlPort, '127.0.0.1');
      s.once('connect', () => resolve(s));
      s.once('error', () => {
        s.destroy();
        resolve(undefined);
      });
    });
    if (!sock) await delay(100);
  }
  const ctrl = sock;

  const events: BaresipEvent[] = [];
  const eventWaiters = new Set<() => void>();
  const pending = new Map<string, (r: BaresipResponse) => void>();
  let rest: Buffer = Buffer.alloc(0);
  let streamError: string | undefined;
  ctrl.on('data', (chunk: Buffer) => {
    if (streamError) return;
    let parsed: { messages: string[]; rest: Buffer };
    try {
      parsed = decodeNetstrings(rest.length ? Buffer.concat([rest, chunk]) : chunk);
    } catch (err) {
      streamError = String(err);
      return;
    }
    rest = Buffer.from(parsed.rest);
    for (const text of parsed.messages) {
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(text) as Record<string, unknown>;
      } catch {
        keep(Buffer.from(`\n[hil] ctrl_tcp sent non-JSON: ${text}\n`));
        continue;
      }
      if (msg.event === true) {
        const str = (k: string) => (typeof msg[k] === 'string' ? (msg[k] as string) : undefined);
        events.push({
          type: str('type') ?? '', class: str('class'), param: str('param'), peeruri: str('peeruri'),
          direction: str('direction'), at: Date.now(), raw: msg,
        });
        for (const w of [...eventWaiters]) w();
      } else if (msg.response === true) {
        const token = typeof msg.token === 'string' ? msg.token : '';
        const done = pending.get(token);
        pending.delete(token);
        done?.({ ok: msg.ok === true, data: typeof msg.data === 'string' ? msg.data : '' });
      }
    }
  });
  ctrl.on('error', () => {});

  let tokenSeq = 0;
  const command = (cmd: string, params = '', timeoutMs = 5000): Promise<BaresipResponse> => {
    const token = `hil-${++tokenSeq}`;
    return new Promise<BaresipResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(token);
        reject(new Error(`baresip ${opts.extension}: no answer to '${cmd}' within ${timeoutMs} ms\n${out.slice(-3000)}`));
      }, timeoutMs);
      pending.set(token, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      ctrl.write(encodeNetstring(JSON.stringify({ command: cmd, params, token })));
    });
  };

  const waitFor = (type: string, timeoutMs = 10_000, since = 0): Promise<BaresipEvent> =>
    new Promise<BaresipEvent>((resolve, reject) => {
      const find = () => events.slice(since).find((e) => e.type === type);
      const hit = find();
      if (hit) return resolve(hit);
      const check = () => {
        const e = find();
        if (!e) return;
        cleanup();
        resolve(e);
      };
      const timer = setTimeout(() => {
        cleanup();
        const seen = events.map((e) => `${e.type}${e.param ? `(${e.param})` : ''}`).join(', ') || 'none';
        reject(new Error(
          `baresip ${opts.extension}: no ${type} event within ${timeoutMs} ms; events so far: ${seen}` +
            `${streamError ? `; ctrl stream error: ${streamError}` : ''}\n--- baresip output ---\n${out.slice(-4000)}`,
        ));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        eventWaiters.delete(check);
      };
      eventWaiters.add(check);
    });

  const expectOk = async (cmd: string, params?: string) => {
    const r = await command(cmd, params);
    if (!r.ok) throw new Error(`baresip ${opts.extension}: '${cmd}${params ? ` ${params}` : ''}' refused: ${r.data}`);
  };

  const added = await command('uanew', baresipAccount(opts).trim()).catch((err: unknown) => ({ ok: false, data: String(err) }));
  if (!added.ok) {
    ctrl.destroy();
    return fail(`uanew refused the account: ${added.data}`);
  }

  return {
    extension: opts.extension,
    sipPort,
    ctrlPort,
    dir,
    events,
    command,
    dial: (uri) => expectOk('dial', uri),
    hangup: () => expectOk('hangup'),
    waitFor,
    recordedWav: () => {
      const files = existsSync(recordDir)
        ? readdirSync(recordDir).filter((f) => f.endsWith('-dec.wav')).map((f) => join(recordDir, f))
        : [];
      if (files.length === 0) throw new Error(`baresip ${opts.extension}: no received-audio recording in ${recordDir}`);
      files.sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs);
      return parseWavPcm16(readFileSync(files[files.length - 1]));
    },
    rtpStats: () => parseBaresipRtpStats(out),
    output: () => out,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      ctrl.destroy();
      for (const [, done] of pending) done({ ok: false, data: 'stopped' });
      pending.clear();
      await kill();
      if (!opts.keepDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
