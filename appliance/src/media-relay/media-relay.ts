// The PBX's side of the RTP relay: starts the worker threads, shards sessions over
// them, and answers stats()/counters() from the memory the workers share. Packets
// never reach this thread.
import { Worker } from 'node:worker_threads';
import { moduleLogger } from '../log.ts';
import { MediaRelayError } from './errors.ts';
import {
  H_DROPPED, H_PORTS, H_RELAYED, H_SESSIONS, H_TRANSCODED, readLegStats, statsBytes,
  type FromWorker, type ToWorker, type WorkerInit,
} from './protocol.ts';
import type { ForkTarget, LegMedia, LegPorts, LegStats, MediaRelayOptions, MixRole, RelayCounters, RelayEvent } from './types.ts';

const log = moduleLogger('media-relay');
/** Final stats kept for idempotent release() of sessions already gone. */
const RELEASED_MEMORY = 1024;

interface Pending {
  resolve(m: FromWorker): void;
  reject(e: Error): void;
}

interface SessionRef {
  worker: WorkerSlot;
  slot: number;
  latchedA?: string;
  latchedB?: string;
  releasing?: Promise<{ a: LegStats; b: LegStats }>;
}

/** One worker thread and its shared statistics memory. */
class WorkerSlot {
  worker!: Worker;
  words!: Float64Array;
  ready!: Promise<void>;
  sessions = new Set<string>();
  pending = new Map<number, Pending>();
  lastError = '';
  /** Counters of earlier incarnations of this worker (before a crash). */
  base = { relayed: 0, dropped: 0, transcoded: 0 };
  constructor(readonly index: number) {}
}

/** RTP/RTCP relay anchoring every call's media at the PBX; see docs/media-relay.md. */
export class MediaRelay {
  private readonly workers: WorkerSlot[] = [];
  private readonly sessions = new Map<string, SessionRef>();
  private readonly released = new Map<string, { a: LegStats; b: LegStats }>();
  private readonly listeners: ((e: RelayEvent) => void)[] = [];
  /** The worker each mixing room lives on, and its legs ("sessionId/leg"). */
  private readonly roomWorker = new Map<string, { worker: WorkerSlot; legs: Set<string> }>();
  private nextId = 1;
  private nextSession = 1;
  private closing = false;
  private readonly firstPort: number;
  private readonly pairCount: number;

  private constructor(private readonly opts: MediaRelayOptions) {
    this.firstPort = opts.portMin + (opts.portMin & 1);
    this.pairCount = Math.max(0, Math.floor((opts.portMax - this.firstPort + 1) / 2));
  }

  /** Starts the relay's worker threads; resolves once they are ready. */
  static async start(opts: MediaRelayOptions): Promise<MediaRelay> {
    const workers = opts.workers ?? 1;
    if (!Number.isInteger(workers) || workers < 1) throw new MediaRelayError('bad-options', `workers must be a positive integer, got ${workers}`);
    if (!(opts.portMin > 0 && opts.portMax <= 65535 && opts.portMin <= opts.portMax)) {
      throw new MediaRelayError('bad-options', `bad RTP port range ${opts.portMin}-${opts.portMax}`);
    }
    if (!(opts.mediaTimeoutMs > 0)) throw new MediaRelayError('bad-options', 'mediaTimeoutMs must be positive');
    const relay = new MediaRelay(opts);
    // A session needs two pairs from one worker.
    if (relay.pairCount < 2 * workers) {
      throw new MediaRelayError('bad-options', `RTP port range ${opts.portMin}-${opts.portMax} holds ${relay.pairCount} even/odd pairs; ${workers} worker(s) need at least ${2 * workers}`);
    }
    for (let i = 0; i < workers; i++) relay.workers.push(new WorkerSlot(i));
    for (const w of relay.workers) relay.spawn(w);
    try {
      await Promise.all(relay.workers.map((w) => w.ready));
    } catch (err) {
      await relay.close();
      throw err;
    }
    log.info({ workers, range: `${relay.firstPort}-${relay.firstPort + 2 * relay.pairCount - 1}` }, 'media relay started');
    return relay;
  }

