// Fault reports page state.
import { api } from '../api/api.ts';
import type { FaultInput, FaultReport } from '../api/types.ts';

class FaultsState {
  /** Reports, newest first, with timing. */
  items = $state<FaultReport[]>([]);

  /** Loads the list; throws ApiError. */
  async load(): Promise<void> {
    this.items = await api.faults.list();
  }

  /** Creates or updates a report, then reloads; returns the saved one. */
  async save(id: number | undefined, input: FaultInput): Promise<FaultReport> {
    const r = id === undefined ? await api.faults.create(input) : await api.faults.update(id, input);
    await this.load();
    return r;
  }

  /** Moves a report to `state`, then reloads. */
  async transition(id: number, state: string): Promise<FaultReport> {
    const r = await api.faults.transition(id, state);
    await this.load();
    return r;
  }
}

/** The Fault reports page state. */
export const faults = new FaultsState();
