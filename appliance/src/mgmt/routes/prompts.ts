// `/prompts`: the IVR designer's prompt library (issue 6). Upload any common WAV (converted to
// 8 kHz mono A-law by @hotline/media convertPromptWav, in a worker thread, before anything is
// written, so a bad file changes nothing), list, play and delete. A prompt a menu plays is not deleted unless the
// request says `force` after the UI named the menus; built-in prompts are replaced, never deleted.
import { readFileSync } from 'node:fs';
import { WavFormatError } from '@hotline/media';
import { PROMPT_NAMES, PromptStore, convertPromptInWorker, PROMPT_NAME_RE, menusUsing, promptUsage, type PromptLanguage } from '../../prompts/index.ts';
import { audit } from '../audit.ts';
import { readRawBody } from '../body.ts';
import { freshConfig } from '../config-apply.ts';
import { ApiError } from '../errors.ts';
import { ADMIN_ONLY, OPERATIONS_READERS } from '../roles.ts';
import { route, type AnyRoute } from '../route-types.ts';
import type { MgmtServices } from '../services.ts';

/** Largest upload: 5 minutes of 48 kHz 16-bit stereo is 55 MB; a longer prompt is refused after conversion anyway. */
export const MAX_PROMPT_UPLOAD_BYTES = 64 * 1024 * 1024;

type LanguageParam = 'zh-CN' | 'en' | 'all';
const toLanguage = (l: LanguageParam | undefined): PromptLanguage => (l === undefined || l === 'all' ? null : l);
const BUILT_IN = new Set<string>(PROMPT_NAMES);

function store(svc: MgmtServices): PromptStore {
  const dir = svc.deps.promptsDir;
  if (!dir) throw new ApiError('NOT_FOUND', 'prompts are not available on this instance', { messageZh: '本实例不提供语音提示' });
  return new PromptStore(dir);
}

const nameParam = { type: 'object', required: ['name'], properties: { name: { type: 'string', pattern: PROMPT_NAME_RE.source } } };
const languageQuery = { type: 'object', additionalProperties: false, properties: { language: { enum: ['zh-CN', 'en', 'all'] } } };
const promptSchema = {
  type: 'object',
  required: ['name', 'language', 'bytes', 'durationMs', 'modifiedAt', 'builtIn', 'usedBy'],
  properties: {
    name: { type: 'string' },
    language: { enum: ['zh-CN', 'en', null] },
    bytes: { type: 'integer' },
    durationMs: { type: ['integer', 'null'] },
    modifiedAt: { type: 'string' },
    builtIn: { type: 'boolean' },
    usedBy: { type: 'array', items: { type: 'string' }, description: 'JSON pointers of the config fields that play it' },
  },
} as const;

