/** Adaptive jitter buffer and G.711 loss concealment. */
export * from './g711-plc.ts';
export * from './jitter-buffer.ts';
