/** @hotline/drivers: the telephony-card boundary (see docs/drivers.md). */
export * from './telephony-card.ts';
export * from './card-error.ts';
