// The Recordings page's API (issue 7): search the recorder's index in records.db, play or
// download a file (decrypted on the fly, byte ranges for seeking), delete one by hand (admin,
// audited with a reason), export a selection as a streamed zip with a SHA-256 manifest.
// The recorder writes on the same box; the folder and key come from MgmtDeps (docs/recorder.md).
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { stat, unlink } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { PassThrough, Readable, Transform } from 'node:stream';
import archiver from 'archiver';
import { decryptFile, loadKey, type RecorderStatus } from '../../recorder/index.ts';
import { RecordingStore, type RecordingState, type StoredRecording } from '../../records/index.ts';
import { audit } from '../audit.ts';
import { ApiError } from '../errors.ts';
import { ADMIN_ONLY, type RouteAccess } from '../roles.ts';
import { route, type AnyRoute } from '../route-types.ts';
import { isoTime, paging } from '../schemas.ts';
import type { MgmtServices } from '../services.ts';

/** Metadata: supervisors (quality checks), auditors and admins; agents never see recordings. */
export const RECORDING_READERS: RouteAccess = ['admin', 'supervisor', 'auditor'];
/** Audio (listen, download, export): supervisors and admins; auditors read metadata only. */
export const RECORDING_LISTENERS: RouteAccess = ['admin', 'supervisor'];

const STATES: RecordingState[] = ['active', 'closed', 'recovered', 'archived', 'deleted', 'lost'];
const stores = new WeakMap<MgmtServices, RecordingStore>();

/** The index on the app's records.db (one prepared store per app). */
function store(svc: MgmtServices): RecordingStore {
  let s = stores.get(svc);
  if (!s) stores.set(svc, (s = new RecordingStore(svc.deps.records)));
  return s;
}

function find(svc: MgmtServices, id: string): StoredRecording {
  const r = store(svc).get(id);
  if (!r) throw new ApiError('NOT_FOUND', `no recording ${id}`, { messageZh: `录音 ${id} 不存在` });
  return r;
}

/** Absolute path of a recording's file, refused when the index points outside the folder. */
function filePath(svc: MgmtServices, r: StoredRecording): string {
  const dir = svc.deps.recordingsDir;
  if (!dir) throw new ApiError('NOT_FOUND', 'recordings are not available on this instance', { messageZh: '本实例不提供录音' });
  const abs = resolve(dir, r.path);
  const rel = relative(resolve(dir), abs);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw new ApiError('NOT_FOUND', `recording ${r.id} points outside the recordings folder`, { messageZh: '录音路径无效' });
  return abs;
}

/** The file of a playable recording (closed or recovered); other states have none to play. */
function playable(svc: MgmtServices, r: StoredRecording): string {
  if (r.state !== 'closed' && r.state !== 'recovered') {
    throw new ApiError('CONFLICT', `recording ${r.id} is ${r.state}: no file to play`, { messageZh: `录音状态为 ${r.state}，无可播放的文件`, reason: 'NOT_PLAYABLE' });
  }
  const abs = filePath(svc, r);
  if (!existsSync(abs)) throw new ApiError('NOT_FOUND', `the file of recording ${r.id} is missing`, { messageZh: '录音文件缺失' });
  return abs;
}

/** The recorder's key, read on each use (the recorder may have been given one since); 409 NO_KEY when there is none. */
function recorderKey(svc: MgmtServices): Buffer {
  const file = svc.deps.recorderKeyFile;
  if (!file) throw new ApiError('CONFLICT', 'this recording is encrypted and the recorder key file is not configured here', { messageZh: '录音已加密，但本机未配置录音密钥文件', reason: 'NO_KEY' });
  try {
    return loadKey(file);
  } catch (err) {
    throw new ApiError('CONFLICT', `the recorder key file cannot be read: ${(err as Error).message}`, { messageZh: '无法读取录音密钥文件', reason: 'NO_KEY' });
  }
}

