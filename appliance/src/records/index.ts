/** Records store: records.db (SQLite, WAL, numbered migrations) and the call detail records in it. */
export { openRecords, migrate, RecordsDb, RecordsSchemaTooNewError, type OpenRecordsOptions } from './db.ts';
export { recordsMigrations, type RecordsMigration } from './migrations.ts';
export { CdrStore, callDurations, type CallDisposition, type CallRecord, type CdrQuery, type HangupSide, type StoredCallRecord } from './cdr-store.ts';
