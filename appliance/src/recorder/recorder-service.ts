// The `recorder` service: the SIPREC SRS with real I/O around it — SIP listeners on 5080,
// one UDP socket per recorded stream, the recording files, the index in records.db, disk
// watermarks, retention, and the control socket. The SIP logic is in srs.ts, the timeline in
// channel-aligner.ts, the file in recording-file.ts; this file only wires and schedules.
import { createSocket, type Socket } from 'node:dgram';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { parseRtp, RtpPacket, RtpReceiveStats, recoverWav, isParseFailure } from '@hotline/media';
import { ControlRouteError, serveControl, type BinaryOut, type ControlRoutes } from '../control/index.ts';
import { dataPaths } from '../paths.ts';
import { moduleLogger } from '../log.ts';
import { openRecords, RecordingStore, type RecordsDb, type RecordingParty, type RecordingPause } from '../records/index.ts';
import { TransportLayer, type Endpoint } from '../sip/transport/index.ts';
import { TransactionLayer, defaultTimers } from '../sip/transaction/index.ts';
import { createResponse, type SipRequest } from '../sip/message/index.ts';
import { systemClock } from '../sip/clock.ts';
import { LocalIdentity } from '../sip/local-address.ts';
import { PortPool } from '../media-relay/port-pool.ts';
import type { Alarm } from '../alarms/index.ts';
import { RecordingOfferError } from './errors.ts';
import { encryptFile, loadKey } from './encryption.ts';
import { partyName, senderOfLabel, type RecordingMetadata } from './metadata.ts';
import { RecordingFile } from './recording-file.ts';
import type { OfferedStream, RecordLaw } from './recording-sdp.ts';
import { recorderSettings, type RecorderSettings } from './settings.ts';
import { SessionRecordingServer, type RecordingBackend } from './srs.ts';
import { diskFigures, judgeDisk, newRecordingId, recordingRelPath, type DiskWatermarkState } from './storage.ts';
import type { ActiveRecordingStatus, RecorderStatus } from './status.ts';
import { sweepRetention } from './retention.ts';
import { encodeLiveFrame } from './live-frame.ts';

const log = moduleLogger('recorder');

/** Product string in User-Agent. */
export const RECORDER_USER_AGENT = 'Hotline Recorder 0.1';

/** One received stream: its socket, the channel it feeds, and RFC 3550 reception figures. */
interface StreamIn {
  label: string;
  port: number;
  socket: Socket;
  channel: number;
  payloadType: number;
  stats: RtpReceiveStats;
  ssrc?: number;
}

/** A recording being made. */
interface ActiveRecording {
  id: string;
  sessionCallId: string;
  law: RecordLaw;
  startedAt: number;
  relPath: string;
  file: RecordingFile;
  /** Streams by SDP label. */
  streams: Map<string, StreamIn>;
  /** Labels in channel order. */
  labels: string[];
  metadata?: RecordingMetadata;
  segment: number;
  callId: string;
  lastActivity: number;
  packetsAtSegmentStart: number;
  /** Every stream a=inactive: the SRC paused the recording (RFC 7866 §8.1.3); no idle timeout then. */
  paused: boolean;
  /** Pauses so far, as offsets into the file; indexed at every change (migration 13). */
  pauses: RecordingPause[];
  /** Live listeners (supervisors through mgmt): every packet is copied to them as a live frame. Moves with the session to its next segment. */
  listeners: Set<BinaryOut>;
}

/** Live listeners per recording: a handful of supervisors, never enough to load the recorder. */
const MAX_LISTENERS_PER_RECORDING = 4;

/** Options of {@link RecorderService.start}; tests pass temp folders and an environment. */
export interface RecorderServiceOptions {
  paths?: ReturnType<typeof dataPaths>;
  env?: NodeJS.ProcessEnv;
}

