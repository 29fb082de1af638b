/** G.711 A-law/µ-law codecs and transcoding. */
export * from './g711.ts';
