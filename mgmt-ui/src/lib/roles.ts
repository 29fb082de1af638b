// Which roles may read what, mirroring appliance/src/mgmt/roles.ts: the UI only hides what a
// role cannot use (the API enforces the rules), so these follow the server's lists.
import type { Role } from './api/types.ts';

/** Operational reads (OPERATIONS_READERS): everyone but agents. */
export const staff: readonly Role[] = ['admin', 'supervisor', 'engineer', 'auditor'];

/** Configuration versions and accounts (CONFIG_READERS); only admins write. */
export const configReaders: readonly Role[] = ['admin', 'engineer', 'auditor'];

/** Who may read `/alarms` (OPERATIONS_READERS). */
export const alarmReaders: readonly Role[] = staff;

/** Inspections and fault reports (MAINTENANCE_READERS); admins and engineers write. */
export const maintenanceReaders: readonly Role[] = ['admin', 'engineer', 'auditor'];

/** The customer table (CUSTOMER_READERS); admins and supervisors write, agents add notes. */
export const customerReaders: readonly Role[] = ['admin', 'supervisor', 'agent'];

/** Customer create/edit/import (CUSTOMER_WRITERS). */
export const customerWriters: readonly Role[] = ['admin', 'supervisor'];

/** Call-center reports (REPORT_READERS). */
export const reportReaders: readonly Role[] = staff;
