// Customers page state: the search and its page, and the CSV import (its progress is polled while
// the upload runs, so a large file shows how far the server has read).
import { api } from '../api/api.ts';
import type { Customer, ImportProgress, ImportResult } from '../api/types.ts';

class CustomersState {
  q = $state('');
  offset = $state(0);
  readonly limit = 25;
  items = $state<Customer[]>([]);
  total = $state(0);
  /** Progress of the import running from this page. */
  progress = $state<ImportProgress | undefined>(undefined);
  /** The last import's answer. */
  result = $state<ImportResult | undefined>(undefined);

  /** Loads the current page; throws ApiError. */
  async load(): Promise<void> {
    const page = await api.customers.search({ q: this.q.trim() || undefined, offset: this.offset, limit: this.limit });
    this.items = page.items;
    this.total = page.total;
  }

  /** Uploads `file` and polls the progress every 300 ms until the answer; throws ApiError. */
  async import(file: File): Promise<void> {
    this.result = undefined;
    this.progress = { id: '', state: 'running', bytesDone: 0, bytesTotal: file.size, lines: 0, created: 0, updated: 0, rejected: 0 };
    let polling = true;
    const poll = async () => {
      while (polling) {
        await new Promise((r) => setTimeout(r, 300));
        if (!polling) return;
        const p = (await api.customers.importProgress().catch(() => ({ progress: null }))).progress;
        if (polling && p?.state === 'running') this.progress = p;
      }
    };
    void poll();
    try {
      this.result = await api.customers.import(file);
      this.progress = this.result.progress;
    } catch (err) {
      this.progress = undefined;
      throw err;
    } finally {
      polling = false;
    }
    this.offset = 0;
    await this.load();
  }
}

/** The Customers page state. */
export const customers = new CustomersState();
