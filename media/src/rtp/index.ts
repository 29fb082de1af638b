/** RTP packets, sequence arithmetic and receiver statistics (RFC 3550). */
export * from './parse-failure.ts';
export * from './bytes.ts';
export * from './rtp-packet.ts';
export * from './sequence.ts';
export * from './receive-stats.ts';
