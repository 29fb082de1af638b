// Live listen framing (issue 7): the audio of an ongoing recording as the recorder receives it —
// one frame per RTP packet, G.711 exactly as it arrived (no jitter buffer, no transcoding) — so
// a supervisor hears the call with the recorder's own delay and the recorder does no extra work
// beyond a copy. The recorder writes frames back to back on its control stream `/v1/live`;
// mgmt cuts them apart (LiveFrameSplitter) and sends each as one binary WebSocket message; the
// browser decodes one frame per message (mgmt-ui/src/lib/live-audio.ts reads the same layout).
//
//   offset 0  u8      version (1)
//          1  u8      channel (0 = first party / label order of the recording, 1 = second ...)
//          2  u8      law: 0 = µ-law (PCMU), 8 = A-law (PCMA), the RTP static payload numbers
//          3  u8      reserved, 0
//          4  u32 BE  arrival time, ms since the recording (segment) started
//          8  u16 BE  payload length N (≤ LIVE_MAX_PAYLOAD)
//         10  N bytes G.711 samples, 8 kHz, one byte per sample
//
// Plain Uint8Array/DataView only (no Node Buffer): the browser imports this file too.

/** Bytes before the payload. */
export const LIVE_HEADER_BYTES = 10;
/** Version byte of this layout. */
export const LIVE_FRAME_VERSION = 1;
/** Largest payload: a 1500-byte datagram cannot carry more audio. */
export const LIVE_MAX_PAYLOAD = 1500;
/** Law codes in byte 2. */
export const LIVE_LAW = { PCMU: 0, PCMA: 8 } as const;

/** One decoded frame; `payload` is a view into the bytes it was read from. */
export interface LiveFrame {
  channel: number;
  law: 'PCMU' | 'PCMA';
  atMs: number;
  payload: Uint8Array;
}

/** Encodes one frame from an RTP payload (`buf[offset, offset + length)`). */
export function encodeLiveFrame(channel: number, law: 'PCMU' | 'PCMA', atMs: number, buf: Uint8Array, offset: number, length: number): Uint8Array {
  if (length > LIVE_MAX_PAYLOAD) throw new RangeError(`live frame payload ${length} bytes over ${LIVE_MAX_PAYLOAD}`);
  const f = new Uint8Array(LIVE_HEADER_BYTES + length);
  const v = new DataView(f.buffer);
  f[0] = LIVE_FRAME_VERSION;
  f[1] = channel & 0xff;
  f[2] = LIVE_LAW[law];
  v.setUint32(4, Math.max(0, Math.min(Math.floor(atMs), 0xffffffff)));
  v.setUint16(8, length);
  f.set(buf.subarray(offset, offset + length), LIVE_HEADER_BYTES);
  return f;
}

/** Why a frame was refused. */
export class LiveFrameError extends Error {
  override readonly name = 'LiveFrameError';
}

/** Reads the header at `b[0..]`; throws LiveFrameError for a wrong version, law or length. */
function header(b: Uint8Array): { channel: number; law: 'PCMU' | 'PCMA'; atMs: number; length: number } {
  if (b[0] !== LIVE_FRAME_VERSION) throw new LiveFrameError(`live frame version ${b[0]} (expected ${LIVE_FRAME_VERSION})`);
  const law = b[2] === LIVE_LAW.PCMU ? 'PCMU' : b[2] === LIVE_LAW.PCMA ? 'PCMA' : undefined;
  if (!law) throw new LiveFrameError(`live frame law code ${b[2]} is neither 0 (PCMU) nor 8 (PCMA)`);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const length = view.getUint16(8);
  if (length > LIVE_MAX_PAYLOAD) throw new LiveFrameError(`live frame payload ${length} bytes over ${LIVE_MAX_PAYLOAD}`);
  return { channel: b[1]!, law, atMs: view.getUint32(4), length };
}

/** Decodes exactly one frame (a WebSocket message); throws LiveFrameError when it is not one. */
export function decodeLiveFrame(b: Uint8Array): LiveFrame {
  if (b.length < LIVE_HEADER_BYTES) throw new LiveFrameError(`live frame of ${b.length} bytes is shorter than its header`);
  const h = header(b);
  if (b.length !== LIVE_HEADER_BYTES + h.length) throw new LiveFrameError(`live frame says ${h.length} payload bytes but carries ${b.length - LIVE_HEADER_BYTES}`);
  return { channel: h.channel, law: h.law, atMs: h.atMs, payload: b.subarray(LIVE_HEADER_BYTES) };
}

/**
 * Cuts a byte stream (the recorder's `/v1/live` response, arbitrary chunk boundaries) into whole
 * frames. Holds at most one partial frame; a broken header throws (the stream is then unusable).
 */
export class LiveFrameSplitter {
  #pending: Uint8Array = new Uint8Array(0);

  /** Feeds a chunk; returns the frames it completed, each its own copy (encoded layout). */
  push(chunk: Uint8Array): Uint8Array[] {
    let b = chunk;
    if (this.#pending.length > 0) {
      b = new Uint8Array(this.#pending.length + chunk.length);
      b.set(this.#pending);
      b.set(chunk, this.#pending.length);
    }
    const out: Uint8Array[] = [];
    while (b.length >= LIVE_HEADER_BYTES) {
      const total = LIVE_HEADER_BYTES + header(b).length;
      if (b.length < total) break;
      out.push(new Uint8Array(b.subarray(0, total))); // a copy: Buffer#slice would be a view
      b = b.subarray(total);
    }
    this.#pending = new Uint8Array(b);
    return out;
  }

  /** Bytes of an unfinished frame waiting for the next chunk. */
  get pendingBytes(): number {
    return this.#pending.length;
  }
}
