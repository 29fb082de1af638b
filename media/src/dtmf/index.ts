/** DTMF: RFC 4733 telephone-events in and out, in-band detection and generation. */
export * from './digits.ts';
export * from './goertzel.ts';
export * from './telephone-event.ts';
export * from './event-receiver.ts';
export * from './event-sender.ts';
export * from './inband-detector.ts';
export * from './inband-generator.ts';
