/** Maintenance: patrol-inspection checklists and runs, fault reports, their PDF reports. No HTTP here: mgmt routes call in. */
export { MaintenanceError, pick, type Bilingual, type ReportLanguage } from './text.ts';
export type { BackupStatus, BackupStatusSource } from './backup-status.ts';
export { backupRunsStatus } from './backup-runs-status.ts';
export { PROBES, PROBE_IDS, type ProbeSources, type ProbeReading, type HostReadings, type TimeSyncState } from './inspection/probes.ts';
export { hostProbeSources, type HostProbeOptions } from './inspection/host-probe-sources.ts';
export { judge, thresholdText } from './inspection/thresholds.ts';
export { DEFAULT_TEMPLATE, DEFAULT_TEMPLATE_ID } from './inspection/default-template.ts';
export type { ChecklistItem, ChecklistSection, ItemStatus, TemplateDefinition, TemplateVersion, Threshold } from './inspection/template-types.ts';
export { InspectionStore, type Finding, type ItemResult, type RiskLevel, type Run, type RunState, type RunSummary, type Signer, type SignatureInfo } from './inspection/inspection-store.ts';
export { InspectionService, MAX_PHOTO_BYTES, MAX_SIGNATURE_BYTES, imageType, type TrendSeries } from './inspection/inspection-service.ts';
export { inspectionReportPdf, type InspectionReportInput } from './inspection/report-pdf.ts';
export { FaultStore } from './fault/fault-store.ts';
export { FaultService, type FaultReportView, type NewFault } from './fault/fault-service.ts';
export { faultTiming, formatDuration, MILESTONES, type FaultTiming, type MilestoneTiming } from './fault/fault-timing.ts';
export { DEFAULT_TARGETS, FAULT_STATES, type FaultFields, type FaultLevel, type FaultReport, type FaultState, type LevelTargets, type ResponseTargets } from './fault/fault-types.ts';
export { faultReportPdf } from './fault/fault-pdf.ts';
