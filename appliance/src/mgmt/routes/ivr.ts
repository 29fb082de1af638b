// `/config/ivr`: the IVR designer page saves the whole `ivr` section (menus, time conditions,
// language) as one configuration version. The config store checks the schema and every
// destination (docs/ivr.md "Validation"); this route adds what only this box can know: that every
// prompt a menu names is a file in the prompts folder. All problems come back together as details
// whose pointers are the config's own (`/ivr/menus/0/options/1/destination/name`).
import { ivrSettings, validateConfig, type HotlineConfig, type IvrConfig } from '../../config/index.ts';
import { PromptStore, promptUsage } from '../../prompts/index.ts';
import { audit } from '../audit.ts';
import { freshConfig, saveAndApply, toApiError } from '../config-apply.ts';
import { ApiError, type ErrorDetail } from '../errors.ts';
import { ADMIN_ONLY } from '../roles.ts';
import { route, type AnyRoute } from '../route-types.ts';
import { configWriteSchema } from '../schemas.ts';

type IvrBody = { ivr: IvrConfig; comment: string };

/** Details for every menu field naming a prompt that is not in the folder (none without a folder to look in). */
export function missingPrompts(ivr: IvrConfig, store: PromptStore | undefined): ErrorDetail[] {
  if (!store || !Array.isArray(ivr.menus)) return [];
  // Only fields the admin wrote: the defaults (invalid, timeout) are built-in prompts the PBX installs.
  const written = new Set<string>();
  ivr.menus.forEach((m, i) => {
    if (typeof m !== 'object' || m === null) return;
    for (const key of ['prompt', 'invalidPrompt', 'timeoutPrompt'] as const) if (typeof m[key] === 'string') written.add(`/ivr/menus/${i}/${key}`);
  });
  let usage: Map<string, string[]>;
  try {
    ivrSettings({ ivr } as HotlineConfig); // shape check only; a malformed section is the schema's to report
    usage = promptUsage({ ivr } as HotlineConfig);
  } catch {
    return [];
  }
  const out: ErrorDetail[] = [];
  for (const [name, paths] of usage) {
    if (store.exists(name)) continue;
    for (const path of paths) if (written.has(path)) out.push({ path, message: `names no prompt in the prompts folder (${name}): upload or record it first` });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

export const ivrRoutes: AnyRoute[] = [
  route<Record<string, never>, IvrBody>({
    method: 'PUT',
    path: '/config/ivr',
    access: ADMIN_ONLY,
    summary: 'Replace the IVR section (menus, options, time conditions, language) with a change comment; every prompt must exist; saved as a new configuration version, then the PBX reloads',
    tag: 'config',
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['ivr', 'comment'],
      properties: { ivr: { type: 'object' }, comment: { type: 'string', minLength: 1, maxLength: 200 } },
    },
    response: { status: 200, schema: configWriteSchema },
    async handler({ ctx, svc, user, body }) {
      const dir = svc.deps.promptsDir;
      const before = (await freshConfig(svc)).ivr ?? {};
      const missing = missingPrompts(body.ivr, dir ? new PromptStore(dir) : undefined);
      if (missing.length > 0) {
        // Refused before writing; the config checks run on the same draft so every problem is listed at once.
        const draft = structuredClone(await freshConfig(svc));
        draft.ivr = body.ivr;
        let details = missing;
        try {
          validateConfig(draft);
        } catch (err) {
          const api = toApiError(err);
          if (!(api instanceof ApiError)) throw err;
          const seen = new Set(missing.map((m) => m.path));
          details = [...(api.extra.details ?? []).filter((d) => !seen.has(d.path)), ...missing];
        }
        throw new ApiError('VALIDATION', 'the configuration would be invalid', { messageZh: '修改后的配置无效', details });
      }
      const result = await saveAndApply(svc, (d) => void (d.ivr = body.ivr), { author: `web:${user!.username}`, comment: body.comment });
      audit(svc, ctx, user, { action: 'config.ivr_updated', target: `version ${result.configVersion}`, outcome: 'ok', before, after: body.ivr });
      return result;
    },
  }),
];
