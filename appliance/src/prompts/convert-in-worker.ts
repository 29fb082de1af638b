// Converting an uploaded prompt without blocking the management service: resampling five
// minutes of 48 kHz stereo takes seconds of CPU, during which every other request (and the
// live WebSocket) would wait. Uploads are rare and admin-only, so one short-lived worker each.
import { Worker } from 'node:worker_threads';
import { WavFormatError, type ConvertedPrompt, type PromptConvertOptions } from '@hotline/media';

type Reply = { ok: true; wav: Uint8Array; durationMs: number; source: ConvertedPrompt['source'] } | { ok: false; kind: WavFormatError['kind']; message: string };

/** convertPromptWav in a worker thread; rejects with WavFormatError for a file that is not a usable prompt. */
export function convertPromptInWorker(file: Buffer, opts: PromptConvertOptions = {}): Promise<ConvertedPrompt> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./convert-worker.mjs', import.meta.url), { workerData: { file, maxSeconds: opts.maxSeconds } });
    let settled = false;
    worker.once('message', (r: Reply) => {
      settled = true;
      if (r.ok) resolve({ wav: Buffer.from(r.wav.buffer, r.wav.byteOffset, r.wav.byteLength), durationMs: r.durationMs, source: r.source });
      else reject(new WavFormatError(r.kind, r.message));
    });
    worker.once('error', (err) => { settled = true; reject(err); });
    worker.once('exit', (code) => { if (!settled) reject(new Error(`prompt conversion worker exited with ${code}`)); });
  });
}
