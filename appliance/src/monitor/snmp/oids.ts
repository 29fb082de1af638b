/**
 * Placeholder enterprise arc: 32473 is RFC 5612's Private Enterprise Number for documentation.
 * Replace here and in HOTLINE-MIB's MODULE-IDENTITY when the vendor's own PEN is assigned.
 */
export const HOTLINE_ENTERPRISE_OID = '1.3.6.1.4.1.32473';

/** hlObjects: everything the agent serves under the enterprise arc. */
export const HL_OBJECTS = `${HOTLINE_ENTERPRISE_OID}.1`;

/** Notifications under the `.0` arc (RFC 3584 §3: v2 trap OIDs that map back to v1 traps). */
export const HL_ALARM_RAISED = `${HOTLINE_ENTERPRISE_OID}.0.1`;
export const HL_ALARM_CLEARED = `${HOTLINE_ENTERPRISE_OID}.0.2`;

/** MIB-2 system group (RFC 3418) and HOST-RESOURCES-MIB (RFC 2790). */
export const MIB2_SYSTEM = '1.3.6.1.2.1.1';
export const HOST_RESOURCES = '1.3.6.1.2.1.25';