  private spawn(w: WorkerSlot): void {
    const pairsHere = Math.ceil((this.pairCount - w.index) / this.workers.length);
    const stats = new SharedArrayBuffer(statsBytes(Math.ceil(pairsHere / 2)));
    const init: WorkerInit = {
      workerIndex: w.index, workerCount: this.workers.length, address: this.opts.address, firstPort: this.firstPort,
      pairCount: this.pairCount, mediaTimeoutMs: this.opts.mediaTimeoutMs, mohPrompts: this.opts.mohPrompts ?? [], stats,
    };
    w.words = new Float64Array(stats);
    w.lastError = '';
    const worker = new Worker(new URL('./relay-worker.mjs', import.meta.url), { workerData: init, env: process.env });
    w.worker = worker;
    w.ready = new Promise<void>((resolve, reject) => {
      const onExit = (code: number) => reject(new MediaRelayError('worker-crashed', `media relay worker ${w.index} exited with ${code} while starting${w.lastError ? `: ${w.lastError}` : ''}`));
      worker.once('exit', onExit);
      worker.once('message', (m: FromWorker) => {
        if (m.op === 'ready') {
          worker.off('exit', onExit);
          resolve();
        }
      });
    });
    w.ready.catch(() => undefined);
    worker.on('message', (m: FromWorker) => this.onWorkerMessage(w, m));
    worker.on('error', (err) => {
      w.lastError = err.message;
      log.error({ err, worker: w.index }, 'media relay worker failed');
    });
    worker.on('exit', (code) => {
      if (this.closing || worker !== w.worker) return;
      this.onWorkerCrash(w, `media relay worker ${w.index} exited with code ${code}${w.lastError ? `: ${w.lastError}` : ''}`);
    });
  }

  private onWorkerMessage(w: WorkerSlot, m: FromWorker): void {
    switch (m.op) {
      case 'allocated': case 'failed': case 'released': {
        const p = w.pending.get(m.id);
        w.pending.delete(m.id);
        p?.resolve(m);
        break;
      }
      case 'latched': {
        const ref = this.sessions.get(m.sessionId);
        if (ref && !m.rtcp) {
          if (m.leg === 'a') ref.latchedA = m.to;
          else ref.latchedB = m.to;
        }
        log.debug({ sessionId: m.sessionId, leg: m.leg, rtcp: m.rtcp, to: m.to }, 'leg latched');
        break;
      }
      case 'event':
        this.emit(m.event);
        break;
      case 'ready':
        break;
    }
  }

  /** A worker died: its sockets are gone with it. Report, forget its sessions, start a new one. */
  private onWorkerCrash(w: WorkerSlot, message: string): void {
    log.error({ worker: w.index, sessions: w.sessions.size, message }, 'media relay worker crashed; its calls lost their media');
    const err = new MediaRelayError('worker-crashed', message);
    for (const p of w.pending.values()) p.reject(err);
    w.pending.clear();
    const ids = [...w.sessions];
    for (const id of ids) {
      const ref = this.sessions.get(id)!;
      this.remember(id, this.snapshot(ref));
      this.sessions.delete(id);
    }
    w.sessions.clear();
    for (const id of ids) this.forgetRoomLegs(id);
    w.base.relayed += w.words[H_RELAYED]!;
    w.base.dropped += w.words[H_DROPPED]!;
    w.base.transcoded += w.words[H_TRANSCODED]!;
    this.spawn(w);
    this.emit({ type: 'worker-crashed', workerIndex: w.index, sessionIds: ids, message });
  }