/** The plain WAV bytes of an encrypted recording (AES-GCM authenticates the whole file, so it is decrypted whole). */
function decrypted(r: StoredRecording, abs: string, key: Buffer): Buffer {
  try {
    return decryptFile(abs, key);
  } catch (err) {
    throw new ApiError('CONFLICT', `recording ${r.id} cannot be decrypted: ${(err as Error).message}`, { messageZh: '录音无法解密（密钥不符或文件被改动）', reason: 'DECRYPT_FAILED' });
  }
}

/** A single `bytes=` range of a `size`-byte body; undefined for none or several (answered whole), null when unsatisfiable. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | undefined | null {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0) return null;
    start = Math.max(size - n, 0);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return null;
  return { start, end };
}

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
/** A row as the API shows it: ISO times, no on-disk path. */
function view(r: StoredRecording) {
  const { path: _path, ...rest } = r;
  return { ...rest, startedAt: iso(r.startedAt), endedAt: iso(r.endedAt) };
}

/** File name of a recording in a download or an export. */
const fileName = (r: StoredRecording) => `recording-${r.id}.wav`;

interface SearchQuery {
  from?: string;
  to?: string;
  party?: string;
  callId?: string;
  agent?: string;
  queue?: string;
  trunk?: string;
  minDurationSec?: number;
  maxDurationSec?: number;
  state?: RecordingState;
  offset: number;
  limit: number;
}

const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max });
const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,128}$' } } };
const obj = { type: 'object' };

/** One call being recorded, as the Recordings page lists it for live listening. */
export interface ActiveRecordingView {
  id: string;
  callId: string;
  startedAt: string;
  durationMs: number;
  codec: 'PCMU' | 'PCMA';
  listeners: number;
  parties: Array<{ channel: number; name: string }>;
}

/** The recorder's active recordings; an unreachable recorder is `recorderRunning: false`, not an error (the page says so). */
async function activeRecordings(svc: MgmtServices): Promise<{ recorderRunning: boolean; items: ActiveRecordingView[] }> {
  const rec = svc.deps.recorder;
  if (!rec) return { recorderRunning: false, items: [] };
  let st: RecorderStatus;
  try {
    st = await rec.call<RecorderStatus>('GET', '/v1/status');
  } catch {
    return { recorderRunning: false, items: [] };
  }
  return {
    recorderRunning: true,
    items: st.recordings.map((r) => ({
      id: r.id, callId: r.callId, startedAt: r.startedAt, durationMs: r.durationMs, codec: r.codec, listeners: r.listeners,
      parties: [...r.streams].sort((a, b) => a.channel - b.channel).map((s) => ({ channel: s.channel, name: s.party })),
    })),
  };
}

