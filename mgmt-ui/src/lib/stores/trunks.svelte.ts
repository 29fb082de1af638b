// SIP trunks and their state for the Trunks page, polled while the page is open.
import { api } from '../api/api.ts';
import type { TrunkList } from '../api/types.ts';
import { Polled } from './polled.svelte.ts';

class TrunksState extends Polled<TrunkList> {
  /** Latest list, once loaded. */
  get list(): TrunkList | undefined {
    return this.value;
  }
}

/** The app-wide trunk state. */
export const trunks = new TrunksState(() => api.trunks.list(), 5000);
