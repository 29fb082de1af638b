// One prompt conversion off the main thread: the WAV arrives in workerData, the converted
// prompt (or the WavFormatError's kind and message) goes back as one message.
import { parentPort, workerData } from 'node:worker_threads';
import { convertPromptWav, WavFormatError } from '@hotline/media';

const { file, maxSeconds } = workerData as { file: Uint8Array; maxSeconds?: number };
try {
  const out = convertPromptWav(Buffer.from(file.buffer, file.byteOffset, file.byteLength), maxSeconds === undefined ? {} : { maxSeconds });
  parentPort!.postMessage({ ok: true, wav: out.wav, durationMs: out.durationMs, source: out.source });
} catch (err) {
  if (!(err instanceof WavFormatError)) throw err;
  parentPort!.postMessage({ ok: false, kind: err.kind, message: err.message });
}
