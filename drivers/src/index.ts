/** @hotline/drivers: the telephony-card boundary (see docs/drivers.md). */
export * from './telephony-card.ts';
export * from './card-error.ts';
export { openDahdiCard, DahdiCard, type DahdiCardOptions, type DahdiCardStats } from './dahdi/dahdi-backend.ts';
export { LIBC_BINDING, simulatorBinding, type DahdiBinding, type DahdiSymbols } from './dahdi/binding.ts';
export { loadSimulator, SIMULATOR_LIBRARY, type SimulatorControl } from './simulator/sim-control.ts';
export { systemConf, channelRanges, dahdiToneZone, DAHDI_TONE_ZONES, DAHDI_ECHO_CANCELLERS, type SystemConfOptions, type SystemConfPort } from './dahdi/system-conf.ts';
export { ECHO_LIBRARY, MAX_ECHO_TAPS } from './echo/echo-canceller.ts';
export { DAHDI_ONHOOK, DAHDI_OFFHOOK } from './dahdi/abi.ts';