/** The recorder service (see the file comment). */
export class RecorderService {
  private readonly startedAt = new Date();
  private readonly recordings = new Map<string, ActiveRecording>();
  private readonly pool: PortPool;
  private readonly rtp = new RtpPacket();
  private srs!: SessionRecordingServer;
  private transport!: TransportLayer;
  private control: { close(): Promise<void> } | undefined;
  private timers: NodeJS.Timeout[] = [];
  private disk: DiskWatermarkState;
  private diskSince = new Date().toISOString();
  private readonly key: Buffer | undefined;
  private finalizing: Promise<void> = Promise.resolve();
  private pendingFinal = 0;
  private lastFileClosed: RecorderStatus['lastFileClosed'] = null;
  private readonly errors: RecorderStatus['errors'] = [];
  private writeErrorSince: string | undefined;
  private archive: RecorderStatus['archive'] = null;
  private readonly totals = { packetsReceived: 0, packetsIgnored: 0, badPackets: 0, bytesWritten: 0, recordingsClosed: 0, recordingsRecovered: 0, recordingsLost: 0, refusedDisk: 0, refusedLimit: 0, latePackets: 0, reanchors: 0, missingMs: 0, retentionDeleted: 0, retentionArchived: 0, idleClosed: 0, liveListens: 0 };

  private constructor(readonly settings: RecorderSettings, private readonly records: RecordsDb, readonly index: RecordingStore, private readonly socketPath: string) {
    const pairs = Math.floor((settings.rtpPortMax - settings.rtpPortMin + 1) / 2);
    this.pool = new PortPool(settings.rtpPortMin, pairs, 0, 1);
    this.key = settings.keyFile ? loadKey(settings.keyFile) : undefined;
    mkdirSync(settings.recordingsDir, { recursive: true });
    this.disk = judgeDisk(diskFigures(settings.recordingsDir), settings.refusePercent, settings.alarmPercents);
  }

  /** Opens the index, repairs what a crash left, binds SIP and the control socket. */
  static async start(opts: RecorderServiceOptions = {}): Promise<RecorderService> {
    const paths = opts.paths ?? dataPaths();
    const settings = recorderSettings(opts.env ?? process.env, paths.root);
    const records = openRecords(paths.records);
    const service = new RecorderService(settings, records, new RecordingStore(records), paths.recorderControlSocket);
    try {
      await service.recoverUnfinished();
      await service.listen();
    } catch (err) {
      await service.stop().catch(() => undefined);
      throw err;
    }
    return service;
  }

  private async listen(): Promise<void> {
    const s = this.settings;
    const local = new LocalIdentity(s.bindAddress, { udp: s.sipPort, tcp: s.sipPort }, s.advertisedAddress);
    let tx: TransactionLayer | undefined;
    this.transport = new TransportLayer({
      onMessage: (message, source) => tx?.receive(message, source),
      onMalformed: (info, source) => {
        if (info.request && info.request.method !== 'ACK') this.transport.send(createResponse(info.request as SipRequest, info.status ?? 400, 'Bad Request'), source);
      },
    });
    tx = new TransactionLayer({ send: (m, to) => this.transport.send(m as SipRequest, to), sendBytes: (d, to) => this.transport.sendRaw(d, to) }, systemClock, defaultTimers);
    this.srs = new SessionRecordingServer({ tx, local, clock: systemClock, timers: defaultTimers, backend: this.backend(), userAgent: RECORDER_USER_AGENT });
    tx.setUser(this.srs);
    await this.transport.listen({ address: s.bindAddress, udpPort: s.sipPort, tcpPort: s.sipPort });
    const routes: ControlRoutes = {
      '/v1/status': { method: 'GET', run: () => this.status() },
      '/v1/retention/sweep': { method: 'POST', run: () => this.sweep() },
      '/v1/live': { method: 'GET', binary: (query, out) => this.addListener(query.get('id') ?? '', out) },
    };
    this.control = await serveControl(this.socketPath, routes);
    this.timers.push(setInterval(() => this.flushAll(), s.flushIntervalMs));
    this.timers.push(setInterval(() => this.checkDisk(), 2000));
    this.timers.push(setInterval(() => void this.sweep().catch((err) => this.error(`retention: ${(err as Error).message}`)), 3600_000));
    for (const t of this.timers) t.unref();
    void this.sweep().catch((err) => this.error(`retention: ${(err as Error).message}`));
    log.info({ listening: this.transport.listening(), recordingsDir: s.recordingsDir, encrypted: this.key !== undefined }, 'recorder ready');
  }

