// RIFF/WAVE layout for the three encodings the appliance records and plays:
// 16-bit PCM (format tag 1), A-law (6) and µ-law (7), plus 8-bit (unsigned) and 24-bit PCM,
// which are only read (prompt uploads are converted, prompt-convert.ts). Pure functions over Buffers.
//
// Header written by wavHeader():
//   "RIFF" <riff size> "WAVE"
//   "fmt " <16 | 18> tag channels rate byteRate blockAlign bits [cbSize=0]
//   ["fact" 4 <samples per channel>]        (non-PCM only, as the WAVE spec requires)
//   "data" <data size> <samples...>
// Sizes are little-endian u32; a chunk with an odd size is followed by a pad byte.

/** Sample encodings supported for reading and writing; `pcm8` is unsigned (WAVE's 8-bit PCM), `pcm24` little-endian signed. */
export type WavEncoding = 'pcm16' | 'alaw' | 'ulaw' | 'pcm8' | 'pcm24';

/** Format of a WAV stream. */
export interface WavFormat {
  /** Sample encoding. */
  encoding: WavEncoding;
  /** Samples per second per channel. */
  sampleRate: number;
  /** Interleaved channels (the recorder uses one per party). */
  channels: number;
}

/** A parsed WAV file: its format and where the samples are. */
export interface WavInfo extends WavFormat {
  /** Bytes per interleaved sample frame. */
  blockAlign: number;
  /** Offset of the first sample byte. */
  dataOffset: number;
  /** Length of the sample data in bytes. */
  dataLength: number;
  /** View of the sample data (shares memory with the parsed buffer). */
  data: Buffer;
}

/** Why a WAV could not be read: cut short, not a WAV, or a WAV we do not handle. */
export type WavErrorKind = 'truncated' | 'malformed' | 'unsupported';

/** A WAV that cannot be read; `kind` classifies, the message says what to do. */
export class WavFormatError extends Error {
  /** Creates the error with its class and a readable message. */
  constructor(
    /** Class of the failure. */
    readonly kind: WavErrorKind,
    message: string,
    /** File the bytes came from, when known. */
    readonly source?: string,
  ) {
    super(source ? `${source}: ${message}` : message);
    this.name = 'WavFormatError';
  }
}

/** WAVE format tag for integer PCM. */
export const WAVE_FORMAT_PCM = 1;
/** WAVE format tag for ITU-T G.711 A-law. */
export const WAVE_FORMAT_ALAW = 6;
/** WAVE format tag for ITU-T G.711 µ-law. */
export const WAVE_FORMAT_MULAW = 7;
/** WAVE_FORMAT_EXTENSIBLE: the real tag is in the first two bytes of the sub-format GUID. */
export const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

const TAG: Record<WavEncoding, number> = { pcm16: WAVE_FORMAT_PCM, pcm8: WAVE_FORMAT_PCM, pcm24: WAVE_FORMAT_PCM, alaw: WAVE_FORMAT_ALAW, ulaw: WAVE_FORMAT_MULAW };
const BYTES: Record<WavEncoding, number> = { pcm16: 2, pcm8: 1, pcm24: 3, alaw: 1, ulaw: 1 };

/** Bytes per sample of one channel. */
export function bytesPerSample(e: WavEncoding): number {
  return BYTES[e];
}

/** True for the integer PCM encodings (no fact chunk, fmt body of 16 bytes). */
function isPcm(e: WavEncoding): boolean {
  return TAG[e] === WAVE_FORMAT_PCM;
}

/** Layout of a header from {@link wavHeader}: where the size fields are, to patch them later. */
export interface WavHeaderLayout {
  /** Total header length = offset of the first sample. */
  headerBytes: number;
  /** Offset of the data chunk's size field. */
  dataSizeOffset: number;
  /** Offset of the fact chunk's sample count, or −1 for PCM. */
  factOffset: number;
}

/** Where the size fields of the header for `encoding` sit. */
export function wavHeaderLayout(encoding: WavEncoding): WavHeaderLayout {
  const fmtBody = isPcm(encoding) ? 16 : 18;
  let o = 12 + 8 + fmtBody;
  let factOffset = -1;
  if (!isPcm(encoding)) {
    factOffset = o + 8;
    o += 12;
  }
  return { headerBytes: o + 8, dataSizeOffset: o + 4, factOffset };
}

