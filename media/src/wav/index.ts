/** WAV reading, streaming writing, crash recovery and channel interleaving. */
export * from './wav-format.ts';
export * from './wav-file.ts';
export * from './interleave.ts';
