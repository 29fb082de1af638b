export * from './types.ts';
export * from './timers.ts';
export * from './transaction-key.ts';
export { ClientTransaction, buildCancel, buildNon2xxAck } from './client-transaction.ts';
export { ServerTransaction } from './server-transaction.ts';
export { TransactionLayer, type TransactionCounters } from './transaction-layer.ts';
