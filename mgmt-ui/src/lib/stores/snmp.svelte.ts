// SNMP page state: the settings as form text, the MIB files to download, the server's field
// errors of the last save.
import { api } from '../api/api.ts';
import { ApiError } from '../api/errors.ts';
import type { WriteResult } from '../api/types.ts';
import { FieldErrors } from '../routes-draft.ts';
import { SNMP_FIELD, fromSnmpDraft, toSnmpDraft, type SnmpDraft } from '../snmp-draft.ts';

class SnmpEditor {
  draft = $state<SnmpDraft>({ enabled: true, contact: '', location: '', v2cEnabled: false, community: '', communityStored: false, allowedSources: '', users: [], targets: [] });
  comment = $state('');
  /** Configuration version the form was loaded from. */
  version = $state<number | undefined>(undefined);
  /** Read-only facts shown above the form. */
  port = $state(0);
  engineId = $state('');
  mibFiles = $state<string[]>([]);
  errors = $state(new FieldErrors());

  /** Details no field of the page shows. */
  get unplaced() {
    return this.errors.details.filter((d) => !SNMP_FIELD.test(d.path));
  }

  /** Loads the current settings; throws ApiError. */
  async load(): Promise<void> {
    const doc = await api.snmp.settings();
    this.version = doc.configVersion;
    this.port = doc.settings.port;
    this.engineId = doc.settings.engineId;
    this.mibFiles = doc.mibFiles;
    this.draft = toSnmpDraft(doc.settings);
    this.errors = new FieldErrors();
  }

  /** Saves the form as a new version and reloads it; a refused save fills `errors` and rethrows. */
  async save(): Promise<WriteResult & { configVersion: number }> {
    try {
      const result = await api.snmp.save(fromSnmpDraft(this.draft), this.comment.trim());
      this.comment = '';
      await this.load();
      return result;
    } catch (err) {
      this.errors = new FieldErrors(err instanceof ApiError ? err.details : []);
      throw err;
    }
  }
}

/** The SNMP page state. */
export const snmpEditor = new SnmpEditor();
