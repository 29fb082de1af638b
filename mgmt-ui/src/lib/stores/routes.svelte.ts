// Routes page state: the section as form text, the carriers and extensions it may name, the
// server's field errors of the last save.
import { api } from '../api/api.ts';
import { ApiError } from '../api/errors.ts';
import type { ConfigDocument, WriteResult } from '../api/types.ts';
import { FieldErrors, fromDraft, toDraft, type RoutesDraft } from '../routes-draft.ts';

/** A trunk or line group a route may go out through. */
export interface Carrier {
  name: string;
  kind: 'trunk' | 'lineGroup';
}

class RoutesEditor {
  /** The form. */
  draft = $state<RoutesDraft>({ inbound: [], outbound: [], emergency: '' });
  /** The change comment the next version is saved with. */
  comment = $state('');
  /** Configuration version the form was loaded from. */
  version = $state<number | undefined>(undefined);
  carriers = $state<Carrier[]>([]);
  extensions = $state<ConfigDocument['extensions']>([]);
  /** Field errors of the last refused save. */
  errors = $state(new FieldErrors());
  /** The saved section as JSON, to tell unsaved edits. */
  private savedJson = $state('');

  /** True when the form differs from the loaded version. */
  get dirty(): boolean {
    return JSON.stringify(fromDraft(this.draft)) !== this.savedJson;
  }

  /** Loads the current configuration version; throws ApiError. */
  async load(): Promise<void> {
    const versions = await api.config.versions();
    const current = Math.max(...versions.map((v) => v.version));
    const doc = await api.config.version(current);
    this.version = current;
    this.draft = toDraft(doc.routes);
    this.savedJson = JSON.stringify(fromDraft(this.draft));
    this.carriers = [
      ...(doc.trunks ?? []).map((t) => ({ name: t.name, kind: 'trunk' as const })),
      ...(doc.analog?.lineGroups ?? []).map((g) => ({ name: g.name, kind: 'lineGroup' as const })),
    ];
    this.extensions = doc.extensions;
    this.errors = new FieldErrors();
  }

  /** Saves the form as a new version and reloads it; a refused save fills `errors` and rethrows. */
  async save(): Promise<WriteResult & { configVersion: number }> {
    try {
      const result = await api.config.saveRoutes(fromDraft(this.draft), this.comment.trim());
      this.comment = '';
      await this.load();
      return result;
    } catch (err) {
      this.errors = new FieldErrors(err instanceof ApiError ? err.details : []);
      throw err;
    }
  }
}

/** The Routes page state. */
export const routesEditor = new RoutesEditor();
