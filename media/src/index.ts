/** @hotline/media — see ../shared DESIGN.md; populated by later issues. */
export const packageName = '@hotline/media';
export * from './rtp/index.ts';
export * from './g711/index.ts';
export * from './rtcp/index.ts';
export * from './jitter/index.ts';
export * from './wav/index.ts';
export * from './prompts/index.ts';
export * from './dtmf/index.ts';
export * from './tones/index.ts';
export * from './mixer/index.ts';
export * from './callerid/index.ts';