  private emit(e: RelayEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        log.error({ err, event: e.type }, 'relay event listener threw');
      }
    }
  }

  private request(w: WorkerSlot, msg: ToWorker & { id: number }): Promise<FromWorker> {
    return new Promise((resolve, reject) => {
      w.pending.set(msg.id, { resolve, reject });
      w.worker.postMessage(msg);
    });
  }

  /**
   * Binds two even/odd port pairs (4 UDP sockets) for a call, on the least loaded
   * worker. Rejects with MediaRelayError 'ports-exhausted' when no pair can be bound.
   */
  async allocate(callId: string): Promise<{ sessionId: string; a: LegPorts; b: LegPorts }> {
    if (this.closing) throw new MediaRelayError('closed', 'media relay is closed');
    const sessionId = `${callId}#${this.nextSession++}`;
    const order = [...this.workers].sort((x, y) => x.sessions.size - y.sessions.size);
    const reasons: string[] = [];
    for (const w of order) {
      await w.ready;
      if (this.closing) throw new MediaRelayError('closed', 'media relay is closed');
      const m = await this.request(w, { op: 'allocate', id: this.nextId++, sessionId });
      if (m.op === 'allocated') {
        this.sessions.set(sessionId, { worker: w, slot: m.slot });
        w.sessions.add(sessionId);
        return { sessionId, a: m.a, b: m.b };
      }
      if (m.op === 'failed') reasons.push(m.message);
    }
    throw new MediaRelayError('ports-exhausted', reasons.length === 1 ? reasons[0]! : `no free RTP port pair: ${reasons.join('; ')}`);
  }

  /** Applies SDP of either leg (every offer/answer, hold re-INVITEs too). Throws 'unknown-session' for an id never allocated. */
  update(sessionId: string, legs: { a?: Partial<LegMedia>; b?: Partial<LegMedia> }): void {
    const ref = this.lookup(sessionId);
    if (ref) ref.worker.worker.postMessage({ op: 'update', sessionId, legs } satisfies ToWorker);
  }

  /** Forks each leg's received RTP to a recording server (SIPREC); null for a leg stops its fork. */
  fork(sessionId: string, targets: { a?: ForkTarget; b?: ForkTarget }): void {
    const ref = this.lookup(sessionId);
    if (ref) ref.worker.worker.postMessage({ op: 'fork', sessionId, ...targets } satisfies ToWorker);
  }

  /** Plays music on hold to `leg` instead of the other leg's audio (the other leg put the call on hold). */
  setMusicOnHold(sessionId: string, leg: 'a' | 'b', on: boolean): void {
    const ref = this.lookup(sessionId);
    if (ref) ref.worker.worker.postMessage({ op: 'moh', sessionId, leg, on } satisfies ToWorker);
  }

  /**
   * Plays WAV prompts (8 kHz mono) back to back to `leg` instead of the other leg's audio;
   * `prompt-finished` with `playId` follows when they end. `setMusicOnHold` ends playback.
   */
  play(sessionId: string, leg: 'a' | 'b', prompts: string[], playId: number): void {
    const ref = this.lookup(sessionId);
    if (ref) ref.worker.worker.postMessage({ op: 'play', sessionId, leg, prompts, playId } satisfies ToWorker);
  }

  /**
   * Reports digits that `leg` sends as audio (in-band DTMF, ITU-T Q.24 detector) as `dtmf` events,
   * while the leg has no telephone-event payload type; RFC 4733 digits are reported anyway.
   */
  detectInbandDtmf(sessionId: string, leg: 'a' | 'b', on: boolean): void {
    const ref = this.lookup(sessionId);
    if (ref) ref.worker.worker.postMessage({ op: 'detect-dtmf', sessionId, leg, on } satisfies ToWorker);
  }

  /**
   * Puts `leg` of a session into mixing room `roomId` with `role`, changes its role, or with
   * `role` null takes it out (it is then forwarded leg to leg again). A whisperer speaks to
   * `target`. A room lives in one worker thread, because packets never cross threads: every
   * session of a room must be on the same worker, else MediaRelayError 'cross-worker'.
   */
  mix(roomId: string, sessionId: string, leg: 'a' | 'b', role: MixRole | null, target?: { sessionId: string; leg: 'a' | 'b' }): void {
    const ref = this.lookup(sessionId);
    if (!ref) return;
    if (role !== null) {
      const home = this.roomWorker.get(roomId);
      if (home && home.worker !== ref.worker) {
        throw new MediaRelayError('cross-worker', `session ${sessionId} is on media relay worker ${ref.worker.index}, room ${roomId} on worker ${home.worker.index}`);
      }
      if (!home) this.roomWorker.set(roomId, { worker: ref.worker, legs: new Set() });
      this.roomWorker.get(roomId)!.legs.add(`${sessionId}/${leg}`);
    } else {
      const home = this.roomWorker.get(roomId);
      home?.legs.delete(`${sessionId}/${leg}`);
      if (home && home.legs.size === 0) this.roomWorker.delete(roomId);
    }
    ref.worker.worker.postMessage({ op: 'mix', roomId, sessionId, leg, role, ...(target ? { target } : {}) } satisfies ToWorker);
  }

  /** The session, undefined when already released (a late SDP is harmless); throws for an unknown id. */
  private lookup(sessionId: string): SessionRef | undefined {
    const ref = this.sessions.get(sessionId);
    if (ref) return ref;
    if (this.released.has(sessionId)) return undefined;
    throw new MediaRelayError('unknown-session', `no media relay session ${sessionId}`);
  }

  /** Closes the session's sockets, frees its ports and returns its final stats. Idempotent. */
  async release(sessionId: string): Promise<{ a: LegStats; b: LegStats }> {
    const done = this.released.get(sessionId);
    if (done) return done;
    const ref = this.sessions.get(sessionId);
    if (!ref) throw new MediaRelayError('unknown-session', `no media relay session ${sessionId}`);
    if (ref.releasing) return ref.releasing;
    ref.releasing = (async () => {
      const w = ref.worker;
      let result: { a: LegStats; b: LegStats };
      try {
        const m = await this.request(w, { op: 'release', id: this.nextId++, sessionId });
        result = m.op === 'released' ? this.withLatch(ref, m.a, m.b) : this.snapshot(ref);
      } catch {
        // The worker crashed meanwhile: its sockets are closed with it.
        result = this.released.get(sessionId) ?? this.snapshot(ref);
      }
      w.sessions.delete(sessionId);
      this.sessions.delete(sessionId);
      this.forgetRoomLegs(sessionId);
      this.remember(sessionId, result);
      return result;
    })();
    return ref.releasing;
  }

  /** The worker takes a released session's legs out of their rooms itself; the bookkeeping here follows. */
  private forgetRoomLegs(sessionId: string): void {
    for (const [roomId, home] of this.roomWorker) {
      home.legs.delete(`${sessionId}/a`);
      home.legs.delete(`${sessionId}/b`);
      if (home.legs.size === 0) this.roomWorker.delete(roomId);
    }
  }

  private withLatch(ref: SessionRef, a: LegStats, b: LegStats): { a: LegStats; b: LegStats } {
    if (ref.latchedA !== undefined) a.latchedTo = ref.latchedA;
    if (ref.latchedB !== undefined) b.latchedTo = ref.latchedB;
    return { a, b };
  }

  private snapshot(ref: SessionRef): { a: LegStats; b: LegStats } {
    const words = ref.worker.words;
    return { a: readLegStats(words, ref.slot, 0, ref.latchedA), b: readLegStats(words, ref.slot, 1, ref.latchedB) };
  }

  private remember(sessionId: string, stats: { a: LegStats; b: LegStats }): void {
    this.released.set(sessionId, stats);
    if (this.released.size > RELEASED_MEMORY) this.released.delete(this.released.keys().next().value!);
  }

  /** Live figures of a session, undefined when it is not allocated. */
  stats(sessionId: string): { a: LegStats; b: LegStats } | undefined {
    const ref = this.sessions.get(sessionId);
    return ref ? this.snapshot(ref) : undefined;
  }

  /** Registers a listener for media-timeout, dtmf and worker-crashed events. */
  onEvent(listener: (e: RelayEvent) => void): void {
    this.listeners.push(listener);
  }

  /** Totals over every worker. */
  counters(): RelayCounters {
    const c: RelayCounters = { sessions: 0, portsInUse: 0, packetsRelayed: 0, packetsDropped: 0, transcoded: 0 };
    for (const w of this.workers) {
      const h = w.words;
      c.sessions += h[H_SESSIONS]!;
      c.portsInUse += h[H_PORTS]!;
      c.packetsRelayed += h[H_RELAYED]! + w.base.relayed;
      c.packetsDropped += h[H_DROPPED]! + w.base.dropped;
      c.transcoded += h[H_TRANSCODED]! + w.base.transcoded;
    }
    return c;
  }

  /** Thread ids of the workers, for diagnostics. */
  workerThreadIds(): number[] {
    return this.workers.map((w) => w.worker.threadId);
  }

  /**
   * Test hook: makes worker `index` throw an uncaught exception, as a bug on the
   * packet path would, so the crash handling can be exercised.
   */
  crashWorkerForTest(index: number): void {
    this.workers[index]?.worker.postMessage({ op: 'crash' } satisfies ToWorker);
  }

  /** Stops the workers, which closes every socket. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const err = new MediaRelayError('closed', 'media relay is closed');
    for (const w of this.workers) {
      for (const p of w.pending.values()) p.reject(err);
      w.pending.clear();
    }
    await Promise.all(this.workers.map((w) => w.worker?.terminate()));
    for (const [id, ref] of this.sessions) this.remember(id, this.snapshot(ref));
    this.sessions.clear();
  }
}
