// Extensions page state: search, paging, and the write calls with their field errors.
import { api } from '../api/api.ts';
import type { Extension, ExtensionInput, WriteResult } from '../api/types.ts';

class ExtensionsState {
  /** Rows of the current page. */
  items = $state<Extension[]>([]);
  /** Rows matching the search. */
  total = $state(0);
  /** Search text (number or name). */
  search = $state('');
  /** First row shown. */
  offset = $state(0);
  /** Rows per page. */
  readonly limit = 50;
  /** True while a list request runs. */
  loading = $state(false);

  /** Loads the current page; throws ApiError. */
  async load(): Promise<void> {
    this.loading = true;
    try {
      const page = await api.extensions.list({ search: this.search.trim(), offset: this.offset, limit: this.limit });
      this.items = page.items;
      this.total = page.total;
    } finally {
      this.loading = false;
    }
  }

  /** Creates or updates, then reloads the list; throws ApiError (with details) on failure. */
  async save(existing: string | undefined, input: ExtensionInput): Promise<WriteResult> {
    const result = existing ? await api.extensions.update(existing, input) : await api.extensions.create(input);
    await this.load();
    return result ?? {};
  }

  /** Deletes one extension and reloads. */
  async remove(number: string): Promise<WriteResult> {
    const result = await api.extensions.remove(number);
    await this.load();
    return result ?? {};
  }
}

/** The Extensions page state. */
export const extensions = new ExtensionsState();
