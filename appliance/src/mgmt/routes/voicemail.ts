// `/voicemail`: the messages callers left in voicemail boxes (issue 6, docs/voicemail.md). The
// PBX writes them (pbx/call-center/voicemail-host.ts); here they are listed per box, played
// (byte ranges, for seeking), marked heard and deleted (audited). Users are not tied to
// extensions, so a box's `owners` cannot be matched to a login: admins and supervisors only.
import { createReadStream, existsSync, unlinkSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { voicemailBoxes } from '../../config/index.ts';
import { VoicemailStore, type StoredVoicemailMessage } from '../../records/index.ts';
import { audit } from '../audit.ts';
import { freshConfig } from '../config-apply.ts';
import { ApiError } from '../errors.ts';
import type { RouteAccess } from '../roles.ts';
import { route, type AnyRoute } from '../route-types.ts';
import type { MgmtServices } from '../services.ts';
import { parseRange } from './recordings.ts';

/** Who may list, play, mark and delete messages. */
export const VOICEMAIL_USERS: RouteAccess = ['admin', 'supervisor'];

const stores = new WeakMap<MgmtServices, VoicemailStore>();
function store(svc: MgmtServices): VoicemailStore {
  let s = stores.get(svc);
  if (!s) stores.set(svc, (s = new VoicemailStore(svc.deps.records)));
  return s;
}

function find(svc: MgmtServices, id: string): StoredVoicemailMessage {
  const m = store(svc).get(Number(id));
  if (!m) throw new ApiError('NOT_FOUND', `no voicemail message ${id}`, { messageZh: `留言 ${id} 不存在` });
  return m;
}

/** Absolute path of a message's file, refused when the row points outside the folder. */
function filePath(svc: MgmtServices, m: StoredVoicemailMessage): string {
  const dir = svc.deps.voicemailDir;
  if (!dir) throw new ApiError('NOT_FOUND', 'voicemail is not available on this instance', { messageZh: '本实例不提供语音信箱' });
  const abs = resolve(dir, m.path);
  const rel = relative(resolve(dir), abs);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw new ApiError('NOT_FOUND', `voicemail message ${m.id} points outside the voicemail folder`, { messageZh: '留言路径无效' });
  return abs;
}

const view = (m: StoredVoicemailMessage) => ({
  id: m.id, box: m.box, caller: m.caller, digits: m.digits, receivedAt: new Date(m.receivedAt).toISOString(), durationMs: m.durationMs, heard: m.heard,
});

const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[0-9]{1,15}$' } } };
const boxParam = { type: 'object', required: ['box'], properties: { box: { type: 'string', pattern: '^[0-9]{1,8}$' } } };
const messageSchema = {
  type: 'object',
  required: ['id', 'box', 'caller', 'digits', 'receivedAt', 'durationMs', 'heard'],
  properties: {
    id: { type: 'integer' },
    box: { type: 'string' },
    caller: { type: 'string' },
    digits: { type: 'string', description: 'IVR keys that led to the box, menu:digit, comma-separated' },
    receivedAt: { type: 'string' },
    durationMs: { type: 'integer' },
    heard: { type: 'boolean' },
  },
} as const;
const boxSchema = {
  type: 'object',
  required: ['box', 'name', 'owners', 'total', 'unheard'],
  properties: { box: { type: 'string' }, name: { type: 'string' }, owners: { type: 'array', items: { type: 'string' } }, total: { type: 'integer' }, unheard: { type: 'integer' } },
} as const;

export const voicemailRoutes: AnyRoute[] = [
  route({
    method: 'GET',
    path: '/voicemail/boxes',
    access: VOICEMAIL_USERS,
    summary: 'The configured voicemail boxes with their message counts (total, not yet heard)',
    tag: 'voicemail',
    response: { status: 200, schema: { type: 'object', required: ['boxes'], properties: { boxes: { type: 'array', items: boxSchema } } } },
    async handler({ svc }) {
      const counts = new Map(store(svc).counts().map((c) => [c.box, c]));
      const boxes = voicemailBoxes(await freshConfig(svc)).map((b) => ({ box: b.box, name: b.name, owners: b.owners, total: counts.get(b.box)?.total ?? 0, unheard: counts.get(b.box)?.unheard ?? 0 }));
      return { boxes };
    },
  }),
  route({
    method: 'GET',
    path: '/voicemail/boxes/:box/messages',
    access: VOICEMAIL_USERS,
    summary: 'The messages of a box, newest first',
    tag: 'voicemail',
    params: boxParam,
    response: { status: 200, schema: { type: 'object', required: ['messages'], properties: { messages: { type: 'array', items: messageSchema } } } },
    handler({ svc, params }) {
      return { messages: store(svc).list(params.box).map(view) };
    },
  }),
  route({
    method: 'GET',
    path: '/voicemail/messages/:id/audio',
    access: VOICEMAIL_USERS,
    summary: 'The message as a WAV (8 kHz A-law); honours a single Range for seeking',
    tag: 'voicemail',
    params: idParam,
    response: { status: 200, contentType: 'audio/wav', description: 'the WAV file (206 with Content-Range for a range)' },
    async handler({ ctx, svc, params }) {
      const abs = filePath(svc, find(svc, params.id));
      if (!existsSync(abs)) throw new ApiError('NOT_FOUND', `the file of voicemail message ${params.id} is missing`, { messageZh: '留言文件缺失' });
      const size = (await stat(abs)).size;
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
      if (range) {
        ctx.status = 206;
        ctx.set('Content-Range', `bytes ${start}-${end}/${size}`);
      } else ctx.status = 200;
      ctx.set('Content-Length', String(end - start + 1));
      ctx.body = createReadStream(abs, { start, end });
      return undefined;
    },
  }),
  route<Record<string, never>, { heard: boolean }>({
    method: 'PUT',
    path: '/voicemail/messages/:id/heard',
    access: VOICEMAIL_USERS,
    summary: 'Mark a message heard (or new again)',
    tag: 'voicemail',
    params: idParam,
    body: { type: 'object', additionalProperties: false, required: ['heard'], properties: { heard: { type: 'boolean' } } },
    response: { status: 200, schema: messageSchema },
    handler({ svc, params, body }) {
      const m = find(svc, params.id);
      store(svc).setHeard(m.id, body.heard);
      return view({ ...m, heard: body.heard });
    },
  }),
  route({
    method: 'DELETE',
    path: '/voicemail/messages/:id',
    access: VOICEMAIL_USERS,
    summary: 'Delete a message: its file and its row (audited)',
    tag: 'voicemail',
    params: idParam,
    response: { status: 200, schema: { type: 'object', required: ['ok'], properties: { ok: { const: true } } } },
    handler({ ctx, svc, user, params }) {
      const m = find(svc, params.id);
      const abs = filePath(svc, m);
      try { unlinkSync(abs); } catch (err) { if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err; }
      store(svc).delete(m.id);
      audit(svc, ctx, user, { action: 'voicemail.deleted', target: String(m.id), outcome: 'ok', before: { box: m.box, receivedAt: new Date(m.receivedAt).toISOString(), durationMs: m.durationMs } });
      return { ok: true };
    },
  }),
];
