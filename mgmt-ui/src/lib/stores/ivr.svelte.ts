// IVR page state: the `ivr` section being edited, what its destinations may name (queues,
// extensions, menus, prompt files), the check run before saving and the field errors of the
// last refused save (from the browser or from the server; the same JSON pointers).
import { api } from '../api/api.ts';
import { ApiError } from '../api/errors.ts';
import type { ErrorDetail, IvrConfig, PromptFile, WriteResult } from '../api/types.ts';
import { validateIvr, type KnownNames } from '../ivr-draft.ts';
import { FieldErrors } from '../routes-draft.ts';

/** Thrown by save() when the browser's own check finds problems; nothing was sent. */
export class IvrDraftInvalid extends Error {
  constructor(readonly details: ErrorDetail[]) {
    super(`${details.length} problem(s) in the IVR menus`);
  }
}

class IvrEditor {
  /** The section being edited. */
  draft = $state<IvrConfig>({});
  comment = $state('');
  version = $state<number | undefined>(undefined);
  queues = $state<string[]>([]);
  extensions = $state<Array<{ number: string; name?: string }>>([]);
  /** Voicemail boxes of the loaded version (the `voicemail` section). */
  boxes = $state<Array<{ box: string; name: string }>>([]);
  /** Menus or conditions the inbound routes send calls to: the roots of the tree. */
  entries = $state<string[]>([]);
  prompts = $state<PromptFile[]>([]);
  /** Menu names of the loaded version, by index: what the prompts' `usedBy` pointers refer to. */
  savedMenus = $state<string[]>([]);
  errors = $state(new FieldErrors());
  private savedJson = $state('');

  /** True when the section differs from the loaded version. */
  get dirty(): boolean {
    return JSON.stringify(this.draft) !== this.savedJson;
  }

  /** Menu and time condition names of the draft. */
  get menuNames(): Set<string> {
    return new Set([...(this.draft.menus ?? []).map((m) => m.name), ...(this.draft.timeConditions ?? []).map((c) => c.name)]);
  }

  /** Names the destinations and prompts may use. */
  get known(): KnownNames {
    return { queues: new Set(this.queues), extensions: new Set(this.extensions.map((e) => e.number)), prompts: new Set(this.prompts.map((p) => p.name)), boxes: new Set(this.boxes.map((b) => b.box)) };
  }

  /** Loads the current configuration version and the prompt files; throws ApiError. */
  async load(): Promise<void> {
    const versions = await api.config.versions();
    const current = Math.max(...versions.map((v) => v.version));
    const [doc] = await Promise.all([api.config.ivrDocument(current), this.loadPrompts()]);
    this.version = current;
    this.draft = structuredClone(doc.ivr ?? {});
    this.savedJson = JSON.stringify(this.draft);
    this.savedMenus = (doc.ivr?.menus ?? []).map((m) => m.name);
    this.queues = (doc.acd?.queues ?? []).map((q) => q.name);
    this.extensions = doc.extensions;
    this.boxes = doc.voicemail?.boxes ?? [];
    this.entries = (doc.routes?.inbound ?? []).flatMap((r) => {
      const d = r.destination as { kind: string; menu?: string };
      return d.kind === 'ivr' && d.menu ? [d.menu] : [];
    });
    this.errors = new FieldErrors();
  }

  /** Refreshes the prompt list (after an upload or a delete). */
  async loadPrompts(): Promise<void> {
    this.prompts = (await api.prompts.list()).prompts;
  }

  /** Checks the draft and saves it as a new version; problems fill `errors` and throw (IvrDraftInvalid or ApiError). */
  async save(): Promise<WriteResult & { configVersion: number }> {
    const problems = validateIvr(this.draft, this.known);
    this.errors = new FieldErrors(problems);
    if (problems.length > 0) throw new IvrDraftInvalid(problems);
    try {
      const result = await api.config.saveIvr($state.snapshot(this.draft) as IvrConfig, this.comment.trim());
      this.comment = '';
      await this.load();
      return result;
    } catch (err) {
      this.errors = new FieldErrors(err instanceof ApiError ? err.details : []);
      throw err;
    }
  }
}

/** The IVR page state. */
export const ivrEditor = new IvrEditor();
