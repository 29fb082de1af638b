// File adapter for WAV: a streaming writer, a whole-file reader, and recoverWav()
// for files whose writer died before close(). Recovery assumes the data chunk is
// the last chunk, which holds for every file WavFileWriter makes. Synchronous fs on purpose: the recorder is its own process
// (DESIGN.md "Processes"), appends are 160–320 bytes every 20 ms, and a sync call
// keeps the header patch and fsync strictly ordered after the last sample.
import * as nodeFs from 'node:fs';
import { findWavChunks, parseWav, wavHeader, bytesPerSample, WavFormatError, type WavFormat, type WavInfo } from './wav-format.ts';

/** The file operations the WAV adapter uses; tests can inject a fake or a crashing one. */
export interface WavFs {
  /** Opens a file, returning a descriptor. */
  openSync(path: string, flags: string): number;
  /** Writes `length` bytes of `buf` at `position`. */
  writeSync(fd: number, buf: Uint8Array, offset: number, length: number, position: number): number;
  /** Reads into `buf` from `position`. */
  readSync(fd: number, buf: Uint8Array, offset: number, length: number, position: number): number;
  /** File size and more. */
  fstatSync(fd: number): { size: number };
  /** Truncates the file to `len` bytes. */
  ftruncateSync(fd: number, len: number): void;
  /** Flushes to stable storage. */
  fsyncSync(fd: number): void;
  /** Closes the descriptor. */
  closeSync(fd: number): void;
}

/** Streams samples into a WAV file; sizes are placeholders until {@link WavFileWriter.close}. */
export class WavFileWriter {
  private readonly fd: number;
  private dataBytes = 0;
  private closed = false;
  private readonly headerBytes: number;

  /** Creates (truncates) `path` and writes a header with zero sizes. */
  constructor(readonly path: string, readonly format: WavFormat, private readonly fs: WavFs = nodeFs) {
    const header = wavHeader(format, 0);
    this.headerBytes = header.length;
    this.fd = fs.openSync(path, 'w');
    fs.writeSync(this.fd, header, 0, header.length, 0);
  }

  /** Bytes of samples written so far. */
  get bytesWritten(): number {
    return this.dataBytes;
  }

  /** Appends sample bytes (whole sample frames, already interleaved). */
  append(data: Uint8Array): void {
    if (this.closed) throw new Error(`WavFileWriter.append after close (${this.path})`);
    let done = 0;
    while (done < data.length) {
      done += this.fs.writeSync(this.fd, data, done, data.length - done, this.headerBytes + this.dataBytes + done);
    }
    this.dataBytes += data.length;
  }

  /** Writes the pad byte and real sizes, fsyncs and closes. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      if (this.dataBytes & 1) this.fs.writeSync(this.fd, PAD, 0, 1, this.headerBytes + this.dataBytes);
      const h = wavHeader(this.format, this.dataBytes);
      this.fs.writeSync(this.fd, h, 0, h.length, 0);
      this.fs.fsyncSync(this.fd);
    } finally {
      this.fs.closeSync(this.fd);
    }
  }
}

const PAD = new Uint8Array(1);

/** Outcome of {@link recoverWav}. */
export interface WavRecovery {
  /** Sample bytes in the repaired file. */
  dataBytes: number;
  /** True when the header or length was changed. */
  repaired: boolean;
  /** Bytes of a trailing partial sample frame that were cut off. */
  trimmedBytes: number;
}

/**
 * Repairs a WAV whose writer died before close(): sets the data size from the file
 * length (whole sample frames only), fixes the RIFF and fact sizes, re-adds the
 * pad byte, and fsyncs. A file that is already consistent is left untouched.
 */
export function recoverWav(path: string, fs: WavFs = nodeFs): WavRecovery {
  const fd = fs.openSync(path, 'r+');
  try {
    const size = fs.fstatSync(fd).size;
    const head = Buffer.alloc(Math.min(size, 64 * 1024));
    fs.readSync(fd, head, 0, head.length, 0);
    const scan = findWavChunks(head, path);
    const available = size - scan.dataOffset;
    if (available < 0) throw new WavFormatError('truncated', 'file ends inside the data chunk header', path);
    const declared = scan.declaredDataBytes;
    const riff = head.readUInt32LE(4);
    // A file closed properly: declared data plus its pad byte fill the file exactly.
    if (declared % scan.blockAlign === 0 && declared + (declared & 1) === available && riff === scan.dataOffset - 8 + available) {
      return { dataBytes: declared, repaired: false, trimmedBytes: 0 };
    }
    // Interrupted: everything after the header is samples (no pad byte was written yet),
    // except a partial sample frame at the end, which is cut off.
    const dataBytes = available - (available % scan.blockAlign);
    const trimmedBytes = available - dataBytes;
    const padBytes = dataBytes & 1;
    fs.ftruncateSync(fd, scan.dataOffset + dataBytes);
    if (padBytes) fs.writeSync(fd, PAD, 0, 1, scan.dataOffset + dataBytes);
    const fix = Buffer.alloc(4);
    fix.writeUInt32LE(scan.dataOffset - 8 + dataBytes + padBytes, 0);
    fs.writeSync(fd, fix, 0, 4, 4);
    fix.writeUInt32LE(dataBytes, 0);
    fs.writeSync(fd, fix, 0, 4, scan.dataSizeOffset);
    if (scan.factOffset >= 0) {
      fix.writeUInt32LE(Math.floor(dataBytes / (bytesPerSample(scan.format.encoding) * scan.format.channels)), 0);
      fs.writeSync(fd, fix, 0, 4, scan.factOffset);
    }
    fs.fsyncSync(fd);
    return { dataBytes, repaired: true, trimmedBytes };
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads and parses a WAV file, whole, into memory (prompts are small); throws WavFormatError. */
export function readWavFile(path: string, fs: WavFs = nodeFs): WavInfo {
  const fd = fs.openSync(path, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const buf = Buffer.alloc(size);
    let got = 0;
    while (got < size) {
      const n = fs.readSync(fd, buf, got, size - got, got);
      if (n === 0) break;
      got += n;
    }
    return parseWav(buf.subarray(0, got), path);
  } finally {
    fs.closeSync(fd);
  }
}