/** `/recordings`: search, metadata, audio, delete, export. */
export const recordingRoutes: AnyRoute[] = [
  route<SearchQuery>({
    method: 'GET',
    path: '/recordings',
    access: RECORDING_READERS,
    summary: 'Search recordings by start time, party (number or name), call id, agent, queue, trunk, duration (s) and state; newest first',
    tag: 'recordings',
    query: {
      type: 'object',
      additionalProperties: false,
      properties: {
        from: isoTime, to: isoTime, party: text(64), callId: text(256), agent: text(64), queue: text(64), trunk: text(64),
        minDurationSec: { type: 'integer', minimum: 0 }, maxDurationSec: { type: 'integer', minimum: 0 },
        state: { type: 'string', enum: STATES }, ...paging,
      },
    },
    response: { status: 200, schema: { type: 'object', required: ['items', 'total'], properties: { items: { type: 'array', items: obj }, total: { type: 'integer' } } } },
    handler({ svc, query }) {
      const from = query.from ? Date.parse(query.from) : undefined;
      const to = query.to ? Date.parse(query.to) : undefined;
      if (from !== undefined && to !== undefined && from >= to) throw new ApiError('VALIDATION', '`from` must be before `to`', { details: [{ path: '/query/from', message: 'must be before to' }] });
      if (query.minDurationSec !== undefined && query.maxDurationSec !== undefined && query.minDurationSec > query.maxDurationSec) {
        throw new ApiError('VALIDATION', '`minDurationSec` must not exceed `maxDurationSec`', { details: [{ path: '/query/minDurationSec', message: 'must not exceed maxDurationSec' }] });
      }
      const q = {
        from, to, party: query.party, callId: query.callId, agent: query.agent, queue: query.queue, trunk: query.trunk, state: query.state,
        minDurationMs: query.minDurationSec !== undefined ? query.minDurationSec * 1000 : undefined,
        maxDurationMs: query.maxDurationSec !== undefined ? query.maxDurationSec * 1000 + 999 : undefined,
      };
      const s = store(svc);
      return { items: s.search({ ...q, offset: query.offset, limit: query.limit }).map(view), total: s.count(q) };
    },
  }),
  route({
    method: 'GET',
    path: '/recordings/live',
    access: RECORDING_LISTENERS,
    summary: 'Calls being recorded now (from the recorder\'s status), to listen to over the WebSocket /api/v1/recordings/listen?id=',
    tag: 'recordings',
    response: { status: 200, schema: { type: 'object', required: ['recorderRunning', 'items'], properties: { recorderRunning: { type: 'boolean' }, items: { type: 'array', items: obj } } } },
    async handler({ svc }) {
      return activeRecordings(svc);
    },
  }),
  route({
    method: 'GET',
    path: '/recordings/:id',
    access: RECORDING_READERS,
    summary: 'One recording: parties (one WAV channel each), agent, queue, times, codec, state, checksum',
    tag: 'recordings',
    params: idParam,
    response: { status: 200, schema: obj },
    handler: ({ svc, params }) => view(find(svc, params.id)),
  }),
  route<{ download?: boolean }>({
    method: 'GET',
    path: '/recordings/:id/audio',
    access: RECORDING_LISTENERS,
    summary: 'The WAV (G.711, one channel per party), decrypted when stored encrypted; honours a single Range for seeking; ?download=true as an attachment (audited)',
    tag: 'recordings',
    params: idParam,
    query: { type: 'object', additionalProperties: false, properties: { download: { type: 'boolean' } } },
    response: { status: 200, contentType: 'audio/wav', description: 'the WAV file (206 with Content-Range for a range)' },
    async handler({ ctx, svc, user, params, query }) {
      const r = find(svc, params.id);
      const abs = playable(svc, r);
      const plain = r.encrypted ? decrypted(r, abs, recorderKey(svc)) : undefined;
      const size = plain ? plain.length : (await stat(abs)).size;
      const range = parseRange(ctx.get('range') || undefined, size);
      ctx.set('Accept-Ranges', 'bytes');
      ctx.set('Cache-Control', 'private, no-store');
      if (range === null) {
        ctx.status = 416;
        ctx.set('Content-Range', `bytes */${size}`);
        ctx.body = { error: { code: 'RANGE', message: 'requested range not satisfiable', messageZh: '请求的范围无效' } };
        return undefined;
      }
      const { start, end } = range ?? { start: 0, end: size - 1 };
      ctx.type = 'audio/wav';
      if (query.download) {
        ctx.set('Content-Disposition', `attachment; filename="${fileName(r)}"`);
        audit(svc, ctx, user, { action: 'recording.downloaded', target: r.id, outcome: 'ok' });
      }
      if (range) {
        ctx.status = 206;
        ctx.set('Content-Range', `bytes ${start}-${end}/${size}`);
      } else ctx.status = 200;
      ctx.set('Content-Length', String(end - start + 1));
      ctx.body = plain ? plain.subarray(start, end + 1) : createReadStream(abs, { start, end });
      return undefined;
    },
  }),
  route<Record<string, never>, { reason: string }>({
    method: 'DELETE',
    path: '/recordings/:id',
    access: ADMIN_ONLY,
    summary: 'Delete a recording by hand: its file and its index row go; the audit log keeps who, why and what the row said',
    tag: 'recordings',
    params: idParam,
    body: { type: 'object', additionalProperties: false, required: ['reason'], properties: { reason: { type: 'string', minLength: 3, maxLength: 500 } } },
    response: { status: 204 },
    async handler({ ctx, svc, user, params, body }) {
      const r = find(svc, params.id);
      if (r.state === 'active') throw new ApiError('CONFLICT', `recording ${r.id} is still being written`, { messageZh: '录音仍在写入，不能删除', reason: 'ACTIVE' });
      const abs = filePath(svc, r);
      try {
        await unlink(abs);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
          audit(svc, ctx, user, { action: 'recording.deleted', target: r.id, outcome: 'failed', after: { reason: body.reason, error: (err as Error).message } });
          throw err;
        }
      }
      store(svc).remove(r.id);
      audit(svc, ctx, user, { action: 'recording.deleted', target: r.id, outcome: 'ok', before: view(r), after: { reason: body.reason } });
      return undefined;
    },
  }),
  route<Record<string, never>, { ids: string[] }>({
    method: 'POST',
    path: '/recordings/export',
    access: RECORDING_LISTENERS,
    summary: 'A zip of the selected recordings (decrypted) and manifest.json (metadata and SHA-256 of each file), streamed',
    tag: 'recordings',
    body: { type: 'object', additionalProperties: false, required: ['ids'], properties: { ids: { type: 'array', minItems: 1, maxItems: 500, uniqueItems: true, items: idParam.properties.id } } },
    response: { status: 200, contentType: 'application/zip', description: 'recordings.zip' },
    handler({ ctx, svc, user, body }) {
      // Every id is checked before the first byte goes out: a bad one is a clean 4xx, not a cut zip.
      const rows = body.ids.map((id) => find(svc, id));
      const files = rows.map((r) => ({ r, abs: playable(svc, r) }));
      // The key is read up front; a file it does not open (altered, other key) can only be found
      // while streaming, and then the zip is cut off (the client sees a failed download).
      const key = files.some((f) => f.r.encrypted) ? recorderKey(svc) : undefined;
      const zip = archiver('zip', { zlib: { level: 1 } });
      const out = new PassThrough();
      zip.pipe(out);
      zip.on('error', (err: Error) => out.destroy(err));
      void (async () => {
        const manifest: Array<Record<string, unknown>> = [];
        for (const { r, abs } of files) {
          const hash = createHash('sha256');
          let bytes = 0;
          const source: Readable = r.encrypted ? Readable.from([decrypted(r, abs, key!)]) : createReadStream(abs);
          // Hashed on the way into the zip, so the manifest states what the archive holds.
          const tap = new Transform({ transform(c: Buffer, _e, next) { hash.update(c); bytes += c.length; next(null, c); } });
          source.once('error', (err) => tap.destroy(err));
          const done = new Promise<void>((ok, fail) => { tap.once('end', ok); tap.once('error', fail); });
          zip.append(source.pipe(tap), { name: fileName(r) });
          await done;
          manifest.push({ ...view(r), file: fileName(r), bytes, sha256: hash.digest('hex'), indexedSha256: r.sha256 });
        }
        zip.append(JSON.stringify({ exportedAt: new Date(svc.deps.now()).toISOString(), exportedBy: user?.username ?? '-', recordings: manifest }, null, 2) + '\n', { name: 'manifest.json' });
        await zip.finalize();
      })().catch((err: Error) => out.destroy(err));
      audit(svc, ctx, user, { action: 'recording.exported', target: `${rows.length} recordings`, outcome: 'ok', after: { ids: body.ids } });
      ctx.type = 'application/zip';
      ctx.set('Content-Disposition', 'attachment; filename="recordings.zip"');
      ctx.body = out;
      return undefined;
    },
  }),
];
