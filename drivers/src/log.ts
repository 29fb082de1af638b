import { pino, type Logger } from 'pino';

// drivers/ sits below appliance/ and must not import it (house rule 1), so it keeps
// its own root logger configured the same way as appliance/src/log.ts.
const rootLogger: Logger = pino({
  level: process.env.HOTLINE_LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
  base: { service: process.env.HOTLINE_SERVICE ?? 'hotline' },
});

/** A child logger for one drivers module. */
export function moduleLogger(module: string): Logger {
  return rootLogger.child({ module });
}
