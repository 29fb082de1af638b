/** Caller ID for analog lines: SDMF/MDMF messages, Bell 202 / V.23 FSK transmit and receive, DTMF caller ID. */
export * from './message.ts';
export * from './fsk-modem.ts';
export * from './fsk-generator.ts';
export * from './fsk-receiver.ts';
export * from './dtmf-callerid.ts';