/** Builds a WAV header for `dataBytes` of samples (0 as a placeholder while streaming). */
export function wavHeader(f: WavFormat, dataBytes = 0): Buffer {
  if (!Number.isInteger(f.channels) || f.channels < 1 || f.channels > 64) throw new RangeError('WAV channels must be 1..64');
  const layout = wavHeaderLayout(f.encoding);
  const h = Buffer.alloc(layout.headerBytes);
  const bps = bytesPerSample(f.encoding);
  const blockAlign = bps * f.channels;
  const fmtBody = isPcm(f.encoding) ? 16 : 18;
  h.write('RIFF', 0, 'latin1');
  h.write('WAVE', 8, 'latin1');
  h.write('fmt ', 12, 'latin1');
  h.writeUInt32LE(fmtBody, 16);
  h.writeUInt16LE(TAG[f.encoding], 20);
  h.writeUInt16LE(f.channels, 22);
  h.writeUInt32LE(f.sampleRate, 24);
  h.writeUInt32LE(f.sampleRate * blockAlign, 28);
  h.writeUInt16LE(blockAlign, 32);
  h.writeUInt16LE(bps * 8, 34);
  if (layout.factOffset >= 0) {
    h.write('fact', layout.factOffset - 8, 'latin1');
    h.writeUInt32LE(4, layout.factOffset - 4);
  }
  h.write('data', layout.dataSizeOffset - 4, 'latin1');
  patchWavSizes(h, f.encoding, f.channels, dataBytes);
  return h;
}

/**
 * Writes the RIFF, data and fact sizes for `dataBytes` of samples into a header
 * buffer (at least the header's length). The RIFF size counts the data pad byte.
 */
export function patchWavSizes(h: Buffer, encoding: WavEncoding, channels: number, dataBytes: number): void {
  const layout = wavHeaderLayout(encoding);
  const padded = dataBytes + (dataBytes & 1);
  h.writeUInt32LE(Math.min(0xffffffff, layout.headerBytes - 8 + padded), 4);
  h.writeUInt32LE(Math.min(0xffffffff, dataBytes), layout.dataSizeOffset);
  if (layout.factOffset >= 0) h.writeUInt32LE(Math.floor(dataBytes / (bytesPerSample(encoding) * channels)), layout.factOffset);
}

/** Chunk position found by {@link findWavChunks}, tolerant of bad data sizes. */
export interface WavChunkScan {
  /** Parsed fmt chunk. */
  format: WavFormat;
  /** Bytes per sample frame. */
  blockAlign: number;
  /** Offset of the data chunk's size field. */
  dataSizeOffset: number;
  /** Offset of the first sample. */
  dataOffset: number;
  /** Data size as written in the header (may be a placeholder). */
  declaredDataBytes: number;
  /** Offset of a fact chunk's sample count, or −1. */
  factOffset: number;
}

/*
 * RIFF chunk walk (Microsoft RIFF / WAVE):
 *   0  "RIFF"   4  u32 size   8  "WAVE"
 *   12 chunk: 4-byte id, u32 size, body, pad byte when size is odd ...
 * fmt body: u16 tag, u16 channels, u32 rate, u32 byteRate, u16 blockAlign, u16 bits,
 *           [u16 cbSize, (extensible: u16 validBits, u32 mask, GUID whose first u16 is the tag)]
 */
