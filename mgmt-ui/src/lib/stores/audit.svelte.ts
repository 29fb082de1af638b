// Audit log page state.
import { api, type AuditFilter } from '../api/api.ts';
import type { AuditEntry } from '../api/types.ts';
import { fromLocalInput } from '../format.ts';

class AuditState {
  /** `YYYY-MM-DDTHH:mm` in the appliance zone, or ''. */
  from = $state('');
  /** `YYYY-MM-DDTHH:mm` in the appliance zone, or ''. */
  to = $state('');
  /** Actor user name. */
  actor = $state('');
  /** Action, e.g. `auth.login`. */
  action = $state('');
  /** Free text. */
  q = $state('');
  /** First row shown. */
  offset = $state(0);
  /** Rows per page. */
  readonly limit = 25;
  /** Rows of the current page. */
  items = $state<AuditEntry[]>([]);
  /** Rows matching. */
  total = $state(0);

  /** The filters as API query values. */
  filter(timeZone: string): AuditFilter {
    return {
      from: fromLocalInput(this.from, timeZone),
      to: fromLocalInput(this.to, timeZone),
      actor: this.actor.trim(),
      action: this.action.trim(),
      q: this.q.trim(),
      offset: this.offset,
      limit: this.limit,
    };
  }

  /** Loads the current page; throws ApiError. */
  async load(timeZone: string): Promise<void> {
    const page = await api.audit.list(this.filter(timeZone));
    this.items = page.items;
    this.total = page.total;
  }
}

/** The Audit page state. */
export const audit = new AuditState();
