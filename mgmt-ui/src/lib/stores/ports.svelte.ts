// The telephony card and its ports for the Ports page, polled while the page is open.
import { api } from '../api/api.ts';
import type { PortList } from '../api/types.ts';
import { Polled } from './polled.svelte.ts';

/** Port states change with every hook and ring, so the page polls faster than the trunks. */
export const ports = new Polled<PortList>(() => api.ports.list(), 3000);