  // ---- the backend the SRS drives -------------------------------------------------------

  private backend(): RecordingBackend {
    return {
      admit: () => {
        this.checkDisk();
        const refusal = this.refusal();
        if (!refusal) return;
        if (this.disk.refusing) this.totals.refusedDisk++;
        else this.totals.refusedLimit++;
        throw refusal;
      },
      refusal: () => this.refusal(),
      open: (o) => this.open(o),
      update: (id, o) => this.update(id, o),
      close: (id, reason) => this.closeRecording(id, reason),
    };
  }

  /** Why a new session would be refused now (disk watermark, session limit), or undefined. */
  private refusal(): RecordingOfferError | undefined {
    if (this.disk.refusing) return new RecordingOfferError(503, `recording disk ${this.disk.usedPercent}% full (refusing at ${this.disk.refusePercent}%)`);
    if (this.recordings.size >= this.settings.maxSessions) return new RecordingOfferError(503, `${this.recordings.size} recording sessions active (limit ${this.settings.maxSessions})`);
    return undefined;
  }

  private async open(o: { sessionCallId: string; streams: OfferedStream[]; law: RecordLaw; metadata?: RecordingMetadata; peer: Endpoint }): Promise<{ id: string; ports: number[] }> {
    const accepted = o.streams.filter((s) => !s.rejected && s.laws.some((l) => l.law === o.law));
    if (accepted.length === 0) throw new RecordingOfferError(488, 'no stream can be recorded in one G.711 law');
    const now = Date.now();
    const id = newRecordingId(now);
    const rec = this.newSegment(id, o.sessionCallId, o.law, now, accepted.map((s) => s.label), o.metadata, 1, undefined);
    try {
      for (const s of accepted) await this.bindStream(rec, s);
    } catch (err) {
      this.discard(rec);
      throw err;
    }
    this.recordings.set(id, rec);
    return { id, ports: this.portsFor(rec, o.streams) };
  }

  private newSegment(id: string, sessionCallId: string, law: RecordLaw, startedAt: number, labels: string[], metadata: RecordingMetadata | undefined, segment: number, previousId: string | undefined): ActiveRecording {
    const relPath = recordingRelPath(startedAt, id);
    const file = new RecordingFile(join(this.settings.recordingsDir, relPath), law, labels.length, this.settings.jitterAllowanceMs, this.settings.maxWaitMs);
    const rec: ActiveRecording = {
      id, sessionCallId, law, startedAt, relPath, file, streams: new Map(), labels, segment, callId: metadata?.hotline.callId ?? '', lastActivity: startedAt, packetsAtSegmentStart: 0, paused: false, pauses: [], listeners: new Set(),
      ...(metadata ? { metadata } : {}),
    };
    const info = this.indexInfo(rec);
    this.index.start({ id, sessionCallId, startedAt, codec: law, channels: labels.length, path: relPath, segment, ...info, ...(previousId ? { previousId } : {}) });
    return rec;
  }

  private indexInfo(rec: ActiveRecording) {
    const h = rec.metadata?.hotline ?? {};
    const parties: RecordingParty[] = rec.labels.map((label, channel) => {
      const p = senderOfLabel(rec.metadata, label);
      return { channel, label, ...(p?.aor ? { aor: p.aor } : {}), ...(p ? { name: partyName(p) } : {}), ...(p?.role ? { role: p.role } : {}) };
    });
    const retentionClass = h.retention && this.settings.retention[h.retention] ? h.retention : this.settings.defaultClass;
    return {
      callId: h.callId ?? '', parties, retentionClass, ...(h.agent ? { agent: h.agent } : {}), ...(h.queue ? { queue: h.queue } : {}),
      ...(h.direction ? { direction: h.direction } : {}), ...(h.trunk ? { trunk: h.trunk } : {}),
    };
  }

