/** The SIP stack's layers, each also importable on its own (see docs/sip.md). */
export * as message from './message/index.ts';
export * as transport from './transport/index.ts';
export * as transaction from './transaction/index.ts';
export * as dialog from './dialog/index.ts';
export * as auth from './auth/index.ts';
