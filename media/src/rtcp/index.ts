/** RTCP packets, compound parse/build, NTP time and report building (RFC 3550 §6). */
export * from './ntp.ts';
export * from './rtcp-packet.ts';
export * from './reports.ts';