/** Walks the chunks up to the data chunk; throws {@link WavFormatError}. Used by the reader and by recovery. */
export function findWavChunks(buf: Buffer, source?: string): WavChunkScan {
  if (buf.length < 12) throw new WavFormatError('truncated', 'shorter than a RIFF header', source);
  if (buf.toString('latin1', 0, 4) !== 'RIFF' || buf.toString('latin1', 8, 12) !== 'WAVE') {
    throw new WavFormatError('malformed', 'not a RIFF/WAVE file', source);
  }
  let o = 12;
  let format: WavFormat | null = null;
  let blockAlign = 0;
  let factOffset = -1;
  for (;;) {
    if (o + 8 > buf.length) throw new WavFormatError('truncated', format ? 'no data chunk' : 'no fmt chunk', source);
    const id = buf.toString('latin1', o, o + 4);
    const size = buf.readUInt32LE(o + 4);
    const body = o + 8;
    if (id === 'data') {
      if (!format) throw new WavFormatError('malformed', 'data chunk before fmt chunk', source);
      return { format, blockAlign, dataSizeOffset: o + 4, dataOffset: body, declaredDataBytes: size, factOffset };
    }
    if (body + size > buf.length) throw new WavFormatError('truncated', `${JSON.stringify(id)} chunk runs past the end`, source);
    if (id === 'fmt ') {
      if (size < 16) throw new WavFormatError('malformed', 'fmt chunk shorter than 16 bytes', source);
      let tag = buf.readUInt16LE(body);
      const channels = buf.readUInt16LE(body + 2);
      const sampleRate = buf.readUInt32LE(body + 4);
      blockAlign = buf.readUInt16LE(body + 12);
      const bits = buf.readUInt16LE(body + 14);
      if (tag === WAVE_FORMAT_EXTENSIBLE) {
        if (size < 40) throw new WavFormatError('malformed', 'WAVE_FORMAT_EXTENSIBLE fmt chunk shorter than 40 bytes', source);
        tag = buf.readUInt16LE(body + 24);
      }
      let encoding: WavEncoding;
      if (tag === WAVE_FORMAT_PCM && bits === 16) encoding = 'pcm16';
      else if (tag === WAVE_FORMAT_PCM && bits === 8) encoding = 'pcm8';
      else if (tag === WAVE_FORMAT_PCM && bits === 24) encoding = 'pcm24';
      else if (tag === WAVE_FORMAT_ALAW && bits === 8) encoding = 'alaw';
      else if (tag === WAVE_FORMAT_MULAW && bits === 8) encoding = 'ulaw';
      else {
        throw new WavFormatError('unsupported', `format tag ${tag} with ${bits}-bit samples is not supported; use 16-bit PCM, A-law or µ-law`, source);
      }
      if (channels < 1) throw new WavFormatError('malformed', 'fmt chunk declares 0 channels', source);
      if (sampleRate < 1) throw new WavFormatError('malformed', 'fmt chunk declares a 0 Hz sample rate', source);
      if (blockAlign !== channels * bytesPerSample(encoding)) {
        throw new WavFormatError('malformed', `block align ${blockAlign} does not match ${channels} channel(s) of ${bits}-bit samples`, source);
      }
      format = { encoding, sampleRate, channels };
    } else if (id === 'fact' && size >= 4) {
      factOffset = body;
    }
    // Any other chunk (LIST, cue, bext, ...) is skipped.
    o = body + size + (size & 1);
  }
}

/**
 * Parses a complete WAV file. Throws {@link WavFormatError}: 'truncated' when the
 * data chunk claims more bytes than the file has, or 0 bytes with samples behind
 * it (a recording cut short: run recoverWav on it), 'unsupported' for other encodings.
 */
export function parseWav(buf: Buffer, source?: string): WavInfo {
  const s = findWavChunks(buf, source);
  if (s.declaredDataBytes === 0 && buf.length - s.dataOffset > 1) {
    // WavFileWriter's placeholder header with samples behind it: the writer never closed.
    throw new WavFormatError('truncated', `data chunk size is 0 but ${buf.length - s.dataOffset} bytes follow; was the writer interrupted? (recoverWav repairs it)`, source);
  }
  if (s.dataOffset + s.declaredDataBytes > buf.length) {
    throw new WavFormatError('truncated', `data chunk claims ${s.declaredDataBytes} bytes, file has ${buf.length - s.dataOffset}; was the writer interrupted? (recoverWav repairs it)`, source);
  }
  const dataLength = s.declaredDataBytes - (s.declaredDataBytes % s.blockAlign);
  return {
    ...s.format,
    blockAlign: s.blockAlign,
    dataOffset: s.dataOffset,
    dataLength,
    data: buf.subarray(s.dataOffset, s.dataOffset + dataLength),
  };
}
