export * from './session-description.ts';
export * from './negotiation.ts';