  private async bindStream(rec: ActiveRecording, s: OfferedStream): Promise<void> {
    let socket: Socket | undefined;
    const { port } = await this.pool.acquire(async (p) => {
      const sock = createSocket({ type: 'udp4', recvBufferSize: 256 * 1024 });
      const ok = await new Promise<boolean>((resolve) => {
        sock.once('error', () => resolve(false));
        sock.bind(p, this.settings.bindAddress, () => resolve(true));
      });
      if (ok) socket = sock;
      else sock.close();
      return ok;
    });
    if (port === null || !socket) throw new RecordingOfferError(503, 'no free RTP port for the recording');
    const stream: StreamIn = { label: s.label, port, socket, channel: rec.labels.indexOf(s.label), payloadType: s.laws.find((l) => l.law === rec.law)!.payloadType, stats: new RtpReceiveStats(8000) };
    socket.on('error', (err) => this.error(`rtp socket ${port}: ${err.message}`));
    socket.on('message', (msg) => this.onRtp(rec, stream, msg));
    rec.streams.set(s.label, stream);
  }

  /** Hot path: one datagram of a recorded stream. Allocates nothing (the packet object is reused). */
  private onRtp(rec: ActiveRecording, stream: StreamIn, msg: Buffer): void {
    const now = Date.now();
    const pkt = parseRtp(msg, this.rtp);
    if (isParseFailure(pkt)) {
      this.totals.badPackets++;
      return;
    }
    if (pkt.payloadType !== stream.payloadType || stream.channel < 0) {
      // telephone-event, comfort noise and the like are not audio to store.
      this.totals.packetsIgnored++;
      return;
    }
    this.totals.packetsReceived++;
    rec.lastActivity = now;
    stream.ssrc = pkt.ssrc;
    stream.stats.update(pkt.sequenceNumber, pkt.timestamp, now);
    rec.file.aligner.push(stream.channel, now, pkt.ssrc, pkt.timestamp, pkt.buffer, pkt.payloadOffset, pkt.payloadLength);
    if (rec.listeners.size > 0) {
      // One copy per packet for all listeners; each write is non-blocking (a slow reader is dropped by the control server).
      const frame = encodeLiveFrame(stream.channel, rec.law, now - rec.startedAt, pkt.buffer, pkt.payloadOffset, pkt.payloadLength);
      for (const l of rec.listeners) l.write(frame);
    }
  }

  /**
   * `GET /v1/live?id=<recording id>`: live frames of an active recording (either the id of its
   * current segment or of its first) until it ends or the reader goes.
   */
  private addListener(id: string, out: BinaryOut): () => void {
    const rec = this.current(id);
    if (!rec) throw new ControlRouteError(404, `no active recording ${id}`);
    if (rec.listeners.size >= MAX_LISTENERS_PER_RECORDING) throw new ControlRouteError(503, `recording ${id} already has ${rec.listeners.size} live listeners`);
    const listeners = rec.listeners;
    listeners.add(out);
    this.totals.liveListens++;
    return () => void listeners.delete(out);
  }

  private portsFor(rec: ActiveRecording, offered: OfferedStream[]): number[] {
    return offered.map((s) => (!s.rejected && rec.streams.has(s.label) ? rec.streams.get(s.label)!.port : 0));
  }

