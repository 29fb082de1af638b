import type { UserRole } from '../records/index.ts';

/** Who may call a route: a list of roles, `'authenticated'` (any signed-in role) or `'public'`. */
export type RouteAccess = readonly UserRole[] | 'authenticated' | 'public';

/** Every role. */
export const ALL_ROLES: readonly UserRole[] = ['admin', 'supervisor', 'engineer', 'auditor', 'agent'];

/** Operational reads (dashboard data, extensions, CDRs): everyone but agents. */
export const OPERATIONS_READERS: readonly UserRole[] = ['admin', 'supervisor', 'engineer', 'auditor'];

/** Configuration history and account lists: not supervisors (operational only) nor agents. */
export const CONFIG_READERS: readonly UserRole[] = ['admin', 'engineer', 'auditor'];

/** The audit log: admins and auditors. */
export const AUDIT_READERS: readonly UserRole[] = ['admin', 'auditor'];

/** Inspections and fault reports: the vendor's engineers and admins record them. */
export const MAINTENANCE_WRITERS: readonly UserRole[] = ['admin', 'engineer'];

/** Inspections and fault reports are read by those who write them and by auditors. */
export const MAINTENANCE_READERS: readonly UserRole[] = ['admin', 'engineer', 'auditor'];

/** The customer table and its call history (screen pop): those who take the calls and their supervisors. */
export const CUSTOMER_READERS: readonly UserRole[] = ['admin', 'supervisor', 'agent'];

/** Creating, editing and importing customers: admins and supervisors (agents add notes). */
export const CUSTOMER_WRITERS: readonly UserRole[] = ['admin', 'supervisor'];

/** Call-center reports: operational readers (not agents). */
export const REPORT_READERS: readonly UserRole[] = OPERATIONS_READERS;

/** Every write: admins only. */
export const ADMIN_ONLY: readonly UserRole[] = ['admin'];

/** The roles `access` admits (every role for 'authenticated' and 'public'). */
export function allowedRoles(access: RouteAccess): readonly UserRole[] {
  return typeof access === 'string' ? ALL_ROLES : access;
}
