/** Call-progress tones: zones as data, a cadence-driven generator, dBm0 levels and a sine oscillator. */
export * from './level.ts';
export * from './oscillator.ts';
export * from './tone-zones.ts';
export * from './tone-generator.ts';