  /**
   * A re-INVITE. New metadata that says the call moved to another segment (a transfer:
   * the Hotline extension's segment or call id changed), or streams added or removed,
   * close the current file and start the next one, linked by previous_id; the sockets of
   * streams that stay are kept, so the SRC's media does not move.
   */
  private async update(id: string, o: { streams?: OfferedStream[]; metadata?: RecordingMetadata }): Promise<{ ports: number[] }> {
    const rec = this.recordings.get(id);
    if (!rec) throw new RecordingOfferError(481, 'recording no longer active');
    rec.lastActivity = Date.now();
    const offered = o.streams ?? rec.labels.map((label) => ({ label, rejected: false, laws: [{ law: rec.law, payloadType: rec.streams.get(label)!.payloadType }] } as OfferedStream));
    const labels = offered.filter((s) => !s.rejected && s.laws.some((l) => l.law === rec.law)).map((s) => s.label);
    const oldH = rec.metadata?.hotline ?? {};
    const newH = o.metadata?.hotline ?? oldH;
    const newSegment = (newH.segment !== undefined && newH.segment !== (oldH.segment ?? 1)) || (newH.callId !== undefined && oldH.callId !== undefined && newH.callId !== oldH.callId);
    const layoutChanged = labels.join('\n') !== rec.labels.join('\n');
    if (o.streams) this.setPaused(rec, o.streams.every((s) => s.rejected || s.direction === 'inactive'));
    if (!newSegment && !layoutChanged) {
      if (o.metadata) {
        rec.metadata = o.metadata;
        rec.callId = o.metadata.hotline.callId ?? rec.callId;
        this.index.updateMetadata(rec.id, this.indexInfo(rec));
      }
      return { ports: this.portsFor(rec, offered) };
    }
    // Rotate: close this segment, open the next with the new layout.
    const now = Date.now();
    const nextId = newRecordingId(now);
    const next = this.newSegment(nextId, rec.sessionCallId, rec.law, now, labels, o.metadata ?? rec.metadata, rec.segment + 1, rec.id);
    next.listeners = rec.listeners; // a listener hears the call across a transfer
    for (const [label, st] of rec.streams) {
      if (labels.includes(label)) {
        st.channel = labels.indexOf(label);
        next.streams.set(label, st);
        st.socket.removeAllListeners('message');
        st.socket.on('message', (msg) => this.onRtp(next, st, msg));
      } else this.releaseStream(st);
    }
    rec.streams.clear();
    for (const s of offered) if (labels.includes(s.label) && !next.streams.has(s.label)) await this.bindStream(next, s);
    this.recordings.delete(rec.id);
    this.recordings.set(nextId, next);
    this.finish(rec, 'segment');
    // The SRS keeps addressing the session by its first id; map it to the current segment.
    this.aliases.set(id, nextId);
    for (const [k, v] of this.aliases) if (v === rec.id) this.aliases.set(k, nextId);
    return { ports: this.portsFor(next, offered) };
  }

  private readonly aliases = new Map<string, string>();

  /**
   * Marks a pause (or its end) in the index, as an offset into the file: the file keeps its
   * timeline through a pause (silence), so a player can show where the card number was.
   */
  private setPaused(rec: ActiveRecording, paused: boolean): void {
    if (paused === rec.paused) return;
    rec.paused = paused;
    const atMs = Math.round(rec.file.aligner.positionAt(Date.now()) / 8);
    if (paused) rec.pauses.push({ fromMs: atMs, toMs: null });
    else { const open = rec.pauses.at(-1); if (open && open.toMs === null) open.toMs = atMs; }
    this.index.setPauses(rec.id, rec.pauses);
    log.info({ id: rec.id, paused, atMs }, paused ? 'recording paused by the SRC' : 'recording resumed by the SRC');
  }

  private current(id: string): ActiveRecording | undefined {
    return this.recordings.get(this.aliases.get(id) ?? id);
  }

  private closeRecording(id: string, reason: string): void {
    const rec = this.current(id);
    for (const [k, v] of this.aliases) if (k === id || v === rec?.id) this.aliases.delete(k);
    if (!rec) return;
    this.recordings.delete(rec.id);
    for (const st of rec.streams.values()) this.releaseStream(st);
    for (const l of rec.listeners) l.end();
    rec.listeners.clear();
    this.finish(rec, reason);
  }

  private releaseStream(st: StreamIn): void {
    st.socket.removeAllListeners('message');
    try { st.socket.close(); } catch { /* already closed */ }
    this.pool.release(st.port);
  }

  /** A recording that failed before it was accepted: its empty file and row go. */
  private discard(rec: ActiveRecording): void {
    for (const st of rec.streams.values()) this.releaseStream(st);
    try { rec.file.close(); unlinkSync(rec.file.path); } catch { /* nothing written */ }
    this.index.setState(rec.id, 'deleted', rec.relPath);
  }

