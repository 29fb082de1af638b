/** Prompt loading, caching and frame-by-frame playback, music on hold. */
export * from './prompt-audio.ts';
export * from './prompt-cache.ts';
export * from './prompt-playback.ts';
export * from './default-music.ts';
export * from './resample.ts';
export * from './prompt-convert.ts';