export const promptRoutes: AnyRoute[] = [
  route({
    method: 'GET',
    path: '/prompts',
    access: OPERATIONS_READERS,
    summary: 'The prompt files (shared and per language) with their length and the menus fields that play them',
    tag: 'ivr',
    response: { status: 200, schema: { type: 'object', required: ['prompts'], properties: { prompts: { type: 'array', items: promptSchema } } } },
    async handler({ svc }) {
      const usage = promptUsage(await freshConfig(svc));
      const prompts = store(svc).list().map((p) => ({ ...p, modifiedAt: new Date(p.modifiedAt).toISOString(), builtIn: BUILT_IN.has(p.name), usedBy: usage.get(p.name) ?? [] }));
      return { prompts };
    },
  }),
  route<{ language?: LanguageParam }>({
    method: 'GET',
    path: '/prompts/:name/audio',
    access: OPERATIONS_READERS,
    summary: 'The prompt as a WAV file (language `all` = the shared file)',
    tag: 'ivr',
    params: nameParam,
    query: languageQuery,
    response: { status: 200, contentType: 'audio/wav', description: 'the WAV file' },
    handler({ ctx, svc, params, query }) {
      const s = store(svc);
      const language = toLanguage(query.language);
      if (!s.has(params.name, language)) throw notFound(params.name, language);
      ctx.type = 'audio/wav';
      ctx.set('Cache-Control', 'no-store');
      ctx.body = readFileSync(s.file(params.name, language));
      return undefined;
    },
  }),
  route<{ language?: LanguageParam }>({
    method: 'PUT',
    path: '/prompts/:name',
    access: ADMIN_ONLY,
    summary: 'Upload a prompt: the body is a WAV file (8/16/24-bit PCM, A-law or µ-law, any rate, mono or stereo), stored as 8 kHz mono A-law',
    tag: 'ivr',
    params: nameParam,
    query: languageQuery,
    response: { status: 200, schema: promptSchema },
    async handler({ ctx, svc, user, params, query }) {
      const s = store(svc);
      const language = toLanguage(query.language);
      const body = await readRawBody(ctx, MAX_PROMPT_UPLOAD_BYTES, `the file is larger than ${MAX_PROMPT_UPLOAD_BYTES / 1024 / 1024} MiB`);
      let converted;
      try {
        converted = await convertPromptInWorker(body);
      } catch (err) {
        if (!(err instanceof WavFormatError)) throw err;
        throw new ApiError('VALIDATION', `the file cannot be used as a prompt: ${err.message}`, {
          messageZh: `该文件不能用作语音提示：${ZH_WAV[err.kind]}`,
          details: [{ path: '/file', message: err.message }],
        });
      }
      const replaced = s.has(params.name, language);
      s.save(params.name, language, converted.wav);
      audit(svc, ctx, user, { action: 'prompt.uploaded', target: `${language ?? 'all'}/${params.name}`, outcome: 'ok', after: { ...converted.source, durationMs: converted.durationMs, replaced } });
      const usage = promptUsage(await freshConfig(svc));
      const info = s.list().find((p) => p.name === params.name && p.language === language)!;
      return { ...info, modifiedAt: new Date(info.modifiedAt).toISOString(), builtIn: BUILT_IN.has(params.name), usedBy: usage.get(params.name) ?? [] };
    },
  }),
  route<{ language?: LanguageParam; force?: boolean }>({
    method: 'DELETE',
    path: '/prompts/:name',
    access: ADMIN_ONLY,
    summary: 'Delete a prompt file; refused (409 IN_USE, naming the menus) while a menu plays it, unless force=true; built-in prompts cannot be deleted',
    tag: 'ivr',
    params: nameParam,
    query: { type: 'object', additionalProperties: false, properties: { language: { enum: ['zh-CN', 'en', 'all'] }, force: { type: 'boolean' } } },
    response: { status: 200, schema: { type: 'object', required: ['ok'], properties: { ok: { const: true }, usedBy: { type: 'array', items: { type: 'string' } } } } },
    async handler({ ctx, svc, user, params, query }) {
      const s = store(svc);
      const language = toLanguage(query.language);
      if (!s.has(params.name, language)) throw notFound(params.name, language);
      if (BUILT_IN.has(params.name)) {
        throw new ApiError('CONFLICT', `${params.name} is a built-in prompt the PBX plays itself: upload a replacement instead of deleting it`, { messageZh: `${params.name} 是系统内置提示音，请上传替换而不是删除`, reason: 'BUILT_IN' });
      }
      const config = await freshConfig(svc);
      const menus = menusUsing(config, params.name);
      if (menus.length > 0 && query.force !== true) {
        throw new ApiError('CONFLICT', `prompt ${params.name} is played by menu ${menus.join(', ')}; delete it anyway with force, or change the menus first`, {
          messageZh: `提示音 ${params.name} 正被菜单 ${menus.join('、')} 使用；确认后可强制删除，或先修改菜单`, reason: 'IN_USE',
          details: (promptUsage(config).get(params.name) ?? []).map((path) => ({ path, message: `plays ${params.name}` })),
        });
      }
      s.remove(params.name, language);
      audit(svc, ctx, user, { action: 'prompt.deleted', target: `${language ?? 'all'}/${params.name}`, outcome: 'ok', ...(menus.length > 0 ? { before: { usedByMenus: menus } } : {}) });
      return { ok: true, usedBy: menus };
    },
  }),
];

const ZH_WAV: Record<WavFormatError['kind'], string> = { truncated: '文件不完整', malformed: '不是有效的 WAV 文件', unsupported: '格式不受支持、没有音频或时长超过限制' };

function notFound(name: string, language: PromptLanguage): ApiError {
  return new ApiError('NOT_FOUND', `no prompt ${name} (${language ?? 'shared'})`, { messageZh: `提示音 ${name} 不存在` });
}