  /** Closes the file now, then checksums, encrypts and indexes it in the background, one at a time. */
  private finish(rec: ActiveRecording, reason: string): void {
    try {
      const before = rec.file.bytesWritten;
      rec.file.close();
      this.totals.bytesWritten += rec.file.bytesWritten - before;
    } catch (err) {
      this.error(`closing ${rec.relPath}: ${(err as Error).message}`);
    }
    let lost = 0;
    for (const st of rec.streams.values()) lost += Math.max(0, st.stats.lost);
    for (let c = 0; c < rec.labels.length; c++) {
      const a = rec.file.aligner.stats(c);
      this.totals.latePackets += a.late;
      this.totals.reanchors += a.reanchors;
      this.totals.missingMs += a.missingSamples / 8;
    }
    const durationMs = rec.file.durationMs;
    const open = rec.pauses.at(-1);
    if (open && open.toMs === null) {
      // Ended while paused: the pause runs to the end of the file.
      open.toMs = Math.max(open.fromMs, durationMs);
      this.index.setPauses(rec.id, rec.pauses);
    }
    log.info({ id: rec.id, reason, durationMs }, 'recording closed');
    this.pendingFinal++;
    this.finalizing = this.finalizing.then(() => this.finalize(rec.id, rec.relPath, rec.startedAt, durationMs, lost, 'closed')).finally(() => { this.pendingFinal--; });
  }

  private async finalize(id: string, relPath: string, startedAt: number, durationMs: number, packetsLost: number, state: 'closed' | 'recovered'): Promise<void> {
    try {
      let path = relPath;
      const abs = join(this.settings.recordingsDir, relPath);
      if (this.key) {
        path = `${relPath}.enc`;
        await encryptFile(abs, join(this.settings.recordingsDir, path), this.key);
        unlinkSync(abs);
      }
      const full = join(this.settings.recordingsDir, path);
      const sha256 = await sha256File(full);
      const sizeBytes = statSync(full).size;
      this.index.end(id, { endedAt: startedAt + durationMs, durationMs, sha256, sizeBytes, path, encrypted: this.key !== undefined, state, packetsLost });
      if (state === 'closed') this.totals.recordingsClosed++;
      else this.totals.recordingsRecovered++;
      this.lastFileClosed = { id, path, at: new Date().toISOString(), durationMs, sizeBytes };
    } catch (err) {
      this.error(`indexing ${relPath}: ${(err as Error).message}`);
    }
  }

  // ---- timers ---------------------------------------------------------------------------

  /** The flush tick: sequential appends of every recording's settled audio. */
  private flushAll(): void {
    const now = Date.now();
    const idleMs = this.settings.idleTimeoutSec * 1000;
    for (const rec of [...this.recordings.values()]) {
      try {
        this.totals.bytesWritten += rec.file.flush(now);
        if (this.writeErrorSince) this.writeErrorSince = undefined;
      } catch (err) {
        // ENOSPC, EIO: this recording cannot go on; end it so the SRC knows, keep the others.
        this.writeErrorSince ??= new Date().toISOString();
        this.error(`writing ${rec.relPath}: ${(err as Error).message}`);
        this.srs.hangupRecording(this.firstIdOf(rec.id), 'recording write failed');
        continue;
      }
      if (idleMs > 0 && !rec.paused && now - rec.lastActivity > idleMs) {
        this.totals.idleClosed++;
        log.warn({ id: rec.id }, 'no media or signalling for the idle timeout: ending the recording session');
        this.srs.hangupRecording(this.firstIdOf(rec.id), 'idle');
      }
    }
  }

  private firstIdOf(currentId: string): string {
    for (const [k, v] of this.aliases) if (v === currentId) return k;
    return currentId;
  }

