/**
 * The per-card I/O thread: polls every channel fd, moves 20 ms blocks between the fds
 * and the shared-memory rings, and forwards DAHDI events. Blocking in poll(2) here
 * keeps the main event loop free. The loop allocates nothing per frame.
 *
 * Software echo cancellation also runs here, on each received block before it reaches
 * the ring, against what the port played meanwhile (PlayoutHistory, kept for every
 * port so a canceller turned on mid-call is aligned).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadDahdiLib } from './binding.ts';
import { DahdiChannel, IO_AGAIN, IO_DONE, IO_EVENT } from './dahdi-channel.ts';
import { FrameRing } from './frame-ring.ts';
import * as abi from './abi.ts';
import { loadEchoLib, type EchoLib } from '../echo/echo-canceller.ts';
import { PlayoutHistory } from '../echo/playout-history.ts';
import {
  CTRL_EC_GEN, CTRL_ROUNDS, CTRL_RX_DROPPED, CTRL_RX_NOTIFIED, CTRL_STOP, EC_SLOT_SERIAL, EC_SLOT_TAPS, EC_SLOTS,
  type WorkerInit, type WorkerMessage,
} from './worker-protocol.ts';

const POLLFD_BYTES = 8; // struct pollfd { int fd; short events; short revents; }
const POLL_TIMEOUT_MS = 20; // one frame: bounds how late a stop request or queued write is seen

const init = workerData as WorkerInit;
const port = parentPort!;
const post = (m: WorkerMessage): void => port.postMessage(m);

const lib = loadDahdiLib(init.binding);
const n = init.ports.length;
const chans = init.ports.map((p) => new DahdiChannel(lib, p.fd, p.port));
const rx = init.ports.map((p) => new FrameRing(init.slots, init.frameBytes, p.rx));
const tx = init.ports.map((p) => new FrameRing(init.slots, init.frameBytes, p.tx));
const control = new Int32Array(init.control);
const pfds = Buffer.alloc(n * POLLFD_BYTES);
for (let i = 0; i < n; i++) {
  pfds.writeInt32LE(init.ports[i]!.fd, i * POLLFD_BYTES);
  pfds.writeInt16LE(abi.POLLIN | abi.POLLPRI, i * POLLFD_BYTES + 4);
}
// koffi wants ordinary (non-shared) memory for pointers: blocks go through these.
const readBuf = Buffer.alloc(init.frameBytes);
const writeBuf = Buffer.alloc(init.frameBytes);
const failed = new Uint8Array(n);

// --- software echo cancellation ---
/** Blocks of playout history per port: deeper than any driver transmit queue. */
const PLAYED_SLOTS = 64;
const idleByte = init.law === 'alaw' ? 0xd5 : 0xff; // G.711 idle codes
const played = init.ports.map(() => new PlayoutHistory(PLAYED_SLOTS, init.frameBytes, idleByte));
const reference = Buffer.alloc(init.frameBytes);
const echoReq = new Int32Array(init.echo);
const echoSerial = new Int32Array(n);
const cancellers: unknown[] = new Array<unknown>(n).fill(null);
let echoGen = 0;
let echoLib: EchoLib | undefined;

/** Applies the main thread's echo canceller requests (rare: after echoCancel()). */
function syncCancellers(): void {
  for (let i = 0; i < n; i++) {
    const serial = Atomics.load(echoReq, i * EC_SLOTS + EC_SLOT_SERIAL);
    if (serial === echoSerial[i]) continue;
    echoSerial[i] = serial;
    const taps = Atomics.load(echoReq, i * EC_SLOTS + EC_SLOT_TAPS);
    if (cancellers[i] !== null) { echoLib!.free(cancellers[i]); cancellers[i] = null; }
    if (taps === 0) continue;
    try {
      echoLib ??= loadEchoLib(init.echoLibrary);
      const h = echoLib.create(taps, init.law);
      if (h === null) throw new Error(`the echo canceller refused ${taps} taps`);
      cancellers[i] = h;
    } catch (err) {
      post({ k: 'error', port: init.ports[i]!.port, message: `echo canceller not started: ${(err as Error).message}`, errno: undefined });
    }
  }
}

function fail(i: number, err: unknown): void {
  failed[i] = 1; // stop polling a broken channel rather than spin on it
  pfds.writeInt32LE(-1, i * POLLFD_BYTES); // poll(2) ignores negative fds
  const e = err as { message?: string; errno?: number };
  post({ k: 'error', port: init.ports[i]!.port, message: String(e.message ?? err), errno: e.errno });
}

function drainEvents(i: number): void {
  const ch = chans[i]!;
  for (let guard = 0; guard < 64; guard++) {
    const code = ch.getEvent();
    if (code === abi.DAHDI_EVENT_NONE) return;
    let alarms = 0;
    if (code === abi.DAHDI_EVENT_ALARM) alarms = ch.spanAlarms(init.ports[i]!.span);
    post({ k: 'event', port: init.ports[i]!.port, code, alarms });
  }
}

function readAll(i: number): boolean {
  const ch = chans[i]!;
  const ring = rx[i]!;
  let got = false;
  for (let k = 0; k < init.slots; k++) {
    const r = ch.read(readBuf);
    if (r === IO_EVENT) { drainEvents(i); continue; } // ELAST: take the event, retry the read
    if (r === IO_AGAIN) break;
    const ec = cancellers[i];
    played[i]!.played(ec !== null ? reference : null); // taken for every port, to stay in step
    if (ec !== null) echoLib!.process(ec, reference, readBuf);
    if (!ring.push(readBuf)) Atomics.add(control, CTRL_RX_DROPPED, 1);
    got = true;
  }
  return got;
}

function writeAll(i: number): void {
  const ch = chans[i]!;
  const ring = tx[i]!;
  for (let k = 0; k < init.slots; k++) {
    const frame = ring.peek();
    if (frame === null) return;
    writeBuf.set(frame);
    let r = ch.write(writeBuf);
    if (r === IO_EVENT) { drainEvents(i); r = ch.write(writeBuf); }
    if (r !== IO_DONE) return; // driver buffer full (or event again): keep the frame for the next round
    played[i]!.written(writeBuf);
    ring.advance();
  }
}

post({ k: 'ready' });
while (Atomics.load(control, CTRL_STOP) === 0) {
  if (Atomics.load(control, CTRL_EC_GEN) !== echoGen) { echoGen = Atomics.load(control, CTRL_EC_GEN); syncCancellers(); }
  const ready = lib.poll(pfds, n, POLL_TIMEOUT_MS);
  let anyRx = false;
  for (let i = 0; i < n; i++) {
    if (failed[i]) continue;
    try {
      if (ready > 0) {
        const revents = pfds.readInt16LE(i * POLLFD_BYTES + 6);
        if (revents & abi.POLLPRI) drainEvents(i);
        if (revents & abi.POLLIN && readAll(i)) anyRx = true;
      }
      writeAll(i);
    } catch (err) {
      fail(i, err);
    }
  }
  Atomics.add(control, CTRL_ROUNDS, 1);
  if (anyRx && Atomics.compareExchange(control, CTRL_RX_NOTIFIED, 0, 1) === 0) post(0);
}
for (const h of cancellers) if (h !== null) echoLib!.free(h);
port.close();
