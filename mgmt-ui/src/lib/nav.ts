// The navigation config: every page is one entry here, and the layout, the router and
// the role check all read this array. A later page adds one line (see docs/ui.md).
import type { Component } from 'svelte';
import type { Role } from './api/types.ts';
import type { MessageKey } from './i18n/en.ts';
import Dashboard from '../pages/Dashboard.svelte';
import Extensions from '../pages/Extensions.svelte';
import CallRecords from '../pages/CallRecords.svelte';
import Users from '../pages/Users.svelte';
import Audit from '../pages/Audit.svelte';
import ConfigHistory from '../pages/ConfigHistory.svelte';
import Trunks from '../pages/Trunks.svelte';
import Ports from '../pages/Ports.svelte';
import Routes from '../pages/Routes.svelte';
import Inspections from '../pages/Inspections.svelte';
import FaultReports from '../pages/FaultReports.svelte';
import AgentDesktop from '../pages/AgentDesktop.svelte';
import Wallboard from '../pages/Wallboard.svelte';
import { alarms } from './stores/alarms.svelte.ts';
import { configReaders, customerReaders, maintenanceReaders, reportReaders, staff } from './roles.ts';
import Backups from '../pages/Backups.svelte';
import Recordings from '../pages/Recordings.svelte';
import Ivr from '../pages/Ivr.svelte';
import Snmp from '../pages/Snmp.svelte';
import Customers from '../pages/Customers.svelte';
import Reports from '../pages/Reports.svelte';
import Voicemail from '../pages/Voicemail.svelte';

/** One page of the UI. */
export interface NavEntry {
  /** Hash route, `#/<path>`. */
  path: string;
  /** Catalog key of the navigation label and page title. */
  label: MessageKey;
  /** Short glyph shown next to the label (and alone on narrow screens). */
  icon: string;
  /** Roles that see the page; the API enforces the same rules on its side. */
  roles: readonly Role[];
  component: Component;
  /** A count shown next to the label when above zero (read reactively by the nav bar). */
  badge?: () => number;
}

/** All pages, in menu order. */
export const nav: readonly NavEntry[] = [
  { path: 'dashboard', label: 'nav.dashboard', icon: '◉', roles: [...staff, 'agent'], component: Dashboard, badge: () => alarms.items.length },
  { path: 'extensions', label: 'nav.extensions', icon: '☎', roles: staff, component: Extensions },
  { path: 'trunks', label: 'nav.trunks', icon: '⇄', roles: staff, component: Trunks },
  { path: 'ports', label: 'nav.ports', icon: '☷', roles: staff, component: Ports },
  { path: 'routes', label: 'nav.routes', icon: '⤳', roles: configReaders, component: Routes },
  { path: 'ivr', label: 'nav.ivr', icon: '☰', roles: configReaders, component: Ivr },
  { path: 'agent', label: 'nav.agent', icon: '☏', roles: ['admin', 'supervisor', 'agent'], component: AgentDesktop },
  { path: 'wallboard', label: 'nav.wallboard', icon: '▤', roles: [...staff, 'agent'], component: Wallboard },
  { path: 'customers', label: 'nav.customers', icon: '☺', roles: customerReaders, component: Customers },
  { path: 'reports', label: 'nav.reports', icon: '▥', roles: reportReaders, component: Reports },
  { path: 'cdr', label: 'nav.cdr', icon: '≡', roles: staff, component: CallRecords },
  // The API's RECORDING_READERS; only admins and supervisors get the player, download and export.
  { path: 'recordings', label: 'nav.recordings', icon: '♪', roles: ['admin', 'supervisor', 'auditor'], component: Recordings },
  // The API's VOICEMAIL_USERS (users are not tied to extensions, so box owners cannot sign in for their box alone).
  { path: 'voicemail', label: 'nav.voicemail', icon: '✉', roles: ['admin', 'supervisor'], component: Voicemail },
  { path: 'users', label: 'nav.users', icon: '♙', roles: ['admin', 'engineer', 'auditor'], component: Users },
  { path: 'audit', label: 'nav.audit', icon: '✎', roles: ['admin', 'engineer', 'auditor'], component: Audit },
  { path: 'config', label: 'nav.config', icon: '⟲', roles: configReaders, component: ConfigHistory },
  { path: 'inspections', label: 'nav.inspections', icon: '✓', roles: maintenanceReaders, component: Inspections },
  { path: 'faults', label: 'nav.faults', icon: '⚠', roles: maintenanceReaders, component: FaultReports },
  { path: 'snmp', label: 'nav.snmp', icon: '⌁', roles: configReaders, component: Snmp },
  { path: 'backups', label: 'nav.backups', icon: '⛁', roles: ['admin'], component: Backups },
];

/** Pages a role may open. */
export function pagesFor(role: Role): NavEntry[] {
  return nav.filter((p) => p.roles.includes(role));
}