  private checkDisk(): void {
    try {
      const next = judgeDisk(diskFigures(this.settings.recordingsDir), this.settings.refusePercent, this.settings.alarmPercents);
      if (next.alarmLevel !== this.disk.alarmLevel || next.refusing !== this.disk.refusing) {
        this.diskSince = new Date().toISOString();
        if (next.refusing) log.error({ usedPercent: next.usedPercent }, 'recording disk at the refuse watermark: new sessions are refused');
        else if (next.alarmLevel !== null) log.warn({ usedPercent: next.usedPercent, level: next.alarmLevel }, 'recording disk above an alarm level');
        else log.info({ usedPercent: next.usedPercent }, 'recording disk back below the alarm levels');
      }
      this.disk = next;
    } catch (err) {
      this.error(`disk check: ${(err as Error).message}`);
    }
  }

  /** Runs the retention policy once (also on POST /v1/retention/sweep); a sweep already running is joined, not doubled. */
  sweep(): Promise<{ deleted: number; archived: number; archiveError?: string }> {
    this.sweeping ??= this.runSweep().finally(() => { this.sweeping = undefined; });
    return this.sweeping;
  }

  private sweeping: Promise<{ deleted: number; archived: number; archiveError?: string }> | undefined;

  private async runSweep(): Promise<{ deleted: number; archived: number; archiveError?: string }> {
    const r = await sweepRetention(this.index, this.settings, Date.now());
    this.totals.retentionDeleted += r.deleted;
    this.totals.retentionArchived += r.archived;
    for (const e of r.errors) this.error(`retention: ${e}`);
    if (r.archiveTarget) {
      const at = new Date().toISOString();
      const prev = this.archive;
      // The alarm keeps the time of the first failure; a sweep that archives without error clears it.
      this.archive = {
        target: r.archiveTarget, lastSweepAt: at, archivedTotal: (prev?.archivedTotal ?? 0) + r.archived,
        lastError: r.archiveError ? { at: prev?.lastError?.at ?? at, ...r.archiveError } : null,
      };
    }
    return { deleted: r.deleted, archived: r.archived, ...(r.archiveError ? { archiveError: r.archiveError.message } : {}) };
  }

  // ---- crash safety ---------------------------------------------------------------------

  /** At start: every recording left 'active' by a crash is repaired (header from the data) and indexed. */
  private async recoverUnfinished(): Promise<void> {
    for (const row of this.index.active()) {
      const abs = join(this.settings.recordingsDir, row.path);
      if (!existsSync(abs)) {
        this.totals.recordingsLost++;
        this.index.setState(row.id, 'lost', row.path);
        this.error(`recording ${row.id} was active at the last stop but its file ${row.path} is missing`);
        continue;
      }
      try {
        const r = recoverWav(abs);
        const durationMs = Math.floor(r.dataBytes / row.channels / 8);
        log.warn({ id: row.id, durationMs, repaired: r.repaired }, 'recording left unfinished by the last run: repaired');
        await this.finalize(row.id, row.path, row.startedAt, durationMs, 0, 'recovered');
      } catch (err) {
        this.index.setState(row.id, 'lost', row.path);
        this.totals.recordingsLost++;
        this.error(`repairing ${row.path}: ${(err as Error).message}`);
      }
    }
  }

  // ---- status ---------------------------------------------------------------------------

  private error(message: string): void {
    log.error(message);
    this.errors.push({ at: new Date().toISOString(), message });
    if (this.errors.length > 20) this.errors.shift();
  }

