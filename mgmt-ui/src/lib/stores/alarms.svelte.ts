// Active alarms: the dashboard panel lists them and the navigation shows their count.
import { api } from '../api/api.ts';
import type { AlarmList } from '../api/types.ts';
import { Polled } from './polled.svelte.ts';

class AlarmsState extends Polled<AlarmList> {
  /** Active alarms, newest first (the server sorts them). */
  get items(): AlarmList['items'] {
    return this.value?.items ?? [];
  }
}

/** The app-wide alarm state. */
export const alarms = new AlarmsState(() => api.alarms.list(), 5000);
