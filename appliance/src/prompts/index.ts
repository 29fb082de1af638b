/** The prompts folder (list, store, delete) and which configuration fields use a prompt. */
export * from './prompt-store.ts';
export * from './prompt-usage.ts';
export * from './default-prompts.ts';
export { convertPromptInWorker } from './convert-in-worker.ts';