  /** Snapshot for the control API. */
  status(): RecorderStatus {
    const recs: ActiveRecordingStatus[] = [...this.recordings.values()].map((r) => ({
      id: r.id, callId: r.callId, startedAt: new Date(r.startedAt).toISOString(), segment: r.segment, durationMs: r.file.durationMs, bytesWritten: r.file.bytesWritten,
      codec: r.law, listeners: r.listeners.size,
      streams: [...r.streams.values()].map((st) => ({
        label: st.label, channel: st.channel, port: st.port, party: partyName(senderOfLabel(r.metadata, st.label)),
        packets: st.stats.received, lost: Math.max(0, st.stats.lost), late: r.file.aligner.stats(st.channel).late, ...(st.ssrc !== undefined ? { ssrc: st.ssrc } : {}),
      })),
    }));
    let lostActive = 0;
    for (const r of recs) for (const s of r.streams) lostActive += s.lost;
    const alarms: Alarm[] = [];
    if (this.disk.refusing) {
      alarms.push({ id: 'recorder-disk-full', severity: 'critical', source: 'recorder/disk', raisedAt: this.diskSince, text: {
        en: `Recording disk ${this.disk.usedPercent}% full: new recordings are refused (watermark ${this.disk.refusePercent}%)`,
        zh: `录音磁盘已用 ${this.disk.usedPercent}%：已拒绝新的录音（阈值 ${this.disk.refusePercent}%）`,
      } });
    } else if (this.disk.alarmLevel !== null) {
      alarms.push({ id: `recorder-disk-${this.disk.alarmLevel}`, severity: this.disk.alarmLevel >= 90 ? 'major' : 'warning', source: 'recorder/disk', raisedAt: this.diskSince, text: {
        en: `Recording disk ${this.disk.usedPercent}% full (alarm level ${this.disk.alarmLevel}%)`,
        zh: `录音磁盘已用 ${this.disk.usedPercent}%（告警阈值 ${this.disk.alarmLevel}%）`,
      } });
    }
    if (this.writeErrorSince) {
      alarms.push({ id: 'recorder-write-failed', severity: 'critical', source: 'recorder/files', raisedAt: this.writeErrorSince, text: {
        en: 'Recording files cannot be written; affected recordings were ended', zh: '录音文件无法写入，受影响的录音已结束',
      } });
    }
    if (this.archive?.lastError) {
      alarms.push({ id: 'recorder-archive-failed', severity: 'major', source: 'recorder/archive', raisedAt: this.archive.lastError.at, text: {
        en: `Recordings cannot be archived to ${this.archive.target}: ${this.archive.lastError.message} (kept on this disk, retried hourly)`,
        zh: `录音无法归档到 ${this.archive.target}：${this.archive.lastError.messageZh}（已保留在本机磁盘，每小时重试）`,
      } });
    }
    return {
      startedAt: this.startedAt.toISOString(),
      listening: this.transport?.listening() ?? [],
      sessionsActive: this.recordings.size,
      streamsActive: recs.reduce((n, r) => n + r.streams.length, 0),
      maxSessions: this.settings.maxSessions,
      recordings: recs,
      packetsReceived: this.totals.packetsReceived,
      packetsLost: lostActive,
      bytesWritten: this.totals.bytesWritten,
      recordingsClosed: this.totals.recordingsClosed,
      recordingsRecovered: this.totals.recordingsRecovered,
      lastFileClosed: this.lastFileClosed,
      disk: { ...this.disk, recordingsDir: this.settings.recordingsDir },
      alarms,
      archive: this.archive,
      errors: [...this.errors],
      counters: {
        ...this.totals,
        pendingFinalize: this.pendingFinal,
        ...Object.fromEntries(Object.entries(this.srs?.counters ?? {}).map(([k, v]) => [`sip.${k}`, v])),
        ...Object.fromEntries(Object.entries(this.transport?.counters ?? {}).filter(([, v]) => typeof v === 'number').map(([k, v]) => [`transport.${k}`, v as number])),
      },
    };
  }

  /** Waits until every closed recording is checksummed and indexed (tests, stop). */
  async idle(): Promise<void> {
    while (this.pendingFinal > 0) await this.finalizing;
  }

  /** Ends the sessions with BYE, closes and indexes their files, closes listeners and the index. */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.srs?.byeAll('recorder stopping');
    for (const id of [...this.recordings.keys()]) this.closeRecording(id, 'stopping');
    await new Promise((r) => setTimeout(r, 100)); // let the BYEs leave
    await this.idle();
    await this.control?.close();
    await this.transport?.close();
    this.records.close();
    log.info('recorder stopped');
  }
}

/** SHA-256 of a file, streamed. */
export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path, { highWaterMark: 256 * 1024 })
      .on('data', (c) => h.update(c as Buffer))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}
