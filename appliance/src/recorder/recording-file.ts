// One recording on disk while it is made: the aligner's timeline appended to a WAV file in
// sequential, buffered writes. The flush tick writes everything older than the jitter
// allowance, so `kill -9` loses at most one flush interval plus the wait (under a second
// with the defaults: 250 + 750 ms at worst, 250 + 200 ms normally); recoverWav() later fixes the header from the data length.
// A stream that is behind (its packets still queued, or it went quiet) holds the write back
// up to `maxWaitMs`, so a stall of this process or of the SRC does not turn into gaps.
import { silenceCode, WavFileWriter, type WavFs } from '@hotline/media';
import { ChannelAligner } from './channel-aligner.ts';
import type { RecordLaw } from './recording-sdp.ts';
import { ensureParent } from './storage.ts';

/** G.711 runs at 8 samples per millisecond. */
const SAMPLES_PER_MS = 8;

/** A WAV being recorded, one channel per party. */
export class RecordingFile {
  readonly aligner: ChannelAligner;
  private readonly writer: WavFileWriter;
  private readonly scratch: Uint8Array;
  private closed = false;

  /** Creates the file (and its date folder) with a header for `channels` channels of `law`. */
  constructor(readonly path: string, readonly law: RecordLaw, readonly channels: number, private readonly jitterAllowanceMs: number, private readonly maxWaitMs = 750, fs?: WavFs) {
    const g711 = law === 'PCMU' ? 'pcmu' : 'pcma';
    this.aligner = new ChannelAligner({ channels, silence: silenceCode(g711) });
    ensureParent(path);
    this.writer = new WavFileWriter(path, { encoding: law === 'PCMU' ? 'ulaw' : 'alaw', sampleRate: 8000, channels }, fs);
    // One second of interleaved audio per write at most; a larger backlog takes several writes.
    this.scratch = new Uint8Array(8000 * channels);
  }

  /** Sample bytes appended to the file so far. */
  get bytesWritten(): number {
    return this.writer.bytesWritten;
  }

  /** Audio length in the file so far, in ms. */
  get durationMs(): number {
    return Math.floor(this.aligner.drained / SAMPLES_PER_MS);
  }

  /**
   * Appends what has settled at `nowMs` (see ChannelAligner.horizon: at least the jitter
   * allowance old, at most `maxWaitMs`), or everything when `all`. Returns bytes written.
   */
  flush(nowMs: number, all = false): number {
    if (this.closed || !this.aligner.started) return 0;
    const upTo = all ? this.aligner.end : this.aligner.horizon(nowMs, this.jitterAllowanceMs, Math.max(this.jitterAllowanceMs, this.maxWaitMs));
    let total = 0;
    for (;;) {
      const n = this.aligner.drain(upTo, this.scratch);
      if (n === 0) break;
      this.writer.append(this.scratch.subarray(0, n));
      total += n;
    }
    return total;
  }

  /** Writes what is left, fixes the header, fsyncs and closes. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.flush(0, true);
    this.closed = true;
    this.writer.close();
  }
}
