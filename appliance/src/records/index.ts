/** Records store: records.db (SQLite, WAL, numbered migrations) and the call detail records in it. */
export { openRecords, migrate, RecordsDb, RecordsSchemaTooNewError, type OpenRecordsOptions } from './db.ts';
export { recordsMigrations, type RecordsMigration } from './migrations.ts';
export { CdrStore, callDurations, type CallDisposition, type CallQuality, type LegQuality, type CallRecord, type CdrQuery, type HangupSide, type StoredCallRecord } from './cdr-store.ts';
export { UserStore, USER_ROLES, type UserRecord, type UserRole } from './user-store.ts';
export { AuditStore, type AuditEntry, type AuditOutcome, type AuditQuery, type StoredAuditEntry } from './audit-store.ts';
export { LoginFailureStore, type LoginFailureKind } from './login-failure-store.ts';
export { CdrSearchStore, type CdrQuarterCount, type CdrSearch } from './cdr-search.ts';
export { CdrQueue, type CdrQueueCounters, type RecordSink } from './cdr-queue.ts';
export { CdrWriter } from './cdr-writer.ts';
export { AlarmStore, type AlarmOccurrence } from './alarm-store.ts';
export { BackupRunStore, type BackupRun, type BackupRunKind, type BackupRunStatus } from './backup-run-store.ts';
export { RecordingStore, type RecordingEnd, type RecordingParty, type RecordingPause, type RecordingQuery, type RecordingStart, type RecordingState, type StoredRecording } from './recording-store.ts';
export { AgentStateStore, type SavedAgentState, type AgentStateSpell } from './agent-state-store.ts';
export { normalizePhone } from './customer-phone.ts';
export { CustomerStore, CUSTOMER_SERVICES, MAX_CUSTOMER_PHONES, customerProblems, type Customer, type CustomerInput, type CustomerProblem, type CustomerNote, type CustomerSearch, type CustomerService } from './customer-store.ts';
export { QueueCallStore, type QueueCallOutcome, type QueueCallRow, type StoredQueueCall } from './queue-call-store.ts';
export { QueueCallWriter, type Scheduler } from './queue-call-writer.ts';
export { QueueReportStore, type NotReadyTime, type QueueCallSums, type QueueReportRange, type ServiceLevels } from './queue-report-store.ts';
